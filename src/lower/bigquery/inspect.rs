//! The read-only BigQuery queries of `plan` (and of `apply`'s pre-flight),
//! built from the same expressions as the run itself, so that what `plan`
//! counts is what `apply` takes. Each is one standalone query: the phases
//! table is a `WITH` clause, not a temporary table.

use super::exprs;
use super::quote;
use super::{PHASES, phases_query};
use crate::ir::{Campaign, DateRange, TableRef, Zone};

/// The `WITH` clause that names the phases table.
fn with_phases(campaign: &Campaign) -> String {
    format!("WITH {PHASES} AS (\n{}\n)\n", phases_query(campaign))
}

/// Per phase: taken rows, unreadable `start_time`s and NULL timestamps.
/// One scan of the source.
pub fn counts(campaign: &Campaign) -> String {
    let unreadable = exprs::unreadable("`jsonPayload`.`start_time`", &campaign.transform);
    format!(
        "SELECT\n\
         \x20 bannerc_phase,\n\
         \x20 COUNT(*) AS taken_rows,\n\
         \x20 COUNTIF(bannerc_unreadable) AS unreadable_rows,\n\
         \x20 COUNTIF(`timestamp` IS NULL) AS null_timestamp_rows,\n\
         \x20 COUNTIF(bannerc_unreadable OR `timestamp` IS NULL) AS bad_rows\n\
         FROM (\n\
         \x20 SELECT `timestamp`, {} AS bannerc_phase, {unreadable} AS bannerc_unreadable\n\
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

/// The columns of a sample row, before and after its transformation.
pub const SAMPLE_COLUMNS: [&str; 6] = [
    "timestamp",
    "logName",
    "jsonPayload.start_time",
    "jsonPayload.end_time",
    "jsonPayload.timestamp_get",
    "jsonPayload.banner_id",
];

/// One taken row per phase (readable first, then earliest), as text:
/// the phase, the six [`SAMPLE_COLUMNS`] before, and the same after.
pub fn samples(campaign: &Campaign) -> String {
    let zone = &campaign.zone.node;
    let unreadable = exprs::unreadable("`jsonPayload`.`start_time`", &campaign.transform);
    let fixes = exprs::field_fixes(
        "s.`jsonPayload`.`start_time`",
        "p.target_date",
        "p.banner_id",
        &campaign.transform,
    );
    let fixed = |field: &str| {
        fixes
            .iter()
            .find(|(column, _)| column.ends_with(&format!("`{field}`")))
            .map_or_else(
                || "NULL".to_string(),
                |(_, value)| format!("CAST({value} AS STRING)"),
            )
    };
    format!(
        "{}SELECT\n\
         \x20 s.bannerc_phase,\n\
         \x20 CAST(s.`timestamp` AS STRING), s.`logName`, s.`jsonPayload`.`start_time`,\n\
         \x20 s.`jsonPayload`.`end_time`, CAST(s.`jsonPayload`.`timestamp_get` AS STRING),\n\
         \x20 s.`jsonPayload`.`banner_id`,\n\
         \x20 CAST({} AS STRING), p.log_name, {}, {}, {}, {}\n\
         FROM (\n\
         \x20 SELECT *, ROW_NUMBER() OVER (\n\
         \x20   PARTITION BY bannerc_phase ORDER BY bannerc_unreadable, `timestamp`\n\
         \x20 ) AS bannerc_rank\n\
         \x20 FROM (\n\
         \x20   SELECT *, {} AS bannerc_phase, {unreadable} AS bannerc_unreadable\n\
         \x20   FROM {}\n\
         \x20   WHERE {}\n\
         \x20 )\n\
         \x20 WHERE bannerc_phase IS NOT NULL\n\
         ) AS s\n\
         JOIN {PHASES} AS p ON p.phase = s.bannerc_phase\n\
         WHERE s.bannerc_rank = 1\n\
         ORDER BY s.bannerc_phase",
        with_phases(campaign),
        exprs::retimed("s.`timestamp`", "p.target_date", zone),
        fixed("start_time"),
        fixed("end_time"),
        fixed("timestamp_get"),
        fixed("banner_id"),
        exprs::phase_of_row(campaign, ""),
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
    )
}

/// One taken row with a data error, as text: `timestamp`, `logName`,
/// `jsonPayload` as JSON.
pub fn bad_row(campaign: &Campaign) -> String {
    let unreadable = exprs::unreadable("`jsonPayload`.`start_time`", &campaign.transform);
    format!(
        "SELECT CAST(`timestamp` AS STRING), `logName`, TO_JSON_STRING(`jsonPayload`)\n\
         FROM {}\n\
         WHERE ({}) AND ({}) IS NOT NULL AND ({unreadable} OR `timestamp` IS NULL)\n\
         LIMIT 1",
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
        exprs::phase_of_row(campaign, ""),
    )
}

/// Rows of `table` already named with one of the campaign's log names, per name.
pub fn own_rows(campaign: &Campaign, table: &TableRef) -> String {
    let names = quote::string_list(campaign.phases.iter().map(|p| p.log_name.as_str()));
    format!(
        "SELECT `logName`, COUNT(*) FROM {} WHERE `logName` IN ({names}) \
         GROUP BY `logName` ORDER BY `logName`",
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
                .map(|range| format!("({})", exprs::on_days("`timestamp`", &range.node, zone)))
                .collect();
            (!days.is_empty()).then(|| format!("({special} AND ({}))", days.join(" OR ")))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            quote::table(&campaign.source.node),
            parts.join(" OR ")
        )
    })
}

/// Rows of `source` per local day of `zone` in `window`, leaving out rows
/// that no date rule can take (those named in the output form `OUT`).
pub fn day_counts(source: &TableRef, zone: &Zone, window: &DateRange) -> String {
    let zone_name = quote::string(zone.name());
    format!(
        "SELECT CAST(DATE(`timestamp`, {zone_name}) AS STRING), COUNT(*)\n\
         FROM {}\n\
         WHERE ({}) AND (`logName` IS NULL OR `logName` NOT LIKE {})\n\
         GROUP BY 1 ORDER BY 1",
        quote::table(source),
        exprs::on_days("`timestamp`", window, zone),
        exprs::OUTPUT_FORM_PATTERN,
    )
}
