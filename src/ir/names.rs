//! Newtypes that can only hold valid values. Each is validated once, where it
//! enters the program; holding one is the proof that it is well formed.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// Why a name or value was refused, with a hint for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NameError {
    pub message: String,
    pub hint: Option<String>,
}

impl NameError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        NameError {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

fn is_plain(c: char, extra: &str) -> bool {
    c.is_ascii_alphanumeric() || extra.contains(c)
}

/// A campaign's name: an identifier (`[A-Za-z_][A-Za-z0-9_-]*`, at most 128 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CampaignName(String);

impl CampaignName {
    /// Validate a campaign name.
    pub fn new(name: &str) -> Result<Self, NameError> {
        let first_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !first_ok || name.len() > 128 || !name.chars().all(|c| is_plain(c, "_-")) {
            return Err(NameError::new(
                format!("`{}` is not a valid campaign name", name.escape_debug()),
                "use letters, digits, `_` and `-`, starting with a letter, at most 128 characters",
            ));
        }
        Ok(CampaignName(name.to_string()))
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CampaignName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A banner id such as `5902`: ASCII letters, digits, `_` and `-`, 1 to 64 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BannerId(String);

impl BannerId {
    /// Validate a banner id.
    pub fn new(id: &str) -> Result<Self, NameError> {
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| is_plain(c, "_-")) {
            return Err(NameError::new(
                format!("`{}` is not a valid banner id", id.escape_debug()),
                "a banner id is 1 to 64 letters, digits, `_` or `-`, such as 5902",
            ));
        }
        Ok(BannerId(id.to_string()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BannerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Cloud Logging log name: 1 to 512 bytes, no control characters. Quotes,
/// backslashes and semicolons are allowed; lowerings always emit it as an
/// escaped literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LogName(String);

impl LogName {
    /// Validate a log name.
    pub fn new(name: &str) -> Result<Self, NameError> {
        if name.is_empty() {
            return Err(NameError::new(
                "a log name cannot be empty",
                "write the log's name",
            ));
        }
        if name.len() > 512 {
            return Err(NameError::new(
                "a log name is at most 512 bytes",
                "Cloud Logging log names are at most 512 characters",
            ));
        }
        if let Some(c) = name.chars().find(|c| c.is_control()) {
            return Err(NameError::new(
                format!("a log name cannot contain the control character {:?}", c),
                "log names are single-line text; remove the newline, tab or other control character",
            ));
        }
        Ok(LogName(name.to_string()))
    }

    /// The output log name `H_<banner>_distinct_<suffix>` of a phase.
    pub fn output(banner: &BannerId, suffix: &str) -> Result<Self, NameError> {
        if suffix.is_empty() {
            return Err(NameError::new(
                "a log-name suffix cannot be empty",
                "omit `as` to use the target date",
            ));
        }
        LogName::new(&format!("H_{}_distinct_{}", banner.as_str(), suffix))
    }

    /// Whether this name has the output form `H_<banner>_distinct_<suffix>`
    /// (non-empty banner and suffix), i.e. a campaign produced it.
    pub fn is_output_form(&self) -> bool {
        is_output_form(&self.0)
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `name` has the output form `H_<banner>_distinct_<suffix>`, with a
/// non-empty banner and suffix. This is the `OUT` set of SEMANTICS.md.
pub fn is_output_form(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("H_") else {
        return false;
    };
    // The banner is at least one character, then `_distinct_`, then a
    // non-empty suffix; any occurrence after the first character will do.
    rest.char_indices().skip(1).any(|(i, _)| {
        rest[i..]
            .strip_prefix("_distinct_")
            .is_some_and(|suffix| !suffix.is_empty())
    })
}

impl fmt::Display for LogName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A BigQuery table `project.dataset.table`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableRef {
    project: String,
    dataset: String,
    table: String,
}

impl TableRef {
    /// Parse and validate `project.dataset.table`.
    ///
    /// A project is 1 to 30 lowercase letters, digits and `-`, starting with a
    /// letter or digit; a dataset is 1 to 1024 letters, digits and `_`; a table
    /// is 1 to 1024 letters, digits, `_` and `-`.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        let parts: Vec<&str> = text.split('.').collect();
        let hint = "write the table as `project.dataset.table`, e.g. `my-project.logs.staging`";
        let [project, dataset, table] = parts.as_slice() else {
            return Err(NameError::new(
                format!(
                    "`{}` is not a table name of the form project.dataset.table ({} part{})",
                    text.escape_debug(),
                    parts.len(),
                    if parts.len() == 1 { "" } else { "s" }
                ),
                hint,
            ));
        };
        let project_ok = !project.is_empty()
            && project.len() <= 30
            && project
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !project.starts_with('-')
            && !project.ends_with('-');
        if !project_ok {
            return Err(NameError::new(
                format!(
                    "`{}` is not a valid BigQuery project id",
                    project.escape_debug()
                ),
                "a project id is lowercase letters, digits and hyphens, at most 30 characters",
            ));
        }
        if dataset.is_empty() || dataset.len() > 1024 || !dataset.chars().all(|c| is_plain(c, "_"))
        {
            return Err(NameError::new(
                format!("`{}` is not a valid dataset name", dataset.escape_debug()),
                "a dataset name is letters, digits and underscores",
            ));
        }
        if table.is_empty() || table.len() > 1024 || !table.chars().all(|c| is_plain(c, "_-")) {
            return Err(NameError::new(
                format!("`{}` is not a valid table name", table.escape_debug()),
                "a table name is letters, digits, underscores and hyphens",
            ));
        }
        Ok(TableRef {
            project: project.to_string(),
            dataset: dataset.to_string(),
            table: table.to_string(),
        })
    }

    /// The project id.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The dataset name.
    pub fn dataset(&self) -> &str {
        &self.dataset
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// A table in the same project and dataset. The name must already be
    /// valid as a table name (it is built by the compiler, not the user).
    pub fn sibling(&self, table: &str) -> Result<TableRef, NameError> {
        TableRef::parse(&format!("{}.{}.{}", self.project, self.dataset, table))
    }
}

impl fmt::Display for TableRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.project, self.dataset, self.table)
    }
}

impl FromStr for TableRef {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TableRef::parse(s)
    }
}

impl Serialize for TableRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A closed range of calendar dates `start..=end`, with `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// A range from `start` to `end`, both included.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, NameError> {
        if start > end {
            return Err(NameError::new(
                format!("the range {start}..{end} is reversed: it ends before it starts"),
                format!("write it as {end}..{start}"),
            ));
        }
        Ok(DateRange { start, end })
    }

    /// A range of one day.
    pub fn day(day: NaiveDate) -> Self {
        DateRange {
            start: day,
            end: day,
        }
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day (included).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Number of days covered.
    pub fn days(&self) -> u64 {
        (self.end - self.start).num_days() as u64 + 1
    }

    /// Whether `day` is in the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// Whether the two ranges share a day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Every day of the range, in order.
    pub fn iter_days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let end = self.end;
        self.start.iter_days().take_while(move |d| *d <= end)
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Serialize for DateRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.start.to_string(), self.end.to_string()].serialize(s)
    }
}

/// An IANA time zone such as `Asia/Kolkata`; `UTC` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(chrono_tz::Tz);

impl Zone {
    /// Look up an IANA zone name (exact spelling).
    pub fn parse(name: &str) -> Result<Self, NameError> {
        name.parse::<chrono_tz::Tz>().map(Zone).map_err(|_| {
            let hint = match closest_zone(name) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "use an IANA name such as UTC, Asia/Kolkata or America/New_York".into(),
            };
            NameError::new(
                format!("`{}` is not a known IANA time zone", name.escape_debug()),
                hint,
            )
        })
    }

    /// The zone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

/// The known zone name nearest to `name`, if one is near enough to be a typo.
fn closest_zone(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| {
            (
                strsim::jaro_winkler(&lower, &tz.name().to_ascii_lowercase()),
                tz.name(),
            )
        })
        .filter(|(score, _)| *score > 0.9)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, zone)| zone)
}

impl Default for Zone {
    fn default() -> Self {
        Zone(chrono_tz::UTC)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The `start_time` format: `strftime` text made only of `%Y %m %d %H %M %S`
/// (each exactly once), `%%`, and plain characters other than `%` and quotes.
/// Both BigQuery's `PARSE_DATETIME` and DuckDB's `strptime` read it alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct StartTimeFormat(String);

impl StartTimeFormat {
    /// Validate a start-time format.
    pub fn new(format: &str) -> Result<Self, NameError> {
        let hint = "use the fields %Y %m %d %H %M %S once each, e.g. %Y-%m-%d %H:%M:%S";
        let mut seen = Vec::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            match c {
                '%' => match chars.next() {
                    Some(f @ ('Y' | 'm' | 'd' | 'H' | 'M' | 'S')) => {
                        if seen.contains(&f) {
                            return Err(NameError::new(format!("`%{f}` appears twice"), hint));
                        }
                        seen.push(f);
                    }
                    Some('%') => {}
                    other => {
                        let shown = other.map(|o| format!("%{o}")).unwrap_or_else(|| "%".into());
                        return Err(NameError::new(
                            format!(
                                "`{}` is not a supported start-time field",
                                shown.escape_debug()
                            ),
                            hint,
                        ));
                    }
                },
                '\'' | '"' | '\\' | '`' => {
                    return Err(NameError::new(
                        "a start-time format cannot contain quotes or backslashes",
                        hint,
                    ));
                }
                c if c.is_control() => {
                    return Err(NameError::new(
                        "a start-time format cannot contain control characters",
                        hint,
                    ));
                }
                _ => {}
            }
        }
        if seen.len() != 6 {
            return Err(NameError::new(
                "a start-time format needs a full date and time",
                hint,
            ));
        }
        Ok(StartTimeFormat(format.to_string()))
    }

    /// The format text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for StartTimeFormat {
    fn default() -> Self {
        StartTimeFormat("%Y-%m-%d %H:%M:%S".to_string())
    }
}
