//! What `plan`, `apply` and `demo` share: picking and opening the engine,
//! reading a campaign (with the day counts a volume split needs read from
//! the engine), and the pre-flight: inspection, judging, the ledger's
//! "already applied" and "Across runs" rules.

use std::path::Path;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::pipeline::{self, CompileFailure, Loaded, load, load_campaign, needs_counts_diagnostic};
use super::{exit, render};
use crate::diag::{Diagnostic, has_errors};
use crate::exec::facts::{Inspection, LedgerEntry};
use crate::exec::preflight::{self, Conflict, Finding};
use crate::exec::{Access, Engine, EngineError, EngineSpec, connect};
use crate::ir::{Campaign, Mode};
use crate::lower::{Dialect, LowerOptions, Script, duckdb::quote};
use crate::plan::{self, DayCounts};

/// `--engine`, shared by the commands that talk to a database.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// `duckdb:PATH` or `bigquery:PROJECT` (default: `[engine] url` of
    /// ./bannerc.toml, else duckdb:bannerc.duckdb).
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<String>,
    /// The BigQuery REST endpoint, for an emulator or a proxy (default:
    /// Google's; or `[engine] endpoint` of ./bannerc.toml). Credentials come
    /// from GOOGLE_APPLICATION_CREDENTIALS or application default
    /// credentials; an endpoint that needs none gets none.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Take the engine from `[profiles.NAME.engine]` of ./bannerc.toml
    /// (for example `dev` or `prod`); `--engine` still wins.
    #[arg(long, value_name = "NAME", env = "BANNERC_PROFILE")]
    pub profile: Option<String>,
}

/// `--format` of the engine commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and sentences for people.
    Text,
    /// One JSON document on standard output, for machines.
    Json,
}

/// A failure that ends a command: its message and exit code.
#[derive(Debug)]
pub struct Stop {
    pub message: String,
    pub code: u8,
    /// The campaign's diagnostics as JSON, when they are why it stopped.
    pub diagnostics: Option<serde_json::Value>,
}

impl Stop {
    /// A stop with `code`.
    pub fn new(message: impl Into<String>, code: u8) -> Stop {
        Stop {
            message: message.into(),
            code,
            diagnostics: None,
        }
    }
}

impl From<EngineError> for Stop {
    fn from(error: EngineError) -> Stop {
        let code = match &error {
            EngineError::CheckFailed { .. } | EngineError::Refused(_) => exit::INVALID,
            _ => exit::ENGINE,
        };
        Stop::new(error.to_string(), code)
    }
}

/// Open the engine the arguments name.
pub fn open_engine(
    args: &EngineArgs,
    access: Access,
) -> Result<(EngineSpec, Box<dyn Engine>), Stop> {
    let directory = std::env::current_dir().map_err(|e| Stop::new(e.to_string(), exit::ENGINE))?;
    let spec = EngineSpec::resolve(args.engine.as_deref(), args.profile.as_deref(), &directory)
        .and_then(|spec| spec.with_endpoint(args.endpoint.as_deref()))
        .map_err(|m| Stop::new(m, exit::USAGE))?;
    let engine = connect(&spec, access)?;
    Ok((spec, engine))
}

/// A campaign read and checked, with the day counts read for it, if any.
pub struct Prepared {
    pub loaded: Loaded,
    pub campaign: Campaign,
    pub diagnostics: Vec<Diagnostic>,
    pub day_counts: Option<DayCounts>,
    /// `campaign.execution_mode` of a YAML configuration, if it has one.
    pub execution_mode: Option<String>,
}

/// Read, expand (reading day counts from the engine for a volume split)
/// and check a campaign file; diagnostics go to standard error.
pub fn prepare(
    file: &Path,
    engine: &mut dyn Engine,
    deny_warnings: bool,
) -> Result<Prepared, Stop> {
    let loaded = load(file).map_err(|m| Stop::new(m, exit::INVALID))?;
    prepare_loaded(loaded, engine, deny_warnings)
}

