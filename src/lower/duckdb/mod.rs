//! Lowering to DuckDB, in both modes, from the same IR as BigQuery (never by
//! rewriting BigQuery's text). The run is one flat transaction: `BEGIN
//! TRANSACTION`, the ledger table, the backup (in-place), temporary tables
//! and a macro, then the operations in the graph's order, `COMMIT`. DuckDB
//! allows every one of these inside a transaction, so a failure anywhere
//! leaves no trace, not even a backup table. Each statement is also kept
//! apart with its step name ([`crate::lower::ScriptStatement`]): the engine
//! runs them one at a time and stops at the first error, because DuckDB's
//! `COMMIT` after a failed statement reports success while rolling back.
//!
//! In fused mode the taken rows are not materialised in a temporary table
//! (BigQuery's script does that): the `collect` step is a counting scan of
//! staging that reads three columns, and the insert reads staging again and
//! writes the transformed rows straight into the target. Staging is never
//! written inside the transaction, so both reads see the same rows; the run
//! costs one read and one write of the taken rows plus the checks (see
//! BENCHMARKS.md, where the temporary table cost twice the floor).
//!
//! # Time zones
//!
//! DuckDB's zone functions live in its ICU extension, which the bundled
//! build does not include (and which cannot be downloaded offline). So all
//! zone arithmetic is done at compile time with `chrono-tz`, the same
//! library the reference evaluator uses, and written into the SQL as
//! literals:
//!
//! - a campaign day is the half-open instant range `[start, next start)` of
//!   UTC bounds, compared directly with the `timestamp` column, so the
//!   filter stays sargable (DuckDB skips row groups by min/max);
//! - the local time of day of a row is `epoch_us + offset`, the offset a
//!   `CASE` over the zone's transitions near the campaign's source days
//!   (and, when special logs may bring rows from any date, over 1800–2199);
//!   it is a temporary macro so that the long `CASE` is written once;
//! - the instant of a local time on a target day is `midnight + time -
//!   offset`, the offset a `CASE` over that day's local times whose pieces
//!   come from `reference::resolve_local` (gap: forward by the gap; repeat:
//!   the earlier instant), so both agree by construction.
//!
//! The alternative, DuckDB's `icu` feature, needs a cmake build (minutes
//! more of C++ on every fresh machine) and would be a second implementation
//! of zone rules to keep in step with the reference; the literals are
//! checked against the reference in tests instead.

mod checks;
pub mod exprs;
pub mod inspect;
pub mod quote;
pub mod rollback;
pub mod zone;

pub use checks::CHECK_PREFIX;

use super::ledger::{self, Claims};
use super::{LowerContext, LowerError, ScriptStatement};
use crate::ir::{Campaign, Mode, Operation, Phase, TableRef};
use chrono::NaiveDate;

/// The temporary table of phases.
pub const PHASES: &str = "bannerc_phases";
/// The temporary table of per-phase counts and data errors.
pub const COUNTS: &str = "bannerc_counts";
/// The temporary table of the target's new rows per log name, and how many
/// of them are wrong (post-write checks).
pub const WRITTEN: &str = "bannerc_written";
/// In-place mode: the row ids of the staging rows that already bore one of
/// the campaign's log names before the run.
pub const KEPT: &str = "bannerc_kept";

/// Step names (for failpoints and progress) of the statements outside the
/// operations: the opening, the setup, the commit.
pub mod steps {
    /// `BEGIN TRANSACTION`.
    pub const BEGIN: &str = "begin";
    /// The ledger table, the phases table and the time-of-day macro.
    pub const SETUP: &str = "setup";
    /// `COMMIT`.
    pub const COMMIT: &str = "commit";
}

