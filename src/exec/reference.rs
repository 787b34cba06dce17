//! The reference evaluator: SEMANTICS.md executed row by row in plain Rust,
//! with no SQL. Tests hold every lowering and every engine to it.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::ir::{Campaign, Phase, PhaseId, Transform, Zone};

/// The columns of a staging row that a campaign reads or writes. Other
/// columns are carried through unchanged and are not modelled here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Row {
    pub timestamp: Option<DateTime<Utc>>,
    pub log_name: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub timestamp_get: Option<i64>,
    pub banner_id: Option<String>,
}

/// Every phase whose rule takes `row`. A well-formed campaign gives at most one.
pub fn phases_taking(campaign: &Campaign, row: &Row) -> Vec<PhaseId> {
    let specials: Vec<&str> = campaign
        .phases
        .iter()
        .flat_map(|p| p.special.iter().map(|s| s.node.as_str()))
        .collect();
    campaign
        .phases
        .iter()
        .filter(|phase| takes(campaign, phase, &specials, row))
        .map(|phase| phase.id)
        .collect()
}

/// Whether phase `phase` takes `row`:
/// `logName ∈ S_i`, or `logName ∉ SPECIAL ∪ OUT ∪ X_i` and `local_date ∈ D_i`.
fn takes(campaign: &Campaign, phase: &Phase, specials: &[&str], row: &Row) -> bool {
    if let Some(name) = &row.log_name
        && phase.special.iter().any(|s| s.node.as_str() == name)
    {
        return true;
    }
    let name_allowed = match &row.log_name {
        None => true,
        Some(name) => {
            !specials.contains(&name.as_str())
                && !crate::ir::is_output_form(name)
                && !phase.except.iter().any(|x| x.node.as_str() == name)
        }
    };
    let Some(timestamp) = row.timestamp else {
        return false;
    };
    let day = local_date(timestamp, &campaign.zone.node);
    name_allowed && phase.takes.iter().any(|range| range.node.contains(day))
}

/// The calendar date of an instant in a zone.
pub fn local_date(instant: DateTime<Utc>, zone: &Zone) -> NaiveDate {
    instant.with_timezone(&zone.tz()).date_naive()
}

/// The instant at `day` and the local time of day of `instant`, in `zone`.
/// A local time in a spring-forward gap moves forward by the gap's length;
/// one that exists twice takes the earlier instant.
pub fn retime(instant: DateTime<Utc>, day: NaiveDate, zone: &Zone) -> DateTime<Utc> {
    let local = instant.with_timezone(&zone.tz()).time();
    resolve_local(day.and_time(local), zone)
}

/// The instant of a local date-time in `zone`, resolving gaps forward (by
/// the offset in force before the gap) and repeats to the earlier instant.
pub fn resolve_local(local: NaiveDateTime, zone: &Zone) -> DateTime<Utc> {
    let tz = zone.tz();
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            let before = local - Duration::hours(24);
            let offset = tz.offset_from_local_datetime(&before).earliest();
            let seconds = offset.map_or(0, |o| {
                use chrono::Offset as _;
                o.fix().local_minus_utc()
            });
            (local - Duration::seconds(i64::from(seconds))).and_utc()
        }
    }
}

/// What a row taken by `phase` becomes.
pub fn transform(campaign: &Campaign, phase: &Phase, row: &Row) -> Row {
    let day = phase.target.node;
    let start = row
        .start_time
        .as_deref()
        .and_then(|s| parse_start(s, &campaign.transform));
    let new_start = start.map(|s| day.and_time(s.time()));
    let format = campaign.transform.start_time_format.as_str();
    Row {
        timestamp: row.timestamp.map(|t| retime(t, day, &campaign.zone.node)),
        log_name: Some(phase.log_name.as_str().to_string()),
        start_time: new_start.map(|s| s.format(format).to_string()),
        end_time: new_start.map(|s| {
            (s + Duration::seconds(campaign.transform.end_offset_secs))
                .format(format)
                .to_string()
        }),
        timestamp_get: new_start.map(|s| s.and_utc().timestamp()),
        banner_id: Some(phase.banner.as_str().to_string()),
    }
}

/// Read a `start_time` in the campaign's format; `None` when unreadable.
pub fn parse_start(text: &str, transform: &Transform) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, transform.start_time_format.as_str()).ok()
}

/// The rows the target gains: each taken row, transformed, in input order.
pub fn target_rows(campaign: &Campaign, rows: &[Row]) -> Vec<(PhaseId, Row)> {
    rows.iter()
        .filter_map(|row| {
            let id = *phases_taking(campaign, row).first()?;
            let phase = campaign.phases.iter().find(|p| p.id == id)?;
            Some((id, transform(campaign, phase, row)))
        })
        .collect()
}
