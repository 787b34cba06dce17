//! The command line: clap commands, diagnostics rendering, output formats.

mod apply;
mod check;
mod compile;
mod demo;
pub mod explain;
mod history;
mod import;
mod out;
pub mod pipeline;
mod plan;
pub mod render;
mod report;
mod rollback;
mod session;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::ir::Mode;

pub use pipeline::{Compiled, Loaded, load, load_campaign};

/// Exit codes, documented in `bannerc --help`.
pub mod exit {
    /// Everything succeeded.
    pub const OK: u8 = 0;
    /// The campaign has errors (or warnings with `--deny-warnings`), or a
    /// run was refused by a check, or `rollback` named an unknown run;
    /// nothing was written.
    pub const INVALID: u8 = 1;
    /// The command line was wrong.
    pub const USAGE: u8 = 2;
    /// An internal error: generated SQL failed verification. Please report it.
    pub const INTERNAL: u8 = 3;
    /// The engine failed (I/O, connection, a failed statement); nothing was written.
    pub const ENGINE: u8 = 4;
}

const AFTER_HELP: &str = "\
Examples:
  bannerc compile campaign.bnr -o plan.sql      BigQuery SQL for the campaign
  bannerc check campaigns/*.bnr                 check every campaign (CI)
  bannerc explain campaign.bnr                  the phase table and the run's steps

Campaign files are `.bnr` (the campaign language) or `.yaml`/`.yml` (the
original configuration format); both mean the same thing.

Exit status: 0 success; 1 the campaign has errors, a check refused the run,
or `rollback` names no known run; 2 bad command line; 3 internal error
(generated SQL failed verification); 4 the engine failed. Whatever the status, nothing is left half written.

Set BANNERC_LOG=debug to see what each stage does.";

/// bannerc compiles banner campaigns to checked, atomic BigQuery SQL.
#[derive(Debug, Parser)]
#[command(name = "bannerc", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile a campaign to one SQL script (written only if it verifies).
    Compile(compile::CompileArgs),
    /// Check campaigns for errors and warnings, without compiling them.
    Check(check::CheckArgs),
    /// Show a campaign's phases and the steps of its run.
    Explain(explain::ExplainArgs),
    /// Turn a YAML configuration into a `.bnr` campaign (and its run
    /// settings into a `bannerc.toml` profile).
    Import(import::ImportArgs),
    /// Run the pre-flight checks on the real data and show what `apply`
    /// would do, phase by phase, with sample rows; writes nothing.
    Plan(plan::PlanArgs),
    /// Run a campaign on the database in one transaction.
    Apply(apply::ApplyArgs),
    /// Undo an applied run in one transaction.
    Rollback(rollback::RollbackArgs),
    /// List the runs recorded in the database's ledgers, newest first.
    History(history::HistoryArgs),
    /// Create a DuckDB file of realistic logs and run examples/demo.bnr on
    /// it: check, plan and apply, printing what happened.
    Demo(demo::DemoArgs),
}

/// Options shared by the commands that compile.
#[derive(Debug, Clone, clap::Args)]
pub struct CompileOptions {
    /// fused: one scan, staging untouched (default); in-place: the manual
    /// process made safe (staging relabeled, backed up first).
    #[arg(long, value_enum, default_value_t = ModeArg::Fused)]
    pub mode: ModeArg,
    /// Per-day source row counts (CSV `date,rows`) for `split volume`, so
    /// that its phases can be cut without the data.
    #[arg(long, value_name = "counts.csv")]
    pub stats: Option<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// The lowering mode on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Fused,
    InPlace,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Mode {
        match mode {
            ModeArg::Fused => Mode::Fused,
            ModeArg::InPlace => Mode::InPlace,
        }
    }
}

/// Run the command line; the binary's whole `main`.
pub fn main() -> ExitCode {
    restore_default_sigpipe();
    init_tracing();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            if !error.use_stderr() {
                return ExitCode::from(exit::OK);
            }
            if wants_json(std::env::args_os().skip(1)) {
                // Scripts get a document whatever happened, even for a bad
                // command line.
                let rendered = error.render().to_string();
                let message = rendered.trim().trim_start_matches("error: ");
                out::write(&format!(
                    "{}\n",
                    serde_json::json!({"status": "error", "error": message, "exit_code": exit::USAGE})
                ));
            }
            return ExitCode::from(exit::USAGE);
        }
    };
    let code = match cli.command {
        Command::Compile(args) => compile::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Rollback(args) => rollback::run(&args),
        Command::History(args) => history::run(&args),
        Command::Demo(args) => demo::run(&args),
    };
    ExitCode::from(code)
}

/// Whether a command line asks for JSON output (`--format json` or
/// `--format=json`), read from the raw arguments when clap refused them.
fn wants_json(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<std::ffi::OsString> = args.collect();
    args.iter().enumerate().any(|(index, arg)| {
        arg == "--format=json"
            || (arg == "--format" && args.get(index + 1).is_some_and(|next| next == "json"))
    })
}

/// Like other command-line tools, end quietly when the reader of our output
/// goes away (`bannerc explain … | head`) instead of failing on every write.
/// A run in progress is a transaction: ending it mid-way writes nothing.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists;
    // setting a signal's disposition to its default is always sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// `BANNERC_LOG` sets what bannerc logs to standard error. A bare level
/// (`BANNERC_LOG=debug`) is bannerc's own stages only, not the libraries'
/// (sqlparser alone traces megabytes per script); a full filter such as
/// `BANNERC_LOG=bannerc=debug,sqlparser=trace` is taken as written.
fn init_tracing() {
    let levels = ["error", "warn", "info", "debug", "trace"];
    let directives = match std::env::var("BANNERC_LOG") {
        Ok(level) if levels.contains(&level.trim().to_ascii_lowercase().as_str()) => {
            format!("warn,bannerc={}", level.trim())
        }
        Ok(filter) => filter,
        Err(_) => "warn".to_string(),
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
