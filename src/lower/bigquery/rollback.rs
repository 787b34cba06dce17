//! The rollback of one applied run as one BigQuery script: inside a
//! transaction, check that the run's rows are all still there, delete
//! them from the target, give the staging table back the rows the run
//! relabeled (in-place), and mark the run `rolled_back` in the ledger. A
//! failed check raises, and the handler rolls everything back.

use super::checks::CHECK_PREFIX;
use super::quote;
use crate::ir::TableRef;
use crate::lower::duckdb::rollback::RunToUndo;
use crate::lower::ledger::{STATUS_APPLIED, STATUS_ROLLED_BACK};

fn assert(condition: &str, message: &str) -> String {
    let message = quote::string(&format!("{CHECK_PREFIX}: {message}"));
    format!("  ASSERT {condition}\n    AS {message};")
}

/// The rollback script of `run`.
pub fn script(run: &RunToUndo<'_>) -> String {
    let names = quote::string_list(run.log_names.iter().map(String::as_str));
    let target = quote::table(run.target);
    let mut body = vec![
        "  BEGIN TRANSACTION;".to_string(),
        assert(
            &format!(
                "(SELECT COUNT(*) FROM {target} WHERE `logName` IN ({names})) = {}",
                run.rows
            ),
            &format!(
                "the target no longer holds exactly the {} rows run {} inserted; nothing was rolled back",
                run.rows, run.run_id
            ),
        ),
        format!("  DELETE FROM {target} WHERE `logName` IN ({names});"),
    ];
    if let Some((staging, backup)) = run.restore {
        body.extend(restore(staging, backup, &names, run));
    }
    body.push(format!(
        "  UPDATE {} SET `status` = {}, `rolled_back_at` = CURRENT_TIMESTAMP()\n  \
         WHERE `run_id` = {} AND `status` = {};",
        quote::table(run.ledger),
        quote::string(STATUS_ROLLED_BACK),
        quote::string(run.run_id),
        quote::string(STATUS_APPLIED),
    ));
    body.push("  COMMIT TRANSACTION;".into());
    format!(
        "-- bannerc {}: rollback of run {}, BigQuery\nBEGIN\n{}\nEXCEPTION WHEN ERROR THEN\n  \
         ROLLBACK TRANSACTION;\n  RAISE USING MESSAGE = CONCAT('bannerc: the rollback was undone, \
         nothing changed: ', @@error.message);\nEND;\n",
        env!("CARGO_PKG_VERSION"),
        run.run_id,
        body.join("\n")
    )
}

/// Remove the staging rows named with the run's log names (the relabeled
/// ones and any that bore those names before the run) and put back every
/// backup row that staging lacks (as a multiset: rows are told apart by
/// their JSON text and their copy number): the rows the run took, as they
/// were, and the others as they are. Rows added to staging since the run
/// are kept.
fn restore(staging: &TableRef, backup: &TableRef, names: &str, run: &RunToUndo<'_>) -> Vec<String> {
    let (staging, backup) = (quote::table(staging), quote::table(backup));
    let missing = format!(
        "SELECT b.* EXCEPT (bannerc_key, bannerc_copy) FROM ({}) AS b\n  \
         WHERE NOT EXISTS (\n    SELECT 1 FROM ({}) AS s\n    \
         WHERE s.bannerc_key = b.bannerc_key AND s.bannerc_copy = b.bannerc_copy\n  )",
        super::keyed_rows(&backup),
        super::keyed_rows(&staging)
    );
    vec![
        assert(
            &format!(
                "(SELECT COUNT(*) FROM {staging} WHERE `logName` IN ({names})) = {} + \
                 (SELECT COUNT(*) FROM {backup} WHERE `logName` IN ({names}))",
                run.rows
            ),
            &format!(
                "the staging table no longer holds exactly the {} rows run {} relabeled; nothing was rolled back",
                run.rows, run.run_id
            ),
        ),
        format!("  DELETE FROM {staging} WHERE `logName` IN ({names});"),
        format!("  INSERT INTO {staging}\n  {missing};"),
        assert(
            &format!("NOT EXISTS ({missing})"),
            "the staging table could not be restored from the backup",
        ),
    ]
}
