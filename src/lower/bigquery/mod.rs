//! Lowering to BigQuery scripting, in both modes. The whole run is one
//! script: the statements BigQuery forbids inside a transaction come first,
//! then one `BEGIN TRANSACTION … COMMIT TRANSACTION` block whose exception
//! handler rolls back and re-raises, so any failed check or statement
//! leaves every table as it was.

mod checks;
mod exprs;
pub mod inspect;
pub mod quote;
pub mod rollback;

pub use checks::CHECK_PREFIX;
pub use exprs::{OUTPUT_FORM_PATTERN, merged_ranges};

use super::LowerContext;
use super::ledger::{self, Claims};
use crate::ir::{Mode, Operation, Phase, TableRef};

/// The temporary table of phases: number, target date, log name, banner.
pub const PHASES: &str = "bannerc_phases";
/// The temporary table of transformed taken rows (fused mode).
pub const TAKEN: &str = "bannerc_taken";
/// The temporary table of per-phase counts and data errors.
pub const COUNTS: &str = "bannerc_counts";
/// The helper columns of the taken table, dropped on insert.
pub const HELPER_COLUMNS: &[&str] = &[
    "bannerc_phase",
    "bannerc_target_date",
    "bannerc_banner_id",
    "bannerc_start_time",
];

/// The script for `context`'s campaign in `mode`.
pub fn lower(context: &LowerContext<'_>, mode: Mode) -> String {
    let mut script = Script::default();
    header(context, mode, &mut script);
    script.line("DECLARE bannerc_started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP();");
    script.line(&create_ledger(context));
    for op in context
        .graph
        .order
        .iter()
        .filter(|op| **op == Operation::Snapshot)
    {
        statements(context, mode, *op, &mut script);
    }
    script.line("BEGIN");
    script.indent += 1;
    script.line("BEGIN TRANSACTION;");
    script.line(&create_phases(context));
    if let Some(specials) = create_specials(context) {
        script.line(&specials);
    }
    for op in context
        .graph
        .order
        .iter()
        .filter(|op| **op != Operation::Snapshot)
    {
        statements(context, mode, *op, &mut script);
    }
    script.line("COMMIT TRANSACTION;");
    script.indent -= 1;
    script.line("EXCEPTION WHEN ERROR THEN");
    script.indent += 1;
    script.line("ROLLBACK TRANSACTION;");
    script.line(
        "RAISE USING MESSAGE = CONCAT('bannerc: the run was rolled back, nothing was written: ', \
         @@error.message);",
    );
    script.indent -= 1;
    script.line("END;");
    script.text
}

/// Lines of SQL with indentation.
#[derive(Default)]
struct Script {
    text: String,
    indent: usize,
}

impl Script {
    /// Append a statement or comment; its own lines keep their indentation.
    fn line(&mut self, sql: &str) {
        for line in sql.lines() {
            if !line.is_empty() {
                self.text.push_str(&"  ".repeat(self.indent));
            }
            self.text.push_str(line);
            self.text.push('\n');
        }
    }

    fn comment(&mut self, text: &str) {
        self.line(&format!("-- {text}"));
    }
}

fn header(context: &LowerContext<'_>, mode: Mode, script: &mut Script) {
    let campaign = context.campaign;
    script.comment(&format!(
        "bannerc {}: campaign {}, {} mode, BigQuery",
        env!("CARGO_PKG_VERSION"),
        campaign.name.node,
        mode.as_str()
    ));
    script.comment(&format!("plan {}", context.plan_hash));
    script.comment(&format!("run {}", context.run_id));
    let staging = if mode == Mode::Fused {
        "never written"
    } else {
        "relabeled in place, backed up first"
    };
    script.comment(&format!("source {} ({staging})", campaign.source.node));
    script.comment(&format!("target {}", campaign.target.node));
    script.comment(&format!("ledger {}", context.tables.ledger));
}

fn statements(context: &LowerContext<'_>, mode: Mode, op: Operation, script: &mut Script) {
    script.comment(&op.label());
    match op {
        Operation::Snapshot => script.line(&snapshot(context)),
        Operation::Collect => {
            script.line(&collect(context));
            script.line(&fix_taken_fields(context));
            script.line(&checks::counts_from_taken(context));
        }
        Operation::PreCheck => {
            if mode == Mode::InPlace {
                script.line(&checks::counts_from_staging(context));
            }
            for assert in checks::pre_flight(context) {
                script.line(&assert);
            }
        }
        Operation::Relabel { phase } => script.line(&relabel(context, phase_by_id(context, phase))),
        Operation::FixFields { phase } => {
            script.line(&fix_fields(context, phase_by_id(context, phase)))
        }
        Operation::Insert => script.line(&insert(context, mode)),
        Operation::PostCheck => {
            for assert in checks::post_write(context) {
                script.line(&assert);
            }
        }
        Operation::LedgerWrite => script.line(&ledger_row(context, mode)),
    }
}