/// The step name of an operation: `backup`, `collect`, `pre-check`,
/// `relabel-N`, `fix-fields-N`, `insert`, `post-check`, `ledger`.
pub fn step_name(op: Operation) -> String {
    match op {
        Operation::Snapshot => "backup".into(),
        Operation::Collect => "collect".into(),
        Operation::PreCheck => "pre-check".into(),
        Operation::Relabel { phase } => format!("relabel-{phase}"),
        Operation::FixFields { phase } => format!("fix-fields-{phase}"),
        Operation::Insert => "insert".into(),
        Operation::PostCheck => "post-check".into(),
        Operation::LedgerWrite => "ledger".into(),
    }
}

/// The script for `context`'s campaign in `mode`: the whole text and its
/// statements one by one.
pub fn lower(
    context: &LowerContext<'_>,
    mode: Mode,
) -> Result<(String, Vec<ScriptStatement>), LowerError> {
    distinct_tables(context, mode)?;
    supported_dates(context.campaign)?;
    let mut script = Script::default();
    header(context, mode, &mut script);
    script.statement(steps::BEGIN, "BEGIN TRANSACTION;");
    script.statement(steps::SETUP, &create_ledger(context));
    for op in context
        .graph
        .order
        .iter()
        .filter(|op| **op == Operation::Snapshot)
    {
        statements(context, mode, *op, &mut script);
    }
    script.statement(steps::SETUP, &create_phases(context.campaign, false));
    script.statement(steps::SETUP, &exprs::tod_macro(context.campaign, false));
    for op in context
        .graph
        .order
        .iter()
        .filter(|op| **op != Operation::Snapshot)
    {
        statements(context, mode, *op, &mut script);
    }
    script.statement(steps::COMMIT, "COMMIT;");
    Ok((script.text, script.statements))
}

