//! `bannerc history`: every run in the engine's ledgers, newest first.

use clap::Args;

use super::exit;
use super::out::{out, outln};
use super::report;
use super::session::{self, EngineArgs, Format, Stop};
use crate::exec::Access;

/// Arguments of `bannerc history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// How to print the ledger.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Run `bannerc history`; returns the exit code.
pub fn run(args: &HistoryArgs) -> u8 {
    match history(args) {
        Ok(code) => code,
        Err(stop) => session::report(stop, args.format),
    }
}

fn history(args: &HistoryArgs) -> Result<u8, Stop> {
    let (_, mut engine) = session::open_engine(&args.engine, Access::ReadOnly)?;
    let entries = engine.history()?;
    match args.format {
        Format::Text => out!("{}", report::history_text(&entries)),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&entries).unwrap_or_default()
        ),
    }
    Ok(exit::OK)
}
