//! Syntax errors as diagnostics: "expected X, found Y" at the exact token,
//! with a hint drawn from the item the error is in.

use chumsky::error::{RichPattern, RichReason};

use super::codes;
use super::lexer::to_span;
use super::parser::{ITEM_LABEL, ParseError, context};
use super::token::{ITEM_KEYWORDS, Kw};

/// The keyword a file starts with.
const KEYWORD_CAMPAIGN: &str = Kw::Campaign.text();
use crate::diag::{Diagnostic, suggest};
use crate::ir::Span;

/// Longest piece of source quoted in a message.
const MAX_QUOTED: usize = 32;

/// Turn a chumsky error into a diagnostic (code E0101).
pub(crate) fn from_parse_error(error: &ParseError<'_, '_>, source: &str) -> Diagnostic {
    let at = to_span(*error.span());
    let found = describe_found(error.found().is_some(), at, source);
    let expected = match error.reason() {
        RichReason::ExpectedFound { expected, .. } => Expected::classify(expected),
        RichReason::Custom(message) => {
            return Diagnostic::error(codes::UNEXPECTED, message.clone(), at);
        }
    };
    let message = format!("expected {}, found {found}", join_or(&expected.primary()));
    // Where an item may start, say what items there are; inside one, how it is written.
    let found_text = error.found().and(source.get(at.start..at.end));
    let hint = expected.item_hint(found_text).or_else(|| hint_for(error));
    let diagnostic = Diagnostic::error(codes::UNEXPECTED, message, at)
        .with_label_message(format!("unexpected {found}"));
    match expected.also_hint(hint) {
        Some(hint) => diagnostic.with_hint(hint),
        None => diagnostic,
    }
}

/// What the parser would have accepted, split into named things (labels,
/// such as "the target date") and bare tokens (such as `,`).
struct Expected {
    labels: Vec<String>,
    tokens: Vec<String>,
}

impl Expected {
    /// Classify chumsky's expected patterns, dropping duplicates.
    fn classify(patterns: &[RichPattern<'_, super::token::Token<'_>>]) -> Self {
        let mut expected = Expected {
            labels: Vec::new(),
            tokens: Vec::new(),
        };
        for pattern in patterns {
            match pattern {
                RichPattern::Label(label) => push_new(&mut expected.labels, label.to_string()),
                RichPattern::EndOfInput => {
                    push_new(&mut expected.labels, "the end of the file".into())
                }
                RichPattern::Token(token) => {
                    push_new(&mut expected.tokens, format!("`{}`", **token))
                }
                _ => {}
            }
        }
        expected
    }

    /// What the message names: the labels if there are any, else the tokens.
    fn primary(&self) -> Vec<String> {
        match (self.labels.is_empty(), self.tokens.is_empty()) {
            (false, _) => self.labels.clone(),
            (true, false) => self.tokens.clone(),
            (true, true) => vec!["something else".to_string()],
        }
    }

    /// Whether a campaign item could have started here.
    fn is_item(&self) -> bool {
        self.labels.iter().any(|label| label == ITEM_LABEL)
    }

    /// The hint for an error where a campaign item, or the campaign
    /// itself, was expected.
    fn item_hint(&self, found: Option<&str>) -> Option<String> {
        if self.is_item() {
            let items = "`banner`, `source`, `target`, `zone`, `phase`, `schedule`, `from`, \
                         `end_time`, `start_time` or `check`";
            return Some(match found.and_then(|word| suggest(word, &item_words())) {
                Some(close) => {
                    format!("did you mean `{close}`? A campaign item starts with {items}")
                }
                None => format!("a campaign item starts with {items}"),
            });
        }
        let campaign = format!("`{KEYWORD_CAMPAIGN}`");
        let hint = "a `.bnr` file holds one campaign: `campaign NAME { … }`";
        self.tokens.contains(&campaign).then(|| hint.to_string())
    }

    /// Add the tokens that the message left out (because labels were named)
    /// to the hint: they could also have come here.
    fn also_hint(&self, hint: Option<String>) -> Option<String> {
        if self.labels.is_empty() || self.tokens.is_empty() {
            return hint;
        }
        let also = if self.is_item() {
            // A `{` here only opens the block of a broken item: no line
            // goes on with one.
            let tokens: Vec<String> = self
                .tokens
                .iter()
                .filter(|t| *t != "`{`")
                .cloned()
                .collect();
            if tokens.is_empty() {
                return hint;
            }
            format!(
                "the line before may also go on here with {}",
                join_or(&tokens)
            )
        } else {
            format!("{} may also come here", join_or(&self.tokens))
        };
        Some(match hint {
            Some(hint) => format!("{hint}; {also}"),
            None => also,
        })
    }
}

/// The words a campaign item starts with (for "did you mean").
fn item_words() -> Vec<&'static str> {
    ITEM_KEYWORDS.iter().map(|kw| kw.text()).collect()
}

/// Push `item` unless it is already there.
fn push_new(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// "A", "A or B", "A, B or C".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The found token as quoted source text, or the end of the file.
fn describe_found(is_token: bool, at: Span, source: &str) -> String {
    if !is_token {
        return "the end of the file".to_string();
    }
    let text = source.get(at.start..at.end).unwrap_or_default();
    if text.chars().count() > MAX_QUOTED {
        let head: String = text.chars().take(MAX_QUOTED).collect();
        format!("`{head}…`")
    } else {
        format!("`{text}`")
    }
}

/// The hint of the innermost item the error is in.
fn hint_for(error: &ParseError<'_, '_>) -> Option<String> {
    error.contexts().find_map(|(pattern, _)| match pattern {
        RichPattern::Label(label) => context_hint(label),
        _ => None,
    })
}

/// How an item is written, by its context label.
fn context_hint(label: &str) -> Option<String> {
    let hint = match label {
        context::PHASE => {
            "a phase reads `phase N: 2025-04-01..2025-04-21 -> 2025-04-25`, optionally with \
             `+ log \"NAME\"` and `except log \"NAME\"` before `->`, and `as \"SUFFIX\"` and \
             `banner ID` after the date"
        }
        context::SCHEDULE => {
            "a schedule is `daily A..B [x N]`, `every N days over A..B`, `single D`, \
             `dates D1, D2, …` or `rotate B1, B2, … every N days over A..B`"
        }
        context::SPLIT => "write `from A..B split equal` or `from A..B split volume N`",
        context::END_TIME => "write `end_time = start_time + 5s`",
        context::START_TIME => "write `start_time format \"%Y-%m-%d %H:%M:%S\"`",
        context::CHECK => {
            "a check block holds, one per line: `records_per_phase MIN..MAX` (or `>= MIN`, \
             `<= MAX`), `variance <= N%` and `start_time unreadable = N`"
        }
        context::ZONE => "write an IANA zone name such as `UTC` or `Asia/Kolkata`",
        _ => return None,
    };
    Some(hint.to_string())
}
