//! BigQuery expressions shared by both modes: which rows a phase takes, and
//! what a taken row becomes (SEMANTICS.md, "Which rows a phase takes" and
//! "What a taken row becomes").

use chrono::NaiveDate;

use super::quote;
use crate::ir::{Campaign, DateRange, Phase, Transform, Zone};

/// The `OUT` set as a LIKE pattern: `H_<banner>_distinct_<suffix>`, banner
/// and suffix non-empty. A raw string, so the backslashes are LIKE's own.
pub const OUTPUT_FORM_PATTERN: &str = r"r'H\__%\_distinct\__%'";

/// `timestamp` falls on one of the days of `range` in `zone`: a half-open
/// instant range, so BigQuery can prune partitions.
pub fn on_days(column: &str, range: &DateRange, zone: &Zone) -> String {
    let lower = format!("{column} >= {}", day_start(range.start(), zone));
    match range
        .end()
        .succ_opt()
        .filter(|d| d.format("%Y").to_string().len() == 4)
    {
        Some(after) => format!("{lower} AND {column} < {}", day_start(after, zone)),
        None => lower,
    }
}

/// The first instant of `day` in `zone`.
fn day_start(day: NaiveDate, zone: &Zone) -> String {
    format!(
        "TIMESTAMP({}, {})",
        quote::string(&day.format("%Y-%m-%d").to_string()),
        quote::string(zone.name())
    )
}

/// Above this many separate source ranges, the scan filter uses one range
/// from the first day to the last (still sargable; the per-phase rules stay
/// exact), so the SQL stays shallow for campaigns of many thousand phases.
const MAX_SCAN_RANGES: usize = 32;

/// Every instant range any phase takes, merged where days touch: the
/// sargable scan filter (with the special logs) of one pass over the source.
pub fn scan_filter(campaign: &Campaign, prefix: &str) -> String {
    let timestamp = format!("{prefix}`timestamp`");
    let log_name = format!("{prefix}`logName`");
    let mut ranges = merged_ranges(campaign);
    if let (Some(first), Some(last)) = (ranges.first(), ranges.last())
        && ranges.len() > MAX_SCAN_RANGES
        && let Ok(covering) = DateRange::new(first.start(), last.end())
    {
        ranges = vec![covering];
    }
    let mut parts: Vec<String> = ranges
        .iter()
        .map(|range| format!("({})", on_days(&timestamp, range, &campaign.zone.node)))
        .collect();
    let specials = all_specials(campaign);
    if !specials.is_empty() {
        parts.push(format!("{log_name} IN ({})", quote::string_list(specials)));
    }
    if parts.is_empty() {
        return "FALSE".into();
    }
    parts.join("\n      OR ")
}

/// All source ranges of the campaign, sorted, with touching ranges merged.
pub fn merged_ranges(campaign: &Campaign) -> Vec<DateRange> {
    let mut ranges: Vec<DateRange> = campaign
        .phases
        .iter()
        .flat_map(|p| p.takes.iter().map(|r| r.node))
        .collect();
    ranges.sort();
    let mut merged: Vec<DateRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last)
                if last
                    .end()
                    .succ_opt()
                    .is_some_and(|next| range.start() <= next) =>
            {
                if range.end() > last.end()
                    && let Ok(joined) = DateRange::new(last.start(), range.end())
                {
                    *last = joined;
                }
            }
            _ => merged.push(range),
        }
    }
    merged
}

