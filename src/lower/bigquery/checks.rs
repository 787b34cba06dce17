//! The checks of SEMANTICS.md as BigQuery `ASSERT`s: pre-flight on the data
//! as it is, post-write before commit. A failed `ASSERT` raises, and the
//! script's handler rolls the whole run back.

use super::exprs;
use super::quote;
use super::{COUNTS, PHASES, TAKEN};
use crate::lower::LowerContext;

/// The prefix of every check's message, so an engine can tell a failed
/// check from a failed statement.
pub const CHECK_PREFIX: &str = "bannerc check failed";

/// Per-phase counts of taken rows and data errors, from fused mode's taken
/// table (the original `start_time` is kept beside each row).
pub fn counts_from_taken(context: &LowerContext<'_>) -> String {
    let unreadable = exprs::unreadable("t.bannerc_start_time", &context.campaign.transform);
    format!(
        "CREATE TEMP TABLE {COUNTS} AS\n\
         SELECT\n\
         \x20 p.phase,\n\
         \x20 COUNT(t.bannerc_phase) AS taken_rows,\n\
         \x20 COUNTIF(t.bannerc_phase IS NOT NULL AND {unreadable}) AS unreadable_rows,\n\
         \x20 COUNTIF(t.bannerc_phase IS NOT NULL AND t.`timestamp` IS NULL) AS null_timestamp_rows,\n\
         \x20 COUNTIF(t.bannerc_phase IS NOT NULL AND ({unreadable} OR t.`timestamp` IS NULL)) AS bad_rows\n\
         FROM {PHASES} AS p\n\
         LEFT JOIN {TAKEN} AS t ON t.bannerc_phase = p.phase\n\
         GROUP BY p.phase;"
    )
}

/// Per-phase counts of the rows each phase will take, classified on the
/// staging table before any write (in-place mode).
pub fn counts_from_staging(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let unreadable = exprs::unreadable("s.start_time", &campaign.transform);
    format!(
        "CREATE TEMP TABLE {COUNTS} AS\n\
         SELECT\n\
         \x20 p.phase,\n\
         \x20 COUNT(s.bannerc_phase) AS taken_rows,\n\
         \x20 COUNTIF(s.bannerc_phase IS NOT NULL AND {unreadable}) AS unreadable_rows,\n\
         \x20 COUNTIF(s.bannerc_phase IS NOT NULL AND s.`timestamp` IS NULL) AS null_timestamp_rows,\n\
         \x20 COUNTIF(s.bannerc_phase IS NOT NULL AND ({unreadable} OR s.`timestamp` IS NULL)) AS bad_rows\n\
         FROM {PHASES} AS p\n\
         LEFT JOIN (\n\
         \x20 SELECT\n\
         \x20   {} AS bannerc_phase,\n\
         \x20   `timestamp`,\n\
         \x20   `jsonPayload`.`start_time` AS start_time\n\
         \x20 FROM {}\n\
         \x20 WHERE {}\n\
         ) AS s ON s.bannerc_phase = p.phase\n\
         GROUP BY p.phase;",
        exprs::phase_of_row(campaign, ""),
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
    )
}

fn assert(condition: &str, message: &str) -> String {
    format!(
        "ASSERT {condition}\n  AS {};",
        quote::string(&format!("{CHECK_PREFIX}: {message}"))
    )
}