/// The DuckDB names of the tables a run touches must all differ: two
/// BigQuery tables that differ only by project, or only by case, would be
/// one DuckDB table.
fn distinct_tables(context: &LowerContext<'_>, mode: Mode) -> Result<(), LowerError> {
    let campaign = context.campaign;
    let mut tables: Vec<(&str, &TableRef)> = vec![
        ("source", &campaign.source.node),
        ("target", &campaign.target.node),
        ("ledger", &context.tables.ledger),
    ];
    if mode == Mode::InPlace {
        tables.push(("backup", &context.tables.snapshot));
    }
    for (index, (what, table)) in tables.iter().enumerate() {
        for (other_what, other) in &tables[index + 1..] {
            if quote::table_key(table) == quote::table_key(other) {
                return Err(LowerError::Name {
                    what,
                    message: format!(
                        "the {what} table {table} and the {other_what} table {other} are the same DuckDB \
                         table {} (DuckDB drops the project and matches names without case)",
                        quote::table(table)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The dates DuckDB's lowering supports: new instants are computed with
/// `to_timestamp` of epoch seconds (it needs no ICU and ignores the
/// session's zone), which is exact to the microsecond only for instants
/// between 1900 and 2100; a day's margin on each side covers every zone.
pub const SUPPORTED_DATES: (&str, &str) = ("1900-01-02", "2099-12-30");

fn supported_dates(campaign: &Campaign) -> Result<(), LowerError> {
    let (first, last) = SUPPORTED_DATES;
    let (Ok(from), Ok(to)) = (first.parse::<NaiveDate>(), last.parse::<NaiveDate>()) else {
        return Ok(());
    };
    let outside = |day: NaiveDate| day < from || day > to;
    for phase in &campaign.phases {
        let days = phase
            .takes
            .iter()
            .flat_map(|r| [r.node.start(), r.node.end()]);
        let what = if outside(phase.target.node) {
            Some(format!("its target date {}", phase.target.node))
        } else {
            days.into_iter()
                .find(|day| outside(*day))
                .map(|day| format!("its source day {day}"))
        };
        if let Some(what) = what {
            return Err(LowerError::Unsupported(format!(
                "phase {} cannot run on DuckDB: {what} is outside {first}..{last}, the dates \
                 for which DuckDB's lowering computes instants exactly (BigQuery has no such limit)",
                phase.id
            )));
        }
    }
    Ok(())
}

/// The text being built and its statements.
#[derive(Default)]
struct Script {
    text: String,
    statements: Vec<ScriptStatement>,
}

impl Script {
    fn comment(&mut self, text: &str) {
        self.text.push_str(&format!("-- {text}\n"));
    }

    fn statement(&mut self, step: &str, sql: &str) {
        if sql.is_empty() {
            return;
        }
        self.text.push_str(sql);
        self.text.push('\n');
        self.statements.push(ScriptStatement {
            step: step.to_string(),
            sql: sql.to_string(),
        });
    }
}

fn header(context: &LowerContext<'_>, mode: Mode, script: &mut Script) {
    let campaign = context.campaign;
    script.comment(&format!(
        "bannerc {}: campaign {}, {} mode, DuckDB",
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
    script.comment(&format!(
        "source {} ({staging})",
        quote::table(&campaign.source.node)
    ));
    script.comment(&format!("target {}", quote::table(&campaign.target.node)));
    script.comment(&format!("ledger {}", quote::table(&context.tables.ledger)));
    script.comment(&format!(
        "zone {} (offsets computed at compile time)",
        campaign.zone.node.name()
    ));
}

fn statements(context: &LowerContext<'_>, mode: Mode, op: Operation, script: &mut Script) {
    let step = step_name(op);
    script.comment(&op.label());
    match op {
        Operation::Snapshot => script.statement(&step, &backup(context)),
        Operation::Collect => script.statement(&step, &checks::counts_from_staging(context)),
        Operation::PreCheck => {
            if mode == Mode::InPlace {
                script.statement(&step, &checks::counts_from_staging(context));
                script.statement(&step, &kept_rows(context));
            }
            for check in checks::pre_flight(context) {
                script.statement(&step, &check);
            }
        }
        Operation::Relabel { phase } => {
            script.statement(&step, &relabel(context, phase_by_id(context, phase)))
        }
        Operation::FixFields { phase } => {
            script.statement(&step, &fix_fields(context, phase_by_id(context, phase)));
        }
        Operation::Insert => script.statement(&step, &insert(context, mode)),
        Operation::PostCheck => {
            for check in checks::post_write(context) {
                script.statement(&step, &check);
            }
        }
        Operation::LedgerWrite => script.statement(&step, &ledger_row(context, mode)),
    }
}

fn phase_by_id<'a>(context: &LowerContext<'a>, id: u32) -> Option<&'a Phase> {
    context.campaign.phases.iter().find(|p| p.id == id)
}

/// The backup of in-place mode: the staging rows the run will change, and
/// those that already bear one of its log names, as they are. (BigQuery
/// clones the whole table for free; in DuckDB a copy costs a full write, so
/// only the rows a rollback needs are kept. A rollback deletes the rows
/// named with the run's log names and puts these back.)
fn backup(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let own: Vec<String> = campaign
        .phases
        .iter()
        .map(|phase| quote::string(phase.log_name.as_str()))
        .collect();
    format!(
        "CREATE TABLE {} AS\nSELECT * FROM {}\nWHERE (({}) AND ({}) IS NOT NULL)\n   OR \"logName\" IN ({});",
        quote::table(&context.tables.snapshot),
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
        exprs::phase_of_row(campaign, ""),
        own.join(", "),
    )
}

/// The ledger's DuckDB columns: BigQuery's `STRING` is `VARCHAR` and its
/// `TIMESTAMP` (an instant) is `TIMESTAMPTZ`.
pub fn ledger_columns() -> Vec<(&'static str, &'static str)> {
    ledger::COLUMNS
        .iter()
        .map(|(name, kind)| {
            let kind = match *kind {
                "TIMESTAMP" => "TIMESTAMPTZ",
                "INT64" => "BIGINT",
                _ => "VARCHAR",
            };
            (*name, kind)
        })
        .collect()
}

fn create_ledger(context: &LowerContext<'_>) -> String {
    let columns: Vec<String> = ledger_columns()
        .iter()
        .map(|(name, kind)| format!("  {} {kind}", quote::ident(name)))
        .collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n{}\n);",
        quote::table(&context.tables.ledger),
        columns.join(",\n")
    )
}

/// The phases as a temporary table (replacing one of the same name when
/// `replace`, for inspections on a reused connection): number, target date, log name, banner,
/// expected rows, the target day's instants, and the start of the phase's
/// entry in the ledger's JSON counts.
pub fn create_phases(campaign: &Campaign, replace: bool) -> String {
    let zone = &campaign.zone.node;
    let rows: Vec<String> = campaign
        .phases
        .iter()
        .map(|phase| {
            let (day_start, day_end) =
                zone::day_bounds(&crate::ir::DateRange::day(phase.target.node), zone);
            let day_end =
                day_end.map_or_else(|| "CAST('infinity' AS TIMESTAMPTZ)".into(), quote::instant);
            let expected = phase
                .expected_rows
                .map_or_else(|| "CAST(NULL AS BIGINT)".to_string(), |n| n.to_string());
            format!(
                "  ({}, {}, {}, {}, {expected}, {}, {day_end}, {})",
                phase.id,
                quote::date(phase.target.node),
                quote::string(phase.log_name.as_str()),
                quote::string(phase.banner.as_str()),
                quote::instant(day_start),
                quote::string(&count_json_prefix(phase)),
            )
        })
        .collect();
    let create = if replace {
        "CREATE OR REPLACE TEMP TABLE"
    } else {
        "CREATE TEMP TABLE"
    };
    format!(
        "{create} {PHASES} AS\nSELECT * FROM (VALUES\n{}\n) AS v(phase, target_date, log_name, banner_id, \
         expected_rows, day_start, day_end, count_json);",
        rows.join(",\n")
    )
}

/// `{"phase":1,"log_name":"…","taken_rows":` — completed with the count.
fn count_json_prefix(phase: &Phase) -> String {
    let log_name = serde_json::Value::from(phase.log_name.as_str());
    format!(
        "{{\"phase\":{},\"log_name\":{log_name},\"taken_rows\":",
        phase.id
    )
}

/// Fused mode's insert: every taken row, moved to its target date,
/// relabeled and with its JSON fields fixed, read from staging and written
/// to the target in one statement (one read, one write).
fn insert_transformed(context: &LowerContext<'_>) -> String {
    let campaign = context.campaign;
    let retimed = retimed_by_phase(campaign, "s.bannerc_phase", "s.bannerc_tod_us");
    let payload = exprs::fixed_payload(
        "s.\"jsonPayload\"",
        "p.target_date",
        "p.banner_id",
        campaign,
    );
    format!(
        "INSERT INTO {}\n\
         SELECT\n\
         \x20 s.* EXCLUDE (bannerc_phase, bannerc_tod_us) REPLACE (\n\
         \x20   {retimed} AS \"timestamp\",\n\
         \x20   p.log_name AS \"logName\",\n\
         \x20   {payload} AS \"jsonPayload\"\n\
         \x20 )\n\
         FROM (\n\
         \x20 SELECT\n\
         \x20   *,\n\
         \x20   {} AS bannerc_phase,\n\
         \x20   {}(\"timestamp\") AS bannerc_tod_us\n\
         \x20 FROM {}\n\
         \x20 WHERE {}\n\
         ) AS s\n\
         JOIN {PHASES} AS p ON p.phase = s.bannerc_phase;",
        quote::table(&campaign.target.node),
        exprs::phase_of_row(campaign, ""),
        exprs::TOD_MACRO,
        quote::table(&campaign.source.node),
        exprs::scan_filter(campaign, ""),
    )
}

/// The new `timestamp` of a row of phase `phase` (a column) whose local
/// time of day is `tod_us`: a `CASE` over the phases' target days.
pub fn retimed_by_phase(campaign: &Campaign, phase: &str, tod_us: &str) -> String {
    let mut retimed = format!("CASE {phase}");
    for each in &campaign.phases {
        let when = exprs::retimed(tod_us, each.target.node, &campaign.zone.node);
        retimed.push_str(&format!("\n      WHEN {} THEN {when}", each.id));
    }
    retimed.push_str("\n    END");
    retimed
}

fn relabel(context: &LowerContext<'_>, phase: Option<&Phase>) -> String {
    let Some(phase) = phase else {
        return String::new();
    };
    let campaign = context.campaign;
    let tod = format!("{}(\"timestamp\")", exprs::TOD_MACRO);
    format!(
        "UPDATE {} SET\n  \"timestamp\" = {},\n  \"logName\" = {}\nWHERE {};",
        quote::table(&campaign.source.node),
        exprs::retimed(&tod, phase.target.node, &campaign.zone.node),
        quote::string(phase.log_name.as_str()),
        exprs::phase_rule(campaign, phase, ""),
    )
}

/// One `UPDATE` per phase: all four fields in one `struct_update`, on the
/// rows the phase takes, before they are relabeled (afterwards they share
/// their log name with rows an earlier run wrote).
fn fix_fields(context: &LowerContext<'_>, phase: Option<&Phase>) -> String {
    let Some(phase) = phase else {
        return String::new();
    };
    let campaign = context.campaign;
    let payload = exprs::fixed_payload(
        "\"jsonPayload\"",
        &quote::date(phase.target.node),
        &quote::string(phase.banner.as_str()),
        campaign,
    );
    format!(
        "UPDATE {} SET\n  \"jsonPayload\" = {payload}\nWHERE {};",
        quote::table(&campaign.source.node),
        exprs::phase_rule(campaign, phase, ""),
    )
}

fn insert(context: &LowerContext<'_>, mode: Mode) -> String {
    let target = quote::table(&context.campaign.target.node);
    match mode {
        Mode::Fused => insert_transformed(context),
        Mode::InPlace => format!(
            "INSERT INTO {target}\nSELECT * FROM {} WHERE \"logName\" IN (SELECT log_name FROM {PHASES})\n  \
             AND rowid NOT IN (SELECT bannerc_rowid FROM {KEPT});",
            quote::table(&context.campaign.source.node)
        ),
    }
}

/// In-place mode: the staging rows that bear one of this campaign's log
/// names before the run (an earlier run's output; no phase takes them).
/// After the relabeling they share those names with the rows the run
/// relabeled, and only the latter go to the target. Rows the run does not
/// change keep their row ids.
fn kept_rows(context: &LowerContext<'_>) -> String {
    format!(
        "CREATE TEMP TABLE {KEPT} AS\nSELECT rowid AS bannerc_rowid FROM {} WHERE \"logName\" IN (SELECT log_name FROM {PHASES});",
        quote::table(&context.campaign.source.node)
    )
}

fn ledger_row(context: &LowerContext<'_>, mode: Mode) -> String {
    let campaign = context.campaign;
    let names: Vec<String> = ledger::COLUMNS
        .iter()
        .map(|(name, _)| quote::ident(name))
        .collect();
    let backup = match mode {
        Mode::Fused => "CAST(NULL AS VARCHAR)".to_string(),
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
            "(SELECT '[' || string_agg(p.count_json || c.taken_rows || '}}', ',' ORDER BY p.phase) || ']' \
             FROM {COUNTS} AS c JOIN {PHASES} AS p ON p.phase = c.phase)"
        ),
        quote::string(&Claims::of(campaign).to_json()),
        backup,
        // DuckDB's clock stands still inside a transaction: `current_timestamp`
        // is the run's start, and a version-7 UUID carries the wall clock.
        "current_timestamp".into(),
        "uuid_extract_timestamp(uuidv7())".into(),
        "CAST(NULL AS TIMESTAMPTZ)".into(),
    ];
    format!(
        "INSERT INTO {} ({})\nSELECT\n  {};",
        quote::table(&context.tables.ledger),
        names.join(", "),
        values.join(",\n  ")
    )
}

#[cfg(test)]
mod tests {
    use crate::ir::Mode;
    use crate::lower::{Dialect, LowerError, LowerOptions, lower};

    fn campaign(source: &str, target: &str) -> crate::ir::Campaign {
        let text = format!(
            "campaign C {{\n banner 1\n source `{source}`\n target `{target}`\n \
             phase 1: 2025-04-01 -> 2025-04-02\n}}\n"
        );
        let (spec, diagnostics) = crate::syntax::parse(&text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        crate::plan::expand(&spec.unwrap(), None).unwrap()
    }

    #[test]
    fn tables_that_differ_only_by_project_are_refused() {
        let campaign = campaign("dev.logs.events", "prod.logs.events");
        let options = LowerOptions {
            mode: Mode::Fused,
            run_id: None,
        };
        let Err(LowerError::Name { what, message }) = lower(&campaign, Dialect::Duckdb, &options)
        else {
            panic!("the collision was not refused");
        };
        assert_eq!(what, "source");
        assert!(
            message.contains("are the same DuckDB table \"logs\".\"events\""),
            "{message}"
        );
        assert!(lower(&campaign, Dialect::Bigquery, &options).is_ok());
    }

    #[test]
    fn dates_outside_the_exact_years_are_refused_on_duckdb_only() {
        let options = LowerOptions {
            mode: Mode::Fused,
            run_id: None,
        };
        for (takes, target, named) in [
            (
                "2025-04-01..2025-04-02",
                "2100-01-01",
                "its target date 2100-01-01",
            ),
            (
                "2025-04-01..2025-04-02",
                "1899-12-31",
                "its target date 1899-12-31",
            ),
            (
                "2025-04-01..9999-12-31",
                "2025-05-01",
                "its source day 9999-12-31",
            ),
        ] {
            let text = format!(
                "campaign C {{\n banner 1\n source `p.d.s`\n target `p.d.t`\n \
                 phase 1: {takes} -> {target}\n}}\n"
            );
            let (spec, diagnostics) = crate::syntax::parse(&text);
            let campaign = crate::plan::expand(&spec.expect("parses"), None)
                .unwrap_or_else(|_| panic!("{diagnostics:?}"));
            let Err(LowerError::Unsupported(message)) = lower(&campaign, Dialect::Duckdb, &options)
            else {
                panic!("{target} was not refused");
            };
            assert!(message.contains(named), "{message}");
            assert!(lower(&campaign, Dialect::Bigquery, &options).is_ok());
        }
    }

    #[test]
    fn tables_that_differ_only_by_case_are_refused() {
        let campaign = campaign("dev.logs.events", "dev.Logs.EVENTS");
        let options = LowerOptions {
            mode: Mode::Fused,
            run_id: None,
        };
        let refused = lower(&campaign, Dialect::Duckdb, &options);
        assert!(matches!(
            refused,
            Err(LowerError::Name { what: "source", .. })
        ));
        assert!(lower(&campaign, Dialect::Bigquery, &options).is_ok());
    }

    #[test]
    fn a_source_named_like_the_ledger_is_refused() {
        let campaign = campaign("dev.logs.bannerc_runs", "prod.logs.target");
        let options = LowerOptions {
            mode: Mode::Fused,
            run_id: None,
        };
        let error = lower(&campaign, Dialect::Duckdb, &options).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the source table dev.logs.bannerc_runs and the ledger table")
        );
    }

    #[test]
    fn every_statement_has_a_step_and_the_text_holds_them_all() {
        let campaign = campaign("dev.logs.events", "prod.banners.calls");
        for mode in [Mode::Fused, Mode::InPlace] {
            let options = LowerOptions {
                mode,
                run_id: Some("r1".into()),
            };
            let script = lower(&campaign, Dialect::Duckdb, &options).unwrap();
            let steps: Vec<&str> = script.statements.iter().map(|s| s.step.as_str()).collect();
            assert_eq!(steps.first(), Some(&"begin"));
            assert_eq!(steps.last(), Some(&"commit"));
            assert!(
                script
                    .statements
                    .iter()
                    .all(|s| script.sql.contains(&s.sql))
            );
            crate::verify::verify(&script).unwrap();
        }
    }
}