/// `SPECIAL`: every special log name of the campaign, sorted.
pub fn all_specials(campaign: &Campaign) -> Vec<&str> {
    let mut names: Vec<&str> = campaign
        .phases
        .iter()
        .flat_map(|p| p.special.iter().map(|s| s.node.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The temporary table of every special log name (`SPECIAL`), so that each
/// phase's rule names it once instead of repeating the list.
pub const SPECIALS: &str = "bannerc_specials";

/// The days of `D_i` as instant ranges.
fn days_rule(campaign: &Campaign, phase: &Phase, prefix: &str) -> String {
    let timestamp = format!("{prefix}`timestamp`");
    let days: Vec<String> = phase
        .takes
        .iter()
        .map(|range| {
            format!(
                "({})",
                on_days(&timestamp, &range.node, &campaign.zone.node)
            )
        })
        .collect();
    days.join(" OR ")
}

/// `logName ∉ X_i`, or `None` when `X_i` is empty.
fn not_excluded(phase: &Phase, prefix: &str) -> Option<String> {
    if phase.except.is_empty() {
        return None;
    }
    let names = quote::string_list(phase.except.iter().map(|x| x.node.as_str()));
    Some(format!("{prefix}`logName` NOT IN ({names})"))
}

/// Phase `i` takes the row by its date rule: a name outside `SPECIAL`,
/// `OUT` and `X_i` (or no name), and a timestamp on one of `D_i`.
pub fn date_rule(campaign: &Campaign, phase: &Phase, prefix: &str) -> Option<String> {
    if phase.takes.is_empty() {
        return None;
    }
    let log_name = format!("{prefix}`logName`");
    let mut name_rules = Vec::new();
    if campaign.phases.iter().any(|p| !p.special.is_empty()) {
        name_rules.push(format!("{log_name} NOT IN (SELECT name FROM {SPECIALS})"));
    }
    name_rules.push(format!("{log_name} NOT LIKE {OUTPUT_FORM_PATTERN}"));
    name_rules.extend(not_excluded(phase, prefix));
    Some(format!(
        "({log_name} IS NULL OR ({})) AND ({})",
        name_rules.join(" AND "),
        days_rule(campaign, phase, prefix)
    ))
}

/// Phase `i` takes the row by its special rule.
pub fn special_rule(phase: &Phase, prefix: &str) -> Option<String> {
    if phase.special.is_empty() {
        return None;
    }
    let names = quote::string_list(phase.special.iter().map(|s| s.node.as_str()));
    Some(format!("{prefix}`logName` IN ({names})"))
}

/// The whole rule of phase `i`: special or date (for in-place `UPDATE`s).
pub fn phase_rule(campaign: &Campaign, phase: &Phase, prefix: &str) -> String {
    let rules: Vec<String> = [
        special_rule(phase, prefix),
        date_rule(campaign, phase, prefix),
    ]
    .into_iter()
    .flatten()
    .collect();
    match rules.as_slice() {
        [] => "FALSE".into(),
        [one] => one.clone(),
        _ => format!("({})", rules.join(") OR (")),
    }
}

/// The number of the phase that takes the row, or NULL. Special rules come
/// first; then rows of `OUT` are taken by nobody; then the date rules, each
/// needing only its own exclusions. The campaign is well formed, so the
/// order of phases within each group does not matter, and the expression
/// grows linearly with the campaign.
pub fn phase_of_row(campaign: &Campaign, prefix: &str) -> String {
    let log_name = format!("{prefix}`logName`");
    let mut case = String::from("CASE");
    for phase in &campaign.phases {
        if let Some(rule) = special_rule(phase, prefix) {
            case.push_str(&format!("\n        WHEN {rule} THEN {}", phase.id));
        }
    }
    case.push_str(&format!(
        "\n        WHEN {log_name} LIKE {OUTPUT_FORM_PATTERN} THEN NULL"
    ));
    for phase in campaign.phases.iter().filter(|p| !p.takes.is_empty()) {
        let days = days_rule(campaign, phase, prefix);
        let rule = match not_excluded(phase, prefix) {
            Some(names) => format!("({log_name} IS NULL OR {names}) AND ({days})"),
            None => days,
        };
        case.push_str(&format!("\n        WHEN {rule} THEN {}", phase.id));
    }
    case.push_str("\n      END");
    case
}

/// The instant at `target_date` and the row's local time of day, in the
/// campaign's zone (BigQuery resolves gaps forward and repeats to the
/// earlier instant, as SEMANTICS.md requires).
pub fn retimed(timestamp: &str, target_date: &str, zone: &Zone) -> String {
    let zone = quote::string(zone.name());
    format!("TIMESTAMP(DATETIME({target_date}, TIME({timestamp}, {zone})), {zone})")
}

/// The new `start_time` as a DATETIME: its time of day on `target_date`.
fn new_start(start_time: &str, target_date: &str, transform: &Transform) -> String {
    let format = quote::string(transform.start_time_format.as_str());
    format!("DATETIME({target_date}, TIME(SAFE.PARSE_DATETIME({format}, {start_time})))")
}

/// The assignments that fix the JSON fields of a taken row, all computed
/// from the row's original `start_time`. `start_time` itself comes last, so
/// the fixes can also be applied one statement each, in this order, when
/// `start_time` is the column being rewritten.
pub fn field_fixes(
    start_time: &str,
    target_date: &str,
    banner: &str,
    transform: &Transform,
) -> Vec<(String, String)> {
    let format = quote::string(transform.start_time_format.as_str());
    let start = new_start(start_time, target_date, transform);
    let offset = transform.end_offset_secs;
    vec![
        (
            "`jsonPayload`.`end_time`".into(),
            format!("FORMAT_DATETIME({format}, DATETIME_ADD({start}, INTERVAL {offset} SECOND))"),
        ),
        (
            "`jsonPayload`.`timestamp_get`".into(),
            format!("UNIX_SECONDS(TIMESTAMP({start}, 'UTC'))"),
        ),
        ("`jsonPayload`.`banner_id`".into(), banner.to_string()),
        (
            "`jsonPayload`.`start_time`".into(),
            format!("FORMAT_DATETIME({format}, {start})"),
        ),
    ]
}

/// A row whose `start_time` cannot be read in the campaign's format.
pub fn unreadable(start_time: &str, transform: &Transform) -> String {
    let format = quote::string(transform.start_time_format.as_str());
    format!("SAFE.PARSE_DATETIME({format}, {start_time}) IS NULL")
}
