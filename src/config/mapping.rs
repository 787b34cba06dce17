//! The dates of a campaign: `date_mapping` and `frequency_requirement`
//! become explicit phases, or a schedule with a split of the source window.
//!
//! Explicit phases win. When `date_mapping.phases` lists phases, they are the
//! campaign, whatever `strategy`, `records_per_banner` or `split_method` say
//! beside them (the design's own sample writes the keys of every strategy
//! next to its phases), and `frequency_requirement` is only informational:
//! it is checked, and must schedule exactly the phases' target dates, but it
//! generates nothing. The result then equals the `.bnr` form that lists the
//! same phases.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::codes;
use super::keys::fields_of;
use super::raw::{RawConfig, RawDateMapping, RawFrequency, RawPhase};
use super::tree::{Section, Shape};
use super::values::{Ctx, head, list, node_of};
use crate::diag::Diagnostic;
use crate::ir::{
    BannerId, DateRange, LogName, PhaseId, PhaseSpec, Schedule, Spanned, Split, SplitKind,
};

const TYPES: &[&str] = &["daily", "periodic", "single_event", "custom", "rotating"];
const STRATEGIES: &[&str] = &["custom", "time_based", "volume_based"];
const SPLIT_METHODS: &[&str] = &["equal_periods", "custom_ranges"];

/// The date part of a campaign.
#[derive(Debug, Default)]
pub(super) struct Dates {
    pub phases: Vec<PhaseSpec>,
    pub schedule: Option<Spanned<Schedule>>,
    pub split: Option<Spanned<Split>>,
}

/// Read `date_mapping` and `frequency_requirement`.
pub(super) fn dates(raw: &RawConfig, root: Section, ctx: &mut Ctx) -> Dates {
    let mapping = raw
        .date_mapping
        .as_ref()
        .map(|m| (m, node_of(root, "date_mapping")));
    let frequency = raw.frequency_requirement.as_ref();
    let schedule = frequency.and_then(|f| schedule(f, node_of(root, "frequency_requirement"), ctx));
    let words = mapping.map(|(mapping, at)| strategy_words(mapping, at, ctx));
    let explicit = mapping.filter(|(m, _)| m.phases.as_ref().is_some_and(|p| !p.is_empty()));
    if let Some((mapping, at)) = explicit {
        let list = node_of(at, "phases");
        let raw_phases = mapping.phases.as_deref().unwrap_or_default();
        let mut phases = phases(raw_phases, list, ctx);
        // A phase that could not be read has been reported; comparing the
        // others with the frequency would only add a false disagreement.
        if let Some(schedule) = schedule
            .as_ref()
            .filter(|_| phases.len() == raw_phases.len())
        {
            agree(schedule, &phases, list, ctx);
            rotated_banners(schedule, &mut phases, ctx);
        }
        if mapping.source_data_start.is_some()
            && mapping.source_data_end.is_some()
            && let Some(window) = window(mapping, at, "custom", ctx)
        {
            inside_window(&window, &phases, ctx);
        }
        return Dates {
            phases,
            schedule: None,
            split: None,
        };
    }
    if frequency.is_none() {
        ctx.missing(
            root,
            "frequency_requirement",
            Some("needed when date_mapping lists no phases"),
        );
    }
    let split = match (mapping, words) {
        (Some((mapping, at)), Some(words)) => split(mapping, at, words, ctx),
        _ => {
            ctx.missing(
                root,
                "date_mapping",
                Some("it says which source days each target takes"),
            );
            None
        }
    };
    Dates {
        phases: vec![],
        schedule,
        split,
    }
}

/// `strategy` and `split_method` must be known words even when phases win.
fn strategy_words<'m>(
    mapping: &'m RawDateMapping,
    at: Section,
    ctx: &mut Ctx,
) -> [Option<&'m str>; 2] {
    let strategy = mapping.strategy.as_deref();
    let method = mapping.split_method.as_deref();
    [
        strategy.and_then(|s| {
            ctx.one_of(s, STRATEGIES, node_of(at, "strategy"))
                .map(|_| s)
        }),
        method.and_then(|m| {
            ctx.one_of(m, SPLIT_METHODS, node_of(at, "split_method"))
                .map(|_| m)
        }),
    ]
}

