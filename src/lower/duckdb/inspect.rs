//! The read-only queries of `plan` (and of `apply`'s pre-flight), built
//! from the same expressions as the run itself, so that what `plan` counts
//! and shows is what `apply` takes and writes. None of them writes to a
//! permanent table; they need the phases table and the time-of-day macro,
//! which [`setup`] creates as temporaries.

use chrono::Duration;

use super::exprs;
use super::quote;
use super::zone::{self, Offsets};
use super::{PHASES, create_phases, retimed_by_phase};
use crate::ir::{Campaign, DateRange, TableRef, Zone};

/// The temporaries the other queries use (replacing older ones).
pub fn setup(campaign: &Campaign) -> Vec<String> {
    vec![
        create_phases(campaign, true),
        exprs::tod_macro(campaign, true),
    ]
}

/// Whether a table exists; parameters: schema, table.
/// Names match without case, as DuckDB's own lookups do.
pub const TABLE_EXISTS: &str = "SELECT count(*) FROM duckdb_tables() \
     WHERE database_name = current_database() AND lower(schema_name) = lower(?) AND lower(table_name) = lower(?)";

/// Whether a view has the name; parameters: schema, view.
pub const VIEW_EXISTS: &str = "SELECT count(*) FROM duckdb_views() \
     WHERE database_name = current_database() AND lower(schema_name) = lower(?) AND lower(view_name) = lower(?)";

/// A table's columns and types in order; parameters: schema, table.
pub const COLUMNS: &str = "SELECT column_name, data_type FROM duckdb_columns() \
     WHERE database_name = current_database() AND lower(schema_name) = lower(?) AND lower(table_name) = lower(?) \
     ORDER BY column_index";

/// The type of `jsonPayload.<field>` of `table` (an error if it has none).
pub fn payload_field(table: &TableRef, field: &str) -> String {
    format!(
        "DESCRIBE SELECT \"jsonPayload\".{} AS field FROM {}",
        quote::ident(field),
        quote::table(table)
    )
}

/// Per phase: taken rows, unreadable `start_time`s, NULL timestamps, the
/// `rowid` of a sample row (readable first, then earliest), and the
/// `rowid` of a row with a data error. One scan.
pub fn counts(campaign: &Campaign) -> String {
    let unreadable = exprs::unreadable("\"jsonPayload\".\"start_time\"", &campaign.transform);
    let no_instant = exprs::no_instant("\"timestamp\"");
    format!(
        "SELECT\n\
         \x20 bannerc_phase,\n\
         \x20 count(*) AS taken_rows,\n\
         \x20 count(*) FILTER (WHERE bannerc_unreadable) AS unreadable_rows,\n\
         \x20 count(*) FILTER (WHERE {no_instant}) AS null_timestamp_rows,\n\
         \x20 count(*) FILTER (WHERE bannerc_unreadable OR {no_instant}) AS bad_rows,\n\
         \x20 arg_min(rowid, [CAST(bannerc_unreadable AS BIGINT), coalesce(epoch_us(\"timestamp\"), 0)]) AS sample_rowid,\n\
         \x20 min(rowid) FILTER (WHERE bannerc_unreadable OR {no_instant}) AS bad_rowid\n\
         FROM (\n\
         \x20 SELECT rowid, \"timestamp\", {} AS bannerc_phase, {unreadable} AS bannerc_unreadable\n\
         \x20 FROM {}\n\
         \x20 WHERE {}\n\
         )\n\
         WHERE bannerc_phase IS NOT NULL\n\
         GROUP BY bannerc_phase\n\
         ORDER BY bannerc_phase",
        exprs::phase_of_row(campaign, ""),
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
    )
}

