//! Schedule expansion: from a [`CampaignSpec`] (phases as written, or a
//! schedule and a split) to the phase list of SEMANTICS.md, as a pure
//! function. Everything after this stage sees only phases.
//!
//! # Explicit phases
//!
//! Each `phase N: …` becomes one phase, in written order, with its own
//! banner or the campaign's, and the log name `H_<banner>_distinct_<suffix>`
//! where the suffix is its `as` text or its target date (`YYYY-MM-DD`).
//! Explicit phases cannot be mixed with a schedule or a split.
//!
//! # Generated phases
//!
//! A schedule gives the target slots, in target-date order:
//!
//! - `daily A..B x N`: every day, `N` slots a day with the suffixes
//!   `{date}_1 … {date}_N` (one slot with the suffix `{date}` when `N = 1`);
//! - `every N days over A..B`: `A`, `A + N`, … up to `B`;
//! - `single D` and `dates D1, D2, …`: the listed days, sorted (a day
//!   listed twice is an error);
//! - `rotate B1, … every N days over A..B`: every day; day `k` (from 0)
//!   shows `B[(k / N) mod len]`.
//!
//! A split (`from A..B split …`) cuts the source window into one
//! contiguous period per slot, in slot order; every day of the window goes
//! to exactly one period and every period has at least one day. Generated
//! phase `i` (from 1) takes period `i` and fills slot `i`. Its span is the
//! schedule's, its source range is spanned at the window, and its target
//! at the schedule (at the date itself for a listed date).
//!
//! - `split equal`: whole days; when the days do not divide evenly the
//!   earlier periods get one day more (30 days over 7 slots: 5, 5, 4, 4, 4,
//!   4, 4).
//! - `split volume N`: from the per-day row counts of the source (a day
//!   with no count has no rows), by the rule below; each phase expects `N`
//!   rows, and the campaign's `variance` threshold, if any, is checked
//!   against each period's rows here, at expansion.
//!
//! # The volume cutting rule
//!
//! Days are taken in order. A period always takes its first day. It then
//! takes the next day as long as both hold:
//!
//! 1. with that day its row total `T` is at least as close to `N` as without
//!    it: `|T + rows(day) − N| ≤ |T − N|` (a tie takes the day, so days
//!    without rows join the period before them);
//! 2. enough days remain after that day to give each later slot one.
//!
//! The last slot takes every remaining day. Because row counts are never
//! negative, `|T − N|` first falls and then rises as a period grows, so
//! this rule gives each period, from where it starts, the longest length
//! (within the days it may take) whose total is closest to `N`.

pub mod codes;
mod counts;
mod explicit;
mod slots;

pub use slots::rotation_banner;
mod split;

use tracing::debug;

use crate::diag::Diagnostic;
use crate::ir::{
    Campaign, CampaignSpec, LogName, Phase, Schedule, Span, Spanned, Split, SplitKind,
};

pub use counts::{CountsError, DayCounts};
pub use slots::MAX_SLOTS;

/// Whether expanding `spec` needs the per-day row counts of the source
/// (true for a volume split).
pub fn needs_counts(spec: &CampaignSpec) -> bool {
    spec.split
        .as_ref()
        .is_some_and(|split| matches!(split.kind, SplitKind::Volume(_)))
}

/// The faults of a volume-split campaign that do not depend on the day
/// counts (no banner, `volume 0`, a window shorter than the schedule, …),
/// found without them: the expansion is tried on placeholder counts and
/// only what the counts decide is left out. Empty when `spec` needs no
/// counts.
pub fn faults_without_counts(spec: &CampaignSpec) -> Vec<Diagnostic> {
    let Some(split) = spec.split.as_ref().filter(|_| needs_counts(spec)) else {
        return Vec::new();
    };
    let placeholder: DayCounts = split.window.node.iter_days().map(|day| (day, 1)).collect();
    let decided_by_counts = [
        codes::VOLUME_TOO_LARGE,
        codes::VARIANCE_EXCEEDED,
        codes::VOLUME_SHORT,
        codes::COUNTS_OUTSIDE_WINDOW,
    ];
    let diagnostics = match expand(spec, Some(&placeholder)) {
        Ok(campaign) => campaign.expansion_warnings,
        Err(errors) => errors,
    };
    diagnostics
        .into_iter()
        .filter(|d| !decided_by_counts.contains(&d.code))
        .collect()
}

