//! The parser: tokens to the syntax tree, with chumsky. A broken item is
//! reported and skipped up to the next line that starts with a word, so one
//! run reports every broken item. The grammar has no recursion, so deep or
//! long input cannot overflow the stack.

use chumsky::input::{Input as _, MappedInput};
use chumsky::prelude::*;

use super::ast::{
    Atom, CampaignAst, CheckEntry, CheckKind, Clause, Item, ItemKind, PhaseAst, RangeAst,
    ScheduleAst, SplitAst, Text,
};
use super::lexer::{Layout, to_span};
use super::token::{ITEM_KEYWORDS, Kw, Token};
use crate::ir::{Span, Spanned};

/// The parser's input: the lexer's tokens, with their spans alongside.
type Tokens<'t, 'src> = MappedInput<'t, Token<'src>, SimpleSpan, &'t [(Token<'src>, SimpleSpan)]>;

/// A syntax error as chumsky reports it; `errors` turns it into a diagnostic.
pub(crate) type ParseError<'t, 'src> = Rich<'t, Token<'src>, SimpleSpan>;

/// The chumsky extras of the parser.
type Extra<'t, 'src> = extra::Err<ParseError<'t, 'src>>;

/// Shorthand for the parsers of this module.
trait P<'t, 'src: 't, O>: Parser<'t, Tokens<'t, 'src>, O, Extra<'t, 'src>> + Clone + 't {}

impl<'t, 'src: 't, O, T> P<'t, 'src, O> for T where
    T: Parser<'t, Tokens<'t, 'src>, O, Extra<'t, 'src>> + Clone + 't
{
}

/// Context labels: an error inside one of these gets that item's hint.
pub(crate) mod context {
    pub(crate) const PHASE: &str = "phase";
    pub(crate) const SCHEDULE: &str = "schedule";
    pub(crate) const SPLIT: &str = "from";
    pub(crate) const END_TIME: &str = "end_time";
    pub(crate) const START_TIME: &str = "start_time";
    pub(crate) const CHECK: &str = "check";
    pub(crate) const ZONE: &str = "zone";
}

/// Label of a campaign item at the place where one must start.
pub(crate) const ITEM_LABEL: &str = "a campaign item";

/// Parse the token stream of a whole file. `eoi` is the source length.
pub(crate) fn parse_tokens<'t, 'src>(
    tokens: &'t [(Token<'src>, SimpleSpan)],
    layout: &'t Layout,
    eoi: usize,
) -> (Option<CampaignAst<'src>>, Vec<ParseError<'t, 'src>>) {
    let input = tokens.split_token_span(SimpleSpan::from(eoi..eoi));
    file(layout).parse(input).into_output_errors()
}

/// `campaign NAME { ITEM* }` and the end of the file.
fn file<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, CampaignAst<'src>> {
    let close = sym(Token::RBrace)
        .labelled("`}` to close the campaign")
        .recover_with(via_parser(end()));
    let trailing = end()
        .labelled("the end of the file after the campaign's `}`")
        .recover_with(via_parser(any().repeated()));
    header()
        .then(items(layout))
        .then_ignore(close)
        .map_with(|(name, items), e| CampaignAst {
            name,
            items,
            span: span(e.span()),
        })
        .then_ignore(trailing)
}

/// `campaign NAME {`. When it is broken, skip to the first `{` and read the
/// body anyway, without a name.
fn header<'t, 'src: 't>() -> impl P<'t, 'src, Option<Text<'src>>> {
    let name = select! { Token::Word(name) => name }
        .map_with(spanned)
        .labelled("a campaign name");
    let brace = sym(Token::LBrace).labelled("`{` after the campaign name");
    let skip_to_brace = any()
        .and_is(sym(Token::LBrace).not())
        .repeated()
        .then(sym(Token::LBrace));
    kw(Kw::Campaign)
        .ignore_then(name)
        .then_ignore(brace)
        .map(Some)
        .recover_with(via_parser(skip_to_brace.to(None)))
}

