//! The checks of SEMANTICS.md for DuckDB, which has no `ASSERT`: each check
//! is a `SELECT` that calls `error(…)` when its condition is broken. The
//! message starts with [`CHECK_PREFIX`], so an engine can tell a failed
//! check from a failed statement; the engine then rolls the run back.

use super::exprs;
use super::quote;
use super::{COUNTS, PHASES, WRITTEN};
use crate::lower::LowerContext;

/// The prefix of every check's message.
pub const CHECK_PREFIX: &str = "bannerc check failed";

/// Per-phase counts of the rows each phase will take and of their data
/// errors, classified on the staging table before any write. It reads
/// three columns only, so this scan costs little beside the insert's.
pub fn counts_from_staging(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let unreadable = exprs::unreadable("s.start_time", &campaign.transform);
    let no_instant = exprs::no_instant("s.\"timestamp\"");
    format!(
        "CREATE TEMP TABLE {COUNTS} AS\n\
         SELECT\n\
         \x20 p.phase,\n\
         \x20 COUNT(s.bannerc_phase) AS taken_rows,\n\
         \x20 COUNT(s.bannerc_phase) FILTER (WHERE {unreadable}) AS unreadable_rows,\n\
         \x20 COUNT(s.bannerc_phase) FILTER (WHERE {no_instant}) AS null_timestamp_rows,\n\
         \x20 COUNT(s.bannerc_phase) FILTER (WHERE {unreadable} OR {no_instant}) AS bad_rows\n\
         FROM {PHASES} AS p\n\
         LEFT JOIN (\n\
         \x20 SELECT\n\
         \x20   {} AS bannerc_phase,\n\
         \x20   \"timestamp\",\n\
         \x20   \"jsonPayload\".\"start_time\" AS start_time\n\
         \x20 FROM {}\n\
         \x20 WHERE {}\n\
         ) AS s ON s.bannerc_phase = p.phase\n\
         GROUP BY p.phase;",
        exprs::phase_of_row(campaign, ""),
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
    )
}

/// A check: raise `bannerc check failed: <message>` when `broken` holds.
fn check(broken: &str, message: &str) -> String {
    let message = quote::string(&format!("{CHECK_PREFIX}: {message}"));
    format!("SELECT CASE WHEN {broken}\n  THEN error({message}) END AS bannerc_check;")
}

/// The pre-flight checks, in the order a user would want to read a failure.
pub fn pre_flight(context: &LowerContext<'_>) -> Vec<String> {
    let campaign = context.campaign;
    let thresholds = &campaign.thresholds;
    let own = format!("\"logName\" IN (SELECT log_name FROM {PHASES})");
    let mut checks = vec![check(
        &format!(
            "EXISTS (SELECT 1 FROM {} WHERE {own})",
            quote::table(&campaign.target.node)
        ),
        "the target already holds rows with this campaign's log names; inserting again would duplicate them",
    )];
    let mut bounds = vec![format!("taken_rows < {}", thresholds.min_rows_per_phase)];
    if let Some(max) = thresholds.max_rows_per_phase {
        bounds.push(format!("taken_rows > {max}"));
    }
    checks.push(check(
        &format!(
            "EXISTS (SELECT 1 FROM {COUNTS} WHERE {})",
            bounds.join(" OR ")
        ),
        &records_per_phase_message(context),
    ));
    if let Some(variance) = thresholds.max_variance {
        checks.push(check(
            &format!(
                "EXISTS (SELECT 1 FROM {COUNTS} AS c JOIN {PHASES} AS p ON p.phase = c.phase \
                 WHERE p.expected_rows IS NOT NULL AND abs(c.taken_rows - p.expected_rows) > {variance} * p.expected_rows)"
            ),
            &format!("a phase's row count is more than {}% from its expected count", variance * 100.0),
        ));
    }
    checks.push(check(
        &format!(
            "(SELECT sum(bad_rows) FROM {COUNTS}) > {}",
            thresholds.max_unreadable_start_time
        ),
        &format!(
            "more than {} taken rows have an unreadable start_time or a NULL timestamp",
            thresholds.max_unreadable_start_time
        ),
    ));
    checks
}

