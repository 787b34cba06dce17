//! Time zones computed at compile time with `chrono-tz`, so that DuckDB
//! needs no zone functions (see the parent module for why).
//!
//! Three facts are computed here and written into the SQL as literals:
//! the UTC bounds of a campaign day (for sargable half-open instant ranges),
//! the UTC offsets in force over a window of instants (transitions found by
//! sampling and bisection), and, for a target day, how each local time of
//! day maps to an instant (gap and repeat resolved by
//! [`reference::resolve_local`], the definition).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset as _, TimeZone, Utc};

use crate::exec::reference;
use crate::ir::{DateRange, Zone};

/// Seconds in a day.
pub const DAY_SECS: i64 = 86_400;

/// The first instant of `day` in `zone` (a midnight in a gap moves forward
/// to the end of the gap; a repeated midnight takes the earlier instant).
pub fn day_start(day: NaiveDate, zone: &Zone) -> DateTime<Utc> {
    reference::resolve_local(day.and_time(NaiveTime::MIN), zone)
}

/// The instants of the days of `range`: `[start, end)`. `end` is `None`
/// when the day after the range cannot be written as a date.
pub fn day_bounds(range: &DateRange, zone: &Zone) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let end = range.end().succ_opt().map(|after| day_start(after, zone));
    (day_start(range.start(), zone), end)
}

/// The UTC offset of `zone` at `at`, in seconds east of UTC.
pub fn offset_at(zone: &Zone, at: DateTime<Utc>) -> i32 {
    zone.tz()
        .offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The offsets of a zone over a window of instants: the offset at the start,
/// then each change with the instant it takes effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offsets {
    pub first: i32,
    pub changes: Vec<(DateTime<Utc>, i32)>,
}

impl Offsets {
    /// Every offset change of `zone` in `[from, to)`, sampled every `step`
    /// and located to the second by bisection. Two changes closer than
    /// `step` would be missed; the callers' steps are shorter than any real
    /// zone's shortest period.
    pub fn between(zone: &Zone, from: DateTime<Utc>, to: DateTime<Utc>, step: Duration) -> Offsets {
        let first = offset_at(zone, from);
        let mut changes = Vec::new();
        let (mut at, mut current) = (from, first);
        while at < to {
            let next = (at + step).min(to);
            let offset = offset_at(zone, next);
            if offset != current {
                changes.push((first_instant_with(zone, at, next, offset), offset));
                current = offset;
            }
            at = next;
        }
        Offsets { first, changes }
    }

    /// The offset in force at `at`.
    pub fn at(&self, at: DateTime<Utc>) -> i32 {
        self.changes
            .iter()
            .take_while(|(since, _)| *since <= at)
            .last()
            .map_or(self.first, |c| c.1)
    }

    /// Whether the offset never changes.
    pub fn is_constant(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The first second in `(before, after]` at which `zone` has `offset`,
/// knowing it does at `after` and does not at `before`.
fn first_instant_with(
    zone: &Zone,
    before: DateTime<Utc>,
    after: DateTime<Utc>,
    offset: i32,
) -> DateTime<Utc> {
    let (mut low, mut high) = (before.timestamp(), after.timestamp());
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        let at = DateTime::from_timestamp(middle, 0).unwrap_or(after);
        if offset_at(zone, at) == offset {
            high = middle;
        } else {
            low = middle;
        }
    }
    DateTime::from_timestamp(high, 0).unwrap_or(after)
}

/// How the local times of one day map to instants: pieces `(from, offset)`
/// sorted by `from`, the first from second 0. A local time of day `s` (in
/// seconds, possibly fractional) in the piece starting at `from` is the
/// instant `midnight-as-UTC + s - offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDay {
    pub day: NaiveDate,
    pub pieces: Vec<(i64, i32)>,
}