/// The campaign's items, each recovered on its own.
fn items<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, Vec<Item<'src>>> {
    let broken = skip_line(layout, false).map_with(|_, e| Item {
        kind: ItemKind::Broken,
        span: span(e.span()),
    });
    item(layout)
        .recover_with(via_parser(broken))
        .repeated()
        .collect()
}

/// One campaign item.
fn item<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, Item<'src>> {
    choice((
        phase(layout).boxed(),
        banner().boxed(),
        table(Kw::Source).map(ItemKind::Source).boxed(),
        table(Kw::Target).map(ItemKind::Target).boxed(),
        zone().boxed(),
        schedule().boxed(),
        split().boxed(),
        end_time().boxed(),
        start_time_format().boxed(),
        check(layout).boxed(),
    ))
    .labelled(ITEM_LABEL)
    .map_with(|kind, e| Item {
        kind,
        span: span(e.span()),
    })
}

/// Skip a broken item or check entry: its first token (never a `}`), then
/// every token up to a `}` or a word that starts a line. Inside a check
/// block (`in_check`), a line that starts with an item keyword is not
/// skipped at all: the block's `}` is missing, and the item belongs outside.
fn skip_line<'t, 'src: 't>(layout: &'t Layout, in_check: bool) -> impl P<'t, 'src, ()> {
    let close = sym(Token::RBrace);
    let line_word = any()
        .map_with(|token, e| (token, e.span()))
        .filter(move |(token, at)| matches!(token, Token::Word(_)) && layout.starts_line(*at));
    let item_line = any()
        .map_with(|token, e| (token, e.span()))
        .filter(move |(token, at)| in_check && starts_item(token) && layout.starts_line(*at));
    let open = sym(Token::LBrace);
    let first = any().and_is(close.clone().not()).and_is(item_line.not());
    let rest = any()
        .and_is(close.not())
        .and_is(line_word.not())
        .and_is(open.not());
    // A broken item that opens a block (`checks {`) takes the block with
    // it, so that its lines are not reported one by one.
    first
        .then(rest.repeated())
        .then(block(layout).or_not())
        .ignored()
}

/// A flat `{ … }` block (no braces inside, like a `check` block), skipped
/// whole. A line that starts with an item keyword ends the attempt (the
/// block's `}` is missing, and that item belongs to the campaign). Not
/// recursive, so skipping stays linear on any input.
fn block<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, ()> {
    let brace = sym(Token::LBrace).or(sym(Token::RBrace));
    let item_line = any()
        .map_with(|token, e| (token, e.span()))
        .filter(move |(token, at)| starts_item(token) && layout.starts_line(*at));
    sym(Token::LBrace)
        .ignore_then(any().and_is(brace.not()).and_is(item_line.not()).repeated())
        .then_ignore(sym(Token::RBrace))
        .ignored()
}

/// Whether `token` is a keyword that begins a campaign item.
fn starts_item(token: &Token<'_>) -> bool {
    ITEM_KEYWORDS
        .iter()
        .any(|kw| *token == Token::Word(kw.text()))
}

/// `banner ID`.
fn banner<'t, 'src: 't>() -> impl P<'t, 'src, ItemKind<'src>> {
    kw(Kw::Banner).ignore_then(atom(true)).map(ItemKind::Banner)
}

/// `source `TABLE`` or `target `TABLE``; the text inside the backticks.
fn table<'t, 'src: 't>(keyword: Kw) -> impl P<'t, 'src, Text<'src>> {
    let table = select! { Token::Table(raw) => raw }
        .map_with(|raw, e| inside_quotes(raw, span(e.span())))
        .labelled("a table name in backticks, such as `project.dataset.table`");
    kw(keyword).ignore_then(table)
}

/// `zone NAME`: a word, then any of `/`, `+` or `-` each followed by a word
/// or number (`America/Argentina/Buenos_Aires`, `Etc/GMT+5`).
fn zone<'t, 'src: 't>() -> impl P<'t, 'src, ItemKind<'src>> {
    let word = select! { Token::Word(_) => () };
    let part = select! { Token::Word(_) => (), Token::Int(_) => () };
    let joiner = choice((sym(Token::Slash), sym(Token::Plus), sym(Token::Minus)));
    let name = word
        .then(joiner.then(part).repeated())
        .map_with(|_, e| span(e.span()))
        .labelled("a time zone such as `UTC` or `Asia/Kolkata`");
    kw(Kw::Zone)
        .ignore_then(name)
        .map(ItemKind::Zone)
        .labelled(context::ZONE)
        .as_context()
}

