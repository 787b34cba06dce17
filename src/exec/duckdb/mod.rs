//! The embedded DuckDB engine: one database file is one BigQuery project,
//! a BigQuery `project.dataset.table` is the table `"dataset"."table"`.
//!
//! A run executes the script's statements one at a time on a fresh
//! connection and stops at the first error, then rolls back explicitly:
//! DuckDB's `COMMIT` after a failed statement reports success while rolling
//! back, so its return code is never trusted; after the commit the run's
//! ledger row is read back as the proof that it persisted. Extensions are
//! never loaded or downloaded. Two processes cannot open one file for
//! writing: the second gets a clear "in use" error before touching anything.

pub mod demo;
mod inspect;
mod ledger;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use duckdb::{AccessMode, Config, Connection};
use tracing::{debug, info};

use super::engine::{Access, Engine, EngineError, RunObserver};
use super::facts::{Inspection, LedgerEntry, RollbackReport, RunReport};
use super::failpoint;
use crate::ir::{Campaign, DateRange, Mode, TableRef, Zone};
use crate::lower::duckdb::{CHECK_PREFIX, rollback};
use crate::lower::{Dialect, Script, ScriptStatement};
use crate::plan::DayCounts;

/// A DuckDB database file.
pub struct DuckDbEngine {
    path: PathBuf,
    conn: Connection,
}

impl DuckDbEngine {
    /// Open the database at `path`. Only [`Access::Create`] creates a
    /// missing file; [`Access::ReadOnly`] opens it read-only, so nothing
    /// can be written through this engine.
    pub fn open(path: &Path, access: Access) -> Result<DuckDbEngine, EngineError> {
        if access != Access::Create && !path.exists() {
            return Err(EngineError::NotFound(format!(
                "there is no DuckDB database at {}; pass `--engine duckdb:PATH` (`bannerc demo` creates duckdb:{} with sample data)",
                path.display(),
                crate::exec::DEMO_FILE
            )));
        }
        let mode = if access == Access::ReadOnly {
            AccessMode::ReadOnly
        } else {
            AccessMode::ReadWrite
        };
        let config = Config::default()
            .access_mode(mode)
            .and_then(|c| c.enable_autoload_extension(false))
            .and_then(|c| c.with("autoinstall_known_extensions", "false"))
            .map_err(|e| EngineError::Other(format!("cannot configure DuckDB: {e}")))?;
        let conn = Connection::open_with_flags(path, config).map_err(|e| open_error(path, &e))?;
        debug!(path = %path.display(), ?access, "opened DuckDB");
        Ok(DuckDbEngine {
            path: path.to_path_buf(),
            conn,
        })
    }

    /// The connection, for tests and the demo's data generator.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Run `statements` on a fresh connection, all or nothing.
    fn execute_all(
        &self,
        statements: &[ScriptStatement],
        observer: &dyn RunObserver,
    ) -> Result<(), EngineError> {
        let conn = self
            .conn
            .try_clone()
            .map_err(|e| EngineError::Other(e.to_string()))?;
        let steps = step_names(statements);
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            if observer.wants_progress() && conn.set_query_progress_tracking(true).is_ok() {
                let handle = conn.progress_handle();
                let done = &done;
                scope.spawn(move || {
                    while !done.load(Ordering::Relaxed) {
                        if let Some(percent) = handle.query_progress().percentage() {
                            observer.progress(percent);
                        }
                        std::thread::sleep(Duration::from_millis(200));
                    }
                });
            }
            let result = execute_each(&conn, statements, &steps, observer);
            done.store(true, Ordering::Relaxed);
            result
        })
    }

    fn entry(&mut self, run_id: &str) -> Result<Option<LedgerEntry>, EngineError> {
        Ok(self
            .history()?
            .into_iter()
            .find(|entry| entry.run_id == run_id))
    }
}

/// The distinct step names, in order.
fn step_names(statements: &[ScriptStatement]) -> Vec<&str> {
    let mut steps: Vec<&str> = Vec::new();
    for statement in statements {
        if steps.last() != Some(&statement.step.as_str()) {
            steps.push(&statement.step);
        }
    }
    steps
}

