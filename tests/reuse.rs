//! Across runs (SEMANTICS.md): a new campaign whose rows an applied run on
//! the same source already took is refused, whichever rule (date or special
//! log) took them on either side; a ledger row whose claims cannot be read
//! refuses too.

use bannerc::exec::facts::LedgerEntry;
use bannerc::exec::preflight::{Conflict, reuse_conflicts};
use bannerc::ir::Campaign;
use bannerc::lower::ledger::Claims;

fn campaign(phases: &str) -> Campaign {
    let text = format!(
        "campaign C {{\n    banner 5902\n    source `p.d.staging`\n    target `p.d.calls`\n    zone UTC\n{phases}}}\n"
    );
    let (spec, diagnostics) = bannerc::syntax::parse(&text);
    let spec = spec.unwrap_or_else(|| panic!("{text}\n{diagnostics:?}"));
    bannerc::plan::expand(&spec, None).expect("expands")
}

/// An applied run of `phases` on the same source.
fn run(phases: &str) -> LedgerEntry {
    let earlier = campaign(phases);
    entry(Some(Claims::of(&earlier)), "applied")
}

fn entry(claims: Option<Claims>, status: &str) -> LedgerEntry {
    LedgerEntry {
        ledger: "d.bannerc_runs".into(),
        run_id: "r1".into(),
        plan_hash: "h".into(),
        campaign: "Earlier".into(),
        source_table: "p.d.staging".into(),
        target_table: "p.d.calls".into(),
        mode: "fused".into(),
        status: status.into(),
        phase_counts: Vec::new(),
        claims,
        backup_table: None,
        started_at: None,
        finished_at: None,
        rolled_back_at: None,
    }
}

fn conflicts(new: &str, earlier: &LedgerEntry) -> Vec<Conflict> {
    reuse_conflicts(&campaign(new), std::slice::from_ref(earlier), |t| {
        t == "p.d.staging"
    })
}

#[test]
fn a_special_log_whose_rows_an_earlier_run_took_by_date_is_refused() {
    let earlier = run("    phase 1: 2025-04-01..2025-04-30 -> 2025-05-05\n");
    let found = conflicts(
        "    phase 1: + log \"banner-request\" -> 2025-06-01\n",
        &earlier,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].run_id, "r1");
    assert_eq!(found[0].logs, ["banner-request"]);
    assert!(found[0].days.is_empty());

    // A log the earlier run excluded from every phase with days was not
    // taken; one that only some phases excluded was.
    let excluded = run(
        "    phase 1: 2025-04-01..2025-04-10 except log \"banner-request\" -> 2025-05-05\n\
         \x20   phase 2: 2025-04-11..2025-04-30 except log \"banner-request\" -> 2025-05-06\n",
    );
    let new = "    phase 1: + log \"banner-request\" -> 2025-06-01\n";
    assert!(conflicts(new, &excluded).is_empty());
    let partly = run(
        "    phase 1: 2025-04-01..2025-04-10 except log \"banner-request\" -> 2025-05-05\n\
         \x20   phase 2: 2025-04-11..2025-04-30 -> 2025-05-06\n",
    );
    assert_eq!(conflicts(new, &partly)[0].logs, ["banner-request"]);
}

#[test]
fn days_that_take_an_earlier_runs_special_log_are_refused() {
    let earlier = run("    phase 1: 2025-04-01 + log \"special-x\" -> 2025-05-01\n");
    let found = conflicts("    phase 1: 2025-04-05 -> 2025-05-10\n", &earlier);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].logs, ["special-x"]);
    assert!(found[0].days.is_empty());

    // Excluded by the only phase with days: those rows are not taken again.
    let excluded = conflicts(
        "    phase 1: 2025-04-05 except log \"special-x\" -> 2025-05-10\n",
        &earlier,
    );
    assert!(excluded.is_empty(), "{excluded:?}");
}

#[test]
fn shared_days_and_shared_special_logs_are_refused() {
    let earlier = run("    phase 1: 2025-04-01..2025-04-10 + log \"s\" -> 2025-05-01\n");
    let found = conflicts(
        "    phase 1: 2025-04-08..2025-04-12 + log \"s\" -> 2025-05-02\n",
        &earlier,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].days, ["2025-04-08..2025-04-10"]);
    assert_eq!(found[0].logs, ["s"]);
}

#[test]
fn other_days_and_an_earlier_output_taken_on_purpose_are_not_refused() {
    let earlier = run("    phase 1: 2025-04-01..2025-04-10 -> 2025-05-01\n");
    let later_days = conflicts(
        "    phase 1: 2025-04-11..2025-04-20 -> 2025-05-02\n",
        &earlier,
    );
    assert!(later_days.is_empty(), "{later_days:?}");
    // Rows of the output form are never taken by a date rule.
    let output = conflicts(
        "    phase 1: + log \"H_5902_distinct_2025-05-01\" -> 2025-05-03\n",
        &earlier,
    );
    assert!(output.is_empty(), "{output:?}");
}

#[test]
fn rolled_back_runs_and_other_sources_do_not_count() {
    let mut earlier = run("    phase 1: 2025-04-01..2025-04-10 -> 2025-05-01\n");
    earlier.status = "rolled_back".into();
    assert!(conflicts("    phase 1: 2025-04-01 -> 2025-05-02\n", &earlier).is_empty());
    earlier.status = "applied".into();
    earlier.source_table = "p.d.other".into();
    assert!(conflicts("    phase 1: 2025-04-01 -> 2025-05-02\n", &earlier).is_empty());
}

#[test]
fn claims_that_cannot_be_read_refuse() {
    let new = "    phase 1: 2025-06-01 -> 2025-06-10\n";
    let missing = conflicts(new, &entry(None, "applied"));
    assert_eq!(missing.len(), 1);
    assert!(missing[0].unreadable_claims);

    let mut claims = Claims::of(&campaign("    phase 1: 2025-04-01 -> 2025-05-01\n"));
    claims.zone = "Mars/Olympus".into();
    let bad_zone = conflicts(new, &entry(Some(claims.clone()), "applied"));
    assert!(
        bad_zone.len() == 1 && bad_zone[0].unreadable_claims,
        "{bad_zone:?}"
    );

    claims.zone = "UTC".into();
    claims.days = vec![["2025-04-10".into(), "2025-04-01".into()]];
    let reversed = conflicts(new, &entry(Some(claims), "applied"));
    assert!(
        reversed.len() == 1 && reversed[0].unreadable_claims,
        "{reversed:?}"
    );
}

#[test]
fn a_special_log_naming_an_in_place_runs_output_is_reuse() {
    let mut earlier = run("    phase 1: 2025-04-01 -> 2025-05-01\n");
    earlier.phase_counts = vec![bannerc::exec::facts::PhaseCount {
        phase: 1,
        log_name: Some("H_5902_distinct_2025-05-01".into()),
        taken_rows: 100,
    }];
    let new = "    phase 1: + log \"H_5902_distinct_2025-05-01\" -> 2025-06-01\n";
    // A fused run left staging as it was: nothing of it carries that name.
    assert!(conflicts(new, &earlier).is_empty());
    earlier.mode = "in-place".into();
    let found = conflicts(new, &earlier);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].logs, ["H_5902_distinct_2025-05-01"]);
}
