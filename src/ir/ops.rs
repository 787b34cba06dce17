//! The operations a run performs, each with the rows it reads and writes.
//! `check::graph` orders them by these accesses.
//!
//! An access names a set of rows and a *version* of them: version 0 is the
//! data as it was before the run, and each write makes the next version. An
//! operation that reads version `v` must run after the write that made `v`
//! and before the write that makes `v + 1`.

use serde::Serialize;

use super::PhaseId;

/// A set of rows (or a fact about the run) that operations touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "rows", rename_all = "snake_case")]
pub enum RowSet {
    /// Every row of the staging table.
    Staging,
    /// The staging rows that phase `i` takes (and, once relabeled, `L_i`).
    StagingPhase { phase: PhaseId },
    /// The staging table's backup snapshot.
    Snapshot,
    /// The transformed taken rows (fused mode's temporary table).
    Taken,
    /// The target's rows named in `OWN`.
    TargetOwn,
    /// The ledger of runs.
    Ledger,
    /// The fact that the pre-flight checks passed.
    PreChecked,
    /// The fact that the post-write checks passed.
    PostChecked,
}

impl RowSet {
    /// Whether the two sets may share a row.
    pub fn may_overlap(&self, other: &RowSet) -> bool {
        use RowSet::*;
        match (self, other) {
            (Staging, StagingPhase { .. }) | (StagingPhase { .. }, Staging) => true,
            (a, b) => a == b,
        }
    }
}

/// Rows at a version: what an operation needs or produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Access {
    pub rows: RowSet,
    pub version: u32,
}

impl Access {
    /// `rows` at `version`.
    pub fn new(rows: RowSet, version: u32) -> Self {
        Access { rows, version }
    }
}

/// One step of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// Copy the staging table to its backup (in-place mode, before the transaction).
    Snapshot,
    /// Select and transform the taken rows into a temporary table (fused mode).
    Collect,
    /// The pre-flight checks on the data as it is.
    PreCheck,
    /// Fix the JSON fields of the rows phase `i` takes, in place.
    FixFields { phase: PhaseId },
    /// Move phase `i`'s rows to their target date and log name, in place
    /// (after their fields: the rule that finds them reads the old names).
    Relabel { phase: PhaseId },
    /// Append the transformed rows to the target.
    Insert,
    /// The post-write checks, before commit.
    PostCheck,
    /// Record the run in the ledger.
    LedgerWrite,
}

/// Which lowering a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// One scan into a temporary table; staging is never written.
    #[default]
    Fused,
    /// The manual process made correct: staging is relabeled in place.
    InPlace,
}

impl Mode {
    /// The name used on the command line and in the ledger.
    pub fn as_str(&self) -> &'static str {
        match self {
            Mode::Fused => "fused",
            Mode::InPlace => "in-place",
        }
    }
}

impl Operation {
    /// The rows (at a version) this operation reads.
    pub fn reads(&self, phases: &[PhaseId], mode: Mode) -> Vec<Access> {
        use Operation::*;
        let taken = |version| -> Vec<Access> {
            match mode {
                Mode::Fused => vec![Access::new(RowSet::Taken, 1)],
                Mode::InPlace => phases
                    .iter()
                    .map(|&phase| Access::new(RowSet::StagingPhase { phase }, version))
                    .collect(),
            }
        };
        let mut reads = match self {
            Snapshot | Collect => vec![Access::new(RowSet::Staging, 0)],
            PreCheck => {
                let mut reads = taken(0);
                reads.push(Access::new(RowSet::TargetOwn, 0));
                reads.push(Access::new(RowSet::Ledger, 0));
                reads
            }
            FixFields { phase } => vec![Access::new(RowSet::StagingPhase { phase: *phase }, 0)],
            Relabel { phase } => vec![Access::new(RowSet::StagingPhase { phase: *phase }, 1)],
            Insert => {
                let mut reads = taken(2);
                reads.push(Access::new(RowSet::PreChecked, 1));
                reads
            }
            PostCheck => {
                let mut reads = taken(2);
                reads.push(Access::new(RowSet::TargetOwn, 1));
                reads
            }
            LedgerWrite => vec![Access::new(RowSet::PostChecked, 1)],
        };
        if matches!(self, FixFields { .. }) {
            reads.push(Access::new(RowSet::PreChecked, 1));
        }
        reads
    }

    /// The rows (at the version it makes) this operation writes.
    pub fn writes(&self) -> Vec<Access> {
        use Operation::*;
        match self {
            Snapshot => vec![Access::new(RowSet::Snapshot, 1)],
            Collect => vec![Access::new(RowSet::Taken, 1)],
            PreCheck => vec![Access::new(RowSet::PreChecked, 1)],
            PostCheck => vec![Access::new(RowSet::PostChecked, 1)],
            FixFields { phase } => vec![Access::new(RowSet::StagingPhase { phase: *phase }, 1)],
            Relabel { phase } => vec![Access::new(RowSet::StagingPhase { phase: *phase }, 2)],
            Insert => vec![Access::new(RowSet::TargetOwn, 1)],
            LedgerWrite => vec![Access::new(RowSet::Ledger, 1)],
        }
    }

    /// A short label for listings and graphs.
    pub fn label(&self) -> String {
        use Operation::*;
        match self {
            Snapshot => "snapshot staging".into(),
            Collect => "collect taken rows".into(),
            PreCheck => "pre-flight checks".into(),
            Relabel { phase } => format!("relabel phase {phase}"),
            FixFields { phase } => format!("fix fields of phase {phase}"),
            Insert => "insert into target".into(),
            PostCheck => "post-write checks".into(),
            LedgerWrite => "write ledger row".into(),
        }
    }
}
