//! The BigQuery engine, on `gcp-bigquery-client`: `--engine
//! bigquery:PROJECT` runs jobs in PROJECT, against Google's endpoint or the
//! one `--endpoint URL` names (an emulator or a proxy).
//!
//! A run is the compiled script as one query job, whose explicit id comes
//! from the plan hash, the run id and how many times that run id was
//! recorded before, plus the attempt: a retry after a lost response finds
//! the job it already submitted instead of running the script twice.
//! Retryable failures (rate limits, concurrent updates) are retried a
//! bounded number of times with a backoff. In-place runs take their
//! snapshot before the transaction, inside the same script; a failed run
//! drops the snapshot it made. The trait is synchronous: each call blocks on
//! the engine's own runtime.

pub mod client;
mod inspect;
mod ledger;

use std::time::Instant;

use tracing::{debug, info};

use self::client::{Connection, Credentials, JobFailure, JobRequest, label_value};
use super::engine::{Access, Engine, EngineError, RunObserver};
use super::facts::{Inspection, LedgerEntry, RollbackReport, RunReport};
use crate::ir::{Campaign, DateRange, Mode, TableRef, Zone};
use crate::lower::bigquery::{CHECK_PREFIX, quote, rollback};
use crate::lower::{Dialect, Script};
use crate::plan::DayCounts;

/// The step name of a whole BigQuery script.
const SCRIPT_STEP: &str = "script";

/// A BigQuery project reached through one endpoint.
pub struct BigQueryEngine {
    runtime: tokio::runtime::Runtime,
    conn: Connection,
    endpoint: Option<String>,
}

impl BigQueryEngine {
    /// Connect to `project` at `endpoint` (Google's when `None`), with the
    /// credentials [`Credentials::choose`] picks.
    pub fn connect(project: &str, endpoint: Option<&str>) -> Result<BigQueryEngine, EngineError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| EngineError::Other(format!("cannot start the BigQuery client: {e}")))?;
        let credentials = Credentials::choose(endpoint);
        let client = runtime.block_on(client::build_client(endpoint, &credentials))?;
        debug!(project, endpoint, credentials = %credentials.describe(), "connected to BigQuery");
        Ok(BigQueryEngine {
            runtime,
            conn: Connection {
                client,
                project: project.to_string(),
            },
            endpoint: endpoint.map(str::to_string),
        })
    }

    /// The bytes the script would process, from a dry run.
    pub fn estimate_bytes(&mut self, script: &Script) -> Result<u64, EngineError> {
        let request = JobRequest {
            sql: script.sql.clone(),
            id_stem: String::new(),
            labels: labels(script),
            dry_run: true,
        };
        let job = self
            .runtime
            .block_on(self.conn.run_job(&request, || async {}))
            .map_err(|f| EngineError::Other(format!("the dry run failed: {}", f.message)))?;
        let statistics = job.statistics.unwrap_or_default();
        let bytes = statistics
            .total_bytes_processed
            .or_else(|| statistics.query.and_then(|q| q.total_bytes_processed));
        Ok(bytes.and_then(|b| b.parse().ok()).unwrap_or(0))
    }

    /// The client connection, for tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn entries_of(&mut self, run_id: &str) -> Result<Vec<LedgerEntry>, EngineError> {
        Ok(self
            .history()?
            .into_iter()
            .filter(|e| e.run_id == run_id)
            .collect())
    }

    /// An in-place run's snapshot is the whole staging table as it was
    /// before the run; restoring from it after a later in-place run on the
    /// same staging relabeled more rows would bring those rows back too. So
    /// in-place runs are rolled back newest first.
    fn refuse_out_of_order(&mut self, entry: &LedgerEntry) -> Result<(), EngineError> {
        if !entry.is_applied() || entry.backup_table.is_none() {
            return Ok(());
        }
        let later: Vec<String> = self
            .history()?
            .into_iter()
            .filter(|other| {
                other.is_applied()
                    && other.backup_table.is_some()
                    && other.run_id != entry.run_id
                    && other.source_table == entry.source_table
                    && other.started_at > entry.started_at
            })
            .map(|other| other.run_id)
            .collect();
        match later.as_slice() {
            [] => Ok(()),
            [newest, ..] => Err(EngineError::Refused(format!(
                "run {} relabeled {} in place, and the later in-place run{} {} relabeled it again; \
                 roll back the later run{} first (`bannerc rollback {newest}`), newest first",
                entry.run_id,
                entry.source_table,
                if later.len() == 1 { "" } else { "s" },
                later.join(", "),
                if later.len() == 1 { "" } else { "s" },
            ))),
        }
    }

    /// Drop the backup a failed in-place attempt made (never one that an
    /// applied run recorded: the caller has checked that none did).
    async fn drop_backup(conn: &Connection, backup: Option<&TableRef>) {
        if let Some(backup) = backup {
            let sql = format!("DROP SNAPSHOT TABLE IF EXISTS {}", quote::table(backup));
            if let Err(error) = conn.query(&sql).await {
                info!(backup = %backup, %error, "could not drop the backup of a failed run");
            }
        }
    }
}

/// Open the BigQuery engine for `project`; `access` does not change how
/// BigQuery is reached (its permissions are the credentials').
pub fn open(
    project: &str,
    endpoint: Option<&str>,
    _access: Access,
) -> Result<Box<dyn Engine>, EngineError> {
    Ok(Box::new(BigQueryEngine::connect(project, endpoint)?))
}