impl LocalDay {
    /// The mapping of `day` in `zone`, piecewise constant between the local
    /// times at which a transition near the day starts or ends (and the same
    /// times a day later, because a gap is resolved with the offset in force
    /// a day before).
    pub fn of(day: NaiveDate, zone: &Zone) -> LocalDay {
        let midnight = day.and_time(NaiveTime::MIN);
        let mut cuts = vec![0];
        let around = midnight.and_utc();
        let offsets = Offsets::between(
            zone,
            around - Duration::days(3),
            around + Duration::days(3),
            Duration::minutes(30),
        );
        let mut before = offsets.first;
        for (since, after) in &offsets.changes {
            for offset in [before, *after] {
                for shift in [0, DAY_SECS] {
                    let local =
                        (since.naive_utc() - midnight).num_seconds() + i64::from(offset) + shift;
                    if (1..DAY_SECS).contains(&local) {
                        cuts.push(local);
                    }
                }
            }
            before = *after;
        }
        cuts.sort_unstable();
        cuts.dedup();
        LocalDay {
            day,
            pieces: merge_pieces(
                cuts.iter()
                    .map(|&from| (from, offset_of_local(midnight, from, zone))),
            ),
        }
    }

    /// The epoch seconds of the day's midnight read as UTC.
    pub fn midnight_epoch(&self) -> i64 {
        self.day.and_time(NaiveTime::MIN).and_utc().timestamp()
    }
}

/// The offset `resolve_local` applies to the local time `from` seconds after `midnight`.
fn offset_of_local(midnight: NaiveDateTime, from: i64, zone: &Zone) -> i32 {
    let local = midnight + Duration::seconds(from);
    let instant = reference::resolve_local(local, zone);
    i32::try_from((local - instant.naive_utc()).num_seconds()).unwrap_or(0)
}

fn merge_pieces(pieces: impl Iterator<Item = (i64, i32)>) -> Vec<(i64, i32)> {
    let mut merged: Vec<(i64, i32)> = Vec::new();
    for (from, offset) in pieces {
        if merged.last().is_none_or(|last| last.1 != offset) {
            merged.push((from, offset));
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn new_york_switch_days_match_resolve_local_every_minute() {
        let new_york = zone("America/New_York");
        for day in ["2025-03-09", "2025-11-02", "2025-06-01"] {
            let mapping = LocalDay::of(date(day), &new_york);
            let midnight = date(day).and_time(NaiveTime::MIN);
            for minute in 0..(24 * 60) {
                let seconds = minute * 60;
                let offset = mapping
                    .pieces
                    .iter()
                    .rev()
                    .find(|p| p.0 <= seconds)
                    .map(|p| p.1)
                    .unwrap();
                let expected =
                    reference::resolve_local(midnight + Duration::seconds(seconds), &new_york);
                let got = mapping.midnight_epoch() + seconds - i64::from(offset);
                assert_eq!(got, expected.timestamp(), "{day} minute {minute}");
            }
        }
    }

    #[test]
    fn offsets_find_the_2025_transitions_of_new_york_to_the_second() {
        let from = "2025-01-01T00:00:00Z".parse().unwrap();
        let to = "2026-01-01T00:00:00Z".parse().unwrap();
        let offsets = Offsets::between(&zone("America/New_York"), from, to, Duration::hours(6));
        let spring: DateTime<Utc> = "2025-03-09T07:00:00Z".parse().unwrap();
        let autumn: DateTime<Utc> = "2025-11-02T06:00:00Z".parse().unwrap();
        assert_eq!(offsets.first, -5 * 3600);
        assert_eq!(
            offsets.changes,
            vec![(spring, -4 * 3600), (autumn, -5 * 3600)]
        );
    }

    #[test]
    fn kolkata_is_constant_and_its_days_start_at_18_30_utc() {
        let kolkata = zone("Asia/Kolkata");
        let range = DateRange::new(date("2025-04-01"), date("2025-04-02")).unwrap();
        let (start, end) = day_bounds(&range, &kolkata);
        assert_eq!(start.to_rfc3339(), "2025-03-31T18:30:00+00:00");
        assert_eq!(end.unwrap().to_rfc3339(), "2025-04-02T18:30:00+00:00");
        assert_eq!(
            LocalDay::of(date("2025-04-25"), &kolkata).pieces,
            vec![(0, 19_800)]
        );
    }
}
