//! Lowering: from a checked campaign to one SQL script, per dialect and
//! mode. Both dialects lower the same IR; neither rewrites the other's text.

pub mod bigquery;
pub mod duckdb;
mod hash;
pub mod ledger;

pub use hash::plan_hash;

use serde::Serialize;

use crate::check::{CycleError, OpGraph};
use crate::ir::{Campaign, Mode, TableRef};

/// What the post-write growth check asserts, in both dialects: the target
/// gained each phase's taken rows, with NULL timestamps only where the
/// pre-flight counted special-source rows without one.
pub const GROWTH_CHECK: &str = "the target did not grow by exactly the taken rows of each phase \
     (with as many NULL timestamps as the pre-flight counted)";

/// The SQL dialect of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Google BigQuery (GoogleSQL scripting).
    #[default]
    Bigquery,
    /// DuckDB, for the embedded engine.
    Duckdb,
}

impl Dialect {
    /// How the dialect names a BigQuery table: DuckDB drops the project.
    pub fn table_name(&self, table: &TableRef) -> String {
        match self {
            Dialect::Bigquery => table.to_string(),
            Dialect::Duckdb => format!("{}.{}", table.dataset(), table.table()),
        }
    }
}

/// What a lowering needs besides the campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowerOptions {
    pub mode: Mode,
    /// The run id written to the ledger and used to name the backup; the
    /// plan's own id (`plan-<hash prefix>`) when the caller has none.
    pub run_id: Option<String>,
}

/// A lowered script and the facts the verifier checks it against.
#[derive(Debug, Clone)]
pub struct Script {
    pub sql: String,
    pub dialect: Dialect,
    pub mode: Mode,
    /// The hash of the compiled plan (mode-independent).
    pub plan_hash: String,
    pub run_id: String,
    /// Every permanent table the script writes, named as the dialect names
    /// it (`project.dataset.table` on BigQuery, `dataset.table` on DuckDB).
    pub writes: Vec<String>,
    /// The operations, in the order the script performs them.
    pub order: Vec<crate::ir::Operation>,
    /// The script's statements one by one, each with its step name, for an
    /// engine that runs them one at a time (DuckDB). A BigQuery script is
    /// one statement (its whole text), step `script`.
    pub statements: Vec<ScriptStatement>,
}

/// One statement of a script and the step of the run it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptStatement {
    /// The step name (see `lower::duckdb::step_name`), for failpoints and
    /// progress.
    pub step: String,
    /// The statement's SQL, ending with `;`.
    pub sql: String,
}

/// Why a campaign could not be lowered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    #[error(transparent)]
    Cycle(#[from] CycleError),
    #[error("cannot name the {what} table: {message}")]
    Name { what: &'static str, message: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("`{0}` is not a valid run id: use 1 to 64 letters, digits, `-`, `_` or `.`")]
    RunId(String),
}

/// The names of the permanent tables a run touches besides source and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTables {
    pub ledger: TableRef,
    /// The staging table's backup (in-place mode).
    pub snapshot: TableRef,
}

impl RunTables {
    /// The ledger beside the target, and the backup beside the source.
    pub fn new(campaign: &Campaign, run_id: &str) -> Result<RunTables, LowerError> {
        let ledger =
            campaign
                .target
                .sibling(ledger::LEDGER_TABLE)
                .map_err(|e| LowerError::Name {
                    what: "ledger",
                    message: e.message,
                })?;
        let suffix: String = run_id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let backup_name = format!("{}_bannerc_{suffix}", campaign.source.table());
        let snapshot = campaign
            .source
            .sibling(&backup_name)
            .map_err(|e| LowerError::Name {
                what: "backup",
                message: e.message,
            })?;
        Ok(RunTables { ledger, snapshot })
    }
}

/// A run id is 1 to 64 ASCII letters, digits, `-`, `_` or `.`: it names a
/// backup table and appears in the script's header comment.
pub fn check_run_id(run_id: &str) -> Result<(), LowerError> {
    let valid = !run_id.is_empty()
        && run_id.len() <= 64
        && run_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(LowerError::RunId(run_id.escape_debug().to_string()))
    }
}

/// The run id to use: the caller's, or one derived from the plan hash.
pub fn run_id_for(options: &LowerOptions, plan_hash: &str) -> String {
    options
        .run_id
        .clone()
        .unwrap_or_else(|| format!("plan-{}", &plan_hash[..16]))
}

/// Lower `campaign` to `dialect`.
pub fn lower(
    campaign: &Campaign,
    dialect: Dialect,
    options: &LowerOptions,
) -> Result<Script, LowerError> {
    let graph = OpGraph::build(campaign, options.mode)?;
    let plan_hash = plan_hash(campaign);
    let run_id = run_id_for(options, &plan_hash);
    check_run_id(&run_id)?;
    let tables = RunTables::new(campaign, &run_id)?;
    let context = LowerContext {
        campaign,
        graph: &graph,
        plan_hash: &plan_hash,
        run_id: &run_id,
        tables: &tables,
    };
    let (sql, statements) = match dialect {
        Dialect::Bigquery => {
            let sql = bigquery::lower(&context, options.mode);
            let whole = ScriptStatement {
                step: "script".into(),
                sql: sql.clone(),
            };
            (sql, vec![whole])
        }
        Dialect::Duckdb => duckdb::lower(&context, options.mode)?,
    };
    let mut written = vec![&campaign.target.node, &tables.ledger];
    if options.mode == Mode::InPlace {
        written.push(&campaign.source.node);
        written.push(&tables.snapshot);
    }
    let writes = written
        .iter()
        .map(|table| dialect.table_name(table))
        .collect();
    Ok(Script {
        sql,
        dialect,
        mode: options.mode,
        plan_hash,
        run_id,
        writes,
        order: graph.order.clone(),
        statements,
    })
}

/// Everything a dialect's lowering reads.
pub struct LowerContext<'a> {
    pub campaign: &'a Campaign,
    pub graph: &'a OpGraph,
    pub plan_hash: &'a str,
    pub run_id: &'a str,
    pub tables: &'a RunTables,
}
