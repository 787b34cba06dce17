//! DuckDB identifiers and literals. Every name and string that comes from a
//! campaign reaches DuckDB SQL through these functions and nowhere else.
//!
//! DuckDB reads `'…'` literally (a backslash is an ordinary character; only
//! a doubled quote stands for a quote), and `"…"` identifiers the same way
//! with doubled double quotes.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ir::TableRef;

/// A double-quoted identifier; a `"` inside is doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The DuckDB table of a BigQuery table: `"dataset"."table"` (the project
/// is dropped; one DuckDB file is one project).
pub fn table(table: &TableRef) -> String {
    format!("{}.{}", ident(table.dataset()), ident(table.table()))
}

/// What identifies a BigQuery table's DuckDB table: DuckDB matches names
/// without case, so `d.STG` and `d.stg` are one table.
pub fn table_key(table: &TableRef) -> String {
    self::table(table).to_lowercase()
}

/// A string literal with the same value as `text`; a `'` inside is doubled.
pub fn string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A `DATE 'YYYY-MM-DD'` literal.
pub fn date(day: NaiveDate) -> String {
    format!("DATE '{}'", day.format("%Y-%m-%d"))
}

/// A `TIMESTAMPTZ` literal of a whole-second instant, written in UTC.
pub fn instant(at: DateTime<Utc>) -> String {
    format!("TIMESTAMPTZ '{}+00'", at.format("%Y-%m-%d %H:%M:%S"))
}

/// A list of string literals for `IN (...)`.
pub fn string_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().map(string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_backslashes_kept() {
        assert_eq!(
            string("o'brien-srv; DROP TABLE x; --"),
            "'o''brien-srv; DROP TABLE x; --'"
        );
        assert_eq!(string(r"C:\logs\x"), r"'C:\logs\x'");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn a_table_drops_its_project() {
        let table_ref = TableRef::parse("my-project.logs.staging").unwrap();
        assert_eq!(table(&table_ref), "\"logs\".\"staging\"");
    }
}
