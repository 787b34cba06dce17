//! Runs on a real DuckDB file through the library: the worked example's
//! exact values in both modes, idempotence, and all-or-nothing failures.

#![cfg(feature = "duckdb")]

mod duckdb_support;

use bannerc::exec::reference::{self, Row};
use bannerc::ir::Mode;
use bannerc::lower::{Dialect, LowerOptions, lower};
use duckdb::Connection;
use duckdb_support::*;

const WORKED: &str = r#"
campaign Q4_Banner_Campaign {
    banner 5902
    source `clirnet-dev.request_edit.H_5902_distinct_data`
    target `clirnetapp.banner_data.banner_call_data`
    zone   UTC

    phase 1: 2025-04-01..2025-04-21 -> 2025-04-25
    phase 2: 2025-04-22..2025-04-24 -> 2025-04-26
    phase 3: 2025-04-25..2025-04-28 + log "add-report-prod-server" -> 2025-04-27

    end_time = start_time + 5s

    check {
        records_per_phase 1..100
    }
}
"#;

const SOURCE: &str = "request_edit.H_5902_distinct_data";
const TARGET: &str = "banner_data.banner_call_data";

/// The worked example's rows. The row taken by nobody bears the campaign's
/// own log name in fused mode, as in SEMANTICS.md, and an earlier campaign's
/// of another banner in in-place mode (where rows bearing the campaign's
/// own names are covered by the properties test).
fn worked_rows(mode: Mode) -> Vec<Row> {
    let relabeled = match mode {
        Mode::Fused => "H_5902_distinct_2025-04-25",
        Mode::InPlace => "H_5901_distinct_2025-04-25",
    };
    vec![
        row(
            Some("2025-04-03T14:05:09Z"),
            Some("banner-log"),
            Some("2025-04-03 14:05:07"),
        ),
        row(
            Some("2025-04-10T08:00:00Z"),
            Some("add-report-prod-server"),
            Some("2025-04-10 07:59:58"),
        ),
        row(
            Some("2025-04-26T10:00:00Z"),
            Some(relabeled),
            Some("2025-04-26 09:59:59"),
        ),
        row(
            Some("2025-04-23T23:59:59Z"),
            None,
            Some("2025-04-23 23:59:58"),
        ),
    ]
}

/// The reference evaluator's target rows for `rows`, sorted as
/// `read_rows` returns them.
fn expected_target(campaign: &bannerc::ir::Campaign, rows: &[Row]) -> Vec<Row> {
    let mut expected: Vec<Row> = reference::target_rows(campaign, rows)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    expected.sort();
    expected
}

fn setup(dir: &tempfile::TempDir, rows: &[Row]) -> std::path::PathBuf {
    let path = dir.path().join("worked.duckdb");
    let conn = Connection::open(&path).unwrap();
    create_tables(&conn, &[SOURCE, TARGET]);
    insert_rows(&conn, SOURCE, rows);
    path
}

#[test]
fn the_worked_example_gives_exactly_its_values_in_both_modes() {
    let campaign = campaign(WORKED);
    for mode in [Mode::Fused, Mode::InPlace] {
        let dir = tempfile::tempdir().unwrap();
        let rows = worked_rows(mode);
        let path = setup(&dir, &rows);
        let report = apply(&path, &campaign, mode, "run-1").unwrap();
        assert_eq!(report.entry.total_rows(), 3, "{mode:?}");
        let conn = Connection::open(&path).unwrap();
        let target = read_rows(&conn, TARGET);
        let first = target
            .iter()
            .find(|r| r.log_name.as_deref() == Some("H_5902_distinct_2025-04-25"))
            .unwrap();
        assert_eq!(
            first.timestamp.unwrap().to_rfc3339(),
            "2025-04-25T14:05:09+00:00"
        );
        assert_eq!(first.start_time.as_deref(), Some("2025-04-25 14:05:07"));
        assert_eq!(first.end_time.as_deref(), Some("2025-04-25 14:05:12"));
        assert_eq!(first.timestamp_get, Some(1745589907));
        assert_eq!(first.banner_id.as_deref(), Some("5902"));
        let special = target
            .iter()
            .find(|r| r.start_time.as_deref() == Some("2025-04-27 07:59:58"))
            .unwrap();
        assert_eq!(
            special.log_name.as_deref(),
            Some("H_5902_distinct_2025-04-27")
        );
        assert_eq!(target, expected_target(&campaign, &rows), "{mode:?}");
    }
}

