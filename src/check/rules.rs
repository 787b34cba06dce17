//! The four well-formedness rules: no row can be taken by two phases.
//!
//! Rule 4 (ordered ranges, real dates) holds by construction: a `DateRange`
//! can only hold an ordered range of real dates, and the front ends report
//! the text that is not one. The rules here are 1 to 3, plus the campaign
//! level facts that make them meaningful (at least one phase, distinct
//! phase ids, a target that is not the source).

use std::collections::HashMap;

use chrono::Datelike as _;

use crate::diag::Diagnostic;
use crate::ir::{Campaign, DateRange, Phase, PhaseId, Span};

/// Every well-formedness error of the campaign.
pub fn well_formed(campaign: &Campaign) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    campaign_level(campaign, &mut errors);
    tables_apart(campaign, &mut errors);
    values_in_range(campaign, &mut errors);
    disjoint_days(&campaign.phases, &mut errors);
    disjoint_specials(&campaign.phases, &mut errors);
    distinct_log_names(&campaign.phases, &mut errors);
    errors
}

fn campaign_level(campaign: &Campaign, errors: &mut Vec<Diagnostic>) {
    if campaign.phases.is_empty() {
        errors.push(
            Diagnostic::error("E0505", "the campaign has no phases", campaign.name.span)
                .with_hint("add `phase 1: A..B -> DATE` or a `schedule` with `from … split …`"),
        );
    }
    let mut seen: HashMap<PhaseId, Span> = HashMap::new();
    for phase in &campaign.phases {
        if let Some(first) = seen.insert(phase.id, phase.span) {
            errors.push(
                Diagnostic::error(
                    "E0507",
                    format!("phase {} is defined twice", phase.id),
                    phase.span,
                )
                .with_label(first, "first defined here")
                .with_hint("give each phase its own number"),
            );
        }
    }
    let thresholds = &campaign.thresholds;
    if let Some(max) = thresholds.max_rows_per_phase
        && max < thresholds.min_rows_per_phase
    {
        errors.push(
            Diagnostic::error(
                "E0508",
                format!(
                    "records_per_phase allows no count: the minimum {} is above the maximum {max}",
                    thresholds.min_rows_per_phase
                ),
                campaign
                    .threshold_spans
                    .or_any(campaign.threshold_spans.rows_per_phase, campaign.name.span),
            )
            .with_hint("write the range as MIN..MAX with MIN <= MAX"),
        );
    }
}

/// The source, the target and the ledger are three different tables, even
/// where names are compared without case (DuckDB, and BigQuery datasets
/// created case-insensitive).
fn tables_apart(campaign: &Campaign, errors: &mut Vec<Diagnostic>) {
    let (source, target) = (&campaign.source, &campaign.target);
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    if same(&source.node.to_string(), &target.node.to_string()) {
        let message = if source.node == target.node {
            "the source and the target are the same table".to_string()
        } else {
            "the source and the target differ only in case, and DuckDB (and a case-insensitive \
             BigQuery dataset) reads them as one table"
                .to_string()
        };
        errors.push(
            Diagnostic::error("E0506", message, target.span)
                .with_label(source.span, "the source")
                .with_hint(
                    "a campaign reads a staging table and appends to a different production table",
                ),
        );
    }
    let ledger = crate::ir::LEDGER_TABLE;
    let in_target_dataset = |table: &crate::ir::TableRef| {
        same(table.project(), target.node.project()) && same(table.dataset(), target.node.dataset())
    };
    for (role, table) in [("target", target), ("source", source)] {
        if same(table.node.table(), ledger) && in_target_dataset(&table.node) {
            errors.push(
                Diagnostic::error(
                    "E0509",
                    format!("the {role} is the ledger of runs (`{ledger}` beside the target)"),
                    table.span,
                )
                .with_hint(format!(
                    "`{ledger}` is bannerc's own table; name another table"
                )),
            );
        }
    }
}

