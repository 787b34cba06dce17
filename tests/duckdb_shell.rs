//! A compiled DuckDB script (`bannerc compile --dialect duckdb`) means the
//! same in any DuckDB session: here a Python DuckDB with the ICU extension
//! loaded and its `TimeZone` set to zones other than UTC, as in the DuckDB
//! shell on a laptop. Runs with the BigQuery emulator's Python (skipped
//! loudly without Python 3.13).

mod bigquery_support;

use std::process::Command;

use bannerc::ir::Mode;
use bannerc::lower::{Dialect, LowerOptions, lower};
use bigquery_support::{campaign_from_yaml_text, venv_python};

/// The worked example's phases in India's zone, with small thresholds.
const CAMPAIGN: &str = r#"
campaign: {banner_id: 5902, campaign_name: Shell, zone: Asia/Kolkata}
source: {project_id: p, dataset: request_edit, table: staging}
target: {project_id: p, dataset: banner_data, table: calls}
date_mapping:
  phases:
    - {phase_id: 1, source_start: "2025-04-01", source_end: "2025-04-21", target_date: "2025-04-25"}
    - {phase_id: 2, source_start: "2025-04-22", source_end: "2025-04-24", target_date: "2025-04-26"}
validation: {thresholds: {min_records_per_phase: 1}}
"#;

/// Creates the tables, inserts two rows, runs the script in a session of
/// each zone, and prints the target rows of each, one line a zone.
const RUN: &str = r#"
import sys, duckdb
script = open(sys.argv[1]).read()
for zone in ["UTC", "Asia/Kolkata", "America/New_York"]:
    c = duckdb.connect()
    c.execute("LOAD icu")
    c.execute(f"SET TimeZone = '{zone}'")
    cols = ("timestamp TIMESTAMPTZ, logName VARCHAR, jsonPayload STRUCT(start_time VARCHAR, "
            "end_time VARCHAR, timestamp_get BIGINT, banner_id VARCHAR)")
    for table in ["request_edit.staging", "banner_data.calls"]:
        c.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
        c.execute(f"CREATE TABLE {table} ({cols})")
    c.execute("""INSERT INTO request_edit.staging VALUES
      (TIMESTAMPTZ '2025-04-03 14:05:09+00', 'banner-log', {'start_time': '2025-04-03 14:05:07',
       'end_time': NULL, 'timestamp_get': NULL, 'banner_id': NULL}),
      (TIMESTAMPTZ '2025-04-22 20:00:00+00', 'banner-log', {'start_time': '2025-04-23 01:30:00',
       'end_time': NULL, 'timestamp_get': NULL, 'banner_id': NULL})""")
    c.execute(script)
    rows = c.execute("""SELECT epoch_us("timestamp"), "logName", "jsonPayload"::VARCHAR
                        FROM banner_data.calls ORDER BY 1""").fetchall()
    print(zone, rows)
"#;

#[test]
fn compiled_duckdb_scripts_give_the_same_rows_in_any_session_zone() {
    let test = "compiled_duckdb_scripts_give_the_same_rows_in_any_session_zone";
    let Some(python) = venv_python(test) else {
        return;
    };
    let campaign = campaign_from_yaml_text(CAMPAIGN);
    let dir = tempfile::tempdir().expect("tempdir");
    for mode in [Mode::Fused, Mode::InPlace] {
        let options = LowerOptions { mode, run_id: None };
        let script = lower(&campaign, Dialect::Duckdb, &options).expect("lowers");
        let path = dir.path().join(format!("{}.sql", mode.as_str()));
        std::fs::write(&path, &script.sql).expect("write script");
        let output = Command::new(&python)
            .args(["-c", RUN])
            .arg(&path)
            .output()
            .expect("run python");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}: {stdout}\n{}",
            mode.as_str(),
            String::from_utf8_lossy(&output.stderr)
        );
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{stdout}");
        // 14:05:09 UTC on 2025-04-03 is 19:35:09 in Kolkata; on 2025-04-25
        // that is 14:05:09 UTC again. The second row, 01:30 on 2025-04-23
        // in Kolkata, goes to 2025-04-26 01:30 there: 20:00 UTC on 04-25.
        let expected = "[(1745589909000000, 'H_5902_distinct_2025-04-25', \
             \"{'start_time': '2025-04-25 14:05:07', 'end_time': '2025-04-25 14:05:12', \
             'timestamp_get': 1745589907, 'banner_id': 5902}\"), \
             (1745611200000000, 'H_5902_distinct_2025-04-26', \
             \"{'start_time': '2025-04-26 01:30:00', 'end_time': '2025-04-26 01:30:05', \
             'timestamp_get': 1745631000, 'banner_id': 5902}\")]";
        for (line, zone) in lines
            .iter()
            .zip(["UTC", "Asia/Kolkata", "America/New_York"])
        {
            assert_eq!(
                *line,
                format!("{zone} {expected}"),
                "{} mode",
                mode.as_str()
            );
        }
    }
}