/// Expand a campaign as written into its phases. `counts` are the per-day
/// rows of the source, needed only by a volume split. A campaign with no
/// phases and no schedule expands to no phases (the checks refuse it).
pub fn expand(
    spec: &CampaignSpec,
    counts: Option<&DayCounts>,
) -> Result<Campaign, Vec<Diagnostic>> {
    let (phases, expansion_warnings) = expand_phases(spec, counts)?;
    debug!(campaign = %spec.name.node, phases = phases.len(), "expanded the schedule");
    Ok(Campaign {
        name: spec.name.clone(),
        banner: spec.banner.clone(),
        zone: spec.zone.clone(),
        source: spec.source.clone(),
        target: spec.target.clone(),
        phases,
        transform: spec.transform.clone(),
        thresholds: spec.thresholds.clone(),
        threshold_spans: spec.threshold_spans,
        settings: spec.settings.clone(),
        schedule_span: spec.schedule.as_ref().map(|schedule| schedule.span),
        expansion_warnings,
    })
}

/// The phases, explicit or generated, and any warnings about them.
fn expand_phases(
    spec: &CampaignSpec,
    counts: Option<&DayCounts>,
) -> Result<(Vec<Phase>, Vec<Diagnostic>), Vec<Diagnostic>> {
    match (&spec.schedule, &spec.split) {
        (None, None) => explicit::phases(spec).map(|phases| (phases, Vec::new())),
        (schedule, split) if !spec.phases.is_empty() => {
            let generator = schedule
                .as_ref()
                .map(|s| s.span)
                .or(split.as_ref().map(|s| s.span));
            Err(vec![mixed(spec, generator.unwrap_or(spec.span))])
        }
        (Some(schedule), Some(split)) => generate(spec, schedule, split, counts),
        (Some(schedule), None) => Err(schedule_without_split(spec, schedule)),
        (None, Some(split)) => Err(vec![split_without_schedule(split)]),
    }
}

/// Phases from a schedule's slots and a split's periods.
fn generate(
    spec: &CampaignSpec,
    schedule: &Spanned<Schedule>,
    split: &Spanned<Split>,
    counts: Option<&DayCounts>,
) -> Result<(Vec<Phase>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let slots = slots::slots(spec, schedule)?;
    let periods = split::cut(split, schedule.span, slots.len() as u64, counts)?;
    let short = split::volume_short(split, schedule.span, &periods);
    let errors = split::check_variance(split, &periods, spec.thresholds.max_variance);
    if !errors.is_empty() {
        // The per-phase errors all follow from a window that is too small:
        // say that once, first (as the warning it is).
        let mut errors = errors;
        errors.splice(0..0, short);
        return Err(errors);
    }

    let expected_rows = match split.kind {
        SplitKind::Equal => None,
        SplitKind::Volume(n) => Some(n),
    };
    let phases = slots
        .into_iter()
        .zip(periods)
        .zip(1u32..)
        .map(|((slot, period), id)| {
            let log_name = LogName::output(&slot.banner, &slot.suffix).map_err(|error| {
                Diagnostic::from_name_error(codes::BAD_LOG_NAME, error, schedule.span)
            })?;
            Ok(Phase {
                id,
                takes: vec![Spanned::new(period.days, split.window.span)],
                special: Vec::new(),
                except: Vec::new(),
                target: slot.target,
                banner: slot.banner,
                suffix: slot.suffix,
                log_name,
                expected_rows,
                span: schedule.span,
            })
        });
    let outside = split::counts_outside(split, counts);
    collect(phases).map(|phases| (phases, short.into_iter().chain(outside).collect()))
}

/// All the values, or every error.
fn collect<T>(
    results: impl Iterator<Item = Result<T, Diagnostic>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let (mut values, mut errors) = (Vec::new(), Vec::new());
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Explicit phases next to a schedule or a split.
fn mixed(spec: &CampaignSpec, generator: Span) -> Diagnostic {
    let first_phase = spec.phases.first().map_or(spec.span, |phase| phase.span);
    Diagnostic::error(
        codes::MIXED_PHASES,
        "explicit phases cannot be mixed with a schedule or a split",
        generator,
    )
    .with_label_message("phases are generated here")
    .with_label(first_phase, "and written out here")
    .with_hint("keep either the `phase` lines or the `schedule` and `from … split`, not both")
}

/// A schedule with no split, and whatever else is wrong with the schedule.
fn schedule_without_split(spec: &CampaignSpec, schedule: &Spanned<Schedule>) -> Vec<Diagnostic> {
    let missing = Diagnostic::error(
        codes::SCHEDULE_WITHOUT_SPLIT,
        "the schedule says when, but not which source days to take",
        schedule.span,
    )
    .with_hint("add `from A..B split equal` (or `split volume N`) after the schedule");
    let mut errors = vec![missing];
    errors.extend(slots::slots(spec, schedule).err().unwrap_or_default());
    errors
}

/// A split with no schedule.
fn split_without_schedule(split: &Spanned<Split>) -> Diagnostic {
    Diagnostic::error(
        codes::SPLIT_WITHOUT_SCHEDULE,
        "the split has no schedule to cut its window for",
        split.span,
    )
    .with_hint("add a `schedule …` (such as `schedule daily A..B`) that gives the target dates")
}
