//! `plan`'s facts read from DuckDB with the queries of
//! `lower::duckdb::inspect`; nothing here writes to a permanent table.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use duckdb::Connection;

use super::other;
use crate::exec::engine::EngineError;
use crate::exec::facts::{Column, Inspection, PhaseFacts, SampleRow, TableFacts};
use crate::exec::preflight;
use crate::ir::{Campaign, DateRange, Mode, TableRef, Zone};
use crate::lower::duckdb::{inspect as sql, quote};
use crate::plan::DayCounts;

/// The fields of `jsonPayload` a campaign writes.
const PAYLOAD_FIELDS: [&str; 4] = ["start_time", "end_time", "timestamp_get", "banner_id"];

/// Everything `plan` reports, read from `conn`.
pub fn inspect(
    conn: &Connection,
    campaign: &Campaign,
    mode: Mode,
) -> Result<Inspection, EngineError> {
    let mut facts = Inspection {
        source: table_facts(conn, &campaign.source.node)?,
        target: table_facts(conn, &campaign.target.node)?,
        phases: Vec::new(),
        bad_row: None,
        target_own: Vec::new(),
        staging_own: Vec::new(),
        specials_on_other_days: 0,
    };
    if !preflight::schema_ok(&facts) {
        return Ok(facts);
    }
    for statement in sql::setup(campaign) {
        conn.execute_batch(&statement).map_err(other)?;
    }
    let (phases, sample_rowids, bad_rowid) = counts(conn, campaign)?;
    facts.phases = phases;
    attach_samples(conn, campaign, &sample_rowids, &mut facts.phases)?;
    if let Some(rowid) = bad_rowid {
        facts.bad_row = text_rows(conn, &sql::row(campaign, rowid))?
            .into_iter()
            .next()
            .map(row_sample);
    }
    facts.target_own = named_counts(conn, &sql::own_rows(campaign, &campaign.target.node))?;
    if mode == Mode::InPlace {
        facts.staging_own = named_counts(conn, &sql::own_rows(campaign, &campaign.source.node))?;
    }
    if let Some(query) = sql::specials_on_other_days(campaign) {
        facts.specials_on_other_days = conn
            .query_row(&query, [], |row| row.get::<_, u64>(0))
            .map_err(other)?;
    }
    Ok(facts)
}

/// A table's columns and `jsonPayload` field types; no columns if it is missing.
fn table_facts(conn: &Connection, table: &TableRef) -> Result<TableFacts, EngineError> {
    let params = [table.dataset(), table.table()];
    let exists = conn
        .query_row(sql::TABLE_EXISTS, params, |row| row.get::<_, i64>(0))
        .map_err(other)?
        > 0;
    let mut facts = TableFacts {
        table: table.to_string(),
        engine_name: quote::table(table),
        columns: None,
        is_view: false,
        payload_fields: Vec::new(),
    };
    if !exists {
        facts.is_view = conn
            .query_row(sql::VIEW_EXISTS, params, |row| row.get::<_, i64>(0))
            .map_err(other)?
            > 0;
        return Ok(facts);
    }
    let mut statement = conn.prepare(sql::COLUMNS).map_err(other)?;
    let columns = statement
        .query_map(params, |row| {
            Ok(Column {
                name: row.get(0)?,
                kind: row.get(1)?,
            })
        })
        .map_err(other)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(other)?;
    if columns
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case("jsonPayload"))
    {
        for field in PAYLOAD_FIELDS {
            // DESCRIBE fails when the struct has no such field: then it is absent.
            let kind = conn.query_row(&sql::payload_field(table, field), [], |row| {
                row.get::<_, String>(1)
            });
            if let Ok(kind) = kind {
                facts.payload_fields.push(Column {
                    name: field.to_string(),
                    kind,
                });
            }
        }
    }
    facts.columns = Some(columns);
    Ok(facts)
}

type Counted = (Vec<PhaseFacts>, Vec<i64>, Option<i64>);