/// The rows `rowids` of the source before and after their phase's
/// transformation: phase, then `timestamp`, `logName` and the
/// [`SAMPLE_FIELDS`] of `jsonPayload` as text, before and after.
pub fn samples(campaign: &Campaign, rowids: &[i64]) -> String {
    let list: Vec<String> = rowids.iter().map(i64::to_string).collect();
    let retimed = retimed_by_phase(campaign, "s.bannerc_phase", "s.bannerc_tod_us");
    let payload = exprs::fixed_payload(
        "s.\"jsonPayload\"",
        "p.target_date",
        "p.banner_id",
        campaign,
    );
    let fields = |payload: &str| {
        SAMPLE_FIELDS
            .iter()
            .map(|field| format!("CAST({payload}.\"{field}\" AS VARCHAR)"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "SELECT\n\
         \x20 bannerc_phase,\n\
         \x20 CAST(\"timestamp\" AS VARCHAR), \"logName\", {},\n\
         \x20 CAST(bannerc_after_timestamp AS VARCHAR), bannerc_after_log_name, {}\n\
         FROM (\n\
         \x20 SELECT s.*, {retimed} AS bannerc_after_timestamp, p.log_name AS bannerc_after_log_name,\n\
         \x20   {payload} AS bannerc_after_payload\n\
         \x20 FROM (\n\
         \x20   SELECT *, {} AS bannerc_phase, {}(\"timestamp\") AS bannerc_tod_us\n\
         \x20   FROM {}\n\
         \x20   WHERE rowid IN ({})\n\
         \x20 ) AS s\n\
         \x20 JOIN {PHASES} AS p ON p.phase = s.bannerc_phase\n\
         )\n\
         ORDER BY bannerc_phase",
        fields("\"jsonPayload\""),
        fields("bannerc_after_payload"),
        exprs::phase_of_row(campaign, ""),
        exprs::TOD_MACRO,
        quote::table(&campaign.source.node),
        if list.is_empty() {
            "NULL".to_string()
        } else {
            list.join(", ")
        },
    )
}

/// The `jsonPayload` fields a sample row shows, after `timestamp` and
/// `logName` (the same columns as BigQuery's samples).
pub const SAMPLE_FIELDS: [&str; 4] = ["start_time", "end_time", "timestamp_get", "banner_id"];

/// One source row as text: `timestamp`, `logName` and the [`SAMPLE_FIELDS`].
pub fn row(campaign: &Campaign, rowid: i64) -> String {
    format!(
        "SELECT CAST(\"timestamp\" AS VARCHAR), \"logName\", {} FROM {} WHERE rowid = {rowid}",
        SAMPLE_FIELDS
            .iter()
            .map(|field| format!("CAST(\"jsonPayload\".\"{field}\" AS VARCHAR)"))
            .collect::<Vec<_>>()
            .join(", "),
        quote::table(&campaign.source.node)
    )
}

/// Rows of `table` already named with one of the campaign's log names, per name.
pub fn own_rows(campaign: &Campaign, table: &TableRef) -> String {
    let names = quote::string_list(campaign.phases.iter().map(|p| p.log_name.as_str()));
    format!(
        "SELECT \"logName\", count(*) FROM {} WHERE \"logName\" IN ({names}) GROUP BY \"logName\" ORDER BY \"logName\"",
        quote::table(table)
    )
}

/// Special-source rows whose date lies in another phase's days; `None`
/// when no phase has both special logs and another phase with days.
pub fn specials_on_other_days(campaign: &Campaign) -> Option<String> {
    let zone = &campaign.zone.node;
    let parts: Vec<String> = campaign
        .phases
        .iter()
        .filter_map(|phase| {
            let special = exprs::special_rule(phase, "")?;
            let days: Vec<String> = campaign
                .phases
                .iter()
                .filter(|other| other.id != phase.id)
                .flat_map(|other| other.takes.iter())
                .map(|range| format!("({})", exprs::on_days("\"timestamp\"", &range.node, zone)))
                .collect();
            (!days.is_empty()).then(|| format!("({special} AND ({}))", days.join(" OR ")))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "SELECT count(*) FROM {} WHERE {}",
            quote::table(&campaign.source.node),
            parts.join(" OR ")
        )
    })
}

/// Rows of `source` per local day of `zone` in `window`, leaving out rows
/// that no date rule can take (those named in the output form `OUT`).
pub fn day_counts(source: &TableRef, zone: &Zone, window: &DateRange) -> String {
    let (start, end) = zone::day_bounds(window, zone);
    let offsets = Offsets::between(
        zone,
        start,
        end.unwrap_or(start + Duration::days(1)),
        Duration::hours(1),
    );
    let offset = exprs::offsets_sql("\"timestamp\"", &offsets);
    format!(
        "SELECT CAST(CAST(make_timestamp(epoch_us(\"timestamp\") + ({offset})) AS DATE) AS VARCHAR) AS day, count(*)\n\
         FROM {}\n\
         WHERE {} AND (\"logName\" IS NULL OR \"logName\" NOT {})\n\
         GROUP BY day ORDER BY day",
        quote::table(source),
        exprs::on_days("\"timestamp\"", window, zone),
        exprs::OUTPUT_FORM_LIKE,
    )
}