/// `phase N: RANGES CLAUSES -> DATE [as "SUFFIX"] [banner ID]`.
fn phase<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, ItemKind<'src>> {
    let ranges = range("a source date range such as `2025-04-01..2025-04-21`")
        .separated_by(sym(Token::Comma))
        .collect::<Vec<_>>();
    let suffix = kw(Kw::As).ignore_then(string("a log-name suffix in double quotes"));
    let head = kw(Kw::Phase)
        .ignore_then(int("a phase number"))
        .then_ignore(sym(Token::Colon).labelled("`:` after the phase number"));
    head.then(ranges)
        .then(clause().repeated().collect::<Vec<_>>())
        .then_ignore(sym(Token::Arrow).labelled("`->` after the source days"))
        .then(date("the target date"))
        .then(suffix.or_not())
        .then(phase_banner(layout).or_not())
        .map(|(((((id, takes), clauses), target), suffix), banner)| {
            ItemKind::Phase(PhaseAst {
                id,
                takes,
                clauses,
                target,
                suffix,
                banner,
            })
        })
        .labelled(context::PHASE)
        .as_context()
}

/// `+ log "NAME"` or `except log "NAME"`.
fn clause<'t, 'src: 't>() -> impl P<'t, 'src, Clause<'src>> {
    let name = || string("a log name in double quotes");
    let special = sym(Token::Plus)
        .ignore_then(kw(Kw::Log).labelled("`log` after `+`"))
        .ignore_then(name())
        .map(Clause::Special);
    let except = kw(Kw::Except)
        .ignore_then(kw(Kw::Log).labelled("`log` after `except`"))
        .ignore_then(name())
        .map(Clause::Except);
    special.or(except)
}

/// A phase's own `banner ID`. It must not start a line: a `banner` that
/// starts a line is the campaign's banner item.
fn phase_banner<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, Spanned<Atom<'src>>> {
    kw(Kw::Banner)
        .map_with(|_, e| e.span())
        .filter(move |at| !layout.starts_line(*at))
        .ignore_then(atom(true))
}

/// `schedule daily|every|single|dates|rotate …`.
fn schedule<'t, 'src: 't>() -> impl P<'t, 'src, ItemKind<'src>> {
    let range = || range("a date range such as `2025-05-01..2025-05-07`");
    let count = || int("a whole number");
    let days = || kw(Kw::Days).or(kw(Kw::Day)).labelled("`days`");
    let over = || kw(Kw::Over).labelled("`over`");
    let daily = kw(Kw::Daily)
        .ignore_then(range())
        .then(kw(Kw::X).ignore_then(count()).or_not())
        .map(|(range, per_day)| ScheduleAst::Daily { range, per_day });
    let every = kw(Kw::Every)
        .ignore_then(count())
        .then_ignore(days())
        .then_ignore(over())
        .then(range())
        .map(|(every, range)| ScheduleAst::Every { every, range });
    let single = kw(Kw::Single)
        .ignore_then(date("a date"))
        .map(ScheduleAst::Single);
    let dates = kw(Kw::Dates)
        .ignore_then(date("a date").separated_by(sym(Token::Comma)).collect())
        .map(ScheduleAst::Dates);
    let rotate = kw(Kw::Rotate)
        .ignore_then(atom(false).separated_by(sym(Token::Comma)).collect())
        .then_ignore(kw(Kw::Every).labelled("`every` after the banners"))
        .then(count())
        .then_ignore(days())
        .then_ignore(over())
        .then(range())
        .map(|((banners, every), range)| ScheduleAst::Rotate {
            banners,
            every,
            range,
        });
    let kind = choice((daily, every, single, dates, rotate))
        .labelled("`daily`, `every`, `single`, `dates` or `rotate`");
    kw(Kw::Schedule)
        .ignore_then(kind)
        .map(ItemKind::Schedule)
        .labelled(context::SCHEDULE)
        .as_context()
}

