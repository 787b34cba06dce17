//! Lowering the worked example through the YAML front end, in both modes,
//! and verifying the result.

use bannerc::ir::Mode;
use bannerc::lower::{Dialect, LowerOptions, lower};

#[test]
fn worked_example_lowers_and_verifies_in_both_modes() {
    let text = std::fs::read_to_string("examples/worked_example.yaml").unwrap();
    let (spec, diagnostics) = bannerc::config::parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let campaign = bannerc::plan::expand(&spec.unwrap(), None).unwrap();
    assert!(
        bannerc::check::check(&campaign, false)
            .iter()
            .all(|d| !d.is_error())
    );
    for mode in [Mode::Fused, Mode::InPlace] {
        let script = lower(
            &campaign,
            Dialect::Bigquery,
            &LowerOptions { mode, run_id: None },
        )
        .unwrap();
        std::fs::write(format!("/tmp/worked-{}.sql", mode.as_str()), &script.sql).unwrap();
        let verified = bannerc::verify::verify(&script).unwrap();
        assert!(verified.statements > 5);
    }
}
