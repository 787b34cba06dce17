//! Schedules: the target slots (date, banner, suffix) a schedule asks for, in
//! target-date order.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::diag::Diagnostic;
use crate::ir::{BannerId, CampaignSpec, DateRange, Schedule, Span, Spanned};

use super::codes;

/// The most target slots one schedule may generate.
pub const MAX_SLOTS: u64 = 100_000;

/// One target slot: a phase to be, before it has source days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Slot {
    pub target: Spanned<NaiveDate>,
    pub banner: BannerId,
    pub suffix: String,
}

/// The slots of the campaign's schedule, in target-date order.
pub(super) fn slots(
    spec: &CampaignSpec,
    schedule: &Spanned<Schedule>,
) -> Result<Vec<Slot>, Vec<Diagnostic>> {
    let at = schedule.span;
    match &schedule.node {
        Schedule::Daily { range, per_day } => daily(spec, at, *range, *per_day),
        Schedule::Every { every, range } => periodic(spec, at, *every, *range),
        Schedule::Single(day) => listed(spec, at, &[Spanned::new(*day, at)]),
        Schedule::Dates(days) => listed(spec, at, days),
        Schedule::Rotate {
            banners,
            every,
            range,
        } => rotate(at, banners, *every, *range),
    }
}

/// `daily A..B [x N]`: every day, `N` slots a day.
fn daily(
    spec: &CampaignSpec,
    at: Span,
    range: DateRange,
    per_day: u32,
) -> Result<Vec<Slot>, Vec<Diagnostic>> {
    if per_day == 0 {
        let error = Diagnostic::error(codes::ZERO_STEP, "`x 0` asks for no banner a day", at)
            .with_hint("write `x 1` or leave it out for one banner a day");
        return Err(vec![error]);
    }
    let banner = campaign_banner(spec, at).map_err(|e| vec![e])?;
    within_limit(range.days().saturating_mul(u64::from(per_day)), at).map_err(|e| vec![e])?;

    let mut slots = Vec::new();
    for day in range.iter_days() {
        for n in 1..=per_day {
            let suffix = if per_day == 1 {
                day.to_string()
            } else {
                format!("{day}_{n}")
            };
            slots.push(Slot {
                target: Spanned::new(day, at),
                banner: banner.clone(),
                suffix,
            });
        }
    }
    Ok(slots)
}

/// `every N days over A..B`: the first day, then every `N`th day up to `B`.
fn periodic(
    spec: &CampaignSpec,
    at: Span,
    every: u32,
    range: DateRange,
) -> Result<Vec<Slot>, Vec<Diagnostic>> {
    if every == 0 {
        return Err(vec![zero_step(at)]);
    }
    let step = u64::from(every);
    let banner = campaign_banner(spec, at).map_err(|e| vec![e])?;
    within_limit((range.days() - 1) / step + 1, at).map_err(|e| vec![e])?;

    let days = std::iter::successors(Some(range.start()), |day| {
        day.checked_add_days(Days::new(step))
            .filter(|next| *next <= range.end())
    });
    Ok(days.map(|day| slot(day, at, &banner)).collect())
}

