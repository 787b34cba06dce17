//! Validation of single values at the edge: each helper reads one key's
//! value, turns it into a typed IR value with its span, or records a
//! diagnostic that names the key path and points at the value.

use chrono::NaiveDate;

use super::codes;
use super::tree::Section;
use crate::diag::Diagnostic;
use crate::diag::suggest;
use crate::ir::{BannerId, DateRange, NameError, Span, Spanned};

/// The diagnostics gathered while a configuration is built.
#[derive(Debug, Default)]
pub(super) struct Ctx {
    pub diags: Vec<Diagnostic>,
}

/// The node of `key` in `section`, or the section itself when the key is
/// not in the tree (a value reached through an alias).
pub(super) fn node_of<'t>(section: Section<'t>, key: &str) -> Section<'t> {
    section.field(key).unwrap_or(section)
}

/// Where a diagnostic about a section as a whole points: its key, else the
/// key of its first entry (a list item), else its value.
pub(super) fn head(section: Section) -> Span {
    let first_key = || section.children().next().and_then(|entry| entry.key_span());
    section
        .key_span()
        .or_else(first_key)
        .unwrap_or(section.span())
}

impl Ctx {
    /// Record an error.
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// The value of a key that must be given, or an error saying it is missing.
    pub fn required<'v, T>(
        &mut self,
        value: &'v Option<T>,
        section: Section,
        key: &str,
    ) -> Option<&'v T> {
        if value.is_none() {
            self.missing(section, key, None);
        }
        value.as_ref()
    }

    /// Report that `key` is missing from `section` (or has no value).
    pub fn missing(&mut self, section: Section, key: &str, why: Option<&str>) {
        let path = section.path_of(key);
        let why = why.map(|why| format!(" ({why})")).unwrap_or_default();
        let diagnostic = match section.field(key) {
            Some(node) => Diagnostic::error(
                codes::MISSING_KEY,
                format!("{path} has no value{why}"),
                node.span(),
            ),
            None => Diagnostic::error(
                codes::MISSING_KEY,
                format!("{path} is missing{why}"),
                head(section),
            )
            .with_label_message(format!("add `{key}` here")),
        };
        self.error(diagnostic);
    }

    /// A calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, text: &str, node: Section) -> Option<Spanned<NaiveDate>> {
        let path = node.path();
        match parse_date(text) {
            Ok(date) => Some(Spanned::new(date, node.span())),
            Err(error) => {
                let error = NameError {
                    message: format!("{path}: {}", error.message),
                    ..error
                };
                self.error(Diagnostic::from_name_error(
                    codes::BAD_DATE,
                    error,
                    node.span(),
                ));
                None
            }
        }
    }

    /// The date under `key`, which must be given.
    pub fn date_field(
        &mut self,
        value: &Option<String>,
        section: Section,
        key: &str,
    ) -> Option<Spanned<NaiveDate>> {
        let text = self.required(value, section, key)?;
        self.date(text, node_of(section, key))
    }

    /// The closed range `start..end`; a reversed range is reported at its end.
    pub fn range(
        &mut self,
        start: &Spanned<NaiveDate>,
        end: &Spanned<NaiveDate>,
        end_node: Section,
    ) -> Option<Spanned<DateRange>> {
        match DateRange::new(start.node, end.node) {
            Ok(range) => Some(Spanned::new(range, start.span.join(end.span))),
            Err(error) => {
                let message = format!("{}: {}", end_node.path(), error.message);
                let diagnostic = Diagnostic::error(codes::REVERSED_RANGE, message, end.span)
                    .with_label_message("the range ends here")
                    .with_label(start.span, "and starts here")
                    .with_hint(error.hint.unwrap_or_default());
                self.error(diagnostic);
                None
            }
        }
    }

    /// A value validated by an IR constructor; a refusal names the key path.
    pub fn named<T>(
        &mut self,
        code: &'static str,
        result: Result<T, NameError>,
        node: Section,
    ) -> Option<Spanned<T>> {
        match result {
            Ok(value) => Some(Spanned::new(value, node.span())),
            Err(error) => {
                let message = format!("{}: {}", node.path(), error.message);
                let error = NameError { message, ..error };
                self.error(Diagnostic::from_name_error(code, error, node.span()));
                None
            }
        }
    }

    /// The optional `banner_id` of `section`: `Some(None)` when absent, `None`
    /// when it is given but not valid.
    pub fn optional_banner(
        &mut self,
        banner: &Option<String>,
        section: Section,
    ) -> Option<Option<Spanned<BannerId>>> {
        let Some(banner) = banner else {
            return Some(None);
        };
        let node = node_of(section, "banner_id");
        self.named(codes::BAD_BANNER, BannerId::new(banner), node)
            .map(Some)
    }

    /// One of a fixed set of words; anything else lists the known ones.
    pub fn one_of<'k>(&mut self, text: &str, known: &[&'k str], node: Section) -> Option<&'k str> {
        if let Some(word) = known.iter().find(|word| **word == text) {
            return Some(word);
        }
        let message = format!(
            "{}: `{}` is not one of {}",
            node.path(),
            text.escape_debug(),
            list(known)
        );
        let mut diagnostic = Diagnostic::error(codes::UNKNOWN_VALUE, message, node.span());
        if let Some(close) = suggest(text, known) {
            diagnostic = diagnostic.with_hint(format!("did you mean `{close}`?"));
        }
        self.error(diagnostic);
        None
    }

    /// A count that must be at least one.
    pub fn positive<T: Copy + Into<u64>>(&mut self, value: T, node: Section) -> Option<T> {
        if value.into() > 0 {
            return Some(value);
        }
        let message = format!("{}: must be at least 1", node.path());
        self.error(Diagnostic::error(codes::OUT_OF_RANGE, message, node.span()));
        None
    }
}

/// `a | b | c`, each in backticks.
pub(super) fn list(words: &[&str]) -> String {
    words
        .iter()
        .map(|word| format!("`{word}`"))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Read `YYYY-MM-DD`, telling a malformed date from one that does not exist.
fn parse_date(text: &str) -> Result<NaiveDate, NameError> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(NameError {
            message: format!("`{}` is not a date", text.escape_debug()),
            hint: Some("write dates as YYYY-MM-DD, e.g. 2025-04-25".to_string()),
        });
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| NameError {
        message: format!("`{text}` is not a real date"),
        hint: Some(real_date_hint(year as i32, month)),
    })
}

fn real_date_hint(year: i32, month: u32) -> String {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = NaiveDate::from_ymd_opt(year + i32::from(month == 12), month % 12 + 1, 1);
    match (first, next) {
        (Some(first), Some(next)) => {
            format!(
                "{year:04}-{month:02} has {} days",
                (next - first).num_days()
            )
        }
        _ => "a month is 01 to 12".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shaped_and_real() {
        assert_eq!(
            parse_date("2025-04-25").ok(),
            NaiveDate::from_ymd_opt(2025, 4, 25)
        );
        let leap = parse_date("2025-02-29").unwrap_err();
        assert_eq!(leap.message, "`2025-02-29` is not a real date");
        assert_eq!(leap.hint.as_deref(), Some("2025-02 has 28 days"));
        assert_eq!(
            parse_date("2025-13-01").unwrap_err().hint.as_deref(),
            Some("a month is 01 to 12")
        );
        assert!(
            parse_date("2025-4-1")
                .unwrap_err()
                .message
                .contains("is not a date")
        );
        assert!(parse_date("2025-04-2٣").is_err());
    }
}