/// Values that BigQuery and the engines can hold: dates in 0001..9999,
/// target dates that exist in the campaign's zone, counts that fit INT64,
/// and an end-time offset of at most a day.
fn values_in_range(campaign: &Campaign, errors: &mut Vec<Diagnostic>) {
    let zone = campaign.zone.node.tz();
    for phase in &campaign.phases {
        let dates = phase
            .takes
            .iter()
            .map(|r| (r.node.start().min(r.node.end()), r.node.end(), r.span))
            .chain([(phase.target.node, phase.target.node, phase.target.span)]);
        for (first, last, span) in dates {
            let outside = [first, last]
                .into_iter()
                .find(|d| !(1..=9999).contains(&d.year()));
            if let Some(day) = outside {
                errors.push(
                    Diagnostic::error(
                        "E0511",
                        format!("{day} is outside the years 0001 to 9999"),
                        span,
                    )
                    .with_hint("BigQuery dates run from 0001-01-01 to 9999-12-31"),
                );
            }
        }
        if !day_exists(phase.target.node, zone) {
            errors.push(
                Diagnostic::error(
                    "E0510",
                    format!(
                        "phase {}'s target date {} does not exist in {}",
                        phase.id, phase.target.node, campaign.zone.node
                    ),
                    phase.target.span,
                )
                .with_hint("the zone skipped this whole day; choose another target date"),
            );
        }
    }
    let thresholds = &campaign.thresholds;
    let spans = &campaign.threshold_spans;
    let counts = [
        (Some(thresholds.min_rows_per_phase), spans.rows_per_phase),
        (thresholds.max_rows_per_phase, spans.rows_per_phase),
        (Some(thresholds.max_unreadable_start_time), spans.unreadable),
    ];
    let too_large = counts
        .into_iter()
        .find(|(count, _)| count.is_some_and(|n| n > i64::MAX as u64));
    if let Some((_, at)) = too_large {
        let span = spans.or_any(at, campaign.name.span);
        errors.push(
            Diagnostic::error(
                "E0512",
                "a row count threshold is larger than INT64 can hold",
                span,
            )
            .with_hint(format!("use a number up to {}", i64::MAX)),
        );
    }
    if campaign.transform.end_offset_secs.unsigned_abs() > 86_400 {
        errors.push(
            Diagnostic::error(
                "E0513",
                format!(
                    "an end-time offset of {} seconds is more than a day",
                    campaign.transform.end_offset_secs
                ),
                campaign.name.span,
            )
            .with_hint("`end_time = start_time + Ns` takes at most 86400 seconds"),
        );
    }
}

/// Whether any local time of `day` exists in `zone` (a zone can skip a
/// whole day, as Pacific/Apia skipped 2011-12-30).
pub fn day_exists(day: chrono::NaiveDate, zone: chrono_tz::Tz) -> bool {
    use chrono::TimeZone as _;
    (0..24).any(|hour| {
        day.and_hms_opt(hour, 0, 0)
            .is_some_and(|local| zone.from_local_datetime(&local).earliest().is_some())
    })
}

/// Rule 1: the source days of different phases are disjoint. Sorts every
/// range by its first day and sweeps, keeping the range that reaches
/// furthest so far: O(n log n) in the number of ranges.
fn disjoint_days(phases: &[Phase], errors: &mut Vec<Diagnostic>) {
    let mut ranges: Vec<(DateRange, Span, &Phase)> = phases
        .iter()
        .flat_map(|phase| phase.takes.iter().map(move |r| (r.node, r.span, phase)))
        .collect();
    ranges.sort_by_key(|(range, _, phase)| (range.start(), range.end(), phase.id));

    let mut furthest: Option<(DateRange, Span, &Phase)> = None;
    for (range, span, phase) in ranges {
        if let Some((seen, seen_span, seen_phase)) = furthest
            && range.start() <= seen.end()
        {
            errors.push(overlap_error(
                (seen, seen_span, seen_phase),
                (range, span, phase),
            ));
        }
        if furthest.is_none_or(|(seen, _, _)| range.end() > seen.end()) {
            furthest = Some((range, span, phase));
        }
    }
}

