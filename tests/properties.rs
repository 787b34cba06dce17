//! Property tests of the compiler's core: random well-formed campaigns check
//! clean and lower to verified SQL in both modes; a campaign made to overlap
//! is rejected naming the right phases; the reference evaluator never gives
//! a row to two phases and agrees with an independent reading of the rule.

mod support;

use bannerc::diag::Diagnostic;
use bannerc::exec::reference::{self, Row};
use bannerc::ir::{Campaign, DateRange, Mode, PhaseSpec};
use bannerc::lower::{Dialect, LowerOptions, lower};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use support::{day, phase, spec};

const ZONES: &[&str] = &[
    "UTC",
    "Asia/Kolkata",
    "America/New_York",
    "Australia/Lord_Howe",
];
const NAMES: &[&str] = &[
    "add-report-prod-server",
    "o'brien-srv; DROP TABLE x; --",
    "back\\slash",
    "tick`name",
    "quote\"name",
    "H_5901_distinct_2025-01-01",
    "plain-log",
];

/// A well-formed campaign: disjoint ranges dealt to phases, distinct
/// specials, distinct targets.
fn well_formed() -> impl Strategy<Value = (String, Vec<PhaseSpec>)> {
    (1usize..7, prop::sample::select(ZONES), any::<u64>())
        .prop_flat_map(|(phases, zone, seed)| {
            let ranges = prop::collection::vec((0i64..4, 0i64..6), phases..phases * 2 + 1);
            let specials = prop::collection::vec(prop::option::of(0usize..NAMES.len()), phases);
            let excepts = prop::collection::vec(prop::option::of(0usize..NAMES.len()), phases);
            (
                Just(phases),
                Just(zone.to_string()),
                Just(seed),
                ranges,
                specials,
                excepts,
            )
        })
        .prop_map(|(phases, zone, seed, ranges, specials, excepts)| {
            let start = day("2025-03-01");
            let mut cursor = start;
            let mut takes: Vec<Vec<DateRange>> = vec![Vec::new(); phases];
            for (index, (gap, len)) in ranges.into_iter().enumerate() {
                let first = cursor + Duration::days(gap);
                let last = first + Duration::days(len);
                cursor = last + Duration::days(1);
                let owner = (index + seed as usize) % phases;
                takes[owner].push(DateRange::new(first, last).expect("ordered"));
            }
            let mut used_specials = Vec::new();
            let specs = (0..phases)
                .map(|i| {
                    let special: Vec<&str> = specials[i]
                        .map(|n| NAMES[n])
                        .filter(|n| !used_specials.contains(n))
                        .into_iter()
                        .collect();
                    used_specials.extend(special.iter().copied());
                    let except: Vec<&str> = excepts[i].map(|n| NAMES[n]).into_iter().collect();
                    let target = day("2025-06-01") + Duration::days(i as i64 * 2);
                    phase(i as u32 + 1, &takes[i], &special, &except, target)
                })
                .collect();
            (zone, specs)
        })
}

fn expand(zone: &str, phases: Vec<PhaseSpec>) -> Campaign {
    bannerc::plan::expand(&spec(zone, phases), None).expect("explicit phases expand")
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.is_error()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn well_formed_campaigns_check_clean_and_verify((zone, phases) in well_formed()) {
        let campaign = expand(&zone, phases);
        let diagnostics = bannerc::check::check(&campaign, false);
        prop_assert!(errors(&diagnostics).is_empty(), "{diagnostics:#?}");
        for mode in [Mode::Fused, Mode::InPlace] {
            let script = lower(&campaign, Dialect::Bigquery, &LowerOptions { mode, run_id: None })
                .expect("lowers");
            let verified = bannerc::verify::verify(&script);
            prop_assert!(verified.is_ok(), "{:?}\n{}", verified, script.sql);
        }
    }

    #[test]
    fn an_overlap_is_rejected_naming_both_phases(
        (zone, mut phases) in well_formed(),
        pick in any::<(usize, usize)>(),
    ) {
        let owners: Vec<usize> = (0..phases.len()).filter(|&i| !phases[i].takes.is_empty()).collect();
        prop_assume!(phases.len() >= 2 && !owners.is_empty());
        let victim = owners[pick.0 % owners.len()];
        let thief = (victim + 1 + pick.1 % (phases.len() - 1)) % phases.len();
        let stolen = phases[victim].takes[0].clone();
        phases[thief].takes.push(stolen);
        let (victim_id, thief_id) = (phases[victim].id.node, phases[thief].id.node);

        let diagnostics = bannerc::check::check(&expand(&zone, phases), false);
        let overlaps: Vec<&Diagnostic> =
            diagnostics.iter().filter(|d| d.code == "E0501" && d.is_error()).collect();
        prop_assert!(!overlaps.is_empty(), "{diagnostics:#?}");
        let mut named = phase_numbers(&overlaps[0].message);
        named.sort_unstable();
        let mut expected = vec![victim_id, thief_id];
        expected.sort_unstable();
        prop_assert_eq!(named, expected, "{}", overlaps[0].message);
        prop_assert_eq!(overlaps[0].labels.len(), 2);
    }

    #[test]
    fn the_reference_gives_each_row_to_at_most_one_phase(
        (zone, phases) in well_formed(),
        rows in prop::collection::vec(row(), 0..80),
    ) {
        let campaign = expand(&zone, phases);
        for row in &rows {
            let taking = reference::phases_taking(&campaign, row);
            prop_assert!(taking.len() <= 1, "{row:?} taken by {taking:?}");
            prop_assert_eq!(taking.first().copied(), independent_owner(&campaign, row), "{:?}", row);
        }
    }
}

/// The numbers after "phase"/"phases"/"and" in a message.
fn phase_numbers(message: &str) -> Vec<u32> {
    message
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .filter(|w| !w.is_empty() && !w.contains('-'))
        .filter_map(|w| w.parse().ok())
        .take(2)
        .collect()
}

/// A random staging row around the campaigns' source days.
fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.95, 0i64..(120 * 24 * 3600)),
        prop::option::weighted(0.9, prop::sample::select(NAMES)),
    )
        .prop_map(|(offset, name)| Row {
            timestamp: offset.map(|s| {
                Utc.with_ymd_and_hms(2025, 2, 20, 0, 0, 0).unwrap() + Duration::seconds(s)
            }),
            log_name: name.map(str::to_string),
            start_time: Some("2025-03-03 10:00:00".into()),
            end_time: None,
            timestamp_get: None,
            banner_id: None,
        })
}

/// Which phase takes the row, read off the rule a second way: specials
/// decide first; otherwise a per-day lookup of the date rule.
fn independent_owner(campaign: &Campaign, row: &Row) -> Option<u32> {
    let name = row.log_name.as_deref();
    for phase in &campaign.phases {
        if phase.special.iter().any(|s| Some(s.node.as_str()) == name) {
            return Some(phase.id);
        }
    }
    let special = campaign
        .phases
        .iter()
        .flat_map(|p| &p.special)
        .any(|s| Some(s.node.as_str()) == name);
    let produced = name.is_some_and(|n| {
        n.starts_with("H_")
            && n.find("_distinct_")
                .is_some_and(|i| i > 2 && n.len() > i + 10)
    });
    if special || produced {
        return None;
    }
    let day: NaiveDate = reference::local_date(row.timestamp?, &campaign.zone.node);
    campaign
        .phases
        .iter()
        .find(|p| {
            p.takes.iter().any(|r| r.node.contains(day))
                && !p.except.iter().any(|x| Some(x.node.as_str()) == name)
        })
        .map(|p| p.id)
}