/// `from A..B split equal` or `from A..B split volume N`.
fn split<'t, 'src: 't>() -> impl P<'t, 'src, ItemKind<'src>> {
    let kind = choice((
        kw(Kw::Equal).to(None),
        kw(Kw::Volume).ignore_then(int("a row count")).map(Some),
    ))
    .labelled("`equal` or `volume`");
    kw(Kw::From)
        .ignore_then(range(
            "a source date range such as `2025-04-01..2025-04-30`",
        ))
        .then_ignore(kw(Kw::Split).labelled("`split` after the source window"))
        .then(kind)
        .map(|(window, volume)| ItemKind::Split(SplitAst { window, volume }))
        .labelled(context::SPLIT)
        .as_context()
}

/// `end_time = start_time + Ns` (or `- Ns`).
fn end_time<'t, 'src: 't>() -> impl P<'t, 'src, ItemKind<'src>> {
    let sign = sym(Token::Plus)
        .to(false)
        .or(sym(Token::Minus).to(true))
        .labelled("`+` or `-`");
    let seconds = select! { Token::Seconds(text) => text }
        .map_with(spanned)
        .labelled("a number of seconds such as `5s`");
    kw(Kw::EndTime)
        .ignore_then(sym(Token::Eq).labelled("`=` after `end_time`"))
        .ignore_then(kw(Kw::StartTime).labelled("`start_time` after `=`"))
        .ignore_then(sign)
        .then(seconds)
        .map(|(negative, seconds)| ItemKind::EndTime { negative, seconds })
        .labelled(context::END_TIME)
        .as_context()
}

/// `start_time format "FORMAT"`.
fn start_time_format<'t, 'src: 't>() -> impl P<'t, 'src, ItemKind<'src>> {
    kw(Kw::StartTime)
        .ignore_then(kw(Kw::Format).labelled("`format` after `start_time`"))
        .ignore_then(string(
            "a format in double quotes, such as \"%Y-%m-%d %H:%M:%S\"",
        ))
        .map(ItemKind::StartTimeFormat)
        .labelled(context::START_TIME)
        .as_context()
}

/// `check { ENTRY* }`, each entry recovered on its own. A missing `}` is
/// reported and the items after it are read as campaign items.
fn check<'t, 'src: 't>(layout: &'t Layout) -> impl P<'t, 'src, ItemKind<'src>> {
    let broken = skip_line(layout, true).map_with(|_, e| CheckEntry {
        kind: CheckKind::Broken,
        span: span(e.span()),
    });
    let entries = check_entry()
        .recover_with(via_parser(broken))
        .repeated()
        .collect();
    let close = sym(Token::RBrace)
        .labelled("`}` to close the check block")
        .recover_with(via_parser(empty()));
    kw(Kw::Check)
        .ignore_then(sym(Token::LBrace).labelled("`{` after `check`"))
        .ignore_then(entries)
        .then_ignore(close)
        .map(ItemKind::Check)
        .labelled(context::CHECK)
        .as_context()
}

/// One line of a check block.
fn check_entry<'t, 'src: 't>() -> impl P<'t, 'src, CheckEntry<'src>> {
    let count = || int("a row count");
    let records = choice((
        count()
            .then_ignore(sym(Token::DotDot).labelled("`..` between the least and most rows"))
            .then(count())
            .map(|(min, max)| CheckKind::Records {
                min: Some(min),
                max: Some(max),
            }),
        sym(Token::Ge)
            .ignore_then(count())
            .map(|min| CheckKind::Records {
                min: Some(min),
                max: None,
            }),
        sym(Token::Le)
            .ignore_then(count())
            .map(|max| CheckKind::Records {
                min: None,
                max: Some(max),
            }),
    ))
    .labelled("`MIN..MAX`, `>= MIN` or `<= MAX`");
    let percent = select! { Token::Int(text) => text, Token::Decimal(text) => text }
        .map_with(spanned)
        .labelled("a percentage such as `5%`");
    let variance = sym(Token::Le)
        .labelled("`<=` after `variance`")
        .ignore_then(percent)
        .then_ignore(sym(Token::Percent).labelled("`%` after the number"))
        .map(CheckKind::Variance);
    let at_most = sym(Token::Eq).or(sym(Token::Le)).labelled("`=` or `<=`");
    let unreadable = kw(Kw::Unreadable)
        .labelled("`unreadable` after `start_time`")
        .ignore_then(at_most)
        .ignore_then(count())
        .map(CheckKind::Unreadable);
    choice((
        kw(Kw::RecordsPerPhase).ignore_then(records),
        kw(Kw::Variance).ignore_then(variance),
        kw(Kw::StartTime).ignore_then(unreadable),
    ))
    .labelled("a check (`records_per_phase`, `variance` or `start_time unreadable`)")
    .map_with(|kind, e| CheckEntry {
        kind,
        span: span(e.span()),
    })
}