/// The split of the source window when no phases are listed; `words` are
/// the strategy and split method, if given and known.
fn split(
    mapping: &RawDateMapping,
    at: Section,
    words: [Option<&str>; 2],
    ctx: &mut Ctx,
) -> Option<Spanned<Split>> {
    let [strategy, method] = words;
    if method == Some("custom_ranges") {
        ctx.missing(
            at,
            "phases",
            Some("split_method `custom_ranges` lists its phases"),
        );
        return None;
    }
    let kind = match (strategy, &mapping.strategy) {
        (Some("time_based"), _) => SplitKind::Equal,
        (Some("volume_based"), _) => {
            let records = ctx.required(&mapping.records_per_banner, at, "records_per_banner");
            SplitKind::Volume(ctx.positive(*records?, node_of(at, "records_per_banner"))?)
        }
        (Some(_), _) => {
            ctx.missing(at, "phases", Some("strategy `custom` lists its phases"));
            return None;
        }
        (None, None) => {
            let why = format!("one of {}, or give phases", list(STRATEGIES));
            ctx.missing(at, "strategy", Some(&why));
            return None;
        }
        (None, Some(_)) => return None,
    };
    let window = window(mapping, at, strategy.unwrap_or_default(), ctx)?;
    Some(Spanned::new(Split { window, kind }, at.span()))
}

/// `source_data_start..source_data_end`; the missing keys are named together.
fn window(
    mapping: &RawDateMapping,
    at: Section,
    strategy: &str,
    ctx: &mut Ctx,
) -> Option<Spanned<DateRange>> {
    let bounds = [
        ("source_data_start", &mapping.source_data_start),
        ("source_data_end", &mapping.source_data_end),
    ];
    let missing: Vec<&str> = bounds
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(key, _)| *key)
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "{}: strategy `{strategy}` needs {} (the source days to split)",
            at.path(),
            missing.join(" and ")
        );
        let hint = "add source_data_start and source_data_end as YYYY-MM-DD dates";
        ctx.error(Diagnostic::error(codes::MISSING_KEY, message, head(at)).with_hint(hint));
        return None;
    }
    let start = ctx.date_field(&mapping.source_data_start, at, "source_data_start");
    let end = ctx.date_field(&mapping.source_data_end, at, "source_data_end");
    ctx.range(&start?, &end?, node_of(at, "source_data_end"))
}

/// `frequency_requirement:` as a schedule.
fn schedule(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<Spanned<Schedule>> {
    let kind = ctx.required(&raw.kind, at, "type")?;
    let kind = ctx.one_of(kind, TYPES, node_of(at, "type"))?;
    let applicable = keys_for(kind);
    unused_keys(at, kind, applicable, ctx);
    let schedule = match kind {
        "daily" => daily(raw, at, ctx),
        "periodic" => periodic(raw, at, ctx),
        "single_event" => single(raw, at, ctx),
        "custom" => dates_list(raw, at, ctx),
        _ => rotating(raw, at, ctx),
    };
    Some(Spanned::new(schedule?, at.span()))
}

/// The keys each frequency type reads (besides `type`).
fn keys_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "daily" => &["start_date", "end_date", "banner_count_per_day"],
        "periodic" => &["start_date", "end_date", "interval_days", "frequency_days"],
        "single_event" => &["date", "target_date", "start_date"],
        "custom" => &["target_dates"],
        _ => &[
            "start_date",
            "end_date",
            "banner_sequence",
            "rotation_frequency_days",
        ],
    }
}

/// A known key that this type does not read is a mistake, not a default.
fn unused_keys(at: Section, kind: &str, applicable: &[&str], ctx: &mut Ctx) {
    let known = fields_of::<RawFrequency>();
    for entry in at.children() {
        let Some(key) = entry.key() else { continue };
        if key == "type" || !known.contains(&key) || applicable.contains(&key) {
            continue;
        }
        let message = format!("{}: not used by type `{kind}`", entry.path());
        let hint = format!(
            "type `{kind}` reads {}; remove `{key}` or change `type`",
            applicable.join(", ")
        );
        let span = entry.key_span().unwrap_or(entry.span());
        ctx.error(Diagnostic::error(codes::CONFLICTING_KEYS, message, span).with_hint(hint));
    }
}

