//! DuckDB expressions shared by both modes and by `plan`'s inspection:
//! which rows a phase takes, and what a taken row becomes (SEMANTICS.md,
//! "Which rows a phase takes" and "What a taken row becomes").

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::quote;
use super::zone::{self, LocalDay, Offsets};
use crate::ir::{Campaign, DateRange, Phase, Transform, Zone};

/// The `OUT` set as a LIKE pattern with `!` as its escape character:
/// `H_<banner>_distinct_<suffix>`, banner and suffix non-empty.
pub const OUTPUT_FORM_LIKE: &str = "LIKE 'H!__%!_distinct!__%' ESCAPE '!'";

/// The temporary macro giving the local time of day, in microseconds, of
/// an instant in the campaign's zone.
pub const TOD_MACRO: &str = "bannerc_tod_us";

/// Microseconds in a second and in a day.
const US: i64 = 1_000_000;
const DAY_US: i64 = zone::DAY_SECS * US;

/// `column` falls on one of the days of `range` in `zone`: a half-open
/// instant range with bounds computed at compile time, so DuckDB can skip
/// row groups by their min/max.
pub fn on_days(column: &str, range: &DateRange, zone: &Zone) -> String {
    let (start, end) = zone::day_bounds(range, zone);
    let lower = format!("{column} >= {}", quote::instant(start));
    match end {
        Some(end) => format!("{lower} AND {column} < {}", quote::instant(end)),
        None => lower,
    }
}

/// Every instant range any phase takes, merged where days touch, and the
/// special logs: the filter of one scan over the source.
pub fn scan_filter(campaign: &Campaign, prefix: &str) -> String {
    let timestamp = format!("{prefix}\"timestamp\"");
    let mut parts: Vec<String> = merged_ranges(campaign)
        .iter()
        .map(|range| format!("({})", on_days(&timestamp, range, &campaign.zone.node)))
        .collect();
    let specials = all_specials(campaign);
    if !specials.is_empty() {
        parts.push(format!(
            "{prefix}\"logName\" IN ({})",
            quote::string_list(specials)
        ));
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
        let joined = merged.last().and_then(|last| {
            let touches = last
                .end()
                .succ_opt()
                .is_some_and(|next| range.start() <= next);
            touches
                .then(|| DateRange::new(last.start(), range.end().max(last.end())).ok())
                .flatten()
        });
        match (joined, merged.last_mut()) {
            (Some(joined), Some(last)) => *last = joined,
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

/// Phase `i` takes the row by its date rule: a name outside `SPECIAL`,
/// `OUT` and `X_i` (or no name), and a timestamp on one of `D_i`.
pub fn date_rule(campaign: &Campaign, phase: &Phase, prefix: &str) -> Option<String> {
    if phase.takes.is_empty() {
        return None;
    }
    let timestamp = format!("{prefix}\"timestamp\"");
    let log_name = format!("{prefix}\"logName\"");
    let mut refused: Vec<&str> = all_specials(campaign);
    refused.extend(phase.except.iter().map(|x| x.node.as_str()));
    refused.sort_unstable();
    refused.dedup();
    let mut name_rule = format!("{log_name} NOT {OUTPUT_FORM_LIKE}");
    if !refused.is_empty() {
        name_rule = format!(
            "{log_name} NOT IN ({}) AND {name_rule}",
            quote::string_list(refused)
        );
    }
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
    Some(format!(
        "({log_name} IS NULL OR ({name_rule})) AND ({})",
        days.join(" OR ")
    ))
}

/// Phase `i` takes the row by its special rule.
pub fn special_rule(phase: &Phase, prefix: &str) -> Option<String> {
    if phase.special.is_empty() {
        return None;
    }
    let names = quote::string_list(phase.special.iter().map(|s| s.node.as_str()));
    Some(format!("{prefix}\"logName\" IN ({names})"))
}

/// The whole rule of phase `i`: special or date.
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

/// The number of the phase that takes the row, or NULL. The campaign is
/// well formed, so at most one branch can match.
pub fn phase_of_row(campaign: &Campaign, prefix: &str) -> String {
    let mut case = String::from("CASE");
    for phase in &campaign.phases {
        let rule = phase_rule(campaign, phase, prefix);
        case.push_str(&format!("\n        WHEN {rule} THEN {}", phase.id));
    }
    case.push_str("\n      END");
    case
}

/// The offset in microseconds over every instant a campaign's rows can have: a window
/// around its source days, and, when it has special logs (whose rows may
/// lie on any day), the years 1800 to 2199 as a fallback.
pub fn offset_case(campaign: &Campaign, column: &str) -> String {
    let zone = &campaign.zone.node;
    let window = source_window(campaign);
    let near = window.map(|(from, to)| Offsets::between(zone, from, to, Duration::hours(1)));
    let wide = (!all_specials(campaign).is_empty()).then(|| wide_offsets(zone));
    if let Some(wide) = wide.as_ref().filter(|w| w.is_constant()) {
        return offsets_sql(column, wide);
    }
    match (window, near, wide) {
        (Some((from, to)), Some(near), Some(wide)) => format!(
            "CASE WHEN {column} >= {} AND {column} < {} THEN {} ELSE {} END",
            quote::instant(from),
            quote::instant(to),
            offsets_sql(column, &near),
            offsets_sql(column, &wide)
        ),
        (_, Some(near), None) => offsets_sql(column, &near),
        (_, _, Some(wide)) => offsets_sql(column, &wide),
        _ => "0".into(),
    }
}

/// The instants of every source day of the campaign, a day wider each side.
fn source_window(campaign: &Campaign) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let ranges = merged_ranges(campaign);
    let (first, last) = (ranges.first()?, ranges.last()?);
    let zone = &campaign.zone.node;
    let from = zone::day_start(first.start(), zone) - Duration::days(1);
    let to = zone::day_bounds(last, zone)
        .1
        .unwrap_or(DateTime::<Utc>::MAX_UTC - Duration::days(2));
    Some((from, to + Duration::days(1)))
}

/// A zone's offsets from 1800 to 2199 (local mean time before the zone's
/// first change), computed once per zone and process.
fn wide_offsets(zone: &Zone) -> Offsets {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Offsets>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let compute = || {
        let from = year_start(1800);
        Offsets::between(zone, from, year_start(2200), Duration::hours(6))
    };
    match cache.lock() {
        Ok(mut map) => map.entry(zone.name()).or_insert_with(compute).clone(),
        Err(_) => compute(),
    }
}

fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1).map_or(DateTime::<Utc>::MIN_UTC, |d| {
        d.and_time(Default::default()).and_utc()
    })
}

