//! The lexer: source text to spanned tokens. It never fails. Text it cannot
//! read (a stray character, an unterminated string or comment) becomes a
//! diagnostic, and lexing goes on after it.

use chumsky::prelude::*;

use super::codes;
use super::token::Token;
use crate::diag::Diagnostic;
use crate::ir::Span;

/// The chumsky extras of the lexer: it cannot fail, so errors carry nothing.
type LexExtra = extra::Default;

/// One piece of source text as the lexer sees it, before the faults are
/// sorted out of the token stream.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lexeme<'src> {
    Token(Token<'src>),
    /// A string or table name whose closing quote is missing; it runs to
    /// the end of the line and is still handed to the parser.
    Open(Token<'src>),
    Comment,
    /// A block comment without its `*/`; it runs to the end of the file.
    OpenComment,
    /// A character that starts no token.
    Stray,
}

/// Which tokens are the first on their line. The grammar is free-form, but
/// error recovery resumes at a line start, and a phase's trailing
/// `banner ID` must not begin a line (there it is the campaign's banner).
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// Start offsets of the line-first tokens, ascending.
    line_first: Vec<usize>,
}

impl Layout {
    /// Whether the token at `span` is the first token on its line.
    pub(crate) fn starts_line(&self, span: SimpleSpan) -> bool {
        self.line_first.binary_search(&span.start).is_ok()
    }
}

/// The result of lexing: tokens for the parser, their layout, and faults.
pub(crate) struct Lexed<'src> {
    pub(crate) tokens: Vec<(Token<'src>, SimpleSpan)>,
    pub(crate) layout: Layout,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Starts of the tokens right after an unterminated string or table
    /// name. A syntax error there is only the echo of the missing quote.
    pub(crate) after_open: Vec<usize>,
    /// Faults found after the first [`MAX_FAULTS`], counted but not kept.
    pub(crate) hidden_faults: usize,
}

/// Most lexical faults kept: binary input would otherwise give one per line.
pub(crate) const MAX_FAULTS: usize = 100;

/// Split `source` into tokens with byte spans. Comments are dropped; lexical
/// faults come back as diagnostics (codes E0102 to E0105).
pub fn lex(source: &str) -> (Vec<(Token<'_>, Span)>, Vec<Diagnostic>) {
    let lexed = lex_source(source);
    let tokens = lexed
        .tokens
        .into_iter()
        .map(|(token, span)| (token, to_span(span)))
        .collect();
    (tokens, lexed.diagnostics)
}

/// Lex `source` for the parser.
pub(crate) fn lex_source(source: &str) -> Lexed<'_> {
    let lexemes = lexemes().parse(source).into_output().unwrap_or_default();
    sort_out(source, lexemes)
}

/// Convert a chumsky span into the IR's span.
pub(crate) fn to_span(span: SimpleSpan) -> Span {
    Span::new(span.start, span.end)
}

/// The whole lexer: lexemes separated by whitespace.
fn lexemes<'src>() -> impl Parser<'src, &'src str, Vec<(Lexeme<'src>, SimpleSpan)>, LexExtra> {
    let lexeme = choice((
        comment(),
        number_like(),
        word(),
        quoted('"', Token::Str),
        quoted('`', Token::Table),
        symbol(),
        any().to(Lexeme::Stray),
    ));
    let spanned = lexeme.map_with(|lexeme, e| (lexeme, e.span()));
    text::whitespace()
        .ignore_then(spanned.then_ignore(text::whitespace()).repeated().collect())
        .then_ignore(end())
}

/// A character that may appear anywhere in a word.
fn is_word_char(c: &char) -> bool {
    c.is_ascii_alphanumeric() || *c == '_'
}

/// One more character of a word: a word character, or a `-` that does not
/// start `->`.
fn word_tail<'src>() -> impl Parser<'src, &'src str, (), LexExtra> + Clone {
    let hyphen = just('-').and_is(just("->").not());
    any().filter(is_word_char).ignored().or(hyphen.ignored())
}

/// An identifier or keyword; also digit-led words such as `5902a`.
fn word<'src>() -> impl Parser<'src, &'src str, Lexeme<'src>, LexExtra> + Clone {
    any()
        .filter(is_word_char)
        .then(word_tail().repeated())
        .to_slice()
        .map(|text| Lexeme::Token(Token::Word(text)))
}

