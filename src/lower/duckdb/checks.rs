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
/// new rows counts them per log name and finds any wrong one; two checks
/// read the result.
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
        &format!("EXISTS (SELECT 1 FROM {WRITTEN} WHERE wrong)"),
        "a written row does not carry its phase's log name, banner, target date and derived times",
    );
    vec![written(context), growth, values]
}

/// Per output log name: the target's rows, those without a timestamp, and
/// whether any of them does not carry its phase's values (banner, target
/// day, and times derived from start_time). One scan grouped by log name:
/// the values that differ between phases are compared through each group's
/// least and greatest (every row has a value exactly when the least and the
/// greatest are it), and only the derived times are compared row by row, so
/// the scan needs no join with the phases.
fn written(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let transform = &campaign.transform;
    let offset = transform.end_offset_secs;
    let end = exprs::start_text(&format!("start + to_seconds({offset})"), campaign);
    format!(
        "CREATE TEMP TABLE {WRITTEN} AS\n\
         SELECT\n\
         \x20 p.log_name,\n\
         \x20 t.written_rows,\n\
         \x20 t.null_timestamps,\n\
         \x20 t.wrong_times > 0\n\
         \x20   OR t.no_banner > 0\n\
         \x20   OR t.least_banner IS DISTINCT FROM p.banner_id\n\
         \x20   OR t.greatest_banner IS DISTINCT FROM p.banner_id\n\
         \x20   OR coalesce(t.earliest < p.day_start OR t.latest >= p.day_end, false)\n\
         \x20   OR coalesce(t.first_day <> p.target_date OR t.last_day <> p.target_date, false)\n\
         \x20   AS wrong\n\
         FROM (\n\
         \x20 SELECT\n\
         \x20   log_name,\n\
         \x20   count(*) AS written_rows,\n\
         \x20   count(*) FILTER (WHERE \"timestamp\" IS NULL) AS null_timestamps,\n\
         \x20   count(*) FILTER (WHERE banner_id IS NULL) AS no_banner,\n\
         \x20   min(banner_id) AS least_banner,\n\
         \x20   max(banner_id) AS greatest_banner,\n\
         \x20   min(\"timestamp\") AS earliest,\n\
         \x20   max(\"timestamp\") AS latest,\n\
         \x20   min(CAST(start AS DATE)) AS first_day,\n\
         \x20   max(CAST(start AS DATE)) AS last_day,\n\
         \x20   count(*) FILTER (WHERE start_time IS NOT NULL AND (\n\
         \x20     start IS NULL\n\
         \x20     OR end_time IS DISTINCT FROM {end}\n\
         \x20     OR timestamp_get IS DISTINCT FROM epoch_us(start) // 1000000\n\
         \x20   )) AS wrong_times\n\
         \x20 FROM (\n\
         \x20   SELECT\n\
         \x20     \"logName\" AS log_name,\n\
         \x20     \"timestamp\",\n\
         \x20     \"jsonPayload\".\"banner_id\" AS banner_id,\n\
         \x20     \"jsonPayload\".\"start_time\" AS start_time,\n\
         \x20     \"jsonPayload\".\"end_time\" AS end_time,\n\
         \x20     \"jsonPayload\".\"timestamp_get\" AS timestamp_get,\n\
         \x20     {} AS start\n\
         \x20   FROM {}\n\
         \x20   WHERE \"logName\" IN (SELECT log_name FROM {PHASES})\n\
         \x20 )\n\
         \x20 GROUP BY log_name\n\
         ) AS t\n\
         JOIN {PHASES} AS p ON p.log_name = t.log_name;",
        exprs::parsed_start("\"jsonPayload\".\"start_time\"", transform),
        quote::table(&campaign.target.node),
    )
}
