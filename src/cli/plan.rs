//! `bannerc plan`: every pre-flight check of SEMANTICS.md on the real data,
//! the phases with the rows each takes, one sample row before and after per
//! phase, and the warnings. The database is opened read-only: `plan`
//! cannot write anything.

use std::path::PathBuf;

use clap::Args;

use super::ModeArg;
use super::exit;
use super::out::{out, outln};
use super::report;
use super::session::{self, EngineArgs, Format, Stop};
use crate::exec::Access;
use crate::ir::Mode;

/// Arguments of `bannerc plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The campaign file (`.bnr`, `.yaml` or `.yml`).
    pub file: PathBuf,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// The mode `apply` would use (in-place also checks staging's log names).
    #[arg(long, value_enum, default_value_t = ModeArg::Fused)]
    pub mode: ModeArg,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Plan as `apply --allow-reuse` would run: source rows that an earlier
    /// applied run already took are reported but do not refuse the plan.
    #[arg(long)]
    pub allow_reuse: bool,
}

/// Run `bannerc plan`; returns the exit code (1 when a check would refuse the run).
pub fn run(args: &PlanArgs) -> u8 {
    match plan(args) {
        Ok(code) => code,
        Err(stop) => session::report(stop, args.format),
    }
}

fn plan(args: &PlanArgs) -> Result<u8, Stop> {
    let (spec, mut engine) = session::open_engine(&args.engine, Access::ReadOnly)?;
    let prepared = session::prepare(&args.file, engine.as_mut(), args.deny_warnings)?;
    let mode: Mode = args.mode.into();
    let script = session::compile(&prepared.campaign, engine.dialect(), mode, None)?;
    let preflight = session::preflight(
        engine.as_mut(),
        &prepared.campaign,
        mode,
        args.deny_warnings,
    )?;
    let estimated_bytes = engine.estimate_bytes(&script)?;
    let ok = !preflight.blocks(args.allow_reuse);
    let engine_name = spec.to_string();
    match args.format {
        Format::Text => {
            out!(
                "{}",
                report::plan_text(&prepared, &engine_name, mode, &preflight, args.allow_reuse,)
            );
            if let Some(bytes) = estimated_bytes {
                outln!(
                    "\nestimate: the run would process about {} (from a dry run)",
                    human_bytes(bytes)
                );
            }
            outln!(
                "\n{}",
                verdict(&preflight, ok, &prepared.campaign.target.node.to_string())
            );
        }
        Format::Json => {
            let mut value = report::plan_json(&prepared, &engine_name, mode, &preflight, ok);
            value["estimated_bytes"] = serde_json::json!(estimated_bytes);
            // The same key as apply's and the error document's.
            value["status"] = serde_json::json!(match (&preflight.already_applied, ok) {
                (Some(_), _) => "already_applied",
                (None, true) => "ok",
                (None, false) => "refused",
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
    Ok(if ok { exit::OK } else { exit::INVALID })
}

fn verdict(preflight: &session::Preflight, ok: bool, target: &str) -> String {
    let rows: u64 = preflight
        .inspection
        .phases
        .iter()
        .map(|p| p.taken_rows)
        .sum();
    if let Some(entry) = &preflight.already_applied {
        return format!(
            "plan: already applied as run {}; `bannerc apply` would do nothing",
            entry.run_id
        );
    }
    if ok {
        format!(
            "plan: OK — `bannerc apply` would insert {rows} rows into {target}; nothing was written"
        )
    } else {
        "plan: `bannerc apply` would refuse this run (see the errors above); nothing was written"
            .into()
    }
}

/// Bytes for people: `1.5 GB`.
fn human_bytes(bytes: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