/// `start_date..end_date`.
fn schedule_range(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<DateRange> {
    let start = ctx.date_field(&raw.start_date, at, "start_date");
    let end = ctx.date_field(&raw.end_date, at, "end_date");
    Some(ctx.range(&start?, &end?, node_of(at, "end_date"))?.node)
}

fn daily(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<Schedule> {
    let range = schedule_range(raw, at, ctx);
    let per_day = match raw.banner_count_per_day {
        Some(count) => ctx.positive(count, node_of(at, "banner_count_per_day")),
        None => Some(1),
    };
    Some(Schedule::Daily {
        range: range?,
        per_day: per_day?,
    })
}

fn periodic(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<Schedule> {
    let range = schedule_range(raw, at, ctx);
    let given = [
        ("interval_days", &raw.interval_days),
        ("frequency_days", &raw.frequency_days),
    ];
    let (key, every) = one_key(&given, at, ctx, "interval_days")?;
    let every = ctx.positive(*every, node_of(at, key));
    Some(Schedule::Every {
        every: every?,
        range: range?,
    })
}

fn single(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<Schedule> {
    let given = [
        ("date", &raw.date),
        ("target_date", &raw.target_date),
        ("start_date", &raw.start_date),
    ];
    let (key, text) = one_key(&given, at, ctx, "date")?;
    Some(Schedule::Single(ctx.date(text, node_of(at, key))?.node))
}

fn dates_list(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<Schedule> {
    let texts = non_empty(&raw.target_dates, at, "target_dates", ctx)?;
    let list = node_of(at, "target_dates");
    let dates: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| ctx.date(text, list.item(index).unwrap_or(list)))
        .collect();
    Some(Schedule::Dates(dates.into_iter().collect::<Option<_>>()?))
}

fn rotating(raw: &RawFrequency, at: Section, ctx: &mut Ctx) -> Option<Schedule> {
    let range = schedule_range(raw, at, ctx);
    let banners = non_empty(&raw.banner_sequence, at, "banner_sequence", ctx).map(|ids| {
        let list = node_of(at, "banner_sequence");
        let banners: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                ctx.named(
                    codes::BAD_BANNER,
                    BannerId::new(id),
                    list.item(i).unwrap_or(list),
                )
            })
            .collect();
        banners.into_iter().collect::<Option<Vec<_>>>()
    });
    let every = ctx.required(&raw.rotation_frequency_days, at, "rotation_frequency_days");
    let every =
        every.and_then(|every| ctx.positive(*every, node_of(at, "rotation_frequency_days")));
    Some(Schedule::Rotate {
        banners: banners??,
        every: every?,
        range: range?,
    })
}

/// Exactly one of several spellings of a key; `wanted` is named when none is.
fn one_key<'v, T>(
    given: &[(&'static str, &'v Option<T>)],
    at: Section,
    ctx: &mut Ctx,
    wanted: &str,
) -> Option<(&'static str, &'v T)> {
    let present: Vec<_> = given
        .iter()
        .filter_map(|(key, value)| Some((*key, value.as_ref()?)))
        .collect();
    match present.as_slice() {
        [one] => Some(*one),
        [] => {
            let names: Vec<&str> = given.iter().map(|(key, _)| *key).collect();
            ctx.missing(at, wanted, Some(&format!("or one of {}", names.join(", "))));
            None
        }
        [first, second, ..] => {
            let message = format!(
                "{}: give `{}` or `{}`, not both",
                at.path(),
                first.0,
                second.0
            );
            let diagnostic = Diagnostic::error(
                codes::CONFLICTING_KEYS,
                message,
                node_of(at, second.0).span(),
            )
            .with_label(node_of(at, first.0).span(), "also given here");
            ctx.error(diagnostic);
            None
        }
    }
}

/// A list that must be given and hold at least one item.
fn non_empty<'v>(
    value: &'v Option<Vec<String>>,
    at: Section,
    key: &str,
    ctx: &mut Ctx,
) -> Option<&'v [String]> {
    let items = ctx.required(value, at, key)?;
    if items.is_empty() {
        let node = node_of(at, key);
        let message = format!("{}: the list is empty", node.path());
        ctx.error(Diagnostic::error(codes::MISSING_KEY, message, node.span()));
        return None;
    }
    Some(items)
}

/// `date_mapping.phases`, each entry as a [`PhaseSpec`].
fn phases(raw: &[RawPhase], list: Section, ctx: &mut Ctx) -> Vec<PhaseSpec> {
    raw.iter()
        .enumerate()
        .filter_map(|(index, phase_raw)| {
            phase(phase_raw, list.item(index).unwrap_or(list), index, ctx)
        })
        .collect()
}

