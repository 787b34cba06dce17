//! Helpers shared by the DuckDB tests: campaigns from `.bnr` text, staging
//! and target tables of reference rows, and whole-database snapshots that
//! compare table contents (never file bytes).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use bannerc::exec::duckdb::DuckDbEngine;
use bannerc::exec::engine::{Access, Engine, EngineError, Silent};
use bannerc::exec::facts::RunReport;
use bannerc::exec::reference::Row;
use bannerc::ir::{Campaign, Mode};
use bannerc::lower::duckdb::quote;
use bannerc::lower::{Dialect, LowerOptions, lower};
use chrono::DateTime;
use duckdb::Connection;

/// A checked campaign from `.bnr` text (panics on any error).
pub fn campaign(text: &str) -> Campaign {
    let (spec, diagnostics) = bannerc::syntax::parse(text);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let campaign = bannerc::plan::expand(&spec.unwrap(), None).unwrap();
    let diagnostics = bannerc::check::check(&campaign, false);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    campaign
}

/// The Cloud Logging export layout, with an extra column and an extra field.
pub const LAYOUT: &str = "(\"timestamp\" TIMESTAMPTZ, \"logName\" VARCHAR, \
    \"jsonPayload\" STRUCT(start_time VARCHAR, end_time VARCHAR, timestamp_get BIGINT, banner_id VARCHAR, user_id VARCHAR), \
    \"severity\" VARCHAR)";

/// Create `schema.table` tables with [`LAYOUT`] (schemas too).
pub fn create_tables(conn: &Connection, tables: &[&str]) {
    create_tables_with(conn, tables, LAYOUT);
}

/// Create `schema.table` tables with the given column list (schemas too).
pub fn create_tables_with(conn: &Connection, tables: &[&str], layout: &str) {
    for table in tables {
        let (schema, name) = table.split_once('.').unwrap();
        conn.execute_batch(&format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; CREATE TABLE \"{schema}\".\"{name}\" {layout};"
        ))
        .unwrap();
    }
}

/// Append reference rows to `schema.table` (extra field and column filled
/// in), as one `INSERT … VALUES` of literals.
pub fn insert_rows(conn: &Connection, table: &str, rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    let (schema, name) = table.split_once('.').unwrap();
    let text = |value: &Option<String>| value.as_deref().map_or("NULL".to_string(), quote::string);
    let values: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let micros = row.timestamp.map_or("NULL".to_string(), |t| t.timestamp_micros().to_string());
            let get = row.timestamp_get.map_or("NULL".to_string(), |n| n.to_string());
            format!(
                "(CAST(make_timestamp(CAST({micros} AS BIGINT)) AS TIMESTAMPTZ), {}, struct_pack(start_time := {}, \
                 end_time := {}, timestamp_get := CAST({get} AS BIGINT), banner_id := {}, user_id := 'user-{index}'), 'INFO')",
                text(&row.log_name),
                text(&row.start_time),
                text(&row.end_time),
                text(&row.banner_id),
            )
        })
        .collect();
    conn.execute_batch(&format!(
        "INSERT INTO \"{schema}\".\"{name}\" VALUES\n{};",
        values.join(",\n")
    ))
    .unwrap();
}

/// Every row of `schema.table` as reference rows, sorted.
pub fn read_rows(conn: &Connection, table: &str) -> Vec<Row> {
    let (schema, name) = table.split_once('.').unwrap();
    let sql = format!(
        "SELECT epoch_us(\"timestamp\"), \"logName\", \"jsonPayload\".start_time, \"jsonPayload\".end_time, \
         \"jsonPayload\".timestamp_get, \"jsonPayload\".banner_id FROM \"{schema}\".\"{name}\""
    );
    let mut statement = conn.prepare(&sql).unwrap();
    let mut rows: Vec<Row> = statement
        .query_map([], |row| {
            Ok(Row {
                timestamp: row
                    .get::<_, Option<i64>>(0)?
                    .and_then(DateTime::from_timestamp_micros),
                log_name: row.get(1)?,
                start_time: row.get(2)?,
                end_time: row.get(3)?,
                timestamp_get: row.get(4)?,
                banner_id: row.get(5)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

/// Every permanent table of the file and its rows as sorted text: the
/// logical content of the database.
pub fn snapshot(path: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = Connection::open(path).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1, 2",
        )
        .unwrap();
    let tables: Vec<(String, String)> = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|(schema, table)| {
            let sql =
                format!("SELECT CAST(t AS VARCHAR) FROM \"{schema}\".\"{table}\" AS t ORDER BY 1");
            let mut statement = conn.prepare(&sql).unwrap();
            let rows = statement
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (format!("{schema}.{table}"), rows)
        })
        .collect()
}

/// Lower, verify and apply `campaign` in `mode` with the library (no CLI).
pub fn apply(
    path: &Path,
    campaign: &Campaign,
    mode: Mode,
    run_id: &str,
) -> Result<RunReport, EngineError> {
    let options = LowerOptions {
        mode,
        run_id: Some(run_id.to_string()),
    };
    let script = lower(campaign, Dialect::Duckdb, &options).unwrap();
    bannerc::verify::verify(&script).unwrap();
    let mut engine = DuckDbEngine::open(path, Access::ReadWrite)?;
    engine.run(&script, &Silent)
}

/// A reference row.
pub fn row(timestamp: Option<&str>, log_name: Option<&str>, start_time: Option<&str>) -> Row {
    Row {
        timestamp: timestamp.map(|t| t.parse().unwrap()),
        log_name: log_name.map(str::to_string),
        start_time: start_time.map(str::to_string),
        end_time: Some("old-end".into()),
        timestamp_get: Some(1),
        banner_id: Some("old".into()),
    }
}
