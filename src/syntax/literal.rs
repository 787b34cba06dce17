//! Literal values as written: strings with escapes, numbers with `_`
//! separators, dates, seconds and percentages. Each conversion either gives
//! the value or a diagnostic at the literal (or the exact part of it).

use chrono::{Datelike, NaiveDate};

use super::ast::Text;
use super::codes;
use crate::diag::Diagnostic;
use crate::ir::Span;

/// Resolve the escapes of a raw string literal (quotes included): `\"`,
/// `\\`, `\n`, `\t` and `\u{HEX}`. A literal without its closing quote
/// (already reported by the lexer) is read to its end.
pub(crate) fn unescape(literal: &Text<'_>) -> Result<String, Diagnostic> {
    let raw = literal.node;
    let base = literal.span.start;
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().skip(1).peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => break,
            '\\' => out.push(escape(raw, at, &mut chars).map_err(|end| {
                bad_escape(
                    raw.get(at..end).unwrap_or_default(),
                    Span::new(base + at, base + end),
                )
            })?),
            plain => out.push(plain),
        }
    }
    Ok(out)
}

/// Read one escape whose backslash is at `at`; on failure, the end of the
/// text that was read.
fn escape(
    raw: &str,
    at: usize,
    chars: &mut std::iter::Peekable<impl Iterator<Item = (usize, char)>>,
) -> Result<char, usize> {
    let Some((pos, kind)) = chars.next() else {
        return Err(at + 1);
    };
    let end = pos + kind.len_utf8();
    match kind {
        '"' => Ok('"'),
        '\\' => Ok('\\'),
        'n' => Ok('\n'),
        't' => Ok('\t'),
        'u' => unicode_escape(raw, end, chars),
        _ => Err(end),
    }
}

/// Read `{HEX}` (1 to 6 digits, a Unicode scalar value) after `\u`, which
/// ends at `after_u`.
fn unicode_escape(
    raw: &str,
    after_u: usize,
    chars: &mut std::iter::Peekable<impl Iterator<Item = (usize, char)>>,
) -> Result<char, usize> {
    if chars.next_if(|(_, c)| *c == '{').is_none() {
        return Err(after_u);
    }
    let digits_start = after_u + 1;
    let mut end = digits_start;
    while let Some((pos, c)) = chars.next_if(|(_, c)| c.is_ascii_hexdigit()) {
        end = pos + c.len_utf8();
    }
    let digits = raw.get(digits_start..end).unwrap_or_default();
    if chars.next_if(|(_, c)| *c == '}').is_none() {
        return Err(end);
    }
    let value = u32::from_str_radix(digits, 16)
        .ok()
        .filter(|_| digits.len() <= 6);
    value.and_then(char::from_u32).ok_or(end + 1)
}

/// The diagnostic for an escape that is not one of the known ones.
fn bad_escape(text: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        codes::BAD_ESCAPE,
        format!("unknown escape `{text}` in a string"),
        at,
    )
    .with_label_message("not a valid escape")
    .with_hint(
        "the escapes are \\\", \\\\, \\n, \\t and \\u{HEX} (1 to 6 hex digits, a Unicode \
             character)",
    )
}

/// A type a written whole number is converted to.
pub(crate) trait Whole: TryFrom<u64> {
    /// The largest value, for the error message.
    const MAX: u64;
}

impl Whole for u32 {
    const MAX: u64 = u32::MAX as u64;
}

impl Whole for u64 {
    const MAX: u64 = u64::MAX;
}

impl Whole for i64 {
    const MAX: u64 = i64::MAX as u64;
}

/// A whole number with optional `_` separators (a trailing unit letter is
/// ignored), as a `T`; `what` names it in the error when it does not fit.
pub(crate) fn number<T: Whole>(text: &Text<'_>, what: &str) -> Result<T, Diagnostic> {
    let digits: String = text.node.chars().filter(|c| c.is_ascii_digit()).collect();
    let value = digits
        .parse::<u64>()
        .ok()
        .and_then(|value| T::try_from(value).ok());
    value.ok_or_else(|| {
        Diagnostic::error(
            codes::NUMBER_TOO_LARGE,
            format!("`{}` is too large for {what}", text.node),
            text.span,
        )
        .with_hint(format!("{what} is at most {}", T::MAX))
    })
}