fn execute_each(
    conn: &Connection,
    statements: &[ScriptStatement],
    steps: &[&str],
    observer: &dyn RunObserver,
) -> Result<(), EngineError> {
    let mut current: Option<&str> = None;
    for statement in statements {
        if current != Some(statement.step.as_str()) {
            current = Some(&statement.step);
            failpoint::hit(&statement.step);
            let index = steps.iter().position(|s| *s == statement.step).unwrap_or(0) + 1;
            observer.step(&statement.step, index, steps.len());
            debug!(step = %statement.step, "running step");
        }
        if let Err(error) = conn.execute_batch(&statement.sql) {
            // Never COMMIT after a failure: roll back, then report.
            let rolled_back = conn.execute_batch("ROLLBACK");
            debug!(?rolled_back, "rolled back after a failed statement");
            return Err(classify(&statement.step, &error));
        }
    }
    Ok(())
}

/// A failed check or a failed statement.
fn classify(step: &str, error: &duckdb::Error) -> EngineError {
    let text = error.to_string();
    match text.find(CHECK_PREFIX) {
        Some(at) => EngineError::CheckFailed {
            step: step.to_string(),
            message: text[at..].to_string(),
        },
        None => EngineError::Statement {
            step: step.to_string(),
            message: text,
        },
    }
}

fn open_error(path: &Path, error: &duckdb::Error) -> EngineError {
    let text = error.to_string();
    if text.contains("lock") {
        return EngineError::Busy(format!(
            "the DuckDB database {} is in use by another process (another `bannerc apply`?); nothing was \
             done — try again when it has finished ({text})",
            path.display()
        ));
    }
    EngineError::Other(format!(
        "cannot open the DuckDB database {}: {text}",
        path.display()
    ))
}

/// A DuckDB error as an engine error.
fn other(error: duckdb::Error) -> EngineError {
    EngineError::Other(error.to_string())
}

impl Engine for DuckDbEngine {
    fn dialect(&self) -> crate::lower::Dialect {
        crate::lower::Dialect::Duckdb
    }

    fn describe(&self) -> String {
        format!("DuckDB file {}", self.path.display())
    }

    fn day_counts(
        &mut self,
        source: &TableRef,
        zone: &Zone,
        window: DateRange,
    ) -> Result<DayCounts, EngineError> {
        inspect::day_counts(&self.conn, source, zone, &window)
    }

    fn inspect(&mut self, campaign: &Campaign, mode: Mode) -> Result<Inspection, EngineError> {
        inspect::inspect(&self.conn, campaign, mode)
    }

    fn history(&mut self) -> Result<Vec<LedgerEntry>, EngineError> {
        ledger::history(&self.conn)
    }

    fn run(
        &mut self,
        script: &Script,
        observer: &dyn RunObserver,
    ) -> Result<RunReport, EngineError> {
        if script.dialect != Dialect::Duckdb {
            return Err(EngineError::Other(
                "the DuckDB engine runs DuckDB scripts only".into(),
            ));
        }
        let started = Instant::now();
        self.execute_all(&script.statements, observer)?;
        failpoint::hit("committed");
        let entry = self.entry(&script.run_id)?.filter(LedgerEntry::is_applied).ok_or_else(|| {
            EngineError::Other(format!(
                "the run {} reported success but its ledger row is missing: the commit did not persist",
                script.run_id
            ))
        })?;
        info!(run = %entry.run_id, rows = entry.total_rows(), "applied");
        Ok(RunReport {
            entry,
            elapsed_ms: started.elapsed().as_millis(),
        })
    }

    fn rollback(
        &mut self,
        run_id: &str,
        observer: &dyn RunObserver,
    ) -> Result<RollbackReport, EngineError> {
        let started = Instant::now();
        let entry = self.entry(run_id)?.ok_or_else(|| {
            EngineError::NotFound(format!(
                "there is no run `{run_id}` in any ledger of {}",
                self.path.display()
            ))
        })?;
        let undo = ledger::UndoTables::of(&entry)?;
        let statements = rollback::statements(&undo.run(&entry));
        self.execute_all(&statements, observer)?;
        let rolled_back = self
            .entry(run_id)?
            .is_some_and(|e| e.status == crate::lower::ledger::STATUS_ROLLED_BACK);
        if !rolled_back {
            return Err(EngineError::Other(format!(
                "the rollback of {run_id} reported success but the ledger does not show it: the commit did not persist"
            )));
        }
        let restored_rows = if undo.restore.is_some() {
            entry.total_rows()
        } else {
            0
        };
        info!(run = run_id, rows = entry.total_rows(), "rolled back");
        Ok(RollbackReport {
            run_id: run_id.to_string(),
            deleted_rows: entry.total_rows(),
            restored_rows,
            elapsed_ms: started.elapsed().as_millis(),
        })
    }
}
