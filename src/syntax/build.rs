//! From the syntax tree to an [`ir::CampaignSpec`]: every name and value is
//! validated here (E03xx), items that may appear once are checked to appear
//! once, and what is not written gets its default.

use chrono::NaiveDate;

use super::ast::{
    Atom, CampaignAst, CheckEntry, CheckKind, Clause, Item, ItemKind, PhaseAst, RangeAst,
    ScheduleAst, SplitAst, Text,
};
use super::{codes, literal};
use crate::diag::Diagnostic;
use crate::ir::{
    self, BannerId, CampaignName, CampaignSpec, DateRange, LogName, NameError, PhaseSpec,
    RunSettings, Schedule, Span, Spanned, SplitKind, StartTimeFormat, TableRef, ThresholdSpans,
    Thresholds, Transform, Zone,
};

/// Build the campaign from its syntax tree. `syntax_ok` says whether lexing
/// and parsing were clean; when they were not, a missing item is not
/// reported (it may be on a line that did not parse).
pub(crate) fn build(
    ast: &CampaignAst<'_>,
    source: &str,
    syntax_ok: bool,
) -> (Option<CampaignSpec>, Vec<Diagnostic>) {
    let mut builder = Builder {
        source,
        diagnostics: Vec::new(),
        seen: Vec::new(),
    };
    let name = ast
        .name
        .as_ref()
        .and_then(|name| builder.campaign_name(name));
    let mut draft = Draft::default();
    for item in &ast.items {
        builder.item(item, &mut draft);
    }
    let spec = name.and_then(|name| builder.finish(name, draft, ast.span, syntax_ok));
    (spec, builder.diagnostics)
}

/// The items read so far.
#[derive(Default)]
struct Draft {
    banner: Option<Spanned<BannerId>>,
    zone: Option<Spanned<Zone>>,
    source: Option<Spanned<TableRef>>,
    target: Option<Spanned<TableRef>>,
    phases: Vec<PhaseSpec>,
    schedule: Option<Spanned<Schedule>>,
    split: Option<Spanned<ir::Split>>,
    transform: Transform,
    thresholds: Thresholds,
    threshold_spans: ThresholdSpans,
}

/// Validation state: the diagnostics so far, and where each once-only item
/// was first given.
struct Builder<'a> {
    source: &'a str,
    diagnostics: Vec<Diagnostic>,
    seen: Vec<(&'static str, Span)>,
}