/// `A..B`, or one date `D` meaning `D..D`.
fn range<'t, 'src: 't>(label: &'static str) -> impl P<'t, 'src, RangeAst<'src>> {
    let last = sym(Token::DotDot).ignore_then(date("the last date of the range"));
    date(label)
        .then(last.or_not())
        .map_with(|(start, end), e| RangeAst {
            start,
            end,
            span: span(e.span()),
        })
}

/// A banner id: a bare word, number, `Ns` or date-shaped token, or a string.
/// In a rotation list (`allow_every` false) a bare `every` ends the list.
fn atom<'t, 'src: 't>(allow_every: bool) -> impl P<'t, 'src, Spanned<Atom<'src>>> {
    select! {
        Token::Word(text) if allow_every || text != Kw::Every.text() => Atom::Bare(text),
        Token::Int(text) => Atom::Bare(text),
        Token::Seconds(text) => Atom::Bare(text),
        Token::Date(text) => Atom::Bare(text),
        Token::Str(raw) => Atom::Quoted(raw),
    }
    .map_with(spanned)
    .labelled("a banner id")
}

/// A date token, not yet checked to be a real date.
fn date<'t, 'src: 't>(label: &'static str) -> impl P<'t, 'src, Text<'src>> {
    select! { Token::Date(text) => text }
        .map_with(spanned)
        .labelled(label)
}

/// An integer token (underscores allowed), not yet converted.
fn int<'t, 'src: 't>(label: &'static str) -> impl P<'t, 'src, Text<'src>> {
    select! { Token::Int(text) => text }
        .map_with(spanned)
        .labelled(label)
}

/// A string literal, raw (quotes and escapes as written).
fn string<'t, 'src: 't>(label: &'static str) -> impl P<'t, 'src, Text<'src>> {
    select! { Token::Str(raw) => raw }
        .map_with(spanned)
        .labelled(label)
}

/// A keyword.
fn kw<'t, 'src: 't>(keyword: Kw) -> impl P<'t, 'src, ()> {
    let token: Token<'src> = Token::Word(keyword.text());
    just(token).ignored()
}

/// A punctuation token.
fn sym<'t, 'src: 't>(token: Token<'src>) -> impl P<'t, 'src, ()> {
    just(token).ignored()
}

/// Attach the span of what was just parsed.
fn spanned<'t, 'src: 't, T>(
    node: T,
    e: &mut chumsky::input::MapExtra<'t, '_, Tokens<'t, 'src>, Extra<'t, 'src>>,
) -> Spanned<T> {
    Spanned::new(node, span(e.span()))
}

/// The text inside a quoted token, spanned at that text. A token whose
/// closing quote is missing (already reported) loses only its opening quote.
fn inside_quotes(raw: &str, at: Span) -> Text<'_> {
    let closed = raw.len() >= 2 && raw.ends_with(&raw[..1]);
    let end = if closed { raw.len() - 1 } else { raw.len() };
    let inner = raw.get(1..end).unwrap_or_default();
    Spanned::new(inner, Span::new(at.start + 1, at.start + 1 + inner.len()))
}

/// Convert a chumsky span.
fn span(at: SimpleSpan) -> Span {
    to_span(at)
}
