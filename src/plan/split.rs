//! Splits: cutting the source window into one contiguous period per target
//! slot, by equal days or by volume (the rule is in the module doc of
//! [`plan`](super)).

use chrono::{Days, NaiveDate};

use crate::diag::Diagnostic;
use crate::ir::{DateRange, Span, Spanned, Split, SplitKind};

use super::DayCounts;
use super::codes;

/// One period of the window: its days, and its rows for a volume split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Period {
    pub days: DateRange,
    pub rows: Option<u64>,
}

/// Cut the split's window into `slots` periods, in order.
pub(super) fn cut(
    split: &Spanned<Split>,
    schedule_span: Span,
    slots: u64,
    counts: Option<&DayCounts>,
) -> Result<Vec<Period>, Vec<Diagnostic>> {
    let window = split.window.node;
    let mut errors = Vec::new();
    if window.days() < slots {
        errors.push(window_too_short(&split.window, schedule_span, slots));
    }
    let volume = match split.kind {
        SplitKind::Equal => None,
        SplitKind::Volume(n) => volume_inputs(split, n, counts)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let lengths: Vec<(u64, Option<u64>)> = match volume {
        None => equal_lengths(window.days(), slots)
            .into_iter()
            .map(|len| (len, None))
            .collect(),
        Some((n, counts)) => {
            let day_rows = window.iter_days().map(|day| counts.rows_on(day));
            let cut = volume_lengths(day_rows, window.days(), slots, n);
            cut.into_iter()
                .map(|(len, rows)| (len, Some(rows)))
                .collect()
        }
    };
    periods(&split.window, &lengths).map_err(|e| vec![e])
}

/// The variance threshold against a volume split's periods: one error per
/// period whose rows are further from `n` than `max_variance * n`.
pub(super) fn check_variance(
    split: &Spanned<Split>,
    periods: &[Period],
    max_variance: Option<f64>,
) -> Vec<Diagnostic> {
    let (SplitKind::Volume(n), Some(variance)) = (split.kind, max_variance) else {
        return Vec::new();
    };
    let allowed = variance * n as f64;
    let far = periods.iter().zip(1u32..).filter_map(|(period, id)| {
        let rows = period.rows?;
        (rows.abs_diff(n) as f64 > allowed)
            .then(|| variance_error(split, id, period, rows, n, variance))
    });
    far.collect()
}

/// Day counts of `equal` periods: whole days, the earlier periods one more
/// when the days do not divide evenly. Needs `1 <= slots <= days`.
fn equal_lengths(days: u64, slots: u64) -> Vec<u64> {
    let (base, extra) = (days / slots, days % slots);
    (0..slots)
        .map(|index| base + u64::from(index < extra))
        .collect()
}

/// When a volume split's window holds fewer rows than its slots need
/// (`slots × N`), a warning that says so: the periods will fall short of `N`
/// on average, whatever the cutting.
pub(super) fn volume_short(
    split: &Spanned<Split>,
    schedule_span: Span,
    periods: &[Period],
) -> Option<Diagnostic> {
    let SplitKind::Volume(n) = split.kind else {
        return None;
    };
    let slots = periods.len() as u64;
    let total = periods
        .iter()
        .filter_map(|p| p.rows)
        .fold(0u64, u64::saturating_add);
    let needed = slots.saturating_mul(n);
    if total >= needed || slots == 0 {
        return None;
    }
    Some(
        Diagnostic::warning(
            codes::VOLUME_SHORT,
            format!(
                "{slots} target slots of about {n} rows need {needed} rows, but the window holds \
                 {total}: periods will average {} rows",
                total / slots
            ),
            split.span,
        )
        .with_label(split.window.span, format!("{total} rows in these days"))
        .with_label(schedule_span, format!("{slots} target slots"))
        .with_hint("widen the source window, lower the volume, or schedule fewer targets"),
    )
}

/// Day counts for days outside a volume split's window are ignored; when
/// some are given (a counts file of another month, say), a warning names
/// them, since the cut rests on the days inside it.
pub(super) fn counts_outside(
    split: &Spanned<Split>,
    counts: Option<&DayCounts>,
) -> Option<Diagnostic> {
    let (SplitKind::Volume(_), Some(counts)) = (split.kind, counts) else {
        return None;
    };
    let window = split.window.node;
    let outside: Vec<NaiveDate> = counts
        .as_map()
        .keys()
        .copied()
        .filter(|day| !window.contains(*day))
        .collect();
    let (first, last) = (outside.first()?, outside.last()?);
    let inside = counts.as_map().len() - outside.len();
    let days = if first == last {
        format!("{first}")
    } else {
        format!("{} days from {first} to {last}", outside.len())
    };
    Some(
        Diagnostic::warning(
            codes::COUNTS_OUTSIDE_WINDOW,
            format!(
                "the day counts include {days}, outside the window {window}; they are ignored \
                 ({inside} counted days are inside it)"
            ),
            split.window.span,
        )
        .with_label_message("the volume split cuts only these days")
        .with_hint("check that the counts are for this campaign's source and window"),
    )
}

/// Day counts and row totals of `volume n` periods over the days' rows, in
/// order, by the rule of the module doc. Needs `1 <= slots <= days`.
fn volume_lengths(
    day_rows: impl Iterator<Item = u64>,
    days: u64,
    slots: u64,
    n: u64,
) -> Vec<(u64, u64)> {
    let mut periods = Vec::new();
    let (mut len, mut total) = (0u64, 0u64);
    for (index, rows) in (0u64..).zip(day_rows) {
        let slot = periods.len() as u64;
        // The last day this slot may take and still leave one day per later slot.
        let last_allowed = days - slots + slot;
        let closer = total.saturating_add(rows).abs_diff(n) <= total.abs_diff(n);
        let takes_day = len == 0 || slot + 1 == slots || (index <= last_allowed && closer);
        if !takes_day {
            periods.push((len, total));
            (len, total) = (0, 0);
        }
        len += 1;
        total = total.saturating_add(rows);
    }
    periods.push((len, total));
    periods
}

/// A volume split's size and counts, once they are known to be usable.
fn volume_inputs<'a>(
    split: &Spanned<Split>,
    n: u64,
    counts: Option<&'a DayCounts>,
) -> Result<(u64, &'a DayCounts), Diagnostic> {
    if n == 0 {
        return Err(Diagnostic::error(
            codes::ZERO_VOLUME,
            "`split volume 0` asks for no rows",
            split.span,
        )
        .with_hint("give the rows each target slot should take, e.g. `split volume 500_000`"));
    }
    let Some(counts) = counts else {
        return Err(counts_needed(split.span));
    };
    let window = split.window.node;
    let total = counts.rows_in(window);
    if n > total {
        return Err(Diagnostic::error(
            codes::VOLUME_TOO_LARGE,
            format!(
                "`split volume {n}` asks for more rows per target than the whole window has \
                 ({total} rows over {} days, {window})",
                window.days()
            ),
            split.span,
        )
        .with_label(split.window.span, format!("{total} rows in these days"))
        .with_hint("lower the volume, or widen the window"));
    }
    Ok((n, counts))
}

