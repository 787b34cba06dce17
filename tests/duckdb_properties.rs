//! For random well-formed campaigns over random staging rows: DuckDB's
//! fused target rows, DuckDB's in-place target rows and the reference
//! evaluator's are the same; fused mode leaves staging unchanged; in-place
//! mode transforms exactly the taken staging rows (rows that already bear
//! one of the campaign's log names are left alone and not inserted), and
//! rolling it back gives every table back as it was; the ledger counts what
//! the reference counts.

#![cfg(feature = "duckdb")]

mod duckdb_support;

use bannerc::exec::duckdb::DuckDbEngine;
use bannerc::exec::reference::{self, Row};
use bannerc::exec::{Access, Engine, Silent};
use bannerc::ir::{Campaign, Mode};
use chrono::{Duration, NaiveDate};
use duckdb::Connection;
use duckdb_support::*;
use proptest::prelude::*;

const SOURCE: &str = "logs.staging";
const TARGET: &str = "prod.banner_call_data";
const ZONES: [&str; 3] = ["UTC", "Asia/Kolkata", "America/New_York"];
/// Logs a phase may take specially.
const SPECIALS: [&str; 3] = ["special-a", "o'brien; DROP TABLE x; --", r"back\slash"];
/// Logs a phase may exclude.
const EXCEPTS: [&str; 2] = ["noisy", "app2"];
/// Source days: 2025-03-03 .. 2025-03-14 (New York springs forward on the 9th).
const SOURCE_DAYS: u32 = 12;

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 3).unwrap() + Duration::days(i64::from(offset))
}

/// A generated campaign: a zone, and per phase its days, specials,
/// exceptions, target day (offset from 2025-03-01) and banner.
#[derive(Debug, Clone)]
struct CampaignGen {
    zone: usize,
    owners: Vec<Option<usize>>,
    special_owners: Vec<Option<usize>>,
    phases: Vec<(Vec<bool>, u32, bool)>,
}

impl CampaignGen {
    fn text(&self) -> String {
        let mut phases = String::new();
        for (index, (excepts, target, other_banner)) in self.phases.iter().enumerate() {
            let ranges = self.ranges_of(index);
            let mut line = format!("  phase {}: {}", index + 1, ranges.join(", "));
            for (name, owner) in SPECIALS.iter().zip(&self.special_owners) {
                if *owner == Some(index) {
                    line.push_str(&format!(" + log \"{}\"", name.replace('\\', "\\\\")));
                }
            }
            for (name, on) in EXCEPTS.iter().zip(excepts) {
                if *on {
                    line.push_str(&format!(" except log \"{name}\""));
                }
            }
            let target =
                NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() + Duration::days(i64::from(*target));
            line.push_str(&format!(
                " -> {target}{}\n",
                if *other_banner { " banner 7002" } else { "" }
            ));
            phases.push_str(&line);
        }
        format!(
            "campaign Random {{\n  banner 7001\n  source `p.logs.staging`\n  target `p.prod.banner_call_data`\n  \
             zone {}\n{phases}  check {{\n    records_per_phase 0..1_000_000\n    start_time unreadable <= 1000\n  }}\n}}\n",
            ZONES[self.zone]
        )
    }

    /// The maximal runs of days owned by phase `index`, as `.bnr` ranges.
    fn ranges_of(&self, index: usize) -> Vec<String> {
        let mut ranges = Vec::new();
        let mut offset = 0;
        while offset < self.owners.len() {
            if self.owners[offset] != Some(index) {
                offset += 1;
                continue;
            }
            let start = offset;
            while offset < self.owners.len() && self.owners[offset] == Some(index) {
                offset += 1;
            }
            ranges.push(format!("{}..{}", day(start as u32), day(offset as u32 - 1)));
        }
        ranges
    }
}

fn campaign_gen() -> impl Strategy<Value = CampaignGen> {
    (1usize..=3).prop_flat_map(|count| {
        (
            0..ZONES.len(),
            prop::collection::vec(prop::option::weighted(0.8, 0..count), SOURCE_DAYS as usize),
            prop::collection::vec(prop::option::weighted(0.5, 0..count), SPECIALS.len()),
            prop::sample::subsequence((0u32..20).collect::<Vec<_>>(), count).prop_shuffle(),
            prop::collection::vec(
                (
                    prop::collection::vec(prop::bool::weighted(0.2), 2),
                    prop::bool::weighted(0.3),
                ),
                count,
            ),
        )
            .prop_map(
                |(zone, owners, special_owners, targets, extras)| CampaignGen {
                    zone,
                    owners,
                    special_owners,
                    phases: extras
                        .into_iter()
                        .zip(targets)
                        .map(|((excepts, banner), t)| (excepts, t, banner))
                        .collect(),
                },
            )
    })
}

