//! `bannerc rollback RUN_ID`: undo one applied run in one transaction
//! (its rows leave the target; in in-place mode the staging rows it
//! relabeled come back from its backup; the ledger records the rollback).

use clap::Args;
use serde_json::json;

use super::apply::{Progress, ask};
use super::exit;
use super::out::{out, outln};
use super::report;
use super::session::{self, EngineArgs, Format, Stop};
use crate::exec::{Access, EngineError};

/// Arguments of `bannerc rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The run to undo, as `bannerc history` lists it.
    pub run_id: String,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Do not ask for confirmation on a terminal (without one, nothing is
    /// asked).
    #[arg(long)]
    pub yes: bool,
}

/// Run `bannerc rollback`; returns the exit code.
pub fn run(args: &RollbackArgs) -> u8 {
    match rollback(args) {
        Ok(code) => code,
        Err(stop) => session::report(stop, args.format),
    }
}

fn rollback(args: &RollbackArgs) -> Result<u8, Stop> {
    let (_, mut engine) = session::open_engine(&args.engine, Access::ReadWrite)?;
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let asks = !args.yes && interactive && std::io::IsTerminal::is_terminal(&std::io::stdin());
    if asks && !confirm(engine.as_mut(), &args.run_id)? {
        eprintln!("rollback: not confirmed; nothing was changed");
        return Ok(exit::OK);
    }
    let observer = Progress::new(interactive && args.format == Format::Text);
    let outcome = engine.rollback(&args.run_id, &observer);
    observer.finish();
    let report = outcome.map_err(|error| match error {
        // An unknown run id is the caller's mistake, like a refused run.
        EngineError::NotFound(message) => Stop::new(message, exit::INVALID),
        other => Stop::from(other),
    })?;
    match args.format {
        Format::Text => out!("{}", report::rollback_text(&report)),
        Format::Json => outln!("{}", json!({"status": "rolled_back", "rollback": report})),
    }
    Ok(exit::OK)
}

/// Ask before undoing a run, naming what it would remove. A run the ledger
/// does not hold is not asked about: the rollback itself says so.
fn confirm(engine: &mut dyn crate::exec::Engine, run_id: &str) -> Result<bool, Stop> {
    let history = engine.history()?;
    let Some(entry) = history.iter().find(|e| e.run_id == run_id) else {
        return Ok(true);
    };
    let staging = match &entry.backup_table {
        Some(_) => format!(" and restore {} from its backup", entry.source_table),
        None => String::new(),
    };
    ask(&format!(
        "Roll back run {run_id} (campaign {}): delete its {} rows from {}{staging}?",
        entry.campaign,
        entry.total_rows(),
        entry.target_table
    ))
}
