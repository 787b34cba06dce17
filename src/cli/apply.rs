//! `bannerc apply`: the whole run in one transaction. Refuses without a
//! terminal to confirm on unless `--yes`; does nothing (exit 0) when the
//! same plan was already applied; refuses to take rows an applied run took
//! unless `--allow-reuse`; runs the pre-flight on the data, then the
//! verified script, and prints a summary.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use clap::Args;
use serde_json::json;

use super::ModeArg;
use super::exit;
use super::out::{out, outln};
use super::report;
use super::session::{self, EngineArgs, Format, Preflight, Prepared, Stop};
use crate::exec::facts::RunReport;
use crate::exec::{Access, RunObserver};
use crate::ir::Mode;

/// Arguments of `bannerc apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The campaign file (`.bnr`, `.yaml` or `.yml`).
    pub file: PathBuf,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// fused: one scan, staging untouched (default); in-place: staging is
    /// relabeled in place after a backup, like the manual process.
    #[arg(long, value_enum, default_value_t = ModeArg::Fused)]
    pub mode: ModeArg,
    /// Apply without asking (required when there is no terminal).
    #[arg(long)]
    pub yes: bool,
    /// Take rows that an applied run on the same source already took.
    #[arg(long)]
    pub allow_reuse: bool,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Run `bannerc apply`; returns the exit code.
pub fn run(args: &ApplyArgs) -> u8 {
    match apply(args) {
        Ok(code) => code,
        Err(stop) => session::report(stop, args.format),
    }
}

fn apply(args: &ApplyArgs) -> Result<u8, Stop> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let no_confirmation = || {
        Stop::new(
            "there is no terminal to confirm on; pass --yes to apply without confirmation",
            exit::USAGE,
        )
    };
    // A dry run needs no confirmation: a profile's is known now (and a
    // settings file that cannot be read says so first, not behind a request
    // for --yes), a YAML file's once the file is read, below.
    let profile_dry_run = profile_dry_run_setting(args)?;
    let may_be_dry = profile_dry_run.is_some() || super::pipeline::is_yaml(&args.file);
    if !args.yes && !interactive && !may_be_dry {
        return Err(no_confirmation());
    }
    let (spec, mut engine) = session::open_engine(&args.engine, Access::ReadWrite)?;
    let prepared = session::prepare(&args.file, engine.as_mut(), args.deny_warnings)?;
    let mode: Mode = args.mode.into();
    session::compile(&prepared.campaign, engine.dialect(), mode, None)?;
    let preflight = session::preflight(
        engine.as_mut(),
        &prepared.campaign,
        mode,
        args.deny_warnings,
    )?;
    if let Some(entry) = &preflight.already_applied {
        return Ok(already_applied(
            args.format,
            &entry.run_id,
            entry.finished_at.as_deref(),
        ));
    }
    if preflight.blocks(args.allow_reuse) {
        return Ok(refused(
            args,
            &prepared,
            &spec.to_string(),
            mode,
            &preflight,
        ));
    }
    if let Some(setting) = yaml_dry_run_setting(&prepared).or(profile_dry_run) {
        return Ok(dry_run(
            args,
            &prepared,
            &spec.to_string(),
            mode,
            &preflight,
            &setting,
        ));
    }
    if !args.yes && !interactive {
        return Err(no_confirmation());
    }
    if !args.yes && !confirm(&prepared, &preflight, mode)? {
        eprintln!("not applied; nothing was written");
        return Ok(exit::OK);
    }
    let script = session::compile(
        &prepared.campaign,
        engine.dialect(),
        mode,
        Some(new_run_id()),
    )?;
    let observer = Progress::new(interactive && args.format == Format::Text);
    let outcome = engine.run(&script, &observer);
    observer.finish();
    let report = outcome?;
    print_summary(args.format, &report, &prepared, &preflight);
    Ok(exit::OK)
}

fn already_applied(format: Format, run_id: &str, at: Option<&str>) -> u8 {
    match format {
        Format::Text => outln!(
            "already applied as run {run_id} ({}); nothing to do",
            at.unwrap_or("time unknown")
        ),
        Format::Json => outln!("{}", json!({"status": "already_applied", "run_id": run_id})),
    }
    exit::OK
}

const DRY_RUN: &str = "dry_run";

/// The YAML configuration's `campaign.execution_mode = "dry_run"`, named,
/// if it has one (the original design's dry run: everything but the
/// writes).
fn yaml_dry_run_setting(prepared: &Prepared) -> Option<String> {
    (prepared.execution_mode.as_deref() == Some(DRY_RUN)).then(|| {
        format!(
            "{} (campaign.execution_mode)",
            prepared.loaded.path.display()
        )
    })
}