/// The pre-flight checks, in the order a user would want to read a failure.
pub fn pre_flight(context: &LowerContext<'_>) -> Vec<String> {
    let campaign = context.campaign;
    let thresholds = &campaign.thresholds;
    let target = quote::table(&campaign.target.node);
    let mut asserts = vec![assert(
        &format!(
            "NOT EXISTS (SELECT 1 FROM {target} WHERE `logName` IN (SELECT log_name FROM {PHASES}))"
        ),
        "the target already holds rows with this campaign's log names; inserting again would duplicate them",
    )];
    let mut bounds = vec![format!("taken_rows < {}", thresholds.min_rows_per_phase)];
    if let Some(max) = thresholds.max_rows_per_phase {
        bounds.push(format!("taken_rows > {max}"));
    }
    asserts.push(assert(
        &format!(
            "NOT EXISTS (SELECT 1 FROM {COUNTS} WHERE {})",
            bounds.join(" OR ")
        ),
        &records_per_phase_message(context),
    ));
    if let Some(variance) = thresholds.max_variance {
        asserts.push(assert(
            &format!(
                "NOT EXISTS (SELECT 1 FROM {COUNTS} AS c JOIN {PHASES} AS p ON p.phase = c.phase \
                 WHERE p.expected_rows IS NOT NULL AND ABS(c.taken_rows - p.expected_rows) > {variance} * p.expected_rows)"
            ),
            &format!(
                "a phase's row count is more than {}% from its expected count",
                percent(variance)
            ),
        ));
    }
    asserts.push(assert(
        &format!(
            "(SELECT SUM(bad_rows) FROM {COUNTS}) <= {}",
            thresholds.max_unreadable_start_time
        ),
        &format!(
            "more than {} taken rows have an unreadable start_time or a NULL timestamp",
            thresholds.max_unreadable_start_time
        ),
    ));
    asserts
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
/// by phase, and every new row carries its phase's values.
pub fn post_write(context: &LowerContext<'_>) -> Vec<String> {
    let campaign = context.campaign;
    let target = quote::table(&campaign.target.node);
    let transform = &campaign.transform;
    let format = quote::string(transform.start_time_format.as_str());
    let start = format!("SAFE.PARSE_DATETIME({format}, t.`jsonPayload`.`start_time`)");
    let growth = assert(
        &format!(
            "NOT EXISTS (\n\
             \x20   SELECT 1 FROM {COUNTS} AS c\n\
             \x20   JOIN {PHASES} AS p ON p.phase = c.phase\n\
             \x20   LEFT JOIN (\n\
             \x20     SELECT `logName` AS log_name, COUNT(*) AS written_rows,\n\
             \x20       COUNTIF(`timestamp` IS NULL) AS null_timestamps FROM {target}\n\
             \x20     WHERE `logName` IN (SELECT log_name FROM {PHASES}) GROUP BY `logName`\n\
             \x20   ) AS w ON w.log_name = p.log_name\n\
             \x20   WHERE COALESCE(w.written_rows, 0) != c.taken_rows\n\
             \x20     OR COALESCE(w.null_timestamps, 0) != c.null_timestamp_rows\n\
             \x20 )"
        ),
        crate::lower::GROWTH_CHECK,
    );
    let values = assert(
        &format!(
            "NOT EXISTS (\n\
             \x20   SELECT 1 FROM {target} AS t\n\
             \x20   JOIN {PHASES} AS p ON p.log_name = t.`logName`\n\
             \x20   WHERE t.`jsonPayload`.`banner_id` IS DISTINCT FROM p.banner_id\n\
             \x20     OR (t.`timestamp` IS NOT NULL\n\
             \x20       AND DATE(t.`timestamp`, {zone}) IS DISTINCT FROM p.target_date)\n\
             \x20     OR (t.`jsonPayload`.`start_time` IS NOT NULL AND (\n\
             \x20       DATE({start}) IS DISTINCT FROM p.target_date\n\
             \x20       OR t.`jsonPayload`.`end_time` IS DISTINCT FROM FORMAT_DATETIME({format}, DATETIME_ADD({start}, INTERVAL {offset} SECOND))\n\
             \x20       OR t.`jsonPayload`.`timestamp_get` IS DISTINCT FROM UNIX_SECONDS(TIMESTAMP({start}, 'UTC'))\n\
             \x20     ))\n\
             \x20 )",
            zone = quote::string(campaign.zone.node.name()),
            offset = transform.end_offset_secs,
        ),
        "a written row does not carry its phase's log name, banner, target date and derived times",
    );
    vec![growth, values]
}

/// A fraction as a percentage without floating-point noise (`0.05` → `5`).
fn percent(fraction: f64) -> String {
    let text = format!("{:.4}", fraction * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