fn records_per_phase_message(context: &LowerContext<'_>) -> String {
    let thresholds = &context.campaign.thresholds;
    match thresholds.max_rows_per_phase {
        Some(max) => format!(
            "a phase takes fewer than {} or more than {max} rows (records_per_phase)",
            thresholds.min_rows_per_phase
        ),
        None => format!(
            "a phase takes fewer than {} rows (records_per_phase)",
            thresholds.min_rows_per_phase
        ),
    }
}

/// The post-write checks: the target grew by exactly the taken rows, phase
/// by phase, and every new row carries its phase's values. One scan of the
/// new rows counts them and the wrong ones per log name; two checks read
/// those counts.
pub fn post_write(context: &LowerContext<'_>) -> Vec<String> {
    let growth = check(
        &format!(
            "EXISTS (\n\
             \x20   SELECT 1 FROM {COUNTS} AS c\n\
             \x20   JOIN {PHASES} AS p ON p.phase = c.phase\n\
             \x20   LEFT JOIN {WRITTEN} AS w ON w.log_name = p.log_name\n\
             \x20   WHERE COALESCE(w.written_rows, 0) <> c.taken_rows\n\
             \x20     OR COALESCE(w.null_timestamps, 0) <> c.null_timestamp_rows\n\
             \x20 )"
        ),
        crate::lower::GROWTH_CHECK,
    );
    let values = check(
        &format!("EXISTS (SELECT 1 FROM {WRITTEN} WHERE wrong_rows > 0)"),
        "a written row does not carry its phase's log name, banner, target date and derived times",
    );
    vec![written(context), growth, values]
}

/// Per output log name: the target's rows and those whose values are not
/// their phase's (banner, target day, and times derived from start_time).
fn written(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let transform = &campaign.transform;
    let offset = transform.end_offset_secs;
    let end = exprs::start_text(&format!("t.start + to_seconds({offset})"), campaign);
    format!(
        "CREATE TEMP TABLE {WRITTEN} AS\n\
         SELECT\n\
         \x20 p.log_name,\n\
         \x20 count(*) AS written_rows,\n\
         \x20 count(*) FILTER (WHERE t.\"timestamp\" IS NULL) AS null_timestamps,\n\
         \x20 count(*) FILTER (WHERE\n\
         \x20   t.banner_id IS DISTINCT FROM p.banner_id\n\
         \x20   OR (t.\"timestamp\" IS NOT NULL\n\
         \x20     AND NOT (t.\"timestamp\" >= p.day_start AND t.\"timestamp\" < p.day_end))\n\
         \x20   OR (t.start_time IS NOT NULL AND (\n\
         \x20     CAST(t.start AS DATE) IS DISTINCT FROM p.target_date\n\
         \x20     OR t.end_time IS DISTINCT FROM {end}\n\
         \x20     OR t.timestamp_get IS DISTINCT FROM epoch_us(t.start) // 1000000\n\
         \x20   ))\n\
         \x20 ) AS wrong_rows\n\
         FROM (\n\
         \x20 SELECT\n\
         \x20   \"logName\" AS log_name,\n\
         \x20   \"timestamp\",\n\
         \x20   \"jsonPayload\".\"banner_id\" AS banner_id,\n\
         \x20   \"jsonPayload\".\"start_time\" AS start_time,\n\
         \x20   \"jsonPayload\".\"end_time\" AS end_time,\n\
         \x20   \"jsonPayload\".\"timestamp_get\" AS timestamp_get,\n\
         \x20   {} AS start\n\
         \x20 FROM {}\n\
         \x20 WHERE \"logName\" IN (SELECT log_name FROM {PHASES})\n\
         ) AS t\n\
         JOIN {PHASES} AS p ON p.log_name = t.log_name\n\
         GROUP BY p.log_name;",
        exprs::parsed_start("\"jsonPayload\".\"start_time\"", transform),
        quote::table(&campaign.target.node),
    )
}