/// [`prepare`] for a campaign already in memory.
pub fn prepare_loaded(
    loaded: Loaded,
    engine: &mut dyn Engine,
    deny_warnings: bool,
) -> Result<Prepared, Stop> {
    let name = loaded.path.display().to_string();
    let (spec, _) = pipeline::parse(&loaded);
    let day_counts = match spec.as_ref().filter(|spec| plan::needs_counts(spec)) {
        Some(spec) => {
            let window = spec.split.as_ref().map(|split| split.window.node);
            match window {
                Some(window) => {
                    Some(engine.day_counts(&spec.source.node, &spec.zone.node, window)?)
                }
                None => None,
            }
        }
        None => None,
    };
    let checked = load_campaign(&loaded, day_counts.as_ref(), deny_warnings);
    eprint!(
        "{}",
        render::human(
            &name,
            &loaded.text,
            &checked.diagnostics,
            render::stderr_color()
        )
    );
    if has_errors(&checked.diagnostics) {
        let mut stop = Stop::new(format!("{name} has errors; nothing was run"), exit::INVALID);
        stop.diagnostics = Some(serde_json::json!(render::json(
            &loaded.text,
            &checked.diagnostics
        )));
        return Err(stop);
    }
    let Some(campaign) = checked.campaign else {
        let missing = checked.spec.as_ref().map(needs_counts_diagnostic);
        eprint!(
            "{}",
            render::human(
                &name,
                &loaded.text,
                missing.as_slice(),
                render::stderr_color()
            )
        );
        return Err(Stop::new(
            format!("{name} cannot be expanded"),
            exit::INVALID,
        ));
    };
    let execution_mode = checked
        .spec
        .as_ref()
        .and_then(|spec| spec.settings.execution_mode.clone());
    Ok(Prepared {
        loaded,
        campaign,
        diagnostics: checked.diagnostics,
        day_counts,
        execution_mode,
    })
}

/// Lower for the engine's dialect and verify; a verification failure is
/// internal.
pub fn compile(
    campaign: &Campaign,
    dialect: Dialect,
    mode: Mode,
    run_id: Option<String>,
) -> Result<Script, Stop> {
    let options = LowerOptions { mode, run_id };
    match pipeline::compile(campaign, dialect, &options) {
        Ok(compiled) => Ok(compiled.script),
        Err(CompileFailure::Verify(error)) => Err(Stop::new(error.to_string(), exit::INTERNAL)),
        Err(error) => Err(Stop::new(error.to_string(), exit::INVALID)),
    }
}

/// The pre-flight: what the data says, and what the ledger says.
#[derive(Debug, Serialize)]
pub struct Preflight {
    pub inspection: Inspection,
    pub findings: Vec<Finding>,
    /// The applied run of this very plan, if any.
    pub already_applied: Option<LedgerEntry>,
    /// Applied runs whose rows this campaign would take again.
    pub conflicts: Vec<Conflict>,
}

impl Preflight {
    /// Whether a blocking finding (or, without `allow_reuse`, a conflict) stops the run.
    pub fn blocks(&self, allow_reuse: bool) -> bool {
        preflight::blocks(&self.findings) || (!allow_reuse && !self.conflicts.is_empty())
    }
}

/// Inspect and judge `campaign` in `mode` on `engine`. With
/// `deny_warnings`, the warnings the data gives stop the run like errors
/// (the campaign's own warnings were promoted when it was checked).
pub fn preflight(
    engine: &mut dyn Engine,
    campaign: &Campaign,
    mode: Mode,
    deny_warnings: bool,
) -> Result<Preflight, Stop> {
    let history = engine.history()?;
    let plan_hash = crate::lower::plan_hash(campaign);
    let already_applied = preflight::already_applied(&plan_hash, &history).cloned();
    // On DuckDB the project is dropped (`"dataset"."table"`) and names match
    // without case, so two names that differ only there are one table; on
    // BigQuery the whole name counts.
    let dialect = engine.dialect();
    let key = |table: &crate::ir::TableRef| match dialect {
        Dialect::Duckdb => quote::table_key(table),
        Dialect::Bigquery => table.to_string(),
    };
    let source = key(&campaign.source.node);
    let same_table =
        |text: &str| crate::ir::TableRef::parse(text).is_ok_and(|table| key(&table) == source);
    let conflicts = preflight::reuse_conflicts(campaign, &history, same_table)
        .into_iter()
        .filter(|conflict| Some(&conflict.run_id) != already_applied.as_ref().map(|e| &e.run_id))
        .collect();
    let inspection = engine.inspect(campaign, mode)?;
    let mut findings = preflight::judge(campaign, mode, &inspection);
    if already_applied.is_some() {
        // The applied run explains its own rows in the target.
        findings.retain(|finding| finding.kind != "target_has_own_rows");
    }
    if deny_warnings {
        for finding in findings.iter_mut().filter(|f| !f.blocking) {
            finding.blocking = true;
            finding
                .message
                .push_str(" (a warning, refused by --deny-warnings)");
        }
    }
    Ok(Preflight {
        inspection,
        findings,
        already_applied,
        conflicts,
    })
}

/// Print `stop` (on standard error, and as a JSON document on standard
/// output for `--format json`) and return its code.
pub fn report(stop: Stop, format: Format) -> u8 {
    eprintln!("error: {}", stop.message);
    if format == Format::Json {
        // Scripts get a document whatever happened.
        let mut document =
            serde_json::json!({"status": "error", "error": stop.message, "exit_code": stop.code});
        if let Some(diagnostics) = stop.diagnostics {
            document["diagnostics"] = diagnostics;
        }
        super::out::write(&format!("{document}\n"));
    }
    stop.code
}
