//! BigQuery identifiers and literals. Every name and string that comes from
//! a campaign reaches SQL through these functions and nowhere else.

use chrono::NaiveDate;

use crate::ir::TableRef;

/// A backtick-quoted identifier. Names reaching here were validated at the
/// edge; a backtick or backslash is still escaped, so nothing can end the
/// quote early.
pub fn ident(name: &str) -> String {
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('`');
    for c in name.chars() {
        if matches!(c, '`' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('`');
    quoted
}

/// A table as `` `project`.`dataset`.`table` ``.
pub fn table(table: &TableRef) -> String {
    format!(
        "{}.{}.{}",
        ident(table.project()),
        ident(table.dataset()),
        ident(table.table())
    )
}

/// A string literal with the same value as `text`.
///
/// Plain text is single-quoted with `\'` for quotes. Text with a backslash
/// or a control character is written as `CODE_POINTS_TO_STRING([...])`, which
/// has one reading in every parser (a backslash inside a quoted literal is
/// read differently by different tools).
pub fn string(text: &str) -> String {
    if text.chars().any(|c| c == '\\' || c.is_control()) {
        let points: Vec<String> = text.chars().map(|c| (c as u32).to_string()).collect();
        return format!("CODE_POINTS_TO_STRING([{}])", points.join(", "));
    }
    format!("'{}'", text.replace('\'', "\\'"))
}

/// A `DATE 'YYYY-MM-DD'` literal.
pub fn date(day: NaiveDate) -> String {
    format!("DATE '{}'", day.format("%Y-%m-%d"))
}

/// A list of string literals for `IN (...)`.
pub fn string_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().map(string).collect::<Vec<_>>().join(", ")
}