/// The campaign's name, from the script's first line.
fn campaign_name(script: &Script) -> String {
    script
        .sql
        .lines()
        .next()
        .and_then(|line| line.split("campaign ").nth(1))
        .and_then(|rest| rest.split(',').next())
        .unwrap_or("unknown")
        .to_string()
}

fn labels(script: &Script) -> Vec<(String, String)> {
    vec![
        (
            "bannerc_campaign".into(),
            label_value(&campaign_name(script)),
        ),
        ("bannerc_plan".into(), label_value(&script.plan_hash)),
        ("bannerc_run".into(), label_value(&script.run_id)),
    ]
}

/// The in-place backup a script creates, from the tables it declares.
fn backup_of(script: &Script) -> Option<TableRef> {
    if script.mode != Mode::InPlace {
        return None;
    }
    script
        .writes
        .iter()
        .rev()
        .find(|t| t.contains("_bannerc_"))
        .and_then(|t| TableRef::parse(t).ok())
}

/// A failed job as an engine error: a failed check or a failed statement.
fn classify(failure: JobFailure) -> EngineError {
    match failure.message.find(CHECK_PREFIX) {
        Some(at) => EngineError::CheckFailed {
            step: SCRIPT_STEP.into(),
            message: failure.message[at..].to_string(),
        },
        None => EngineError::Statement {
            step: SCRIPT_STEP.into(),
            message: format!("{} (job {})", failure.message, failure.job_id),
        },
    }
}

fn job_stem(kind: &str, hash: &str, run_id: &str, generation: usize) -> String {
    let run: String = run_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "bannerc_{kind}_{}_{run}_g{generation}",
        &hash[..hash.len().min(32)]
    )
}

impl Engine for BigQueryEngine {
    fn dialect(&self) -> crate::lower::Dialect {
        crate::lower::Dialect::Bigquery
    }

    fn estimate_bytes(&mut self, script: &Script) -> Result<Option<u64>, EngineError> {
        BigQueryEngine::estimate_bytes(self, script).map(Some)
    }

    fn describe(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => format!("BigQuery project {} at {endpoint}", self.conn.project),
            None => format!("BigQuery project {}", self.conn.project),
        }
    }

    fn day_counts(
        &mut self,
        source: &TableRef,
        zone: &Zone,
        window: DateRange,
    ) -> Result<DayCounts, EngineError> {
        self.runtime
            .block_on(inspect::day_counts(&self.conn, source, zone, &window))
    }

    fn inspect(&mut self, campaign: &Campaign, mode: Mode) -> Result<Inspection, EngineError> {
        self.runtime
            .block_on(inspect::inspect(&self.conn, campaign, mode))
    }

    fn history(&mut self) -> Result<Vec<LedgerEntry>, EngineError> {
        self.runtime.block_on(ledger::history(&self.conn))
    }

    fn run(
        &mut self,
        script: &Script,
        observer: &dyn RunObserver,
    ) -> Result<RunReport, EngineError> {
        if script.dialect != Dialect::Bigquery {
            return Err(EngineError::Other(
                "the BigQuery engine runs BigQuery scripts only".into(),
            ));
        }
        let started = Instant::now();
        let prior = self.entries_of(&script.run_id)?;
        if prior.iter().any(LedgerEntry::is_applied) {
            return Err(EngineError::Refused(format!(
                "run {} is already applied; applying the same plan again does nothing",
                script.run_id
            )));
        }
        let request = JobRequest {
            sql: script.sql.clone(),
            id_stem: job_stem("run", &script.plan_hash, &script.run_id, prior.len()),
            labels: labels(script),
            dry_run: false,
        };
        observer.step(SCRIPT_STEP, 1, 1);
        let backup = backup_of(script);
        let conn = &self.conn;
        let result = self.runtime.block_on(async {
            let result = conn
                .run_job(&request, || Self::drop_backup(conn, backup.as_ref()))
                .await;
            if result.is_err() {
                Self::drop_backup(conn, backup.as_ref()).await;
            }
            result
        });
        result.map_err(classify)?;
        let entry = self
            .entries_of(&script.run_id)?
            .into_iter()
            .find(LedgerEntry::is_applied);
        let entry = entry.ok_or_else(|| {
            EngineError::Other(format!(
                "the run {} reported success but its ledger row is missing",
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
        let entries = self.entries_of(run_id)?;
        let entry = entries
            .iter()
            .find(|e| e.is_applied())
            .or_else(|| entries.first())
            .cloned()
            .ok_or_else(|| {
                EngineError::NotFound(format!(
                    "there is no run `{run_id}` in any ledger of project {}",
                    self.conn.project
                ))
            })?;
        self.refuse_out_of_order(&entry)?;
        let undo = ledger::UndoTables::of(&entry)?;
        let request = JobRequest {
            sql: rollback::script(&undo.run(&entry)),
            id_stem: job_stem("rollback", &entry.plan_hash, run_id, entries.len()),
            labels: vec![("bannerc_run".into(), label_value(run_id))],
            dry_run: false,
        };
        observer.step("rollback", 1, 1);
        let conn = &self.conn;
        self.runtime
            .block_on(conn.run_job(&request, || async {}))
            .map_err(classify)?;
        let rolled_back = self
            .entries_of(run_id)?
            .iter()
            .any(|e| e.status == crate::lower::ledger::STATUS_ROLLED_BACK);
        if !rolled_back {
            return Err(EngineError::Other(format!(
                "the rollback of {run_id} reported success but the ledger does not show it"
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
