//! For the same campaign and the same staging rows, the BigQuery engine
//! (on the local emulator) and the DuckDB engine write the same target
//! rows, in both modes, and both agree with the reference evaluator.

#![cfg(feature = "duckdb")]

mod bigquery_support;
mod duckdb_support;

use bannerc::exec::bigquery::BigQueryEngine;
use bannerc::exec::reference::Row;
use bannerc::exec::{Engine, Silent};
use bannerc::ir::{Campaign, Mode};
use bannerc::lower::{Dialect, LowerOptions, lower};
use bigquery_support::{
    Bq, EventRow, campaign_from_yaml_text, emulator, expected_target, on_tables,
};
use chrono::Duration;

/// A campaign in Kolkata (no daylight saving, a half-hour offset), with a
/// special source, an exclusion and a start-time format of its own.
const KOLKATA: &str = r#"
campaign:
  banner_id: 88
  campaign_name: Kolkata_Compare
  zone: Asia/Kolkata
source: { project_id: p, dataset: staging, table: events }
target: { project_id: p, dataset: prod, table: events }
date_mapping:
  strategy: custom
  phases:
    - phase_id: 1
      source_start: "2025-06-01"
      source_end: "2025-06-04"
      target_date: "2025-06-10"
      exclude_lognames: ["noisy-log"]
    - phase_id: 2
      source_start: "2025-06-05"
      source_end: "2025-06-06"
      target_date: "2025-06-11"
      special_source: special-log
transformation:
  end_time_offset_seconds: 30
validation:
  thresholds:
    min_records_per_phase: 1
"#;

/// Rows every few hours across the window and a day either side, under
/// every kind of log name the rules distinguish.
fn rows() -> Vec<EventRow> {
    let logs = [
        Some("app-log"),
        None,
        Some("special-log"),
        Some("noisy-log"),
        Some("H_88_distinct_2025-05-01"),
        Some("H_5_distinct_old"),
    ];
    let first = bigquery_support::utc("2025-05-31 00:10:00");
    (0..70)
        .map(|i| {
            let at = first + Duration::minutes(i * 157);
            let start = if i % 9 == 0 {
                at.format("%Y-%m-%d 23:59:45").to_string()
            } else {
                (at - Duration::seconds(3))
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            };
            let log = logs[(i as usize) % logs.len()];
            EventRow::new(&format!("k{i:03}"), Some(at), log, Some(&start))
        })
        .collect()
}

fn bigquery_target(campaign: &Campaign, mode: Mode, rows: &[EventRow]) -> Option<Vec<Row>> {
    let test = "bigquery_and_duckdb_write_the_same_target_rows";
    let emulator = emulator(test)?;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bq = runtime.block_on(Bq::connect(emulator, &format!("cmp-{}", mode.as_str())));
    let (staging, target) = runtime.block_on(bq.create_export_tables());
    runtime.block_on(bq.load(&staging, rows));
    let campaign = on_tables(campaign.clone(), &staging, &target);
    let options = LowerOptions { mode, run_id: None };
    let script = lower(&campaign, Dialect::Bigquery, &options).expect("lowers");
    bannerc::verify::verify(&script).expect("verifies");
    let mut engine =
        BigQueryEngine::connect(&bq.project, Some(&emulator.endpoint)).expect("connect");
    engine
        .run(&script, &Silent)
        .expect("the BigQuery run succeeds");
    let mut written: Vec<Row> = runtime
        .block_on(bq.read(&target))
        .into_iter()
        .map(|event| event.row)
        .collect();
    written.sort();
    Some(written)
}

fn duckdb_target(campaign: &Campaign, mode: Mode, rows: &[EventRow]) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("compare.duckdb");
    let conn = duckdb::Connection::open(&path).expect("open");
    duckdb_support::create_tables(&conn, &["staging.events", "prod.events"]);
    let staging: Vec<Row> = rows.iter().map(|event| event.row.clone()).collect();
    duckdb_support::insert_rows(&conn, "staging.events", &staging);
    drop(conn);
    duckdb_support::apply(&path, campaign, mode, "compare").expect("the DuckDB run succeeds");
    let conn = duckdb::Connection::open(&path).expect("reopen");
    duckdb_support::read_rows(&conn, "prod.events")
}

#[test]
fn bigquery_and_duckdb_write_the_same_target_rows() {
    let campaign = campaign_from_yaml_text(KOLKATA);
    let rows = rows();
    let mut reference: Vec<Row> = expected_target(&campaign, &rows)
        .into_iter()
        .map(|event| event.row)
        .collect();
    reference.sort();
    assert!(reference.len() > 20, "the data must exercise the campaign");
    for mode in [Mode::Fused, Mode::InPlace] {
        let Some(on_bigquery) = bigquery_target(&campaign, mode, &rows) else {
            return;
        };
        let on_duckdb = duckdb_target(&campaign, mode, &rows);
        assert_eq!(on_bigquery, on_duckdb, "{} mode", mode.as_str());
        assert_eq!(on_bigquery, reference, "{} mode", mode.as_str());
    }
}