/// One phase; a missing `phase_id` is its position, counted from 1.
fn phase(raw: &RawPhase, at: Section, index: usize, ctx: &mut Ctx) -> Option<PhaseSpec> {
    let start = ctx.date_field(&raw.source_start, at, "source_start");
    let end = ctx.date_field(&raw.source_end, at, "source_end");
    let target = ctx.date_field(&raw.target_date, at, "target_date");
    let takes = match (&start, &end) {
        (Some(start), Some(end)) => ctx.range(start, end, node_of(at, "source_end")),
        _ => None,
    };
    let special = raw
        .special_source
        .as_ref()
        .map_or(&[][..], |names| &names.0[..]);
    let special = log_names(special, node_of(at, "special_source"), ctx);
    let except = raw.exclude_lognames.as_deref().unwrap_or_default();
    let except = log_names(except, node_of(at, "exclude_lognames"), ctx);
    let banner = ctx.optional_banner(&raw.banner_id, at);
    let target = target?;
    let suffix_node = node_of(at, "logname_suffix");
    let suffix = suffix(raw.logname_suffix.as_deref(), target.node, suffix_node, ctx);
    Some(PhaseSpec {
        id: phase_id(raw, at, index),
        takes: vec![takes?],
        special: special?,
        except: except?,
        target,
        suffix: suffix?,
        banner: banner?,
        span: at.span(),
    })
}

/// `phase_id`, or the phase's position counted from 1.
fn phase_id(raw: &RawPhase, at: Section, index: usize) -> Spanned<PhaseId> {
    match raw.phase_id {
        Some(id) => Spanned::new(id, node_of(at, "phase_id").span()),
        None => Spanned::new(
            PhaseId::try_from(index + 1).unwrap_or(PhaseId::MAX),
            head(at),
        ),
    }
}

/// Log names written as one name or a list of them.
fn log_names(names: &[String], node: Section, ctx: &mut Ctx) -> Option<Vec<Spanned<LogName>>> {
    let item = |index: usize| match node.shape() {
        Shape::List => node.item(index).unwrap_or(node),
        _ => node,
    };
    let checked: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(index, name)| ctx.named(codes::BAD_LOG_NAME, LogName::new(name), item(index)))
        .collect();
    checked.into_iter().collect()
}

/// `logname_suffix`. A suffix equal to the target date is the default and is
/// dropped, so the phase equals the `.bnr` phase written without `as`.
fn suffix(
    text: Option<&str>,
    target: NaiveDate,
    node: Section,
    ctx: &mut Ctx,
) -> Option<Option<Spanned<String>>> {
    let Some(text) = text else { return Some(None) };
    if text == target.format("%Y-%m-%d").to_string() {
        return Some(None);
    }
    if text.is_empty() {
        let message = format!("{}: a log-name suffix cannot be empty", node.path());
        let hint = "remove logname_suffix to use the target date";
        ctx.error(Diagnostic::error(codes::BAD_LOG_NAME, message, node.span()).with_hint(hint));
        return None;
    }
    let name = ctx.named(codes::BAD_LOG_NAME, LogName::new(text), node)?;
    Some(Some(Spanned::new(
        name.node.as_str().to_string(),
        name.span,
    )))
}

/// With explicit phases, the frequency must schedule exactly their target
/// dates: a difference is a typo in one of the two places.
fn agree(schedule: &Spanned<Schedule>, phases: &[PhaseSpec], list: Section, ctx: &mut Ctx) {
    let targets: BTreeSet<NaiveDate> = phases.iter().map(|phase| phase.target.node).collect();
    let stray = phases
        .iter()
        .filter(|phase| !is_scheduled(&schedule.node, phase.target.node));
    let mut unused = scheduled_days(&schedule.node).filter(|day| !targets.contains(day));
    let mut facts: Vec<String> = unused
        .by_ref()
        .take(3)
        .map(|day| format!("it schedules {day}, which no phase targets"))
        .collect();
    let more = unused.count();
    if more > 0 {
        facts.push(format!("it schedules {more} more days no phase targets"));
    }
    let mut diagnostic = Diagnostic::error(codes::FREQUENCY_MISMATCH, String::new(), schedule.span)
        .with_label_message("the frequency is written here");
    for phase in stray {
        let (id, target) = (phase.id.node, phase.target.node);
        facts.push(format!(
            "phase {id} targets {target}, which it does not schedule"
        ));
        diagnostic =
            diagnostic.with_label(phase.target.span, format!("phase {id} targets {target}"));
    }
    if facts.is_empty() {
        return;
    }
    diagnostic.message = format!(
        "frequency_requirement and {} disagree: {}",
        list.path(),
        facts.join("; ")
    );
    let hint = "with explicit phases the frequency restates their target dates; \
                fix the one that is wrong, or remove frequency_requirement";
    ctx.error(
        diagnostic
            .with_label(head(list), "the phases are listed here")
            .with_hint(hint),
    );
}

