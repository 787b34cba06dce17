//! What engines report: the facts of a pre-flight inspection, the ledger's
//! rows, and what a run or a rollback did. Plain data, shared by every
//! engine and serialised as is by `--format json`.

use serde::Serialize;

use crate::ir::PhaseId;
use crate::lower::ledger::Claims;

/// A table's columns as the engine names their types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableFacts {
    /// The table as the user wrote it (`project.dataset.table`).
    pub table: String,
    /// The table as the engine names it (DuckDB: `"dataset"."table"`).
    pub engine_name: String,
    /// `None` when the table does not exist (or is a view).
    pub columns: Option<Vec<Column>>,
    /// The name is a view's: it can be read but not written, nor backed up.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_view: bool,
    /// The types of `jsonPayload`'s four fields, when readable:
    /// `start_time`, `end_time`, `timestamp_get`, `banner_id`.
    pub payload_fields: Vec<Column>,
}

/// A column (or struct field) and its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    pub kind: String,
}

/// One row, as `(column, value as text)` pairs in column order; NULL is
/// `None`. Serialised as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SampleRow(pub Vec<(String, Option<String>)>);

impl FromIterator<(String, Option<String>)> for SampleRow {
    fn from_iter<I: IntoIterator<Item = (String, Option<String>)>>(pairs: I) -> Self {
        SampleRow(pairs.into_iter().collect())
    }
}

impl std::ops::Deref for SampleRow {
    type Target = [(String, Option<String>)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Serialize for SampleRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (column, value) in &self.0 {
            map.serialize_entry(column, value)?;
        }
        map.end()
    }
}

/// A phase's facts on the data as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseFacts {
    pub phase: PhaseId,
    pub taken_rows: u64,
    /// Taken rows whose `start_time` is NULL or unreadable.
    pub unreadable_rows: u64,
    /// Taken rows whose `timestamp` is NULL (special-source rows only;
    /// on DuckDB an infinite timestamp counts too).
    pub null_timestamp_rows: u64,
    /// Taken rows with either fault, each counted once: what the
    /// `start_time unreadable` threshold limits.
    pub bad_rows: u64,
    /// One taken row before its transformation, and the same row after.
    pub sample: Option<(SampleRow, SampleRow)>,
}

/// Everything `plan` learns before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    pub source: TableFacts,
    pub target: TableFacts,
    /// Per-phase counts and samples; empty when a table is missing or the
    /// schemas cannot be read (nothing else could be counted).
    pub phases: Vec<PhaseFacts>,
    /// One taken row with a data error (unreadable `start_time` or NULL
    /// `timestamp`), if any.
    pub bad_row: Option<SampleRow>,
    /// Target rows already named with one of the campaign's log names.
    pub target_own: Vec<(String, u64)>,
    /// Staging rows already named with one of the campaign's log names
    /// (counted in in-place mode only).
    pub staging_own: Vec<(String, u64)>,
    /// Special-source rows whose date lies in another phase's days (they go
    /// to their special phase; reported as a warning).
    pub specials_on_other_days: u64,
}

/// A phase's count as recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PhaseCount {
    pub phase: PhaseId,
    /// The phase's output log name (absent in ledgers written by BigQuery).
    #[serde(default)]
    pub log_name: Option<String>,
    pub taken_rows: u64,
}

/// One row of a ledger (`bannerc_runs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    /// The ledger table holding the row, as the engine names it.
    pub ledger: String,
    pub run_id: String,
    pub plan_hash: String,
    pub campaign: String,
    pub source_table: String,
    pub target_table: String,
    pub mode: String,
    pub status: String,
    pub phase_counts: Vec<PhaseCount>,
    pub claims: Option<Claims>,
    pub backup_table: Option<String>,
    /// RFC 3339 instants.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub rolled_back_at: Option<String>,
}

impl LedgerEntry {
    /// Whether the run is applied and not rolled back.
    pub fn is_applied(&self) -> bool {
        self.status == crate::lower::ledger::STATUS_APPLIED
    }

    /// Rows the run inserted into the target.
    pub fn total_rows(&self) -> u64 {
        self.phase_counts.iter().map(|c| c.taken_rows).sum()
    }
}

/// What an applied run did, read back from the ledger after commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub entry: LedgerEntry,
    /// Wall-clock time of the run, in milliseconds.
    pub elapsed_ms: u128,
}

/// What a rollback did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollbackReport {
    pub run_id: String,
    /// Rows deleted from the target.
    pub deleted_rows: u64,
    /// Staging rows restored from the backup (in-place runs).
    pub restored_rows: u64,
    pub elapsed_ms: u128,
}