/// The phase with this id: phases are numbered in order, so look there
/// first and search only if the numbering has gaps.
fn phase_by_id<'a>(context: &LowerContext<'a>, id: u32) -> Option<&'a Phase> {
    let phases = &context.campaign.phases;
    let guess = (id as usize).checked_sub(1).and_then(|i| phases.get(i));
    guess
        .filter(|p| p.id == id)
        .or_else(|| phases.iter().find(|p| p.id == id))
}

fn snapshot(context: &LowerContext<'_>) -> String {
    format!(
        "CREATE SNAPSHOT TABLE {} CLONE {};",
        quote::table(&context.tables.snapshot),
        quote::table(&context.campaign.source.node)
    )
}

fn create_ledger(context: &LowerContext<'_>) -> String {
    let columns: Vec<String> = ledger::COLUMNS
        .iter()
        .map(|(name, kind)| format!("  {} {kind}", quote::ident(name)))
        .collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n{}\n);",
        quote::table(&context.tables.ledger),
        columns.join(",\n")
    )
}

/// The phases as a temporary table. Every element of the array is a typed
/// struct: with plain tuples after the first, some engines (the local
/// emulator) read the array as one struct column instead of five columns.
fn create_phases(context: &LowerContext<'_>) -> String {
    format!(
        "CREATE TEMP TABLE {PHASES} AS\n{};",
        phases_query(context.campaign)
    )
}

/// The phases as a query: number, target date, log name, banner, expected rows.
pub(crate) fn phases_query(campaign: &crate::ir::Campaign) -> String {
    let rows: Vec<String> = campaign
        .phases
        .iter()
        .map(|phase| {
            let expected = phase
                .expected_rows
                .map_or_else(|| "NULL".to_string(), |n| n.to_string());
            let values = format!(
                "({}, {}, {}, {}, {expected})",
                phase.id,
                quote::date(phase.target.node),
                quote::string(phase.log_name.as_str()),
                quote::string(phase.banner.as_str()),
            );
            format!("  {PHASE_STRUCT}{values}")
        })
        .collect();
    format!("SELECT * FROM UNNEST([\n{}\n])", rows.join(",\n"))
}

/// The type of a row of the phases table.
const PHASE_STRUCT: &str =
    "STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>";

/// The temporary table of special log names, when there are any.
fn create_specials(context: &LowerContext<'_>) -> Option<String> {
    let names = exprs::all_specials(context.campaign);
    if names.is_empty() {
        return None;
    }
    Some(format!(
        "CREATE TEMP TABLE {} AS\nSELECT name FROM UNNEST([{}]) AS name;",
        exprs::SPECIALS,
        quote::string_list(names)
    ))
}

/// Fused mode's one scan: every taken row, moved to its target date and
/// relabeled, with its phase, target date, banner and original
/// `start_time` beside it.
fn collect(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let retimed = exprs::retimed("s.`timestamp`", "p.target_date", &campaign.zone.node);
    format!(
        "CREATE TEMP TABLE {TAKEN} AS\n\
         SELECT\n\
         \x20 s.* EXCEPT (bannerc_phase) REPLACE (\n\
         \x20   {retimed} AS `timestamp`,\n\
         \x20   p.log_name AS `logName`\n\
         \x20 ),\n\
         \x20 p.phase AS bannerc_phase,\n\
         \x20 p.target_date AS bannerc_target_date,\n\
         \x20 p.banner_id AS bannerc_banner_id,\n\
         \x20 s.`jsonPayload`.`start_time` AS bannerc_start_time\n\
         FROM (\n\
         \x20 SELECT\n\
         \x20   *,\n\
         \x20   {} AS bannerc_phase\n\
         \x20 FROM {}\n\
         \x20 WHERE {}\n\
         ) AS s\n\
         JOIN {PHASES} AS p ON p.phase = s.bannerc_phase;",
        exprs::phase_of_row(campaign, ""),
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
    )
}

fn fix_taken_fields(context: &LowerContext<'_>) -> String {
    let fixes = exprs::field_fixes(
        "bannerc_start_time",
        "bannerc_target_date",
        "bannerc_banner_id",
        &context.campaign.transform,
    );
    field_updates(TAKEN, &fixes, "TRUE")
}