fn overlap_error(
    (first, first_span, first_phase): (DateRange, Span, &Phase),
    (second, second_span, second_phase): (DateRange, Span, &Phase),
) -> Diagnostic {
    let shared_start = second.start();
    let shared_end = first.end().min(second.end());
    let shared = if shared_start == shared_end {
        shared_start.to_string()
    } else {
        format!("{shared_start}..{shared_end}")
    };
    if first_phase.id == second_phase.id {
        return Diagnostic::warning(
            "W0504",
            format!("phase {} takes the days {shared} twice", first_phase.id),
            second_span,
        )
        .with_label(first_span, "and here")
        .with_hint("merge the two ranges into one");
    }
    let (code, message, hint) = {
        (
            "E0501",
            format!(
                "phases {} and {} both take the days {shared}",
                first_phase.id, second_phase.id
            ),
            format!(
                "a row can be taken by one phase only; end phase {}'s range before {shared_start} \
                 or start phase {}'s range after {shared_end}",
                first_phase.id, second_phase.id
            ),
        )
    };
    Diagnostic::error(code, message, second_span)
        .with_label_message(format!("phase {} takes {second}", second_phase.id))
        .with_label(
            first_span,
            format!("phase {} takes {first}", first_phase.id),
        )
        .with_hint(hint)
}

/// Rule 2: special logs are taken by one phase only, and none is an output
/// log name of this campaign.
fn disjoint_specials(phases: &[Phase], errors: &mut Vec<Diagnostic>) {
    let own: HashMap<&str, &Phase> = phases
        .iter()
        .map(|phase| (phase.log_name.as_str(), phase))
        .collect();
    let mut seen: HashMap<&str, (Span, &Phase)> = HashMap::new();
    for phase in phases {
        for special in &phase.special {
            let name = special.node.as_str();
            if let Some((first_span, first_phase)) = seen.get(name) {
                errors.push(
                    Diagnostic::error(
                        "E0502",
                        format!(
                            "phases {} and {} both take the special log \"{}\"",
                            first_phase.id,
                            phase.id,
                            name.escape_debug()
                        ),
                        special.span,
                    )
                    .with_label_message(format!("phase {} takes it here", phase.id))
                    .with_label(
                        *first_span,
                        format!("phase {} takes it here", first_phase.id),
                    )
                    .with_hint("a special log goes to exactly one phase; remove one of them"),
                );
            } else {
                seen.insert(name, (special.span, phase));
            }
            if let Some(producer) = own.get(name) {
                errors.push(
                    Diagnostic::error(
                        "E0503",
                        format!(
                            "phase {} takes the special log \"{}\", which phase {} of this \
                             campaign writes",
                            phase.id,
                            name.escape_debug(),
                            producer.id
                        ),
                        special.span,
                    )
                    .with_label(
                        producer.span,
                        format!("phase {} writes this log name", producer.id),
                    )
                    .with_hint(
                        "a campaign cannot take its own output; name a log of an earlier campaign",
                    ),
                );
            }
        }
    }
}

/// Rule 3: two phases never write one log name.
fn distinct_log_names(phases: &[Phase], errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Phase> = HashMap::new();
    for phase in phases {
        if let Some(first) = seen.insert(phase.log_name.as_str(), phase) {
            errors.push(
                Diagnostic::error(
                    "E0504",
                    format!(
                        "phases {} and {} both write the log name \"{}\"",
                        first.id,
                        phase.id,
                        phase.log_name.as_str().escape_debug()
                    ),
                    phase.log_name_span(),
                )
                .with_label_message(format!("phase {} writes it", phase.id))
                .with_label(
                    first.log_name_span(),
                    format!("phase {} writes it", first.id),
                )
                .with_hint("give one of them another target date or an `as \"SUFFIX\"`"),
            );
        }
    }
}