/// Run the fused script up to its post-write checks, spoil the target with
/// `spoil`, then run the checks: the first error they raise.
fn post_checks_after(spoil: &str) -> String {
    let campaign = campaign(WORKED);
    let dir = tempfile::tempdir().unwrap();
    // Phase 1 takes three rows, so one spoiled row is neither the least
    // nor the greatest of its log name's values.
    let mut rows = worked_rows(Mode::Fused);
    for (at, start) in [
        ("2025-04-04T09:00:00Z", "2025-04-04 08:59:59"),
        ("2025-04-05T11:00:00Z", "2025-04-05 10:59:59"),
    ] {
        rows.push(row(Some(at), Some("banner-log"), Some(start)));
    }
    let path = setup(&dir, &rows);
    let options = LowerOptions {
        mode: Mode::Fused,
        run_id: Some("spoiled".into()),
    };
    let script = lower(&campaign, Dialect::Duckdb, &options).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mut statements = script.statements.iter();
    for statement in statements.by_ref().take_while(|s| s.step != "post-check") {
        conn.execute_batch(&statement.sql).unwrap();
    }
    conn.execute_batch(spoil).unwrap();
    let post = script.statements.iter().filter(|s| s.step == "post-check");
    let error = post
        .map(|s| conn.execute_batch(&s.sql))
        .find_map(Result::err);
    error.map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn the_post_write_checks_catch_a_wrong_row_and_a_missing_one() {
    let wrong = post_checks_after(
        "UPDATE \"banner_data\".\"banner_call_data\" SET \"jsonPayload\" = \
         struct_update(\"jsonPayload\", end_time := 'later') WHERE \"logName\" = 'H_5902_distinct_2025-04-26'",
    );
    assert!(
        wrong.contains("bannerc check failed: a written row does not carry"),
        "{wrong}"
    );
    // One of phase 1's three rows, spoiled in one value each time.
    let one_row = "WHERE \"jsonPayload\".start_time = '2025-04-25 08:59:59'";
    let spoils = [
        "\"jsonPayload\" = struct_update(\"jsonPayload\", banner_id := '5903')",
        "\"jsonPayload\" = struct_update(\"jsonPayload\", banner_id := '1')",
        "\"jsonPayload\" = struct_update(\"jsonPayload\", banner_id := NULL)",
        "\"timestamp\" = to_timestamp((epoch_us(\"timestamp\") + 86400000000) / 1000000.0)",
        "\"timestamp\" = to_timestamp((epoch_us(\"timestamp\") - 86400000000) / 1000000.0)",
        "\"jsonPayload\" = struct_update(\"jsonPayload\", start_time := '2025-04-24 10:00:00', \
         end_time := '2025-04-24 10:00:05', timestamp_get := 1745488800)",
        "\"jsonPayload\" = struct_update(\"jsonPayload\", timestamp_get := 0)",
        "\"jsonPayload\" = struct_update(\"jsonPayload\", start_time := 'soon')",
    ];
    for spoil in spoils {
        let wrong = post_checks_after(&format!(
            "UPDATE \"banner_data\".\"banner_call_data\" SET {spoil} {one_row}"
        ));
        assert!(
            wrong.contains("bannerc check failed: a written row does not carry"),
            "{spoil}: {wrong}"
        );
    }
    let missing = post_checks_after(
        "DELETE FROM \"banner_data\".\"banner_call_data\" WHERE \"logName\" = 'H_5902_distinct_2025-04-27'",
    );
    assert!(
        missing.contains("bannerc check failed: the target did not grow by exactly"),
        "{missing}"
    );
    assert_eq!(
        post_checks_after("SELECT 1"),
        "",
        "an unspoiled run passes its checks"
    );
}

#[test]
fn a_special_row_without_a_timestamp_let_through_is_written_without_one() {
    let tolerant = WORKED.replace(
        "records_per_phase 1..100",
        "records_per_phase 1..100\n        start_time unreadable <= 1",
    );
    let campaign = campaign(&tolerant);
    let mut rows = worked_rows(Mode::InPlace);
    rows.push(row(
        None,
        Some("add-report-prod-server"),
        Some("2025-04-11 07:00:00"),
    ));
    for mode in [Mode::Fused, Mode::InPlace] {
        let dir = tempfile::tempdir().unwrap();
        let path = setup(&dir, &rows);
        let report = apply(&path, &campaign, mode, "run-1").unwrap();
        assert_eq!(report.entry.total_rows(), 4, "{mode:?}");
        let conn = Connection::open(&path).unwrap();
        let target = read_rows(&conn, TARGET);
        let undated = target.iter().find(|r| r.timestamp.is_none()).unwrap();
        assert_eq!(
            undated.log_name.as_deref(),
            Some("H_5902_distinct_2025-04-27")
        );
        assert_eq!(undated.start_time.as_deref(), Some("2025-04-27 07:00:00"));
        assert_eq!(target, expected_target(&campaign, &rows), "{mode:?}");
    }
}

#[test]
fn the_post_write_checks_catch_a_timestamp_the_run_lost() {
    let lost = post_checks_after(
        "UPDATE \"banner_data\".\"banner_call_data\" SET \"timestamp\" = NULL \
         WHERE \"logName\" = 'H_5902_distinct_2025-04-26'",
    );
    assert!(
        lost.contains("with as many NULL timestamps as the pre-flight counted"),
        "{lost}"
    );
}

#[test]
fn a_start_time_format_of_its_own_is_read_and_written_in_both_modes() {
    // Not the default format: the times are written with strftime, not
    // DuckDB's cast, and must still be the reference's text.
    let custom = WORKED.replace(
        "end_time = start_time + 5s",
        "end_time = start_time + 5s\n    start_time format \"%d/%m/%Y %H.%M.%S\"",
    );
    let campaign = campaign(&custom);
    let rows = vec![
        row(
            Some("2025-04-03T14:05:09Z"),
            Some("banner-log"),
            Some("03/04/2025 14.05.07"),
        ),
        row(
            Some("2025-04-23T23:59:59Z"),
            Some("banner-log"),
            Some("23/04/2025 23.59.58"),
        ),
        row(
            Some("2025-04-10T08:00:00Z"),
            Some("add-report-prod-server"),
            Some("10/04/2025 07.59.58"),
        ),
    ];
    for mode in [Mode::Fused, Mode::InPlace] {
        let dir = tempfile::tempdir().unwrap();
        let path = setup(&dir, &rows);
        apply(&path, &campaign, mode, "run-1").unwrap();
        let conn = Connection::open(&path).unwrap();
        let target = read_rows(&conn, TARGET);
        let late = target
            .iter()
            .find(|r| r.log_name.as_deref() == Some("H_5902_distinct_2025-04-26"))
            .unwrap();
        assert_eq!(late.start_time.as_deref(), Some("26/04/2025 23.59.58"));
        assert_eq!(late.end_time.as_deref(), Some("27/04/2025 00.00.03"));
        assert_eq!(target, expected_target(&campaign, &rows), "{mode:?}");
    }
}
