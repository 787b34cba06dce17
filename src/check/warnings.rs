//! The warnings of SEMANTICS.md: legal campaigns that are probably typos.

use chrono::NaiveDate;

use crate::diag::Diagnostic;
use crate::ir::{Campaign, DateRange, Span};

/// Every compile-time warning of the campaign.
pub fn warnings(campaign: &Campaign) -> Vec<Diagnostic> {
    let mut ranges: Vec<(DateRange, Span, u32)> = campaign
        .phases
        .iter()
        .flat_map(|phase| phase.takes.iter().map(move |r| (r.node, r.span, phase.id)))
        .collect();
    ranges.sort_by_key(|(range, _, _)| (range.start(), range.end()));

    let mut warnings = Vec::new();
    target_inside_source_days(campaign, &ranges, &mut warnings);
    phases_that_take_nothing(campaign, &mut warnings);
    gaps_between_source_days(&ranges, &mut warnings);
    dead_settings(campaign, &mut warnings);
    missing_source_days(campaign, &mut warnings);
    warnings
}

/// Settings that can have no effect: a variance limit without a volume
/// split, and a phase excluding a log that its own special rule takes.
fn dead_settings(campaign: &Campaign, warnings: &mut Vec<Diagnostic>) {
    let volume = campaign.phases.iter().any(|p| p.expected_rows.is_some());
    if campaign.thresholds.max_variance.is_some() && !volume {
        let spans = &campaign.threshold_spans;
        let span = spans.or_any(spans.variance, campaign.name.span);
        warnings.push(
            Diagnostic::warning(
                "W0505",
                "the variance limit has no effect: only a volume split has expected counts",
                span,
            )
            .with_hint("remove `variance`, or generate the phases with `from A..B split volume N`"),
        );
    }
    for phase in &campaign.phases {
        for excluded in &phase.except {
            let Some(special) = phase.special.iter().find(|s| s.node == excluded.node) else {
                continue;
            };
            warnings.push(
                Diagnostic::warning(
                    "W0506",
                    format!(
                        "phase {} excludes the log \"{}\" that it takes as a special log",
                        phase.id,
                        excluded.node.as_str().escape_debug()
                    ),
                    excluded.span,
                )
                .with_label(special.span, "taken here")
                .with_hint("a special log is taken whatever the exclusions; remove one of the two"),
            );
        }
    }
}

/// A target date inside some phase's source days: harmless under these
/// rules, but the trap the manual process had to dodge by hand.
fn target_inside_source_days(
    campaign: &Campaign,
    sorted: &[(DateRange, Span, u32)],
    warnings: &mut Vec<Diagnostic>,
) {
    let furthest = furthest_reaching(sorted);
    for phase in &campaign.phases {
        let day = phase.target.node;
        let Some((range, span, owner)) = containing_range(sorted, &furthest, day) else {
            continue;
        };
        warnings.push(
            Diagnostic::warning(
                "W0501",
                format!(
                    "phase {}'s target date {day} is one of phase {owner}'s source days",
                    phase.id
                ),
                phase.target.span,
            )
            .with_label(*span, format!("phase {owner} takes {range}"))
            .with_hint(
                "rows already relabeled are never taken again, so this is safe; check the dates \
                 are the ones you meant",
            ),
        );
    }
}

/// For each prefix of `sorted`, the index of the range that ends last.
fn furthest_reaching(sorted: &[(DateRange, Span, u32)]) -> Vec<usize> {
    let mut best = 0;
    (0..sorted.len())
        .map(|i| {
            if sorted[i].0.end() > sorted[best].0.end() {
                best = i;
            }
            best
        })
        .collect()
}

/// The range containing `day`, by binary search over ranges sorted by start:
/// of the ranges starting on or before `day`, the one reaching furthest
/// contains it if any does.
fn containing_range<'a>(
    sorted: &'a [(DateRange, Span, u32)],
    furthest: &[usize],
    day: NaiveDate,
) -> Option<&'a (DateRange, Span, u32)> {
    let after = sorted.partition_point(|(range, _, _)| range.start() <= day);
    let candidate = &sorted[*furthest.get(after.checked_sub(1)?)?];
    candidate.0.contains(day).then_some(candidate)
}

/// A phase with no source days and no special log takes no row.
fn phases_that_take_nothing(campaign: &Campaign, warnings: &mut Vec<Diagnostic>) {
    for phase in campaign
        .phases
        .iter()
        .filter(|p| p.takes.is_empty() && p.special.is_empty())
    {
        warnings.push(
            Diagnostic::warning(
                "W0502",
                format!("phase {} can take no row", phase.id),
                phase.span,
            )
            .with_hint("give it source days (`A..B`) or a special log (`+ log \"NAME\"`)"),
        );
    }
}

/// Days between the first and the last source day that no phase takes.
fn gaps_between_source_days(sorted: &[(DateRange, Span, u32)], warnings: &mut Vec<Diagnostic>) {
    let mut covered_until: Option<(NaiveDate, Span, u32)> = None;
    for (range, span, phase) in sorted {
        if let Some((last_day, last_span, last_phase)) = covered_until {
            let first_missing = last_day.succ_opt();
            if first_missing.is_some_and(|missing| missing < range.start()) {
                let gap_end = range.start().pred_opt().unwrap_or(range.start());
                let gap = match first_missing {
                    Some(start) if start == gap_end => start.to_string(),
                    Some(start) => format!("{start}..{gap_end}"),
                    None => gap_end.to_string(),
                };
                warnings.push(
                    Diagnostic::warning("W0503", format!("no phase takes the days {gap}"), *span)
                        .with_label_message(format!("phase {phase} starts after the gap"))
                        .with_label(last_span, format!("phase {last_phase} ends before it"))
                        .with_hint("a gap between source days is usually a typo in a date"),
                );
            }
        }
        if covered_until.is_none_or(|(last_day, _, _)| range.end() > last_day) {
            covered_until = Some((range.end(), *span, *phase));
        }
    }
}

/// A source range whose every day the zone skipped can take no row.
fn missing_source_days(campaign: &Campaign, warnings: &mut Vec<Diagnostic>) {
    let zone = campaign.zone.node.tz();
    for phase in &campaign.phases {
        for range in phase.takes.iter().filter(|r| r.node.days() <= 2) {
            if range
                .node
                .iter_days()
                .any(|day| super::rules::day_exists(day, zone))
            {
                continue;
            }
            warnings.push(
                Diagnostic::warning(
                    "W0507",
                    format!(
                        "{} does not exist in {}: phase {} takes no row there",
                        range.node, campaign.zone.node, phase.id
                    ),
                    range.span,
                )
                .with_hint("the zone skipped these days; check the dates"),
            );
        }
    }
}