/// The chosen profile's `execution_mode = "dry_run"`, named, if it has one.
fn profile_dry_run_setting(args: &ApplyArgs) -> Result<Option<String>, Stop> {
    let Some(profile) = args.engine.profile.as_deref() else {
        return Ok(None);
    };
    let directory = std::env::current_dir().map_err(|e| Stop::new(e.to_string(), exit::ENGINE))?;
    let mode = crate::exec::engine::profile_execution_mode(profile, &directory)
        .map_err(|m| Stop::new(m, exit::USAGE))?;
    Ok((mode.as_deref() == Some(DRY_RUN)).then(|| {
        format!(
            "{} ([profiles.{profile}])",
            crate::exec::engine::SETTINGS_FILE
        )
    }))
}

/// A dry run: the plan, and nothing written.
fn dry_run(
    args: &ApplyArgs,
    prepared: &Prepared,
    engine: &str,
    mode: Mode,
    preflight: &Preflight,
    setting: &str,
) -> u8 {
    match args.format {
        Format::Text => {
            out!(
                "{}",
                report::plan_text(prepared, engine, mode, preflight, args.allow_reuse)
            );
            outln!(
                "\napply: execution_mode is \"dry_run\" in {setting}: this was a dry run and \
                 nothing was written; set it to \"safe\" or \"production\" to apply"
            );
        }
        Format::Json => {
            let mut value = report::plan_json(prepared, engine, mode, preflight, true);
            value["status"] = json!("dry_run");
            value["dry_run_setting"] = json!(setting);
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
    exit::OK
}

fn refused(
    args: &ApplyArgs,
    prepared: &Prepared,
    engine: &str,
    mode: Mode,
    preflight: &Preflight,
) -> u8 {
    match args.format {
        Format::Text => {
            out!(
                "{}",
                report::plan_text(prepared, engine, mode, preflight, args.allow_reuse)
            );
            outln!("\napply: refused by the checks above; nothing was written");
        }
        Format::Json => {
            let mut value = report::plan_json(prepared, engine, mode, preflight, false);
            value["status"] = json!("refused");
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
    exit::INVALID
}

/// Ask on the terminal; anything but `y` or `yes` declines.
fn confirm(prepared: &Prepared, preflight: &Preflight, mode: Mode) -> Result<bool, Stop> {
    let rows: u64 = preflight
        .inspection
        .phases
        .iter()
        .map(|p| p.taken_rows)
        .sum();
    let campaign = &prepared.campaign;
    ask(&format!(
        "Apply campaign {} ({} mode): insert {rows} rows into {}{}?",
        campaign.name.node,
        mode.as_str(),
        campaign.target.node,
        if mode == Mode::InPlace {
            ", relabeling staging in place"
        } else {
            ""
        }
    ))
}

/// Ask `question` on the terminal; true for `y` or `yes`.
pub fn ask(question: &str) -> Result<bool, Stop> {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Stop::new(format!("cannot read the answer: {e}"), exit::USAGE))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// A new run id: the UTC time and a random suffix, e.g. `20250425T140509Z-3f9a2c`.
pub fn new_run_id() -> String {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        &suffix[..6]
    )
}

pub fn print_summary(
    format: Format,
    report: &RunReport,
    prepared: &Prepared,
    preflight: &Preflight,
) {
    // The pre-flight's warnings (none is blocking, or the run would not
    // have started) stay in the record of what was done, with any reuse
    // that --allow-reuse let through.
    let reuse = preflight.conflicts.iter().map(|conflict| {
        let message = format!(
            "{} (allowed by --allow-reuse)",
            report::conflict_text(conflict)
        );
        crate::exec::preflight::Finding::warning("reuse", message)
    });
    let warnings: Vec<crate::exec::preflight::Finding> = preflight
        .findings
        .iter()
        .filter(|f| !f.blocking)
        .cloned()
        .chain(reuse)
        .collect();
    match format {
        Format::Text => {
            for warning in &warnings {
                outln!("warning[{}]: {}", warning.kind, warning.message);
            }
            out!(
                "{}",
                report::run_text(report, &prepared.campaign.target.node.to_string())
            )
        }
        Format::Json => {
            let value = json!({
                "status": "applied",
                "run": report.entry,
                "elapsed_ms": report.elapsed_ms,
                "warnings": warnings,
                "diagnostics": super::render::json(&prepared.loaded.text, &prepared.diagnostics),
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
}

/// Steps and progress on standard error, on a terminal only.
pub struct Progress {
    enabled: bool,
    current: Mutex<String>,
}

impl Progress {
    /// A progress display, silent unless `enabled`.
    pub fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            current: Mutex::new(String::new()),
        }
    }

    /// End the progress line.
    pub fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

impl RunObserver for Progress {
    fn step(&self, step: &str, index: usize, total: usize) {
        if !self.enabled {
            return;
        }
        let line = format!("[{index}/{total}] {step}");
        eprint!("\r\x1b[2K{line}");
        if let Ok(mut current) = self.current.lock() {
            *current = line;
        }
    }

    fn progress(&self, percent: f64) {
        if let Ok(current) = self.current.lock() {
            eprint!("\r\x1b[2K{current} {percent:.0}%");
        }
    }

    fn wants_progress(&self) -> bool {
        self.enabled
    }
}
