//! Arbitrary text through every stage (the fuzz targets' path, in the normal
//! test suite): no panic, and whatever checks clean also verifies.

use bannerc::cli::pipeline::{Reached, run_text};
use proptest::prelude::*;

/// Text near the language: golden inputs with random edits.
fn mutated(seed: &'static str) -> impl Strategy<Value = String> {
    (prop::collection::vec((0usize..4000, ".{0,12}"), 0..6)).prop_map(move |edits| {
        let mut text = seed.to_string();
        for (at, insert) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = (at + insert.len() % 7).min(text.len());
            let end = (end..=text.len())
                .find(|&e| text.is_char_boundary(e))
                .unwrap_or(text.len());
            text.replace_range(at..end, &insert);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bnr_text_never_panics(text in ".{0,400}") {
        prop_assert!(run_text(&text, false).is_ok());
    }

    #[test]
    fn arbitrary_yaml_text_never_panics(text in ".{0,400}") {
        prop_assert!(run_text(&text, true).is_ok());
    }

    #[test]
    fn edited_campaigns_never_panic(text in mutated(include_str!("../golden/worked_example.bnr"))) {
        prop_assert!(run_text(&text, false).is_ok(), "{:?}", run_text(&text, false));
    }

    #[test]
    fn edited_schedules_never_panic(text in mutated(include_str!("../golden/daily_two_a_day.bnr"))) {
        prop_assert!(run_text(&text, false).is_ok());
    }

    #[test]
    fn edited_configurations_never_panic(text in mutated(include_str!("../golden/original_design.yaml"))) {
        prop_assert!(run_text(&text, true).is_ok());
    }
}

#[test]
fn the_unedited_inputs_verify() {
    let bnr = include_str!("../golden/worked_example.bnr");
    assert_eq!(run_text(bnr, false).ok(), Some(Reached::Verified));
    let yaml = include_str!("../golden/original_design.yaml");
    assert_eq!(run_text(yaml, true).ok(), Some(Reached::Verified));
}