/// Dates, decimals, seconds and integers. Each must end where a word would
/// end; otherwise the text is lexed as a word (`2025-4-1`, `12ab`).
fn number_like<'src>() -> impl Parser<'src, &'src str, Lexeme<'src>, LexExtra> + Clone {
    let digit = any().filter(char::is_ascii_digit);
    let digits = digit.then(
        any()
            .filter(|c: &char| c.is_ascii_digit() || *c == '_')
            .repeated(),
    );
    let two = digit.repeated().exactly(2);
    let date = digit
        .repeated()
        .exactly(4)
        .then(just('-'))
        .then(two)
        .then(just('-'))
        .then(two);
    let decimal = digits.then(just('.')).then(digits);
    let seconds = digits.then(just('s'));
    let ends = word_tail().not();

    let date = date.to_slice().then_ignore(ends.clone()).map(Token::Date);
    let decimal = decimal
        .to_slice()
        .then_ignore(ends.clone())
        .map(Token::Decimal);
    let seconds = seconds
        .to_slice()
        .then_ignore(ends.clone())
        .map(Token::Seconds);
    let int = digits.to_slice().then_ignore(ends).map(Token::Int);
    choice((date, decimal, seconds, int)).map(Lexeme::Token)
}

/// A string (`"…"`) or table name (`` `…` ``) on one line. In a string a
/// backslash escapes the next character (the escape itself is checked
/// later); a table name has no escapes. A missing closing quote gives
/// [`Lexeme::Open`].
fn quoted<'src>(
    quote: char,
    make: fn(&'src str) -> Token<'src>,
) -> impl Parser<'src, &'src str, Lexeme<'src>, LexExtra> + Clone {
    let escapes = quote == '"';
    let escape = just('\\')
        .filter(move |_| escapes)
        .then(none_of("\r\n"))
        .ignored();
    let plain = any().filter(move |c: &char| {
        *c != quote && *c != '\r' && *c != '\n' && !(escapes && *c == '\\')
    });
    let body = escape.or(plain.ignored());
    just(quote)
        .then(body.repeated())
        .then(just(quote).or_not())
        .map_with(move |(_, close), e| {
            let token = make(e.slice());
            if close.is_some() {
                Lexeme::Token(token)
            } else {
                Lexeme::Open(token)
            }
        })
}

/// A line comment (`// …`) or a block comment (`/* … */`, not nested).
fn comment<'src>() -> impl Parser<'src, &'src str, Lexeme<'src>, LexExtra> + Clone {
    let line = just("//")
        .then(none_of("\n").repeated())
        .to(Lexeme::Comment);
    let block = just("/*")
        .then(any().and_is(just("*/").not()).repeated())
        .then(just("*/").or_not())
        .map(|(_, close)| {
            if close.is_some() {
                Lexeme::Comment
            } else {
                Lexeme::OpenComment
            }
        });
    line.or(block)
}

/// Punctuation, longest first.
fn symbol<'src>() -> impl Parser<'src, &'src str, Lexeme<'src>, LexExtra> + Clone {
    choice((
        just("->").to(Token::Arrow),
        just("..").to(Token::DotDot),
        just("<=").to(Token::Le),
        just(">=").to(Token::Ge),
        just('{').to(Token::LBrace),
        just('}').to(Token::RBrace),
        just(':').to(Token::Colon),
        just(',').to(Token::Comma),
        just('+').to(Token::Plus),
        just('-').to(Token::Minus),
        just('=').to(Token::Eq),
        just('%').to(Token::Percent),
        just('/').to(Token::Slash),
    ))
    .map(Lexeme::Token)
}