/// Turn period lengths into date ranges, one after the other from the
/// window's first day.
fn periods(
    window: &Spanned<DateRange>,
    lengths: &[(u64, Option<u64>)],
) -> Result<Vec<Period>, Diagnostic> {
    let mut next: Option<NaiveDate> = Some(window.start());
    let mut periods = Vec::with_capacity(lengths.len());
    for (len, rows) in lengths {
        let start = next.ok_or_else(|| out_of_range(window.span))?;
        let end = start
            .checked_add_days(Days::new(len.saturating_sub(1)))
            .ok_or_else(|| out_of_range(window.span))?;
        let days = DateRange::new(start, end).map_err(|error| {
            Diagnostic::from_name_error(codes::DATE_OUT_OF_RANGE, error, window.span)
        })?;
        periods.push(Period { days, rows: *rows });
        next = end.succ_opt();
    }
    Ok(periods)
}

/// A window shorter than the number of slots.
fn window_too_short(window: &Spanned<DateRange>, schedule_span: Span, slots: u64) -> Diagnostic {
    let days = window.days();
    Diagnostic::error(
        codes::WINDOW_TOO_SHORT,
        format!(
            "the source window {} has {days} day{}, fewer than the {slots} target slots",
            window.node,
            if days == 1 { "" } else { "s" }
        ),
        window.span,
    )
    .with_label_message(format!("{days} days"))
    .with_label(schedule_span, format!("{slots} target slots"))
    .with_hint("each target slot needs at least one whole source day: widen the window")
}

/// A volume split without counts.
fn counts_needed(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::COUNTS_NEEDED,
        "a volume split needs the per-day row counts of the source",
        span,
    )
    .with_hint(
        "`bannerc plan` reads them from the engine; `bannerc compile --stats counts.csv` \
         takes them from a file with the columns date,rows",
    )
}

/// A period too far from its expected rows.
fn variance_error(
    split: &Spanned<Split>,
    id: u32,
    period: &Period,
    rows: u64,
    n: u64,
    variance: f64,
) -> Diagnostic {
    let lowest = (n as f64 * (1.0 - variance)).ceil().max(0.0) as u64;
    let highest = (n as f64 * (1.0 + variance)).floor() as u64;
    let off = rows.abs_diff(n) as f64 / n as f64 * 100.0;
    Diagnostic::error(
        codes::VARIANCE_EXCEEDED,
        format!(
            "phase {id} ({}) would take {rows} rows, {off:.1}% from the expected {n}; \
             `variance` allows {}%, {lowest}..{highest} rows",
            period.days,
            percent(variance)
        ),
        split.span,
    )
    .with_hint(
        "change the volume or the schedule so the days divide more evenly, or allow more variance",
    )
}

/// A fraction as a percentage, without float noise: 0.05 is `5`, 0.125 is `12.5`.
fn percent(fraction: f64) -> f64 {
    (fraction * 10_000.0).round() / 100.0
}

/// A computed date outside the calendar.
fn out_of_range(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::DATE_OUT_OF_RANGE,
        "a period of the window falls outside the calendar",
        span,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_lengths_put_extra_days_first() {
        assert_eq!(equal_lengths(30, 7), vec![5, 5, 4, 4, 4, 4, 4]);
        assert_eq!(equal_lengths(30, 5), vec![6; 5]);
        assert_eq!(equal_lengths(3, 3), vec![1, 1, 1]);
    }

    #[test]
    fn volume_ties_take_the_day() {
        // 0 + 10 vs 10: distance 0 then 10 from 10; then 10 + 0 ties: taken.
        let cut = volume_lengths([10, 0, 10, 10].into_iter(), 4, 2, 10);
        assert_eq!(cut, vec![(2, 10), (2, 20)]);
        // 6 then 6 + 8 = 14: distance 4 vs 4, a tie, so the day is taken.
        let cut = volume_lengths([6, 8, 1].into_iter(), 3, 2, 10);
        assert_eq!(cut, vec![(2, 14), (1, 1)]);
    }

    #[test]
    fn volume_leaves_a_day_for_each_later_slot() {
        let cut = volume_lengths([1, 1, 1, 1].into_iter(), 4, 3, 100);
        assert_eq!(cut, vec![(2, 2), (1, 1), (1, 1)]);
    }
}
