//! Time zones without ICU: DuckDB's target rows equal the reference
//! evaluator's for Asia/Kolkata and America/New_York around both 2025
//! switch days (rows every 7 minutes, at the transitions to the second,
//! with microseconds, and special-source rows from other years and
//! centuries), in both
//! modes. Also: log names that try to break out of their literal.

#![cfg(feature = "duckdb")]

mod duckdb_support;

use bannerc::exec::reference::{self, Row};
use bannerc::ir::{Campaign, Mode};
use chrono::{DateTime, Duration, Utc};
use duckdb::Connection;
use duckdb_support::*;

const SOURCE: &str = "logs.staging";
const TARGET: &str = "prod.banner_call_data";

fn campaign_in(zone: &str, phases: &str) -> Campaign {
    campaign(&format!(
        "campaign Zones {{\n  banner 7001\n  source `p.logs.staging`\n  target `p.prod.banner_call_data`\n  \
         zone {zone}\n{phases}\n  check {{ records_per_phase 1..1_000_000 }}\n}}\n"
    ))
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Rows every 7 minutes (plus 123456 µs) from `from` to `to`, named `log`.
fn rows_between(from: &str, to: &str, log: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut instant = at(from) + Duration::microseconds(123_456);
    while instant < at(to) {
        rows.push(row_at(instant, log));
        instant += Duration::minutes(7);
    }
    rows
}

fn row_at(instant: DateTime<Utc>, log: &str) -> Row {
    let start = instant.format("%Y-%m-%d %H:%M:%S").to_string();
    row(Some(&instant.to_rfc3339()), Some(log), Some(&start))
}

fn expected(campaign: &Campaign, rows: &[Row]) -> Vec<Row> {
    let mut rows: Vec<Row> = reference::target_rows(campaign, rows)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    rows.sort();
    rows
}

fn run_both_modes(campaign: &Campaign, rows: &[Row]) {
    run_both_modes_with(campaign, rows, LAYOUT);
}

fn run_both_modes_with(campaign: &Campaign, rows: &[Row], layout: &str) {
    let want = expected(campaign, rows);
    assert!(
        want.len() > 100,
        "the test data must reach the campaign: {}",
        want.len()
    );
    for mode in [Mode::Fused, Mode::InPlace] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zones.duckdb");
        {
            let conn = Connection::open(&path).unwrap();
            create_tables_with(&conn, &[SOURCE, TARGET], layout);
            insert_rows(&conn, SOURCE, rows);
        }
        apply(&path, campaign, mode, "zones").unwrap();
        let got = read_rows(&Connection::open(&path).unwrap(), TARGET);
        let first_difference = got.iter().zip(&want).find(|(g, w)| g != w);
        assert_eq!(got.len(), want.len(), "{mode:?}");
        assert!(
            first_difference.is_none(),
            "{mode:?}: {first_difference:#?}"
        );
    }
}

#[test]
fn new_york_switch_days_as_sources_and_as_targets() {
    let campaign = campaign_in(
        "America/New_York",
        "  phase 1: 2025-03-08..2025-03-10 -> 2025-11-02\n  \
         phase 2: 2025-11-01..2025-11-03 + log \"special\" -> 2025-03-09\n",
    );
    let mut rows = rows_between("2025-03-08T00:00:00Z", "2025-03-11T12:00:00Z", "app");
    rows.extend(rows_between(
        "2025-11-01T00:00:00Z",
        "2025-11-04T12:00:00Z",
        "app",
    ));
    for edge in [
        "2025-03-09T06:59:59Z",
        "2025-03-09T07:00:00Z",
        "2025-11-02T05:59:59Z",
        "2025-11-02T06:00:00Z",
    ] {
        rows.push(row_at(at(edge), "app"));
    }
    for special in [
        "2019-07-04T15:00:00Z",
        "2031-01-15T03:30:00Z",
        "2025-03-09T07:30:00Z",
        // Local mean time before 1883, and summer time after 2099.
        "1850-06-01T12:00:00Z",
        "2150-07-01T12:00:00Z",
    ] {
        rows.push(row_at(at(special), "special"));
    }
    run_both_modes(&campaign, &rows);
}

#[test]
fn kolkata_days_start_at_18_30_utc() {
    let campaign = campaign_in(
        "Asia/Kolkata",
        "  phase 1: 2025-04-01..2025-04-02 -> 2025-04-10\n  phase 2: 2025-04-03 -> 2025-04-11\n",
    );
    let rows = rows_between("2025-03-31T12:00:00Z", "2025-04-04T00:00:00Z", "app");
    run_both_modes(&campaign, &rows);
}

#[test]
fn log_names_with_quotes_semicolons_and_backslashes_stay_literals() {
    let tricky = "o'brien-srv; DROP TABLE x; --";
    let backslash = r"C:\logs\n'\";
    let campaign = campaign_in(
        "UTC",
        &format!(
            "  phase 1: 2025-04-01..2025-04-02 + log \"{}\" except log \"{}\" -> 2025-04-10\n",
            tricky,
            backslash.replace('\\', "\\\\")
        ),
    );
    let mut rows = rows_between("2025-04-01T00:00:00Z", "2025-04-03T00:00:00Z", "app");
    rows.push(row_at(at("2024-01-01T00:00:00Z"), tricky));
    rows.push(row_at(at("2025-04-01T10:00:00Z"), backslash));
    let want = expected(&campaign, &rows);
    assert!(
        want.iter()
            .any(|r| r.start_time.as_deref() == Some("2025-04-10 00:00:00"))
    );
    assert!(
        !want
            .iter()
            .any(|r| r.start_time.as_deref() == Some("2025-04-10 10:00:00"))
    );
    run_both_modes(&campaign, &rows);
}

#[test]
fn a_naive_timestamp_column_is_read_as_utc() {
    let campaign = campaign_in(
        "America/New_York",
        "  phase 1: 2025-03-08..2025-03-10 + log \"special\" -> 2025-11-02\n",
    );
    let mut rows = rows_between("2025-03-08T00:00:00Z", "2025-03-11T12:00:00Z", "app");
    rows.push(row_at(at("2024-12-25T15:00:00Z"), "special"));
    let naive = LAYOUT.replace("\"timestamp\" TIMESTAMPTZ", "\"timestamp\" TIMESTAMP");
    assert_ne!(naive, LAYOUT);
    run_both_modes_with(&campaign, &rows, &naive);
}