/// The offset at `column` in microseconds, as a `CASE` over the changes.
/// (Microsecond literals are typed BIGINT by DuckDB where they need to be;
/// multiplying two INTEGERs instead would overflow.)
pub fn offsets_sql(column: &str, offsets: &Offsets) -> String {
    let us = |seconds: i32| i64::from(seconds) * US;
    let Some((first_change, _)) = offsets.changes.first() else {
        return us(offsets.first).to_string();
    };
    let first = quote::instant(*first_change);
    let mut case = format!("CASE WHEN {column} < {first} THEN {}", us(offsets.first));
    for pair in offsets.changes.windows(2) {
        let (until, offset) = (quote::instant(pair[1].0), us(pair[0].1));
        case.push_str(&format!(" WHEN {column} < {until} THEN {offset}"));
    }
    let last = offsets.changes.last().map_or(offsets.first, |c| c.1);
    case.push_str(&format!(" ELSE {} END", us(last)));
    case
}

/// `CREATE TEMP MACRO bannerc_tod_us(ts)`: the local time of day of `ts`
/// in microseconds, in the campaign's zone (replacing an older one when
/// `replace`).
pub fn tod_macro(campaign: &Campaign, replace: bool) -> String {
    let create = if replace {
        "CREATE OR REPLACE TEMP MACRO"
    } else {
        "CREATE TEMP MACRO"
    };
    format!(
        "{create} {TOD_MACRO}(ts) AS\n  ((epoch_us(ts) + ({})) % {DAY_US} + {DAY_US}) % {DAY_US};",
        offset_case(campaign, "ts")
    )
}

/// The instant at `day` and the local time of day `tod_us` (microseconds),
/// in `zone`: midnight read as UTC, plus the time of day, minus the offset
/// `resolve_local` gives that local time.
pub fn retimed(tod_us: &str, day: NaiveDate, zone: &Zone) -> String {
    let mapping = LocalDay::of(day, zone);
    let midnight_us = mapping.midnight_epoch() * US;
    let us = |seconds: i32| i64::from(seconds) * US;
    let offset = match mapping.pieces.as_slice() {
        [(_, only)] => us(*only).to_string(),
        pieces => {
            let mut case = String::from("CASE");
            for pair in pieces.windows(2) {
                let (until, offset) = (pair[1].0 * US, us(pair[0].1));
                case.push_str(&format!(" WHEN {tod_us} < {until} THEN {offset}"));
            }
            let last = pieces.last().map_or(0, |p| us(p.1));
            format!("{case} ELSE {last} END")
        }
    };
    // `to_timestamp` of epoch seconds gives the instant whatever the
    // session's `TimeZone` (a naive `make_timestamp` cast to TIMESTAMPTZ is
    // read in that zone where ICU is loaded, as in the DuckDB shell), and it
    // needs no ICU. The division is exact to the microsecond for instants
    // from 1678 to 2112 (below 2^52 microseconds from the epoch).
    format!("to_timestamp(({midnight_us} + {tod_us} - ({offset})) / 1000000.0)")
}

