//! `bannerc demo`: a whole campaign on realistic data in one command.
//! It creates a DuckDB file with a month of banner request logs, then
//! checks, plans and applies `examples/demo.bnr` (built into the binary),
//! printing what each step found and did.

use std::path::PathBuf;

use clap::Args;

use super::exit;
use super::session::{self, Stop};
use crate::exec::EngineSpec;

/// The database file the demo creates when `--engine` names none.
pub const DEMO_FILE: &str = crate::exec::DEMO_FILE;

/// Arguments of `bannerc demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many staging rows to generate (at least 1000).
    #[arg(long, default_value_t = 100_000, value_parser = demo_rows)]
    pub rows: u64,
    /// `duckdb:PATH` (default duckdb:bannerc-demo.duckdb). An existing file
    /// is recreated only if an earlier demo made it.
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<String>,
}

/// Run `bannerc demo`; returns the exit code.
pub fn run(args: &DemoArgs) -> u8 {
    match demo_path(args).and_then(|path| demo(&path, args.rows)) {
        Ok(code) => code,
        Err(stop) => session::report(stop, session::Format::Text),
    }
}

fn demo_path(args: &DemoArgs) -> Result<PathBuf, Stop> {
    let text = args
        .engine
        .clone()
        .unwrap_or_else(|| format!("duckdb:{DEMO_FILE}"));
    match text
        .parse::<EngineSpec>()
        .map_err(|m| Stop::new(m, exit::USAGE))?
    {
        EngineSpec::Duckdb { path } => Ok(path),
        EngineSpec::Bigquery { .. } => Err(Stop::new(
            "the demo runs on DuckDB only; pass --engine duckdb:PATH",
            exit::USAGE,
        )),
    }
}

#[cfg(not(feature = "duckdb"))]
fn demo(_path: &std::path::Path, _rows: u64) -> Result<u8, Stop> {
    Err(Stop::new(
        "this bannerc was built without DuckDB (feature `duckdb`); the demo needs it",
        exit::ENGINE,
    ))
}

#[cfg(feature = "duckdb")]
use engine::demo;

/// The demo itself, which needs the DuckDB engine.
#[cfg(feature = "duckdb")]
mod engine {
    use std::path::{Path, PathBuf};

    use super::super::apply::{Progress, new_run_id, print_summary};
    use super::super::exit;
    use super::super::out::{out, outln};
    use super::super::pipeline::Loaded;
    use super::super::report;
    use super::super::session::{self, Format, Stop};
    use crate::exec::Access;
    use crate::exec::duckdb::{DuckDbEngine, demo as data};
    use crate::ir::Mode;

    /// The demo's campaign, as shipped in `examples/demo.bnr`.
    pub const DEMO_CAMPAIGN: &str = include_str!("../../examples/demo.bnr");

    pub fn demo(path: &Path, rows: u64) -> Result<u8, Stop> {
        recreate(path)?;
        let mut engine = DuckDbEngine::open(path, Access::Create)?;
        outln!(
            "== 1. data: {rows} banner request rows for April 2025 in {}",
            path.display()
        );
        data::populate(engine.connection(), rows)?;
        print_logs(
            "staging",
            &data::rows_by_log(engine.connection(), data::STAGING)?,
        );
        print_logs(
            "target",
            &data::rows_by_log(engine.connection(), data::TARGET)?,
        );

        outln!("\n== 2. check examples/demo.bnr");
        let loaded = Loaded {
            path: PathBuf::from("examples/demo.bnr"),
            text: DEMO_CAMPAIGN.to_string(),
        };
        let prepared = session::prepare_loaded(loaded, &mut engine, false)?;
        outln!(
            "{} phases, no errors (warnings, if any, are above)",
            prepared.campaign.phases.len()
        );

        outln!("\n== 3. plan (reads the data, writes nothing)");
        let preflight = session::preflight(&mut engine, &prepared.campaign, Mode::Fused, false)?;
        let engine_name = format!("duckdb:{}", path.display());
        out!(
            "{}",
            report::plan_text(&prepared, &engine_name, Mode::Fused, &preflight, false)
        );
        if preflight.blocks(false) {
            return Err(Stop::new(
                "the demo's plan was refused; nothing was written",
                exit::INVALID,
            ));
        }

        outln!("\n== 4. apply (one transaction)");
        let script = session::compile(
            &prepared.campaign,
            crate::lower::Dialect::Duckdb,
            Mode::Fused,
            Some(new_run_id()),
        )?;
        let observer = Progress::new(std::io::IsTerminal::is_terminal(&std::io::stderr()));
        let outcome = crate::exec::Engine::run(&mut engine, &script, &observer);
        observer.finish();
        let run = outcome?;
        print_summary(Format::Text, &run, &prepared, &preflight);

        outln!("\n== 5. what happened");
        print_logs(
            "target",
            &data::rows_by_log(engine.connection(), data::TARGET)?,
        );
        outln!("  staging is unchanged (fused mode never writes it)");
        let campaign_file = campaign_file(path);
        outln!("\nnext:");
        outln!("  bannerc history --engine {engine_name}");
        outln!(
            "  bannerc apply {} --engine {engine_name} --yes   # says: already applied",
            campaign_file.display()
        );
        outln!(
            "  bannerc rollback {} --engine {engine_name}",
            run.entry.run_id
        );
        Ok(exit::OK)
    }

    /// A file holding the demo's campaign, for the commands to try next:
    /// `examples/demo.bnr` in a checkout, else a copy written beside the
    /// database (never over a different file).
    fn campaign_file(database: &Path) -> PathBuf {
        let shipped = PathBuf::from("examples/demo.bnr");
        if std::fs::read_to_string(&shipped).is_ok_and(|text| text == DEMO_CAMPAIGN) {
            return shipped;
        }
        let copy = database.with_extension("bnr");
        let usable = match std::fs::read_to_string(&copy) {
            Ok(text) => text == DEMO_CAMPAIGN,
            Err(_) => std::fs::write(&copy, DEMO_CAMPAIGN).is_ok(),
        };
        if usable { copy } else { shipped }
    }

    /// Remove an earlier demo's file; refuse to touch any other file.
    fn recreate(path: &Path) -> Result<(), Stop> {
        if !path.exists() {
            return Ok(());
        }
        let is_demo =
            DuckDbEngine::open(path, Access::ReadOnly).is_ok_and(|e| data::is_demo(e.connection()));
        if !is_demo {
            return Err(Stop::new(
                format!(
                    "{} exists and was not made by `bannerc demo`; pass another --engine duckdb:PATH",
                    path.display()
                ),
                exit::USAGE,
            ));
        }
        let wal = PathBuf::from(format!("{}.wal", path.display()));
        for file in [path.to_path_buf(), wal] {
            if file.exists() {
                std::fs::remove_file(&file).map_err(|e| {
                    Stop::new(
                        format!("cannot remove {}: {e}", file.display()),
                        exit::ENGINE,
                    )
                })?;
            }
        }
        Ok(())
    }

    fn print_logs(table: &str, rows: &[(String, u64)]) {
        let total: u64 = rows.iter().map(|(_, n)| n).sum();
        outln!("  {table}: {total} rows");
        for (log, count) in rows {
            outln!("    {count:>9}  {log}");
        }
    }
}

/// `--rows`: a whole number of at least 1000 (`_` separators allowed).
fn demo_rows(text: &str) -> Result<u64, String> {
    let rows: u64 = text
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of rows"))?;
    if rows < 1000 {
        return Err(format!(
            "{rows} is too few: the demo needs at least 1000 rows"
        ));
    }
    Ok(rows)
}
