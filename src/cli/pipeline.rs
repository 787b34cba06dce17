//! The stages joined: read a file, pick its front end, expand, check, lower,
//! verify. Each step returns diagnostics or an internal error; nothing is
//! printed here.

use std::path::{Path, PathBuf};

use tracing::debug;

use crate::diag::{Diagnostic, has_errors};
use crate::ir::{Campaign, CampaignSpec, Span};
use crate::lower::{self, Dialect, LowerOptions, Script};
use crate::plan::{self, DayCounts};
use crate::verify::{self, Verified, VerifyError};
use crate::{check, config, syntax};

/// A campaign file read into memory.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
}

/// Read a campaign file. A file that is not UTF-8 is a diagnostic, not a crash.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = match String::from_utf8(bytes) {
        // Editors on Windows may start a UTF-8 file with a byte-order mark;
        // it is not part of the text.
        Ok(text) => match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        },
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            return Err(format!(
                "{} is not a text file: invalid UTF-8 at byte {valid}",
                path.display()
            ));
        }
    };
    Ok(Loaded {
        path: path.to_path_buf(),
        text,
    })
}

/// Whether the file is YAML (by extension); everything else is `.bnr`.
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Parse with the file's front end.
pub fn parse(loaded: &Loaded) -> (Option<CampaignSpec>, Vec<Diagnostic>) {
    debug!(path = %loaded.path.display(), "parsing");
    if is_yaml(&loaded.path) {
        config::parse(&loaded.text)
    } else {
        syntax::parse(&loaded.text)
    }
}

/// The outcome of the front half: a checked campaign and its warnings, or
/// the diagnostics that stop it. `None` with no errors means the campaign
/// needs row counts to be expanded and none were given.
pub struct Checked {
    pub campaign: Option<Campaign>,
    pub spec: Option<CampaignSpec>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse, expand and check. With `deny_warnings`, warnings become errors.
pub fn load_campaign(loaded: &Loaded, counts: Option<&DayCounts>, deny_warnings: bool) -> Checked {
    let (spec, mut diagnostics) = parse(loaded);
    let Some(spec) = spec.filter(|_| !has_errors(&diagnostics)) else {
        return Checked {
            campaign: None,
            spec: None,
            diagnostics,
        };
    };
    if counts.is_none() && plan::needs_counts(&spec) {
        debug!("volume split without counts: expansion deferred");
        diagnostics.extend(plan::faults_without_counts(&spec));
        return Checked {
            campaign: None,
            spec: Some(spec),
            diagnostics,
        };
    }
    debug!("expanding schedule");
    let campaign = match plan::expand(&spec, counts) {
        Ok(campaign) => campaign,
        Err(errors) => {
            diagnostics.extend(errors);
            return Checked {
                campaign: None,
                spec: Some(spec),
                diagnostics,
            };
        }
    };
    debug!(phases = campaign.phases.len(), "checking");
    diagnostics.extend(check::check(&campaign, deny_warnings));
    let campaign = (!has_errors(&diagnostics)).then_some(campaign);
    Checked {
        campaign,
        spec: Some(spec),
        diagnostics,
    }
}

/// A compiled and verified script.
pub struct Compiled {
    pub script: Script,
    pub verified: Verified,
}

/// Lower and verify.
pub fn compile(
    campaign: &Campaign,
    dialect: Dialect,
    options: &LowerOptions,
) -> Result<Compiled, CompileFailure> {
    debug!(?dialect, mode = options.mode.as_str(), "lowering");
    let script = lower::lower(campaign, dialect, options).map_err(CompileFailure::Lower)?;
    debug!(bytes = script.sql.len(), "verifying");
    let verified = verify::verify(&script).map_err(CompileFailure::Verify)?;
    Ok(Compiled { script, verified })
}

/// Why lowering or verification failed.
#[derive(Debug, thiserror::Error)]
pub enum CompileFailure {
    #[error("{0}")]
    Lower(lower::LowerError),
    #[error("{0}")]
    Verify(VerifyError),
}

/// Read `--stats` counts, as a diagnostic-free error string on failure.
pub fn read_counts(path: Option<&Path>) -> Result<Option<DayCounts>, String> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    DayCounts::from_csv(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The message for a campaign whose volume split needs counts.
pub fn needs_counts_diagnostic(spec: &CampaignSpec) -> Diagnostic {
    let span = spec.split.as_ref().map_or(Span::default(), |s| s.span);
    Diagnostic::error("E0410", "this volume split needs the source's per-day row counts", span)
        .with_hint("pass `--stats counts.csv` (columns date,rows), or run `bannerc plan`, which reads them from the engine")
}

/// How far a text got through the whole pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// The front end or the checks reported errors.
    Rejected,
    /// Both modes lowered and verified.
    Verified,
}

/// Push arbitrary text through every stage: front end, expansion (a volume
/// split gets 1,000 rows a day), checks, and both lowerings with
/// verification. Used by the fuzz targets and the arbitrary-text property
/// test: any panic, and any verification failure, is a bug.
pub fn run_text(text: &str, yaml: bool) -> Result<Reached, CompileFailure> {
    let (spec, diagnostics) = if yaml {
        config::parse(text)
    } else {
        syntax::parse(text)
    };
    let Some(spec) = spec.filter(|_| !has_errors(&diagnostics)) else {
        return Ok(Reached::Rejected);
    };
    let counts = plan::needs_counts(&spec).then(|| uniform_counts(&spec));
    let Ok(campaign) = plan::expand(&spec, counts.as_ref()) else {
        return Ok(Reached::Rejected);
    };
    if has_errors(&check::check(&campaign, false)) {
        return Ok(Reached::Rejected);
    }
    for dialect in [Dialect::Bigquery, Dialect::Duckdb] {
        for mode in [crate::ir::Mode::Fused, crate::ir::Mode::InPlace] {
            compile(&campaign, dialect, &LowerOptions { mode, run_id: None })?;
        }
    }
    Ok(Reached::Verified)
}

/// 1,000 rows on every day of a split's window.
fn uniform_counts(spec: &CampaignSpec) -> DayCounts {
    spec.split
        .iter()
        .flat_map(|split| split.window.node.iter_days())
        .map(|day| (day, 1_000))
        .collect()
}