/// A generated row: its timestamp (day offset from 2025-03-02, second,
/// microsecond), its log (an index into the pool below), and its
/// start_time's kind.
type RowGen = (Option<(u32, u32, u32)>, usize, u8);

fn row_gen() -> impl Strategy<Value = RowGen> {
    (
        prop::option::weighted(0.95, (0u32..SOURCE_DAYS + 2, 0u32..86_400, 0u32..1_000_000)),
        0usize..10,
        0u8..10,
    )
}

fn log_name(index: usize, campaign: &Campaign) -> Option<String> {
    match index {
        0..=2 => Some(SPECIALS[index].to_string()),
        3 => Some("noisy".into()),
        4 => Some("app2".into()),
        5 => Some("H_9_distinct_old".into()),
        6 => None,
        // Rarely, a log name the campaign itself writes.
        7 if campaign.phases.len() > 1 => Some(campaign.phases[0].log_name.as_str().to_string()),
        _ => Some("app".into()),
    }
}

fn make_row(generated: &RowGen, campaign: &Campaign) -> Row {
    let (at, log, start) = generated;
    let timestamp = at.map(|(d, s, us)| {
        let midnight = NaiveDate::from_ymd_opt(2025, 3, 2)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        midnight
            + Duration::days(i64::from(d))
            + Duration::seconds(i64::from(s))
            + Duration::microseconds(i64::from(us))
    });
    let start_time = match (start, timestamp) {
        (0, _) => None,
        (1, _) => Some("not a time".to_string()),
        (2, _) => Some("2025-3-5 7:08:09".to_string()),
        (_, Some(t)) => Some(
            (t - Duration::seconds(2))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        ),
        (_, None) => Some("2025-03-06 23:59:58".to_string()),
    };
    Row {
        timestamp,
        log_name: log_name(*log, campaign),
        start_time,
        end_time: Some("old".into()),
        timestamp_get: Some(0),
        banner_id: Some("old".into()),
    }
}

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows
}

fn database(dir: &tempfile::TempDir, mode: Mode, rows: &[Row]) -> std::path::PathBuf {
    let path = dir.path().join(format!("{}.duckdb", mode.as_str()));
    let conn = Connection::open(&path).unwrap();
    create_tables(&conn, &[SOURCE, TARGET]);
    insert_rows(&conn, SOURCE, rows);
    path
}

/// What in-place staging must become: taken rows transformed, others kept.
fn staging_after(campaign: &Campaign, rows: &[Row]) -> Vec<Row> {
    let changed = rows.iter().map(
        |row| match reference::phases_taking(campaign, row).first() {
            Some(id) => reference::transform(
                campaign,
                campaign.phases.iter().find(|p| p.id == *id).unwrap(),
                row,
            ),
            None => row.clone(),
        },
    );
    sorted(changed.collect())
}

fn check_case(generated: &CampaignGen, row_specs: &[RowGen]) {
    let campaign = campaign(&generated.text());
    let rows: Vec<Row> = row_specs.iter().map(|r| make_row(r, &campaign)).collect();
    let expected = sorted(
        reference::target_rows(&campaign, &rows)
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
    );
    let dir = tempfile::tempdir().unwrap();

    let fused = database(&dir, Mode::Fused, &rows);
    let staging_before = snapshot(&fused).remove(SOURCE);
    let report = apply(&fused, &campaign, Mode::Fused, "fused").unwrap();
    assert_eq!(report.entry.total_rows(), expected.len() as u64);
    let after = snapshot(&fused);
    assert_eq!(
        after.get(SOURCE),
        staging_before.as_ref(),
        "fused mode changed staging"
    );
    assert_eq!(
        read_rows(&Connection::open(&fused).unwrap(), TARGET),
        expected,
        "fused"
    );

    let in_place = database(&dir, Mode::InPlace, &rows);
    let before = snapshot(&in_place);
    let report = apply(&in_place, &campaign, Mode::InPlace, "in-place").unwrap();
    assert_eq!(report.entry.total_rows(), expected.len() as u64);
    {
        let conn = Connection::open(&in_place).unwrap();
        assert_eq!(read_rows(&conn, TARGET), expected, "in-place");
        assert_eq!(
            read_rows(&conn, SOURCE),
            staging_after(&campaign, &rows),
            "in-place staging"
        );
    }
    let mut engine = DuckDbEngine::open(&in_place, Access::ReadWrite).unwrap();
    engine.rollback(&report.entry.run_id, &Silent).unwrap();
    drop(engine);
    let after = snapshot(&in_place);
    for table in [SOURCE, TARGET] {
        assert_eq!(
            after.get(table),
            before.get(table),
            "{table} after rollback"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 56, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fused_in_place_and_reference_agree(
        generated in campaign_gen(),
        rows in prop::collection::vec(row_gen(), 0..48),
    ) {
        check_case(&generated, &rows);
    }
}
