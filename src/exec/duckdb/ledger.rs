//! Reading the ledgers (`bannerc_runs` in any schema of the file), and the
//! tables a rollback of one of their runs touches.

use chrono::DateTime;
use duckdb::Connection;

use super::other;
use crate::exec::engine::EngineError;
use crate::exec::facts::{LedgerEntry, PhaseCount};
use crate::ir::{Mode, TableRef};
use crate::lower::duckdb::{quote, rollback::RunToUndo};
use crate::lower::ledger::{Claims, LEDGER_TABLE, STATUS_APPLIED};

/// Every run of every ledger in the file, newest first.
pub fn history(conn: &Connection) -> Result<Vec<LedgerEntry>, EngineError> {
    let mut entries = Vec::new();
    for schema in ledger_schemas(conn)? {
        entries.extend(read_ledger(conn, &schema)?);
    }
    entries.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| b.run_id.cmp(&a.run_id))
    });
    Ok(entries)
}

fn ledger_schemas(conn: &Connection) -> Result<Vec<String>, EngineError> {
    let mut statement = conn
        .prepare(
            "SELECT schema_name FROM duckdb_tables() WHERE database_name = current_database() \
             AND table_name = ? AND NOT temporary ORDER BY schema_name",
        )
        .map_err(other)?;
    let rows = statement
        .query_map([LEDGER_TABLE], |row| row.get::<_, String>(0))
        .map_err(other)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(other)
}

const LEDGER_QUERY: &str = "SELECT run_id, plan_hash, campaign, source_table, target_table, mode, status, \
     phase_counts, claims, backup_table, epoch_us(started_at), epoch_us(finished_at), epoch_us(rolled_back_at) FROM ";

fn read_ledger(conn: &Connection, schema: &str) -> Result<Vec<LedgerEntry>, EngineError> {
    let table = format!("{}.{}", quote::ident(schema), quote::ident(LEDGER_TABLE));
    let mut statement = conn
        .prepare(&format!("{LEDGER_QUERY}{table}"))
        .map_err(|e| {
            EngineError::Other(format!(
                "the ledger {table} cannot be read (is it a bannerc ledger?): {e}"
            ))
        })?;
    let rows = statement
        .query_map([], |row| {
            let text = |i: usize| row.get::<_, Option<String>>(i);
            let instant = |i: usize| row.get::<_, Option<i64>>(i).map(|us| us.and_then(rfc3339));
            Ok(LedgerEntry {
                ledger: table.clone(),
                run_id: text(0)?.unwrap_or_default(),
                plan_hash: text(1)?.unwrap_or_default(),
                campaign: text(2)?.unwrap_or_default(),
                source_table: text(3)?.unwrap_or_default(),
                target_table: text(4)?.unwrap_or_default(),
                mode: text(5)?.unwrap_or_default(),
                status: text(6)?.unwrap_or_default(),
                phase_counts: text(7)?
                    .and_then(|t| serde_json::from_str::<Vec<PhaseCount>>(&t).ok())
                    .unwrap_or_default(),
                claims: text(8)?.and_then(|t| serde_json::from_str::<Claims>(&t).ok()),
                backup_table: text(9)?,
                started_at: instant(10)?,
                finished_at: instant(11)?,
                rolled_back_at: instant(12)?,
            })
        })
        .map_err(other)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(other)
}

fn rfc3339(micros: i64) -> Option<String> {
    DateTime::from_timestamp_micros(micros)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// The tables a rollback of one run touches, parsed from its ledger row.
pub struct UndoTables {
    pub ledger: TableRef,
    pub target: TableRef,
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
        let ledger = target
            .sibling(LEDGER_TABLE)
            .map_err(|e| EngineError::Other(e.message))?;
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