/// One `UPDATE` per nested field, in the order given. BigQuery accepts
/// several fields of one struct in a single `SET`, but engines that rewrite
/// each nested assignment as a whole-struct assignment refuse that; one
/// statement per field means the same everywhere because every value reads
/// only columns that the earlier statements leave unchanged (`field_fixes`
/// puts `start_time` last).
fn field_updates(table: &str, fixes: &[(String, String)], condition: &str) -> String {
    fixes
        .iter()
        .map(|(column, value)| {
            format!("UPDATE {table} SET\n  {column} = {value}\nWHERE {condition};")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn relabel(context: &LowerContext<'_>, phase: Option<&Phase>) -> String {
    let Some(phase) = phase else {
        return String::new();
    };
    let campaign = context.campaign;
    let target = quote::date(phase.target.node);
    format!(
        "UPDATE {} SET\n  `timestamp` = {},\n  `logName` = {}\nWHERE {};",
        quote::table(&campaign.source.node),
        exprs::retimed("`timestamp`", &target, &campaign.zone.node),
        quote::string(phase.log_name.as_str()),
        exprs::phase_rule(campaign, phase, ""),
    )
}

fn fix_fields(context: &LowerContext<'_>, phase: Option<&Phase>) -> String {
    let Some(phase) = phase else {
        return String::new();
    };
    let campaign = context.campaign;
    let fixes = exprs::field_fixes(
        "`jsonPayload`.`start_time`",
        &quote::date(phase.target.node),
        &quote::string(phase.banner.as_str()),
        &campaign.transform,
    );
    // Before the relabeling, by the rule that takes the rows: afterwards
    // they share their log name with rows an earlier run wrote.
    let condition = exprs::phase_rule(campaign, phase, "");
    field_updates(&quote::table(&campaign.source.node), &fixes, &condition)
}

fn insert(context: &LowerContext<'_>, mode: Mode) -> String {
    let target = quote::table(&context.campaign.target.node);
    match mode {
        Mode::Fused => format!(
            "INSERT INTO {target}\nSELECT * EXCEPT ({}) FROM {TAKEN};",
            HELPER_COLUMNS.join(", ")
        ),
        Mode::InPlace => relabeled_rows_insert(context, &target),
    }
}

/// In-place mode's insert: the staging rows that bear one of the
/// campaign's log names, less those that bore one already in the snapshot
/// taken before the run (an earlier run's output, which no phase takes).
/// Rows are told apart as a multiset, by their JSON text and copy number.
fn relabeled_rows_insert(context: &LowerContext<'_>, target: &str) -> String {
    let keyed = |table: &TableRef| {
        format!(
            "{} WHERE r.`logName` IN (SELECT log_name FROM {PHASES})",
            keyed_rows(&quote::table(table))
        )
    };
    format!(
        "INSERT INTO {target}\nSELECT s.* EXCEPT (bannerc_key, bannerc_copy) FROM (\n    {}\n  ) AS s\n\
         WHERE NOT EXISTS (\n  SELECT 1 FROM (\n    {}\n  ) AS k\n  \
         WHERE k.bannerc_key = s.bannerc_key AND k.bannerc_copy = s.bannerc_copy\n);",
        keyed(&context.campaign.source.node),
        keyed(&context.tables.snapshot),
    )
}

/// The rows of `table` (a quoted name), aliased `r`, each with a key (its
/// JSON text) and a copy number among the rows of that key: two such lists
/// compared on both tell rows apart as a multiset.
pub(crate) fn keyed_rows(table: &str) -> String {
    format!(
        "SELECT r.*, TO_JSON_STRING(r) AS bannerc_key, \
         ROW_NUMBER() OVER (PARTITION BY TO_JSON_STRING(r)) AS bannerc_copy FROM {table} AS r"
    )
}

fn ledger_row(context: &LowerContext<'_>, mode: Mode) -> String {
    let campaign = context.campaign;
    let names: Vec<String> = ledger::COLUMNS
        .iter()
        .map(|(name, _)| quote::ident(name))
        .collect();
    let backup = match mode {
        Mode::Fused => "CAST(NULL AS STRING)".to_string(),
        Mode::InPlace => quote::string(&context.tables.snapshot.to_string()),
    };
    let values = [
        quote::string(context.run_id),
        quote::string(context.plan_hash),
        quote::string(campaign.name.node.as_str()),
        quote::string(&campaign.source.node.to_string()),
        quote::string(&campaign.target.node.to_string()),
        quote::string(mode.as_str()),
        quote::string(ledger::STATUS_APPLIED),
        format!(
            "(SELECT TO_JSON_STRING(ARRAY_AGG(STRUCT(c.phase AS phase, p.log_name AS log_name, \
             c.taken_rows AS taken_rows) ORDER BY c.phase))\n   \
             FROM {COUNTS} AS c JOIN {PHASES} AS p ON p.phase = c.phase)"
        ),
        quote::string(&Claims::of(campaign).to_json()),
        backup,
        "bannerc_started_at".into(),
        "CURRENT_TIMESTAMP()".into(),
        "CAST(NULL AS TIMESTAMP)".into(),
    ];
    format!(
        "INSERT INTO {} ({})\nSELECT\n  {};",
        quote::table(&context.tables.ledger),
        names.join(", "),
        values.join(",\n  ")
    )
}
