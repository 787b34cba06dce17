//! Reading the ledgers (`bannerc_runs` in any dataset of the engine's
//! project), and the tables a rollback of one of their runs touches.

use chrono::DateTime;
use gcp_bigquery_client::dataset::ListOptions;

use super::client::Connection;
use crate::exec::engine::EngineError;
use crate::exec::facts::{LedgerEntry, PhaseCount};
use crate::ir::{Mode, TableRef};
use crate::lower::bigquery::quote;
use crate::lower::duckdb::rollback::RunToUndo;
use crate::lower::ledger::{Claims, LEDGER_TABLE, STATUS_APPLIED};

/// Every run of every ledger in the project, newest first.
pub async fn history(conn: &Connection) -> Result<Vec<LedgerEntry>, EngineError> {
    let mut entries = Vec::new();
    for dataset in datasets(conn).await? {
        let ledger = TableRef::parse(&format!("{}.{dataset}.{LEDGER_TABLE}", conn.project))
            .map_err(|e| EngineError::Other(e.message))?;
        if conn.table(&ledger).await?.is_some() {
            entries.extend(read_ledger(conn, &ledger).await?);
        }
    }
    entries.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| b.run_id.cmp(&a.run_id))
    });
    Ok(entries)
}

/// The datasets of the project: from `datasets.list`, or, where a server
/// answers that call in a shape the client cannot read, from
/// `INFORMATION_SCHEMA.SCHEMATA`.
async fn datasets(conn: &Connection) -> Result<Vec<String>, EngineError> {
    if let Ok(list) = conn
        .client
        .dataset()
        .list(&conn.project, ListOptions::default().all(true))
        .await
    {
        return Ok(list
            .datasets
            .into_iter()
            .map(|d| d.dataset_reference.dataset_id)
            .collect());
    }
    let query = format!(
        "SELECT schema_name FROM {}.INFORMATION_SCHEMA.SCHEMATA ORDER BY schema_name",
        quote::ident(&conn.project)
    );
    Ok(conn
        .query(&query)
        .await?
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect())
}

const LEDGER_COLUMNS: &str = "run_id, plan_hash, campaign, source_table, target_table, mode, status, \
     phase_counts, claims, backup_table, UNIX_MICROS(started_at), UNIX_MICROS(finished_at), \
     UNIX_MICROS(rolled_back_at)";

async fn read_ledger(
    conn: &Connection,
    ledger: &TableRef,
) -> Result<Vec<LedgerEntry>, EngineError> {
    let query = format!("SELECT {LEDGER_COLUMNS} FROM {}", quote::table(ledger));
    let rows = conn.query(&query).await.map_err(|e| {
        EngineError::Other(format!(
            "the ledger {ledger} cannot be read (is it a bannerc ledger?): {e}"
        ))
    })?;
    Ok(rows.into_iter().map(|row| entry(ledger, &row)).collect())
}

fn entry(ledger: &TableRef, row: &[Option<String>]) -> LedgerEntry {
    let text = |i: usize| row.get(i).cloned().flatten();
    let instant = |i: usize| {
        text(i)
            .and_then(|t| t.parse::<i64>().ok())
            .and_then(rfc3339)
    };
    LedgerEntry {
        ledger: ledger.to_string(),
        run_id: text(0).unwrap_or_default(),
        plan_hash: text(1).unwrap_or_default(),
        campaign: text(2).unwrap_or_default(),
        source_table: text(3).unwrap_or_default(),
        target_table: text(4).unwrap_or_default(),
        mode: text(5).unwrap_or_default(),
        status: text(6).unwrap_or_default(),
        phase_counts: text(7)
            .and_then(|t| serde_json::from_str::<Vec<PhaseCount>>(&t).ok())
            .unwrap_or_default(),
        claims: text(8).and_then(|t| serde_json::from_str::<Claims>(&t).ok()),
        backup_table: text(9),
        started_at: instant(10),
        finished_at: instant(11),
        rolled_back_at: instant(12),
    }
}

fn rfc3339(micros: i64) -> Option<String> {
    DateTime::from_timestamp_micros(micros)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// The tables a rollback of one run touches, read from its ledger row.
pub struct UndoTables {
    /// The ledger that records the run.
    pub ledger: TableRef,
    /// The target the run inserted into.
    pub target: TableRef,
    /// The output log names the run wrote.
    pub log_names: Vec<String>,
    /// In-place runs: the staging table and its backup.
    pub restore: Option<(TableRef, TableRef)>,
}

impl UndoTables {
    /// Refuse runs that cannot be rolled back, and name the tables of the others.
    pub fn of(entry: &LedgerEntry) -> Result<UndoTables, EngineError> {
        if entry.status != STATUS_APPLIED {
            return Err(EngineError::Refused(format!(
                "run {} is {}, not applied: there is nothing to roll back",
                entry.run_id, entry.status
            )));
        }
        let parse = |text: &str, what: &str| {
            TableRef::parse(text).map_err(|e| {
                EngineError::Refused(format!(
                    "the ledger row of {} names an invalid {what} table: {e}",
                    entry.run_id
                ))
            })
        };
        let target = parse(&entry.target_table, "target")?;
        let ledger = parse(&entry.ledger, "ledger")?;
        let log_names: Option<Vec<String>> = entry
            .phase_counts
            .iter()
            .map(|c| c.log_name.clone())
            .collect();
        let log_names = log_names.filter(|names| !names.is_empty()).ok_or_else(|| {
            EngineError::Refused(format!(
                "the ledger row of {} does not list its log names",
                entry.run_id
            ))
        })?;
        let restore = match (entry.mode.as_str(), &entry.backup_table) {
            (mode, Some(backup)) if mode == Mode::InPlace.as_str() => Some((
                parse(&entry.source_table, "source")?,
                parse(backup, "backup")?,
            )),
            (mode, None) if mode == Mode::InPlace.as_str() => {
                return Err(EngineError::Refused(format!(
                    "in-place run {} has no backup table recorded; its staging rows cannot be restored",
                    entry.run_id
                )));
            }
            _ => None,
        };
        Ok(UndoTables {
            ledger,
            target,
            log_names,
            restore,
        })
    }

    /// The rollback's inputs.
    pub fn run<'a>(&'a self, entry: &'a LedgerEntry) -> RunToUndo<'a> {
        RunToUndo {
            run_id: &entry.run_id,
            ledger: &self.ledger,
            target: &self.target,
            log_names: &self.log_names,
            rows: entry.total_rows(),
            restore: self
                .restore
                .as_ref()
                .map(|(staging, backup)| (staging, backup)),
        }
    }
}