/// `Ns` as seconds, negated when `negative`.
pub(crate) fn seconds(text: &Text<'_>, negative: bool) -> Result<i64, Diagnostic> {
    let value: i64 = number(text, "an offset in seconds")?;
    Ok(if negative { -value } else { value })
}

/// A percentage's number (`5`, `2.5`) as a fraction (`0.05`, `0.025`). The
/// decimal text is read exactly, so printing a fraction back gives it again.
pub(crate) fn percent(text: &Text<'_>) -> Result<f64, Diagnostic> {
    let digits: String = text.node.chars().filter(|c| *c != '_').collect();
    let fraction = format!("{digits}e-2")
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite());
    fraction.ok_or_else(|| {
        Diagnostic::error(
            codes::NUMBER_TOO_LARGE,
            format!("`{}%` is too large for a percentage", text.node),
            text.span,
        )
    })
}

/// A `YYYY-MM-DD` date that must be a real calendar date.
pub(crate) fn date(text: &Text<'_>) -> Result<NaiveDate, Diagnostic> {
    let part = |range: std::ops::Range<usize>| {
        text.node
            .get(range)
            .and_then(|digits| digits.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (part(0..4), part(5..7), part(8..10));
    let real = i32::try_from(year)
        .ok()
        .and_then(|year| NaiveDate::from_ymd_opt(year, month, day));
    real.ok_or_else(|| {
        Diagnostic::error(
            codes::BAD_DATE,
            format!("`{}` is not a real date", text.node),
            text.span,
        )
        .with_label_message("no such day")
        .with_hint(date_hint(year, month))
    })
}

/// Why a date with this year and month is not real.
fn date_hint(year: u32, month: u32) -> String {
    let first = i32::try_from(year)
        .ok()
        .and_then(|year| NaiveDate::from_ymd_opt(year, month, 1));
    let Some(first) = first else {
        return "months run from 01 to 12, and a date is written YYYY-MM-DD".to_string();
    };
    let days = days_in_month(first);
    format!("{} {year} has {days} days", first.format("%B"))
}

/// Number of days of the month that starts on `first`.
fn days_in_month(first: NaiveDate) -> u32 {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map_or(31, |next| (next - first).num_days() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Spanned;

    fn text(raw: &str) -> Text<'_> {
        Spanned::new(raw, Span::new(10, 10 + raw.len()))
    }

    #[test]
    fn escapes_resolve() {
        let value = unescape(&text(r#""a\"b\\c\n\t\u{1F600}""#));
        assert_eq!(value, Ok("a\"b\\c\n\t\u{1F600}".to_string()));
    }

    #[test]
    fn a_bad_escape_points_at_itself() {
        let error = unescape(&text(r#""ab\qc""#)).unwrap_err();
        assert_eq!(error.span(), Span::new(13, 15));
        let error = unescape(&text(r#""\u{110000}""#)).unwrap_err();
        assert_eq!(error.span(), Span::new(11, 21));
    }

    #[test]
    fn dates_must_be_real() {
        assert!(date(&text("2024-02-29")).is_ok());
        let error = date(&text("2025-02-30")).unwrap_err();
        assert_eq!(error.hint.as_deref(), Some("February 2025 has 28 days"));
        assert!(date(&text("2025-13-01")).is_err());
    }

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(number::<u64>(&text("10_000_000"), "x"), Ok(10_000_000));
        assert!(number::<u32>(&text("4_294_967_296"), "x").is_err());
        assert_eq!(percent(&text("5")), Ok(0.05));
        assert_eq!(percent(&text("2.5")), Ok(0.025));
    }
}