impl Builder<'_> {
    /// Read one item into the draft. Values are validated even when the
    /// item is a duplicate, so their own errors are reported too.
    fn item(&mut self, item: &Item<'_>, draft: &mut Draft) {
        let span = item.span;
        match &item.kind {
            ItemKind::Banner(atom) => {
                let banner = self.banner(atom);
                self.set_once("`banner`", span, &mut draft.banner, banner);
            }
            ItemKind::Source(text) => {
                let table = self.table(text);
                self.set_once("`source`", span, &mut draft.source, table);
            }
            ItemKind::Target(text) => {
                let table = self.table(text);
                self.set_once("`target`", span, &mut draft.target, table);
            }
            ItemKind::Zone(at) => {
                let zone = self.zone(*at);
                self.set_once("`zone`", span, &mut draft.zone, zone);
            }
            ItemKind::Phase(phase) => draft.phases.extend(self.phase(phase, span)),
            ItemKind::Schedule(schedule) => {
                let schedule = self.schedule(schedule).map(|node| Spanned::new(node, span));
                self.set_once("`schedule`", span, &mut draft.schedule, schedule);
            }
            ItemKind::Split(split) => {
                let split = self.split(split).map(|node| Spanned::new(node, span));
                self.set_once("`from … split`", span, &mut draft.split, split);
            }
            ItemKind::EndTime { negative, seconds } => {
                self.end_time(*negative, seconds, span, draft)
            }
            ItemKind::StartTimeFormat(text) => self.start_time_format(text, span, draft),
            ItemKind::Check(entries) => self.check(entries, span, draft),
            ItemKind::Broken => {}
        }
    }

    /// Store `value` in `slot` unless `what` was given before (then report
    /// the duplicate at both places).
    fn set_once<T>(
        &mut self,
        what: &'static str,
        span: Span,
        slot: &mut Option<T>,
        value: Option<T>,
    ) {
        if self.first_time(what, span) {
            *slot = value;
        }
    }

    /// Whether `what` is given here for the first time; if not, report it.
    fn first_time(&mut self, what: &'static str, span: Span) -> bool {
        let Some(&(_, first)) = self.seen.iter().find(|(seen, _)| *seen == what) else {
            self.seen.push((what, span));
            return true;
        };
        let diagnostic = Diagnostic::error(
            codes::DUPLICATE_ITEM,
            format!("{what} is given twice"),
            span,
        )
        .with_label_message("given again here")
        .with_label(first, "first given here")
        .with_hint("keep only one of them");
        self.diagnostics.push(diagnostic);
        false
    }

    /// Keep the value of a conversion, or report its error.
    fn ok<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result
            .map_err(|diagnostic| self.diagnostics.push(diagnostic))
            .ok()
    }

    /// Keep a validated name, or report why it was refused.
    fn name<T>(
        &mut self,
        code: &'static str,
        result: Result<T, NameError>,
        at: Span,
    ) -> Option<Spanned<T>> {
        let result = result.map(|node| Spanned::new(node, at));
        self.ok(result.map_err(|error| Diagnostic::from_name_error(code, error, at)))
    }

    /// The campaign's name, validated.
    fn campaign_name(&mut self, name: &Text<'_>) -> Option<Spanned<CampaignName>> {
        self.name(
            codes::BAD_CAMPAIGN_NAME,
            CampaignName::new(name.node),
            name.span,
        )
    }

    /// A banner id, bare or quoted, validated.
    fn banner(&mut self, atom: &Spanned<Atom<'_>>) -> Option<Spanned<BannerId>> {
        let text = match atom.node {
            Atom::Bare(text) => text.to_string(),
            Atom::Quoted(raw) => self.ok(literal::unescape(&Spanned::new(raw, atom.span)))?,
        };
        self.name(codes::BAD_BANNER, BannerId::new(&text), atom.span)
    }

    /// A table name (the text inside the backticks), validated.
    fn table(&mut self, text: &Text<'_>) -> Option<Spanned<TableRef>> {
        self.name(codes::BAD_TABLE, TableRef::parse(text.node), text.span)
    }

    /// The zone name at `at` (it spans several tokens), looked up.
    fn zone(&mut self, at: Span) -> Option<Spanned<Zone>> {
        let text = self.source.get(at.start..at.end).unwrap_or_default();
        self.name(codes::UNKNOWN_ZONE, Zone::parse(text), at)
    }

    /// A string literal with its escapes resolved.
    fn string(&mut self, text: &Text<'_>) -> Option<Spanned<String>> {
        self.ok(literal::unescape(text))
            .map(|node| Spanned::new(node, text.span))
    }

    /// A log name: a string that Cloud Logging accepts.
    fn log_name(&mut self, text: &Text<'_>) -> Option<Spanned<LogName>> {
        let name = self.string(text)?;
        self.name(codes::BAD_LOG_NAME, LogName::new(&name.node), text.span)
    }

    /// A real calendar date.
    fn date(&mut self, text: &Text<'_>) -> Option<NaiveDate> {
        self.ok(literal::date(text))
    }

    /// A real calendar date, with its span.
    fn spanned_date(&mut self, text: &Text<'_>) -> Option<Spanned<NaiveDate>> {
        self.date(text).map(|date| Spanned::new(date, text.span))
    }

    /// A whole number that fits a `T`.
    fn count<T: literal::Whole>(&mut self, text: &Text<'_>, what: &str) -> Option<T> {
        self.ok(literal::number(text, what))
    }

    /// `A..B` (or `D`), both dates real and in order.
    fn range(&mut self, range: &RangeAst<'_>) -> Option<Spanned<DateRange>> {
        let start = self.date(&range.start);
        let end = match &range.end {
            Some(end) => self.date(end),
            None => start,
        };
        let result = DateRange::new(start?, end?);
        self.name(codes::REVERSED_RANGE, result, range.span)
    }

    /// An explicit phase; every part is checked before any failure ends it.
    fn phase(&mut self, phase: &PhaseAst<'_>, span: Span) -> Option<PhaseSpec> {
        let id = self.count::<u32>(&phase.id, "a phase number");
        let takes: Vec<_> = phase.takes.iter().map(|range| self.range(range)).collect();
        let (mut special, mut except) = (Vec::new(), Vec::new());
        for clause in &phase.clauses {
            match clause {
                Clause::Special(name) => special.push(self.log_name(name)),
                Clause::Except(name) => except.push(self.log_name(name)),
            }
        }
        let target = self.spanned_date(&phase.target);
        let suffix = phase.suffix.as_ref().map(|suffix| self.string(suffix));
        let banner = phase.banner.as_ref().map(|banner| self.banner(banner));
        Some(PhaseSpec {
            id: Spanned::new(id?, phase.id.span),
            takes: takes.into_iter().collect::<Option<_>>()?,
            special: special.into_iter().collect::<Option<_>>()?,
            except: except.into_iter().collect::<Option<_>>()?,
            target: target?,
            suffix: written_ok(suffix)?,
            banner: written_ok(banner)?,
            span,
        })
    }

    /// A schedule, its ranges checked; counts are left to the expansion.
    fn schedule(&mut self, schedule: &ScheduleAst<'_>) -> Option<Schedule> {
        match schedule {
            ScheduleAst::Daily { range, per_day } => {
                let range = self.range(range);
                let per_day = match per_day {
                    Some(count) => self.count(count, "a number of banners a day"),
                    None => Some(1),
                };
                Some(Schedule::Daily {
                    range: range?.node,
                    per_day: per_day?,
                })
            }
            ScheduleAst::Every { every, range } => {
                let every = self.count(every, "a number of days");
                let range = self.range(range);
                Some(Schedule::Every {
                    every: every?,
                    range: range?.node,
                })
            }
            ScheduleAst::Single(date) => self.date(date).map(Schedule::Single),
            ScheduleAst::Dates(dates) => {
                let dates: Vec<_> = dates.iter().map(|date| self.spanned_date(date)).collect();
                Some(Schedule::Dates(dates.into_iter().collect::<Option<_>>()?))
            }
            ScheduleAst::Rotate {
                banners,
                every,
                range,
            } => self.rotate(banners, every, range),
        }
    }

    /// `rotate B1, B2, … every N days over A..B`.
    fn rotate(
        &mut self,
        banners: &[Spanned<Atom<'_>>],
        every: &Text<'_>,
        range: &RangeAst<'_>,
    ) -> Option<Schedule> {
        let banners: Vec<_> = banners.iter().map(|banner| self.banner(banner)).collect();
        let every = self.count(every, "a number of days");
        let range = self.range(range);
        Some(Schedule::Rotate {
            banners: banners.into_iter().collect::<Option<_>>()?,
            every: every?,
            range: range?.node,
        })
    }

    /// `from A..B split …`.
    fn split(&mut self, split: &SplitAst<'_>) -> Option<ir::Split> {
        let window = self.range(&split.window);
        let kind = match &split.volume {
            Some(rows) => SplitKind::Volume(self.count(rows, "a row count")?),
            None => SplitKind::Equal,
        };
        Some(ir::Split {
            window: window?,
            kind,
        })
    }

    /// `end_time = start_time ± Ns`, given once.
    fn end_time(&mut self, negative: bool, seconds: &Text<'_>, span: Span, draft: &mut Draft) {
        let offset = self.ok(literal::seconds(seconds, negative));
        if let (true, Some(offset)) = (self.first_time("`end_time`", span), offset) {
            draft.transform.end_offset_secs = offset;
        }
    }

    /// `start_time format "…"`, given once and valid.
    fn start_time_format(&mut self, text: &Text<'_>, span: Span, draft: &mut Draft) {
        let format = self.string(text).and_then(|format| {
            self.name(
                codes::BAD_START_TIME_FORMAT,
                StartTimeFormat::new(&format),
                text.span,
            )
        });
        if let (true, Some(format)) = (self.first_time("`start_time format`", span), format) {
            draft.transform.start_time_format = format.node;
        }
    }

    /// The `check` block; a second block is reported, not read.
    fn check(&mut self, entries: &[CheckEntry<'_>], span: Span, draft: &mut Draft) {
        if !self.first_time("`check`", span) {
            return;
        }
        for entry in entries {
            self.check_entry(entry, draft);
        }
    }

    /// One check line; each threshold may be given once.
    fn check_entry(&mut self, entry: &CheckEntry<'_>, draft: &mut Draft) {
        let span = entry.span;
        let thresholds = &mut draft.thresholds;
        let spans = &mut draft.threshold_spans;
        match &entry.kind {
            CheckKind::Records { min, max } => {
                let least = min
                    .as_ref()
                    .map(|min| self.count::<u64>(min, "a row count"));
                let most = max
                    .as_ref()
                    .map(|max| self.count::<u64>(max, "a row count"));
                if let Some(least) = least {
                    let mut slot = None;
                    self.set_once("the least rows per phase", span, &mut slot, least);
                    thresholds.min_rows_per_phase = slot.unwrap_or(thresholds.min_rows_per_phase);
                }
                if let Some(most) = most {
                    let mut slot = thresholds.max_rows_per_phase;
                    self.set_once("the most rows per phase", span, &mut slot, most);
                    thresholds.max_rows_per_phase = slot;
                }
                spans.rows_per_phase.get_or_insert(span);
            }
            CheckKind::Variance(text) => {
                let variance = self.ok(literal::percent(text));
                self.set_once("`variance`", span, &mut thresholds.max_variance, variance);
                spans.variance.get_or_insert(span);
            }
            CheckKind::Unreadable(text) => {
                let most = self.count::<u64>(text, "a row count");
                let mut slot = None;
                self.set_once("`start_time unreadable`", span, &mut slot, most);
                thresholds.max_unreadable_start_time =
                    slot.unwrap_or(thresholds.max_unreadable_start_time);
                spans.unreadable.get_or_insert(span);
            }
            CheckKind::Broken => {}
        }
    }

    /// Apply defaults and check that `source` and `target` are there.
    fn finish(
        &mut self,
        name: Spanned<CampaignName>,
        draft: Draft,
        span: Span,
        syntax_ok: bool,
    ) -> Option<CampaignSpec> {
        let source = self.required(draft.source, "source", &name, syntax_ok);
        let target = self.required(draft.target, "target", &name, syntax_ok);
        let zone = draft
            .zone
            .unwrap_or_else(|| Spanned::new(Zone::default(), name.span));
        if crate::diag::has_errors(&self.diagnostics) {
            return None;
        }
        Some(CampaignSpec {
            name,
            banner: draft.banner,
            zone,
            source: source?,
            target: target?,
            phases: draft.phases,
            schedule: draft.schedule,
            split: draft.split,
            transform: draft.transform,
            thresholds: draft.thresholds,
            threshold_spans: draft.threshold_spans,
            settings: RunSettings::default(),
            span,
        })
    }

    /// A required table, or an error at the campaign's name.
    fn required(
        &mut self,
        table: Option<Spanned<TableRef>>,
        keyword: &str,
        name: &Spanned<CampaignName>,
        syntax_ok: bool,
    ) -> Option<Spanned<TableRef>> {
        let quoted = format!("`{keyword}`");
        let written = self.seen.iter().any(|(what, _)| *what == quoted);
        if table.is_none() && syntax_ok && !written {
            let diagnostic = Diagnostic::error(
                codes::MISSING_ITEM,
                format!("campaign `{}` has no `{keyword}` table", name.node),
                name.span,
            )
            .with_label_message(format!("this campaign needs a `{keyword}`"))
            .with_hint(format!(
                "add a line such as `{keyword} `project.dataset.table``"
            ));
            self.diagnostics.push(diagnostic);
        }
        table
    }
}

/// An optional part that was converted if written: `Some(None)` when it was
/// not written, `Some(Some(value))` when it converted, `None` when it failed.
fn written_ok<T>(part: Option<Option<T>>) -> Option<Option<T>> {
    match part {
        None => Some(None),
        Some(converted) => converted.map(Some),
    }
}