/// `single D` and `dates D1, D2, …`: the listed days, sorted, each once.
fn listed(
    spec: &CampaignSpec,
    at: Span,
    days: &[Spanned<NaiveDate>],
) -> Result<Vec<Slot>, Vec<Diagnostic>> {
    if days.is_empty() {
        let error = Diagnostic::error(codes::EMPTY_SCHEDULE, "the schedule lists no date", at)
            .with_hint("list at least one target date: `schedule dates 2025-05-01, 2025-05-08`");
        return Err(vec![error]);
    }
    let banner = campaign_banner(spec, at).map_err(|e| vec![e])?;
    within_limit(days.len() as u64, at).map_err(|e| vec![e])?;

    let mut first_seen: BTreeMap<NaiveDate, Span> = BTreeMap::new();
    let mut errors = Vec::new();
    for day in days {
        match first_seen.get(&day.node) {
            Some(first) => errors.push(duplicate_date(day, *first)),
            None => {
                first_seen.insert(day.node, day.span);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let slots = first_seen.into_iter().map(|(day, span)| Slot {
        target: Spanned::new(day, span),
        banner: banner.clone(),
        suffix: day.to_string(),
    });
    Ok(slots.collect())
}

/// `rotate B1, B2, … every N days over A..B`: every day; day `k` shows
/// `B[(k / N) mod len]`.
fn rotate(
    at: Span,
    banners: &[Spanned<BannerId>],
    every: u32,
    range: DateRange,
) -> Result<Vec<Slot>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if banners.is_empty() {
        errors.push(
            Diagnostic::error(codes::EMPTY_ROTATION, "the rotation names no banner", at)
                .with_hint("list the banners to rotate: `rotate 5901, 5902 every 3 days over …`"),
        );
    }
    if every == 0 {
        errors.push(zero_step(at));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    within_limit(range.days(), at).map_err(|e| vec![e])?;

    let slots = range.iter_days().filter_map(|day| {
        rotation_banner(banners, every, range, day).map(|banner| slot(day, at, &banner.node))
    });
    Ok(slots.collect())
}

/// The banner a rotation shows on `day`: the first for the first `every`
/// days of the range, then the next, and round again. None outside the
/// range, with no banner, or with a zero step.
pub fn rotation_banner(
    banners: &[Spanned<BannerId>],
    every: u32,
    range: DateRange,
    day: NaiveDate,
) -> Option<&Spanned<BannerId>> {
    if !range.contains(day) || banners.is_empty() || every == 0 {
        return None;
    }
    let k = u64::try_from((day - range.start()).num_days()).ok()?;
    let index = (k / u64::from(every)) % banners.len() as u64;
    banners.get(usize::try_from(index).ok()?)
}

/// A slot whose suffix is its date.
fn slot(day: NaiveDate, at: Span, banner: &BannerId) -> Slot {
    Slot {
        target: Spanned::new(day, at),
        banner: banner.clone(),
        suffix: day.to_string(),
    }
}

/// The campaign's banner, which every slot of a non-rotating schedule shows.
fn campaign_banner(spec: &CampaignSpec, at: Span) -> Result<BannerId, Diagnostic> {
    spec.banner
        .as_ref()
        .map(|banner| banner.node.clone())
        .ok_or_else(|| {
            Diagnostic::error(codes::NO_BANNER, "the schedule has no banner to show", at)
                .with_label_message("which banner do these days show?")
                .with_hint(
                    "add `banner N` to the campaign, or rotate banners with `schedule rotate`",
                )
        })
}

/// `every 0 days`, which never moves on.
fn zero_step(at: Span) -> Diagnostic {
    Diagnostic::error(codes::ZERO_STEP, "`every 0 days` never moves on", at)
        .with_hint("write `every 1 days` or more")
}

/// Refuse a schedule with more than [`MAX_SLOTS`] slots before building it.
fn within_limit(count: u64, at: Span) -> Result<(), Diagnostic> {
    if count <= MAX_SLOTS {
        return Ok(());
    }
    Err(Diagnostic::error(
        codes::TOO_MANY_SLOTS,
        format!("the schedule asks for {count} target slots; a campaign has at most {MAX_SLOTS}"),
        at,
    )
    .with_hint("split the schedule into several campaigns"))
}

/// The second listing of a date.
fn duplicate_date(day: &Spanned<NaiveDate>, first: Span) -> Diagnostic {
    Diagnostic::error(
        codes::DUPLICATE_DATE,
        format!("{} is listed twice", day.node),
        day.span,
    )
    .with_label_message("listed again here")
    .with_label(first, "first listed here")
    .with_hint("remove one of the two; each target date is one slot")
}
