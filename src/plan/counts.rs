//! Per-day row counts of a source table, the input of a volume split.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::ir::DateRange;

/// How many source rows fall on each calendar day (in the campaign's zone).
/// A day that is absent has no rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    rows: BTreeMap<NaiveDate, u64>,
}

/// Why a counts file was refused, with the 1-based line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountsError {
    /// The line of the file (the header is line 1).
    pub line: u64,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for CountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CountsError {}

impl CountsError {
    fn new(line: u64, message: impl Into<String>) -> Self {
        CountsError {
            line,
            message: message.into(),
            hint: None,
        }
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

const HEADER_HINT: &str = "the first line must be the header `date,rows`";

impl DayCounts {
    /// Counts from a map of day to rows.
    pub fn new(rows: BTreeMap<NaiveDate, u64>) -> Self {
        DayCounts { rows }
    }

    /// Read a CSV file with the header `date,rows` (in either order) and one
    /// line per day: `2025-04-01,1200`. A day may appear only once.
    pub fn from_csv(text: &str) -> Result<DayCounts, CountsError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let columns = header_columns(&mut reader)?;
        let mut rows = BTreeMap::new();
        let mut first_line = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |p| p.line());
            let (day, count) = read_record(&record, columns, line)?;
            if let Some(earlier) = first_line.insert(day, line) {
                return Err(
                    CountsError::new(line, format!("{day} appears twice")).with_hint(format!(
                        "it is already on line {earlier}; keep one line per day"
                    )),
                );
            }
            rows.insert(day, count);
        }
        Ok(DayCounts { rows })
    }

    /// The rows of one day (0 when the day is absent).
    pub fn rows_on(&self, day: NaiveDate) -> u64 {
        self.rows.get(&day).copied().unwrap_or(0)
    }

    /// The rows of every day of `range` together (saturating at `u64::MAX`).
    pub fn rows_in(&self, range: DateRange) -> u64 {
        self.rows
            .range(range.start()..=range.end())
            .fold(0u64, |total, (_, rows)| total.saturating_add(*rows))
    }

    /// The counts as a map of day to rows.
    pub fn as_map(&self) -> &BTreeMap<NaiveDate, u64> {
        &self.rows
    }
}

impl FromIterator<(NaiveDate, u64)> for DayCounts {
    /// Counts from `(day, rows)` pairs; a day given twice has the sum.
    fn from_iter<I: IntoIterator<Item = (NaiveDate, u64)>>(pairs: I) -> Self {
        let mut rows = BTreeMap::new();
        for (day, count) in pairs {
            let total: &mut u64 = rows.entry(day).or_default();
            *total = total.saturating_add(count);
        }
        DayCounts { rows }
    }
}

/// The positions of the `date` and `rows` columns in the header.
fn header_columns(reader: &mut csv::Reader<&[u8]>) -> Result<(usize, usize), CountsError> {
    let header = reader.headers().map_err(csv_error)?;
    let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    match (position("date"), position("rows")) {
        (Some(date), Some(rows)) if header.len() == 2 => Ok((date, rows)),
        _ if header.iter().all(str::is_empty) => {
            Err(CountsError::new(1, "the counts file has no header").with_hint(HEADER_HINT))
        }
        _ => Err(CountsError::new(
            1,
            format!(
                "the header `{}` is not `date,rows`",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        )
        .with_hint(HEADER_HINT)),
    }
}

/// One line's day and row count.
fn read_record(
    record: &csv::StringRecord,
    (date_column, rows_column): (usize, usize),
    line: u64,
) -> Result<(NaiveDate, u64), CountsError> {
    let date_text = record.get(date_column).unwrap_or_default();
    let rows_text = record.get(rows_column).unwrap_or_default();
    let day = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
        CountsError::new(
            line,
            format!("`{}` is not a date", date_text.escape_debug()),
        )
        .with_hint("write dates as YYYY-MM-DD, e.g. 2025-04-01")
    })?;
    let rows = rows_text.parse::<u64>().map_err(|_| {
        CountsError::new(
            line,
            format!("`{}` is not a row count", rows_text.escape_debug()),
        )
        .with_hint("a row count is a whole number of rows, such as 1200")
    })?;
    Ok((day, rows))
}

/// A CSV reading error, at the line it names.
fn csv_error(error: csv::Error) -> CountsError {
    let line = error.position().map_or(0, |p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this line has {len} fields, the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "this line is not UTF-8 text".to_string(),
        _ => format!("cannot read the counts file: {error}"),
    };
    CountsError::new(line, message).with_hint("each line is `date,rows`, e.g. 2025-04-01,1200")
}