/// With explicit phases under a rotating frequency, the rotation says which
/// banner each phase shows, by its target date (SEMANTICS.md: `b_i` is the
/// campaign's banner "unless a rotation says otherwise"). A phase that names
/// its own banner must name the rotation's: a difference is a typo in one of
/// the two places.
fn rotated_banners(schedule: &Spanned<Schedule>, phases: &mut [PhaseSpec], ctx: &mut Ctx) {
    let Schedule::Rotate {
        banners,
        every,
        range,
    } = &schedule.node
    else {
        return;
    };
    for phase in phases {
        let day = phase.target.node;
        let Some(shown) = crate::plan::rotation_banner(banners, *every, *range, day) else {
            continue;
        };
        match &phase.banner {
            None => phase.banner = Some(shown.clone()),
            Some(own) if own.node == shown.node => {}
            Some(own) => {
                let message = format!(
                    "phase {} shows banner {}, but the rotation shows banner {} on {day}",
                    phase.id.node,
                    own.node.as_str(),
                    shown.node.as_str()
                );
                let hint = "with explicit phases the rotation says which banner each phase shows; \
                            fix the one that is wrong, or remove the phase's banner_id";
                ctx.error(
                    Diagnostic::error(codes::FREQUENCY_MISMATCH, message, own.span)
                        .with_label_message(format!(
                            "phase {} names its banner here",
                            phase.id.node
                        ))
                        .with_label(shown.span, "the rotation names this banner for that day")
                        .with_hint(hint),
                );
            }
        }
    }
}

/// With explicit phases, `source_data_start..source_data_end` only restates
/// the source days; a phase that takes a day outside it is a typo in one of
/// the two places.
fn inside_window(window: &Spanned<DateRange>, phases: &[PhaseSpec], ctx: &mut Ctx) {
    for phase in phases {
        for range in &phase.takes {
            let (start, end) = (range.node.start(), range.node.end());
            if window.node.contains(start) && window.node.contains(end) {
                continue;
            }
            let message = format!(
                "phase {} takes {}, outside the source window {} of source_data_start and source_data_end",
                phase.id.node, range.node, window.node
            );
            let hint = "with explicit phases the source window only restates their days; \
                        fix the one that is wrong, or remove source_data_start and source_data_end";
            ctx.error(
                Diagnostic::error(codes::OUTSIDE_WINDOW, message, range.span)
                    .with_label_message(format!("phase {} takes these days", phase.id.node))
                    .with_label(window.span, "the source window is written here")
                    .with_hint(hint),
            );
        }
    }
}

/// Whether the schedule has a slot on `day`.
fn is_scheduled(schedule: &Schedule, day: NaiveDate) -> bool {
    match schedule {
        Schedule::Daily { range, .. } | Schedule::Rotate { range, .. } => range.contains(day),
        Schedule::Every { every, range } => {
            range.contains(day)
                && (day - range.start()).num_days() % i64::from((*every).max(1)) == 0
        }
        Schedule::Single(date) => *date == day,
        Schedule::Dates(dates) => dates.iter().any(|date| date.node == day),
    }
}

/// The days the schedule has slots on, in order, lazily.
fn scheduled_days(schedule: &Schedule) -> Box<dyn Iterator<Item = NaiveDate> + '_> {
    match schedule {
        Schedule::Daily { range, .. } | Schedule::Rotate { range, .. } => {
            Box::new(range.iter_days())
        }
        Schedule::Every { every, range } => Box::new(
            range
                .iter_days()
                .step_by(usize::try_from(*every).unwrap_or(1).max(1)),
        ),
        Schedule::Single(date) => Box::new(std::iter::once(*date)),
        Schedule::Dates(dates) => Box::new(dates.iter().map(|date| date.node)),
    }
}