/// `start_time` read in the campaign's format (NULL when unreadable).
pub fn parsed_start(start_time: &str, transform: &Transform) -> String {
    format!(
        "try_strptime({start_time}, {})",
        quote::string(transform.start_time_format.as_str())
    )
}

/// A taken row whose `start_time` cannot be read in the campaign's format.
pub fn unreadable(start_time: &str, transform: &Transform) -> String {
    format!("{} IS NULL", parsed_start(start_time, transform))
}

/// Whether a `timestamp` (an expression) gives no instant to move: NULL,
/// or one of DuckDB's infinities (BigQuery has none).
pub fn no_instant(timestamp: &str) -> String {
    format!(
        "({timestamp} IS NULL OR {timestamp} IN (TIMESTAMPTZ 'infinity', TIMESTAMPTZ '-infinity'))"
    )
}

/// `jsonPayload` with its four derived fields fixed, all computed from the
/// row's original `start_time`, in one `struct_update`.
pub fn fixed_payload(
    payload: &str,
    target_date: &str,
    banner: &str,
    campaign: &Campaign,
) -> String {
    let transform = &campaign.transform;
    let start_time = format!("{payload}.\"start_time\"");
    let start = format!(
        "({target_date} + CAST({} AS TIME))",
        parsed_start(&start_time, transform)
    );
    let offset = transform.end_offset_secs;
    let end = format!("{start} + to_seconds({offset})");
    format!(
        "struct_update(\n      {payload},\n      \
         start_time := {},\n      \
         end_time := {},\n      \
         timestamp_get := epoch_us({start}) // {US},\n      \
         banner_id := {banner}\n    )",
        start_text(&start, campaign),
        start_text(&end, campaign),
    )
}

/// A whole-second TIMESTAMP `value`, a start or end time of one of the
/// campaign's target days, written in the start-time format. DuckDB's cast
/// to VARCHAR writes `%Y-%m-%d %H:%M:%S` for whole seconds in the years 1000
/// to 9999 in about a third of `strftime`'s time, so it is used when that is
/// the format and every such time falls in those years (known at compile
/// time); otherwise `strftime`.
pub fn start_text(value: &str, campaign: &Campaign) -> String {
    if casts_as_start_text(campaign) {
        format!("CAST({value} AS VARCHAR)")
    } else {
        let format = quote::string(campaign.transform.start_time_format.as_str());
        format!("strftime({value}, {format})")
    }
}

fn casts_as_start_text(campaign: &Campaign) -> bool {
    if campaign.transform.start_time_format != crate::ir::StartTimeFormat::default() {
        return false;
    }
    let offset = Duration::try_seconds(campaign.transform.end_offset_secs);
    let plain_year = |at: Option<chrono::NaiveDateTime>| {
        at.is_some_and(|at| (1000..=9999).contains(&chrono::Datelike::year(&at)))
    };
    campaign.phases.iter().all(|phase| {
        let midnight = phase.target.node.and_time(chrono::NaiveTime::MIN);
        let next = midnight.checked_add_signed(Duration::days(1));
        let ends = [Some(midnight), next].map(|at| {
            at.zip(offset)
                .and_then(|(at, offset)| at.checked_add_signed(offset))
        });
        [Some(midnight), next, ends[0], ends[1]]
            .into_iter()
            .all(plain_year)
    })
}

#[cfg(test)]
mod start_text_tests {
    use super::*;

    fn campaign(extra: &str, target: &str) -> Campaign {
        let text = format!(
            "campaign C {{\n banner 1\n source `p.d.s`\n target `p.d.t`\n zone UTC\n \
             phase 1: 2025-04-01..2025-04-02 -> {target}\n {extra}\n}}\n"
        );
        let (spec, diagnostics) = crate::syntax::parse(&text);
        crate::plan::expand(&spec.expect("parses"), None)
            .unwrap_or_else(|_| panic!("{diagnostics:?}"))
    }

    #[test]
    fn the_default_format_is_written_by_a_cast_in_plain_years() {
        let text = start_text("x", &campaign("end_time = start_time + 5s", "2025-05-05"));
        assert_eq!(text, "CAST(x AS VARCHAR)");
    }

    #[test]
    fn another_format_or_an_edge_year_is_written_by_strftime() {
        let custom = campaign("start_time format \"%d/%m/%Y %H:%M:%S\"", "2025-05-05");
        assert_eq!(start_text("x", &custom), "strftime(x, '%d/%m/%Y %H:%M:%S')");
        let early = campaign("end_time = start_time - 30s", "1000-01-01");
        assert!(start_text("x", &early).starts_with("strftime("));
        let late = campaign("end_time = start_time + 5s", "9999-12-31");
        assert!(start_text("x", &late).starts_with("strftime("));
        let plain = campaign("end_time = start_time + 5s", "1000-01-01");
        assert_eq!(start_text("x", &plain), "CAST(x AS VARCHAR)");
    }
}
