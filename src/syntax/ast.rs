//! The syntax tree of a `.bnr` file: what was written, with spans, before
//! any value is checked. `build` turns it into an [`ir::CampaignSpec`].
//!
//! [`ir::CampaignSpec`]: crate::ir::CampaignSpec

use crate::ir::{Span, Spanned};

/// A piece of source text: a date, a number, a raw string literal.
pub(crate) type Text<'src> = Spanned<&'src str>;

/// The campaign as written.
#[derive(Debug, Clone)]
pub(crate) struct CampaignAst<'src> {
    /// The campaign's name; `None` when the header could not be read (the
    /// error is already reported).
    pub(crate) name: Option<Text<'src>>,
    pub(crate) items: Vec<Item<'src>>,
    pub(crate) span: Span,
}

/// One item of the campaign body, with the span of the whole item.
#[derive(Debug, Clone)]
pub(crate) struct Item<'src> {
    pub(crate) kind: ItemKind<'src>,
    pub(crate) span: Span,
}

/// The kinds of campaign items.
#[derive(Debug, Clone)]
pub(crate) enum ItemKind<'src> {
    Banner(Spanned<Atom<'src>>),
    /// `source`; the text inside the backticks.
    Source(Text<'src>),
    /// `target`; the text inside the backticks.
    Target(Text<'src>),
    /// `zone`; where the zone name is written (it spans several tokens).
    Zone(Span),
    Phase(PhaseAst<'src>),
    Schedule(ScheduleAst<'src>),
    Split(SplitAst<'src>),
    /// `end_time = start_time ± Ns`.
    EndTime {
        negative: bool,
        seconds: Text<'src>,
    },
    /// `start_time format "…"`; the raw string literal.
    StartTimeFormat(Text<'src>),
    Check(Vec<CheckEntry<'src>>),
    /// An item that could not be parsed; its error is already reported.
    Broken,
}

/// A banner id: a bare token (`5902`, `b-12`) or a quoted string literal.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Atom<'src> {
    Bare(&'src str),
    Quoted(&'src str),
}

/// `A..B`, or a single date `D` meaning `D..D`.
#[derive(Debug, Clone)]
pub(crate) struct RangeAst<'src> {
    pub(crate) start: Text<'src>,
    pub(crate) end: Option<Text<'src>>,
    pub(crate) span: Span,
}

/// A phase's `+ log "…"` or `except log "…"`; the raw string literal.
#[derive(Debug, Clone)]
pub(crate) enum Clause<'src> {
    Special(Text<'src>),
    Except(Text<'src>),
}

/// `phase N: RANGES CLAUSES -> DATE [as "SUFFIX"] [banner ID]`.
#[derive(Debug, Clone)]
pub(crate) struct PhaseAst<'src> {
    pub(crate) id: Text<'src>,
    pub(crate) takes: Vec<RangeAst<'src>>,
    pub(crate) clauses: Vec<Clause<'src>>,
    pub(crate) target: Text<'src>,
    pub(crate) suffix: Option<Text<'src>>,
    pub(crate) banner: Option<Spanned<Atom<'src>>>,
}

/// The forms of `schedule …`.
#[derive(Debug, Clone)]
pub(crate) enum ScheduleAst<'src> {
    Daily {
        range: RangeAst<'src>,
        per_day: Option<Text<'src>>,
    },
    Every {
        every: Text<'src>,
        range: RangeAst<'src>,
    },
    Single(Text<'src>),
    Dates(Vec<Text<'src>>),
    Rotate {
        banners: Vec<Spanned<Atom<'src>>>,
        every: Text<'src>,
        range: RangeAst<'src>,
    },
}

/// `from A..B split equal|volume N`.
#[derive(Debug, Clone)]
pub(crate) struct SplitAst<'src> {
    pub(crate) window: RangeAst<'src>,
    /// `None` for `equal`, the row count for `volume N`.
    pub(crate) volume: Option<Text<'src>>,
}

/// One line of a `check { … }` block, with its span.
#[derive(Debug, Clone)]
pub(crate) struct CheckEntry<'src> {
    pub(crate) kind: CheckKind<'src>,
    pub(crate) span: Span,
}

/// The kinds of check entries.
#[derive(Debug, Clone)]
pub(crate) enum CheckKind<'src> {
    /// `records_per_phase MIN..MAX`, `>= MIN` or `<= MAX`.
    Records {
        min: Option<Text<'src>>,
        max: Option<Text<'src>>,
    },
    /// `variance <= N%`; the number before `%`.
    Variance(Text<'src>),
    /// `start_time unreadable = N`.
    Unreadable(Text<'src>),
    /// An entry that could not be parsed; its error is already reported.
    Broken,
}
