//! Tokens of the `.bnr` language and its keywords.

use std::fmt;

/// One token of a `.bnr` file. Tokens that carry text borrow it from the
/// source; none of that text is checked yet (a `Date` may be `2025-02-30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token<'src> {
    /// An identifier or keyword: `phase`, `Q4_Banner`, `GMT-14`, `5902a`.
    Word(&'src str),
    /// Digits with optional `_` separators: `1_000`.
    Int(&'src str),
    /// A decimal number such as `2.5` (used in percentages).
    Decimal(&'src str),
    /// A whole number of seconds such as `5s`.
    Seconds(&'src str),
    /// A calendar date written `YYYY-MM-DD`.
    Date(&'src str),
    /// A double-quoted string, quotes included, escapes not yet resolved.
    Str(&'src str),
    /// A backtick-quoted table name, backticks included.
    Table(&'src str),
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `..`
    DotDot,
    /// `->`
    Arrow,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `=`
    Eq,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `%`
    Percent,
    /// `/`
    Slash,
}

impl Token<'_> {
    /// The punctuation text of a symbol token, or `None` for a token with text.
    pub fn symbol(&self) -> Option<&'static str> {
        let text = match self {
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::Colon => ":",
            Token::Comma => ",",
            Token::DotDot => "..",
            Token::Arrow => "->",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Eq => "=",
            Token::Le => "<=",
            Token::Ge => ">=",
            Token::Percent => "%",
            Token::Slash => "/",
            _ => return None,
        };
        Some(text)
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Word(text)
            | Token::Int(text)
            | Token::Decimal(text)
            | Token::Seconds(text)
            | Token::Date(text)
            | Token::Str(text)
            | Token::Table(text) => f.write_str(text),
            symbol => f.write_str(symbol.symbol().unwrap_or_default()),
        }
    }
}

/// Declares the keyword enum and [`KEYWORDS`] from one list, so the two
/// cannot drift apart; an unused keyword is a dead-code warning.
macro_rules! keywords {
    ($($variant:ident = $text:literal,)*) => {
        /// A keyword of the language. Keywords are contextual: the lexer
        /// reads them as [`Token::Word`], and a campaign may be named `daily`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Kw {
            $($variant,)*
        }

        impl Kw {
            /// The keyword as written.
            pub(crate) const fn text(self) -> &'static str {
                match self {
                    $(Kw::$variant => $text,)*
                }
            }
        }

        /// Every keyword the parser accepts, in grammar order. The grammar in
        /// `grammar/bnr.ebnf` lists exactly these (a test keeps them equal).
        pub const KEYWORDS: &[&str] = &[$($text,)*];
    };
}

keywords! {
    Campaign = "campaign",
    Banner = "banner",
    Source = "source",
    Target = "target",
    Zone = "zone",
    Phase = "phase",
    Log = "log",
    Except = "except",
    As = "as",
    Schedule = "schedule",
    Daily = "daily",
    X = "x",
    Every = "every",
    Day = "day",
    Days = "days",
    Over = "over",
    Single = "single",
    Dates = "dates",
    Rotate = "rotate",
    From = "from",
    Split = "split",
    Equal = "equal",
    Volume = "volume",
    EndTime = "end_time",
    StartTime = "start_time",
    Format = "format",
    Check = "check",
    RecordsPerPhase = "records_per_phase",
    Variance = "variance",
    Unreadable = "unreadable",
}

/// Keywords that begin a campaign item; a line that starts with one of them
/// is where error recovery inside a `check` block stops.
pub(crate) const ITEM_KEYWORDS: &[Kw] = &[
    Kw::Banner,
    Kw::Source,
    Kw::Target,
    Kw::Zone,
    Kw::Phase,
    Kw::Schedule,
    Kw::From,
    Kw::EndTime,
    Kw::Check,
];
