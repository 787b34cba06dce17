//! The rollback of one applied run, as one DuckDB transaction: check that
//! the run's rows are all still there, delete them from the target, give
//! the staging table back the rows the run relabeled (in-place), and mark
//! the run `rolled_back` in the ledger. The checks raise like the run's
//! own (`bannerc check failed: …`), so the engine rolls everything back.

use super::checks::CHECK_PREFIX;
use super::quote;
use crate::ir::TableRef;
use crate::lower::ScriptStatement;
use crate::lower::ledger::{STATUS_APPLIED, STATUS_ROLLED_BACK};

/// What a rollback needs to know about the run, from its ledger row.
#[derive(Debug, Clone)]
pub struct RunToUndo<'a> {
    pub run_id: &'a str,
    pub ledger: &'a TableRef,
    pub target: &'a TableRef,
    /// The output log names the run wrote.
    pub log_names: &'a [String],
    /// Rows it inserted into the target.
    pub rows: u64,
    /// In-place runs: the staging table and its backup.
    pub restore: Option<(&'a TableRef, &'a TableRef)>,
}

fn check(broken: &str, message: &str) -> String {
    let message = quote::string(&format!("{CHECK_PREFIX}: {message}"));
    format!("SELECT CASE WHEN {broken}\n  THEN error({message}) END AS bannerc_check;")
}

fn statement(step: &str, sql: String) -> ScriptStatement {
    ScriptStatement {
        step: step.to_string(),
        sql,
    }
}

/// The statements of the rollback, each with its step name.
pub fn statements(run: &RunToUndo<'_>) -> Vec<ScriptStatement> {
    let names = quote::string_list(run.log_names.iter().map(String::as_str));
    let target = quote::table(run.target);
    let mut statements = vec![
        statement("rollback-begin", "BEGIN TRANSACTION;".into()),
        statement(
            "rollback-delete",
            check(
                &format!(
                    "(SELECT count(*) FROM {target} WHERE \"logName\" IN ({names})) <> {}",
                    run.rows
                ),
                &format!(
                    "the target no longer holds exactly the {} rows run {} inserted; nothing was rolled back",
                    run.rows, run.run_id
                ),
            ),
        ),
        statement(
            "rollback-delete",
            format!("DELETE FROM {target} WHERE \"logName\" IN ({names});"),
        ),
    ];
    if let Some((staging, backup)) = run.restore {
        statements.extend(restore(staging, backup, &names, run));
    }
    statements.push(statement(
        "rollback-ledger",
        format!(
            "UPDATE {} SET \"status\" = {}, \"rolled_back_at\" = current_timestamp WHERE \"run_id\" = {} AND \"status\" = {};",
            quote::table(run.ledger),
            quote::string(STATUS_ROLLED_BACK),
            quote::string(run.run_id),
            quote::string(STATUS_APPLIED),
        ),
    ));
    statements.push(statement("rollback-commit", "COMMIT;".into()));
    statements
}

/// Remove the staging rows named with the run's log names and put back
/// every backup row: the backup holds the rows the run took, as they were,
/// and those that bore its log names already, and all of them carry those
/// names now (nothing else bears them, or the count check refuses). Rows
/// added to staging since the run are kept, even copies of a row it took.
fn restore(
    staging: &TableRef,
    backup: &TableRef,
    names: &str,
    run: &RunToUndo<'_>,
) -> Vec<ScriptStatement> {
    let (staging, backup) = (quote::table(staging), quote::table(backup));
    vec![
        statement(
            "rollback-restore",
            check(
                &format!(
                    "(SELECT count(*) FROM {staging} WHERE \"logName\" IN ({names})) <> {} + \
                     (SELECT count(*) FROM {backup} WHERE \"logName\" IN ({names}))",
                    run.rows
                ),
                &format!(
                    "the staging table no longer holds exactly the {} rows run {} relabeled; nothing was rolled back",
                    run.rows, run.run_id
                ),
            ),
        ),
        statement(
            "rollback-restore",
            format!("DELETE FROM {staging} WHERE \"logName\" IN ({names});"),
        ),
        statement(
            "rollback-restore",
            format!("INSERT INTO {staging}\nSELECT * FROM {backup};"),
        ),
        statement(
            "rollback-restore",
            check(
                &format!("EXISTS (SELECT * FROM {backup} EXCEPT ALL SELECT * FROM {staging})"),
                "the staging table could not be restored from the backup",
            ),
        ),
    ]
}