/// Separate tokens from faults: build the token stream and its layout, and
/// turn faults into diagnostics. Adjacent stray characters are one fault.
fn sort_out<'src>(source: &'src str, lexemes: Vec<(Lexeme<'src>, SimpleSpan)>) -> Lexed<'src> {
    let mut sorter = Sorter {
        source,
        ..Sorter::default()
    };
    for (lexeme, span) in lexemes {
        sorter.take(lexeme, span);
    }
    sorter.flush_stray();
    Lexed {
        tokens: sorter.tokens,
        layout: sorter.layout,
        diagnostics: sorter.diagnostics,
        after_open: sorter.after_open,
        hidden_faults: sorter.hidden_faults,
    }
}

/// The state of [`sort_out`].
#[derive(Default)]
struct Sorter<'src> {
    source: &'src str,
    tokens: Vec<(Token<'src>, SimpleSpan)>,
    layout: Layout,
    diagnostics: Vec<Diagnostic>,
    /// The run of stray characters not yet reported.
    stray: Option<SimpleSpan>,
    after_open: Vec<usize>,
    hidden_faults: usize,
    /// Whether the last token was unterminated.
    open: bool,
}

impl<'src> Sorter<'src> {
    /// Handle one lexeme.
    fn take(&mut self, lexeme: Lexeme<'src>, span: SimpleSpan) {
        if lexeme == Lexeme::Stray {
            self.extend_stray(span);
            return;
        }
        self.flush_stray();
        match lexeme {
            Lexeme::Token(token) => self.push(token, span),
            Lexeme::Open(token) => {
                self.report(unterminated(token, span));
                self.push(token, span);
                self.open = true;
            }
            Lexeme::OpenComment => self.report(open_comment(span)),
            Lexeme::Comment | Lexeme::Stray => {}
        }
    }

    /// Keep a fault's diagnostic, or only count it once there are many.
    fn report(&mut self, diagnostic: Diagnostic) {
        if self.diagnostics.len() < MAX_FAULTS {
            self.diagnostics.push(diagnostic);
        } else {
            self.hidden_faults += 1;
        }
    }

    /// Add a token, noting whether it is the first on its line.
    fn push(&mut self, token: Token<'src>, span: SimpleSpan) {
        let gap_start = self.tokens.last().map_or(0, |(_, last)| last.end);
        let gap = self.source.get(gap_start..span.start).unwrap_or_default();
        if self.tokens.is_empty() || gap.contains('\n') {
            self.layout.line_first.push(span.start);
        }
        if std::mem::take(&mut self.open) {
            self.after_open.push(span.start);
        }
        self.tokens.push((token, span));
    }

    /// Grow the current run of stray characters, or start a new one.
    fn extend_stray(&mut self, span: SimpleSpan) {
        match self.stray {
            Some(run) if run.end == span.start => self.stray = Some((run.start..span.end).into()),
            _ => {
                self.flush_stray();
                self.stray = Some(span);
            }
        }
    }

    /// Report the current run of stray characters, if any.
    fn flush_stray(&mut self) {
        if let Some(run) = self.stray.take() {
            let text = self.source.get(run.start..run.end).unwrap_or_default();
            self.report(stray(text, run));
        }
    }
}

/// The diagnostic for a run of characters that start no token.
fn stray(text: &str, span: SimpleSpan) -> Diagnostic {
    let shown: String = text
        .chars()
        .take(16)
        .collect::<String>()
        .escape_debug()
        .to_string();
    let more = if text.chars().count() > 16 { "…" } else { "" };
    let (noun, it) = if text.chars().count() == 1 {
        ("character", "it")
    } else {
        ("characters", "them")
    };
    Diagnostic::error(
        codes::STRAY,
        format!("unexpected {noun} `{shown}{more}`"),
        to_span(span),
    )
    .with_label_message(format!("no token starts with {noun} like this"))
    .with_hint(format!(
        "remove {it}; text such as log names goes in double quotes"
    ))
}

/// The diagnostic for a string or table name without its closing quote.
fn unterminated(token: Token<'_>, span: SimpleSpan) -> Diagnostic {
    let (code, what, quote) = match token {
        Token::Table(_) => (codes::UNTERMINATED_TABLE, "table name", "`"),
        _ => (codes::UNTERMINATED_STRING, "string", "\""),
    };
    Diagnostic::error(code, format!("unterminated {what}"), to_span(span))
        .with_label_message(format!(
            "this {what} is not closed before the end of the line"
        ))
        .with_hint(format!("close it with {quote}; a {what} cannot span lines"))
}

/// The diagnostic for a block comment without `*/`, at its `/*`.
fn open_comment(span: SimpleSpan) -> Diagnostic {
    let opening = Span::new(span.start, span.start + 2);
    Diagnostic::error(
        codes::UNTERMINATED_COMMENT,
        "unterminated block comment",
        opening,
    )
    .with_label_message("this comment runs to the end of the file")
    .with_hint("close it with `*/`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Token<'_>> {
        lex(source).0.into_iter().map(|(token, _)| token).collect()
    }

    #[test]
    fn numbers_dates_and_words_are_told_apart() {
        use Token::*;
        assert_eq!(
            kinds("2025-04-01..2025-04-21 1_000 2.5% 5s 5902a GMT-14 a->b"),
            vec![
                Date("2025-04-01"),
                DotDot,
                Date("2025-04-21"),
                Int("1_000"),
                Decimal("2.5"),
                Percent,
                Seconds("5s"),
                Word("5902a"),
                Word("GMT-14"),
                Word("a"),
                Arrow,
                Word("b"),
            ]
        );
    }

    #[test]
    fn strings_keep_escapes_and_comments_vanish() {
        let tokens = kinds(
            r#"log "a\"b" // note
            /* block */ `p.d.t`"#,
        );
        assert_eq!(
            tokens,
            vec![
                Token::Word("log"),
                Token::Str(r#""a\"b""#),
                Token::Table("`p.d.t`")
            ]
        );
    }

    #[test]
    fn stray_runs_are_one_fault() {
        let (tokens, diagnostics) = lex("a @#$ b");
        assert_eq!(tokens.len(), 2);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].span(), Span::new(2, 5));
    }
}