/// Per-phase counts (every phase, zero when it takes nothing), the sample
/// rows' ids, and the id of one row with a data error.
fn counts(conn: &Connection, campaign: &Campaign) -> Result<Counted, EngineError> {
    let mut statement = conn.prepare(&sql::counts(campaign)).map_err(other)?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, u32>(0)?,
                [
                    row.get::<_, u64>(1)?,
                    row.get::<_, u64>(2)?,
                    row.get::<_, u64>(3)?,
                    row.get::<_, u64>(4)?,
                ],
                row.get::<_, Option<i64>>(5)?,
                row.get::<_, Option<i64>>(6)?,
            ))
        })
        .map_err(other)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(other)?;
    let phases = campaign
        .phases
        .iter()
        .map(|phase| {
            let [taken_rows, unreadable_rows, null_timestamp_rows, bad_rows] = rows
                .iter()
                .find(|r| r.0 == phase.id)
                .map_or([0; 4], |r| r.1);
            PhaseFacts {
                phase: phase.id,
                taken_rows,
                unreadable_rows,
                null_timestamp_rows,
                bad_rows,
                sample: None,
            }
        })
        .collect();
    let samples = rows.iter().filter_map(|r| r.2).collect();
    let bad = rows.iter().filter_map(|r| r.3).min();
    Ok((phases, samples, bad))
}

fn attach_samples(
    conn: &Connection,
    campaign: &Campaign,
    rowids: &[i64],
    phases: &mut [PhaseFacts],
) -> Result<(), EngineError> {
    if rowids.is_empty() {
        return Ok(());
    }
    for row in text_rows(conn, &sql::samples(campaign, rowids))? {
        let Some(phase) = row
            .first()
            .and_then(|p| p.as_deref())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(facts) = phases.iter_mut().find(|f| f.phase == phase) {
            facts.sample = Some((
                row_sample(row[1..7].to_vec()),
                row_sample(row[7..13].to_vec()),
            ));
        }
    }
    Ok(())
}

/// `timestamp`, `logName` and the sampled `jsonPayload` fields as a sample
/// row, named as on BigQuery.
fn row_sample(values: Vec<Option<String>>) -> SampleRow {
    let fields = sql::SAMPLE_FIELDS
        .iter()
        .map(|f| format!("jsonPayload.{f}"));
    ["timestamp".to_string(), "logName".to_string()]
        .into_iter()
        .chain(fields)
        .zip(values)
        .collect()
}

/// Every row of a query whose columns are all text (or NULL).
fn text_rows(conn: &Connection, query: &str) -> Result<Vec<Vec<Option<String>>>, EngineError> {
    let mut statement = conn.prepare(query).map_err(other)?;
    let mut rows = statement.query([]).map_err(other)?;
    let width = rows.as_ref().map_or(0, |s| s.column_count());
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(other)? {
        let mut values = Vec::with_capacity(width);
        for index in 0..width {
            values.push(
                row.get::<_, Option<String>>(index)
                    .or_else(|_| row.get::<_, i64>(index).map(|n| Some(n.to_string())))
                    .map_err(other)?,
            );
        }
        out.push(values);
    }
    Ok(out)
}

fn named_counts(conn: &Connection, query: &str) -> Result<Vec<(String, u64)>, EngineError> {
    let mut statement = conn.prepare(query).map_err(other)?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
        })
        .map_err(other)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(other)
}

/// Rows per local day of `zone` in `window`, one grouped scan.
pub fn day_counts(
    conn: &Connection,
    source: &TableRef,
    zone: &Zone,
    window: &DateRange,
) -> Result<DayCounts, EngineError> {
    let mut statement = conn
        .prepare(&sql::day_counts(source, zone, window))
        .map_err(|e| {
            EngineError::Other(format!(
                "cannot count the rows per day of {}: {e}",
                quote::table(source)
            ))
        })?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
        })
        .map_err(other)?;
    let mut counts = BTreeMap::new();
    for row in rows {
        let (day, rows) = row.map_err(other)?;
        let day: NaiveDate = day
            .parse()
            .map_err(|e| EngineError::Other(format!("bad day {day}: {e}")))?;
        counts.insert(day, rows);
    }
    Ok(DayCounts::new(counts))
}
