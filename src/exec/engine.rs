//! The engine trait that every database behind bannerc implements (DuckDB
//! now, BigQuery later), and how the command line picks one.
//!
//! An engine only *reads facts* and *runs verified scripts*; it never
//! decides whether a run may go ahead. Deciding is engine-independent and
//! lives in [`super::preflight`], so both engines refuse the same runs with
//! the same messages. The trait is synchronous: an engine with an async
//! client (BigQuery) blocks on its own runtime inside each method.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::ir::{Campaign, DateRange, Mode, TableRef, Zone};
use crate::lower::Script;
use crate::plan::DayCounts;

use super::facts::{Inspection, LedgerEntry, RollbackReport, RunReport};

/// A database that can run campaigns.
///
/// Every method either succeeds or leaves every table as it was; `run` and
/// `rollback` are all-or-nothing.
pub trait Engine {
    /// A short description for messages, e.g. `DuckDB file bannerc.duckdb`.
    fn describe(&self) -> String;

    /// The SQL dialect this engine runs.
    fn dialect(&self) -> crate::lower::Dialect;

    /// The bytes the script would process, when the engine can estimate it
    /// without running it (a BigQuery dry run).
    fn estimate_bytes(
        &mut self,
        _script: &crate::lower::Script,
    ) -> Result<Option<u64>, EngineError> {
        Ok(None)
    }

    /// Rows of `source` per local day of `zone` within `window`, from one
    /// grouped scan (for volume splits). Days without rows are absent.
    fn day_counts(
        &mut self,
        source: &TableRef,
        zone: &Zone,
        window: DateRange,
    ) -> Result<DayCounts, EngineError>;

    /// The pre-flight facts of `campaign` run in `mode`, read without
    /// writing anything: tables and schemas, per-phase counts, data errors
    /// with a sample, target (and, in-place, staging) rows already named
    /// `OWN`, and one sample row before and after each phase's transformation.
    fn inspect(&mut self, campaign: &Campaign, mode: Mode) -> Result<Inspection, EngineError>;

    /// Every run recorded in every ledger the engine can see, newest first.
    fn history(&mut self) -> Result<Vec<LedgerEntry>, EngineError>;

    /// Run a verified script all-or-nothing and report what it recorded.
    fn run(
        &mut self,
        script: &Script,
        observer: &dyn RunObserver,
    ) -> Result<RunReport, EngineError>;

    /// Undo an applied run in one transaction: delete its rows from the
    /// target, restore the staging rows it relabeled (in-place mode), and
    /// mark it `rolled_back` in the ledger.
    fn rollback(
        &mut self,
        run_id: &str,
        observer: &dyn RunObserver,
    ) -> Result<RollbackReport, EngineError>;
}

/// What a run reports while it goes: steps as they start, and the progress
/// of a long statement when the engine can estimate it.
pub trait RunObserver: Sync {
    /// Step `index` of `total` (1-based) named `step` is starting.
    fn step(&self, step: &str, index: usize, total: usize);

    /// The running statement is `percent` done (0 to 100).
    fn progress(&self, _percent: f64) {}

    /// Whether `progress` should be called at all (polling costs a thread).
    fn wants_progress(&self) -> bool {
        false
    }
}

/// An observer that ignores everything.
pub struct Silent;

impl RunObserver for Silent {
    fn step(&self, _step: &str, _index: usize, _total: usize) {}
}

/// Why an engine call failed. Whatever the kind, nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// A check inside the run failed (`bannerc check failed: …`).
    #[error("{message} (at step `{step}`); its transaction was rolled back, nothing was written")]
    CheckFailed { step: String, message: String },
    /// A statement failed.
    #[error(
        "step `{step}` failed: {message}; its transaction was rolled back, nothing was written"
    )]
    Statement { step: String, message: String },
    /// Another process holds the database.
    #[error("{0}")]
    Busy(String),
    /// The database, a table or a run does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request cannot be carried out as asked (e.g. rolling back a run
    /// that was already rolled back, or whose rows changed since).
    #[error("{0}")]
    Refused(String),
    /// This engine is not available in this build.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else the database reported.
    #[error("{0}")]
    Other(String),
}

/// Which engine to use, as written after `--engine`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineSpec {
    /// `duckdb:PATH`: a DuckDB database file.
    Duckdb { path: PathBuf },
    /// `bigquery:PROJECT`: a BigQuery project, at Google's endpoint or at
    /// `endpoint` (an emulator or a proxy, `--endpoint` or `[engine] endpoint`).
    Bigquery {
        project: String,
        endpoint: Option<String>,
    },
}

/// The DuckDB file used when neither `--engine` nor `bannerc.toml` names one.
pub const DEFAULT_DUCKDB_FILE: &str = "bannerc.duckdb";

/// The DuckDB file `bannerc demo` creates when `--engine` names none.
pub const DEMO_FILE: &str = "bannerc-demo.duckdb";

/// The settings file read from the current directory.
pub const SETTINGS_FILE: &str = "bannerc.toml";

impl FromStr for EngineSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let hint = "write `duckdb:PATH` (e.g. duckdb:bannerc.duckdb) or `bigquery:PROJECT`";
        match text.split_once(':') {
            Some(("duckdb", path)) if !path.is_empty() => Ok(EngineSpec::Duckdb {
                path: PathBuf::from(path),
            }),
            Some(("bigquery", project)) if !project.is_empty() => Ok(EngineSpec::Bigquery {
                project: project.to_string(),
                endpoint: None,
            }),
            Some(("duckdb" | "bigquery", _)) => Err(format!("`{text}` names no database; {hint}")),
            _ => Err(format!("`{text}` is not an engine; {hint}")),
        }
    }
}

impl fmt::Display for EngineSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineSpec::Duckdb { path } => write!(f, "duckdb:{}", path.display()),
            EngineSpec::Bigquery { project, .. } => write!(f, "bigquery:{project}"),
        }
    }
}

impl EngineSpec {
    /// The same engine reached at `endpoint` (BigQuery only; a DuckDB file
    /// has no endpoint, and one given for it is an error).
    pub fn with_endpoint(self, endpoint: Option<&str>) -> Result<EngineSpec, String> {
        match (self, endpoint) {
            (spec, None) => Ok(spec),
            (EngineSpec::Bigquery { project, .. }, Some(url)) => Ok(EngineSpec::Bigquery {
                project,
                endpoint: Some(url.to_string()),
            }),
            (EngineSpec::Duckdb { .. }, Some(_)) => {
                Err("`--endpoint` is for `bigquery:PROJECT` engines only".into())
            }
        }
    }

    /// The engine to use: `--engine` if given, else the `[engine]` table of
    /// `bannerc.toml` in `directory` (or, with `profile`, the
    /// `[profiles.NAME.engine]` table, falling back to `[engine]` for what it
    /// leaves out), else `duckdb:bannerc.duckdb`.
    pub fn resolve(
        flag: Option<&str>,
        profile: Option<&str>,
        directory: &Path,
    ) -> Result<EngineSpec, String> {
        if let (Some(flag), None) = (flag, profile) {
            return flag.parse();
        }
        let settings = directory.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&settings) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("cannot read {}: {e}", settings.display())),
        };
        let from_file = match &text {
            Some(text) => {
                from_settings(text, profile).map_err(|e| format!("{}: {e}", settings.display()))?
            }
            None if profile.is_some() => {
                return Err(format!(
                    "--profile needs a {SETTINGS_FILE} in {}, and there is none",
                    directory.display()
                ));
            }
            None => None,
        };
        match (flag, from_file) {
            (Some(flag), _) => flag.parse(),
            (None, Some(spec)) => Ok(spec),
            (None, None) => Ok(EngineSpec::Duckdb {
                path: PathBuf::from(DEFAULT_DUCKDB_FILE),
            }),
        }
    }
}

/// The tables a `bannerc.toml` may hold; anything else is a typo.
const SETTINGS_TABLES: [&str; 2] = ["engine", "profiles"];
/// The keys of an `[engine]` table.
const ENGINE_KEYS: [&str; 2] = ["url", "endpoint"];
/// The keys of a `[profiles.NAME]` table: its engine, and the run settings
/// `bannerc import` keeps from a YAML configuration.
const PROFILE_KEYS: [&str; 5] = [
    "engine",
    "execution_mode",
    "execution",
    "logging",
    "notification",
];

/// The `execution_mode` of `[profiles.NAME]` in the `bannerc.toml` of
/// `directory`, if it sets one. The file is checked as [`EngineSpec::resolve`]
/// checks it, so a broken one is reported here, before anything else.
pub fn profile_execution_mode(profile: &str, directory: &Path) -> Result<Option<String>, String> {
    let settings = directory.join(SETTINGS_FILE);
    let text = match std::fs::read_to_string(&settings) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "--profile needs a {SETTINGS_FILE} in {}, and there is none",
                directory.display()
            ));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", settings.display())),
    };
    from_settings(&text, Some(profile)).map_err(|e| format!("{}: {e}", settings.display()))?;
    let root: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mode = root
        .get("profiles")
        .and_then(|p| p.get(profile))
        .and_then(|p| p.get("execution_mode"))
        .and_then(toml::Value::as_str);
    Ok(mode.map(str::to_string))
}

/// The engine a `bannerc.toml` names, if it names one. With `profile`, its
/// `[profiles.NAME.engine]` keys win over `[engine]`'s.
fn from_settings(text: &str, profile: Option<&str>) -> Result<Option<EngineSpec>, String> {
    let root: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    if let Some(key) = root.keys().find(|k| !SETTINGS_TABLES.contains(&k.as_str())) {
        return Err(format!(
            "unknown table `{key}` (a settings file holds `[engine]` and `[profiles.NAME]`)"
        ));
    }
    let mut engine = engine_table(root.get("engine"), "[engine]")?;
    let profiles = match root.get("profiles") {
        None => None,
        Some(toml::Value::Table(profiles)) => Some(profiles),
        Some(_) => return Err("`profiles` must be a table of `[profiles.NAME]` tables".into()),
    };
    for (name, table) in profiles.into_iter().flatten() {
        let table = table
            .as_table()
            .ok_or_else(|| format!("`[profiles.{name}]` must be a table"))?;
        if let Some(key) = table.keys().find(|k| !PROFILE_KEYS.contains(&k.as_str())) {
            return Err(format!(
                "unknown key `{key}` in `[profiles.{name}]` (it takes {})",
                PROFILE_KEYS.map(|k| format!("`{k}`")).join(", ")
            ));
        }
        // `dry_run` keeps a profile from writing: a misspelling must not
        // quietly turn it into a real run.
        let modes = crate::config::EXECUTION_MODES;
        match table.get("execution_mode") {
            None => {}
            Some(toml::Value::String(mode)) if modes.contains(&mode.as_str()) => {}
            Some(other) => {
                return Err(format!(
                    "`execution_mode` of `[profiles.{name}]` is {other}; it takes {}",
                    modes
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    if let Some(name) = profile {
        let Some(chosen) = profiles.and_then(|p| p.get(name)) else {
            let known: Vec<&str> = profiles
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(format!(
                "there is no profile `{name}` (profiles here: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        };
        let overrides = engine_table(chosen.get("engine"), &format!("[profiles.{name}.engine]"))?;
        engine.extend(overrides);
    }
    let text_of = |key: &str| match engine.get(key) {
        None => Ok(None),
        Some(toml::Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(format!("`{key}` of the engine must be a string")),
    };
    let Some(url) = text_of("url")? else {
        return match text_of("endpoint")? {
            None => Ok(None),
            Some(_) => Err("an engine `endpoint` needs a `url = \"bigquery:PROJECT\"`".into()),
        };
    };
    let spec: EngineSpec = url.parse()?;
    spec.with_endpoint(text_of("endpoint")?).map(Some)
}

/// The keys of one engine table, checked.
fn engine_table(value: Option<&toml::Value>, name: &str) -> Result<toml::Table, String> {
    let Some(value) = value else {
        return Ok(toml::Table::new());
    };
    let table = value
        .as_table()
        .ok_or_else(|| format!("`{name}` must be a table"))?;
    if let Some(key) = table.keys().find(|k| !ENGINE_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown key `{key}` in `{name}` (it takes `url` and `endpoint`)"
        ));
    }
    Ok(table.clone())
}

/// How an engine opens its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only (`plan`, `history`): the database is opened read-only.
    ReadOnly,
    /// Reads and writes (`apply`, `rollback`, `demo`).
    ReadWrite,
    /// Reads and writes, creating the database if it does not exist (`demo`).
    Create,
}

/// Open the engine `spec` names.
pub fn connect(spec: &EngineSpec, access: Access) -> Result<Box<dyn Engine>, EngineError> {
    match spec {
        EngineSpec::Duckdb { path } => open_duckdb(path, access),
        EngineSpec::Bigquery { project, endpoint } => {
            super::bigquery::open(project, endpoint.as_deref(), access)
        }
    }
}

#[cfg(feature = "duckdb")]
fn open_duckdb(path: &Path, access: Access) -> Result<Box<dyn Engine>, EngineError> {
    Ok(Box::new(super::duckdb::DuckDbEngine::open(path, access)?))
}

#[cfg(not(feature = "duckdb"))]
fn open_duckdb(path: &Path, _access: Access) -> Result<Box<dyn Engine>, EngineError> {
    Err(EngineError::Unavailable(format!(
        "this bannerc was built without DuckDB (feature `duckdb`), so it cannot open {}; rebuild with \
         default features",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_print() {
        let duck: EngineSpec = "duckdb:data/x.duckdb".parse().unwrap();
        assert_eq!(
            duck,
            EngineSpec::Duckdb {
                path: PathBuf::from("data/x.duckdb")
            }
        );
        assert_eq!(duck.to_string(), "duckdb:data/x.duckdb");
        let bigquery: EngineSpec = "bigquery:my-project".parse().unwrap();
        assert_eq!(
            bigquery,
            EngineSpec::Bigquery {
                project: "my-project".into(),
                endpoint: None,
            }
        );
        assert!(
            "duckdb:"
                .parse::<EngineSpec>()
                .unwrap_err()
                .contains("names no database")
        );
        assert!(
            "sqlite:x"
                .parse::<EngineSpec>()
                .unwrap_err()
                .contains("is not an engine")
        );
    }

    #[test]
    fn settings_name_the_engine() {
        let spec = from_settings("[engine]\nurl = \"duckdb:dev.duckdb\"\n", None).unwrap();
        assert_eq!(
            spec,
            Some(EngineSpec::Duckdb {
                path: PathBuf::from("dev.duckdb")
            })
        );
        assert_eq!(from_settings("", None).unwrap(), None);
        assert!(from_settings("[engine]\nurl = 3\n", None).is_err());
    }

    #[test]
    fn a_profile_overrides_the_engine_and_typos_are_errors() {
        let settings = "[engine]\nurl = \"duckdb:dev.duckdb\"\n\n\
                        [profiles.prod.engine]\nurl = \"bigquery:prod-project\"\n\n\
                        [profiles.imported]\nexecution_mode = \"safe\"\n";
        assert_eq!(
            from_settings(settings, Some("prod")).unwrap(),
            Some(EngineSpec::Bigquery {
                project: "prod-project".into(),
                endpoint: None
            })
        );
        // A profile without an engine table keeps `[engine]`.
        assert_eq!(
            from_settings(settings, Some("imported")).unwrap(),
            from_settings(settings, None).unwrap()
        );
        let unknown = from_settings(settings, Some("staging")).unwrap_err();
        assert!(
            unknown.contains("no profile `staging`") && unknown.contains("imported, prod"),
            "{unknown}"
        );
        assert!(
            from_settings("[bogus]\nx = 1\n", None)
                .unwrap_err()
                .contains("unknown table `bogus`")
        );
        let typo = "[profiles.prod.engin]\nurl = \"duckdb:prod.duckdb\"\n";
        assert!(
            from_settings(typo, Some("prod"))
                .unwrap_err()
                .contains("unknown key `engin` in `[profiles.prod]`")
        );
        assert!(
            from_settings("[engine]\nulr = \"duckdb:x\"\n", None)
                .unwrap_err()
                .contains("unknown key `ulr`")
        );
        for mode in ["\"DRY_RUN\"", "\"dry-run\"", "1"] {
            let settings = format!("[profiles.x]\nexecution_mode = {mode}\n");
            let error = from_settings(&settings, Some("x")).unwrap_err();
            assert!(
                error.contains("`execution_mode` of `[profiles.x]` is")
                    && error.contains("\"safe\", \"dry_run\", \"production\""),
                "{error}"
            );
        }
    }

    #[test]
    fn the_flag_wins_and_a_profile_needs_a_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let flag = Some("duckdb:x.duckdb");
        let x = EngineSpec::Duckdb {
            path: PathBuf::from("x.duckdb"),
        };
        assert!(
            EngineSpec::resolve(None, Some("prod"), dir.path())
                .unwrap_err()
                .contains("needs a bannerc.toml")
        );
        std::fs::write(dir.path().join(SETTINGS_FILE), "not [ toml").unwrap();
        // `--engine` alone does not read the settings file at all.
        assert_eq!(EngineSpec::resolve(flag, None, dir.path()).unwrap(), x);
        assert!(EngineSpec::resolve(None, None, dir.path()).is_err());
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "[profiles.prod.engine]\nurl = \"bigquery:p\"\n",
        )
        .unwrap();
        assert_eq!(
            EngineSpec::resolve(flag, Some("prod"), dir.path()).unwrap(),
            x
        );
        assert!(matches!(
            EngineSpec::resolve(None, Some("prod"), dir.path()).unwrap(),
            EngineSpec::Bigquery { project, .. } if project == "p"
        ));
    }

    #[test]
    fn a_bigquery_endpoint_comes_from_the_flag_or_the_settings() {
        let spec: EngineSpec = "bigquery:p".parse().unwrap();
        let at = spec.with_endpoint(Some("http://127.0.0.1:9050")).unwrap();
        assert_eq!(
            at,
            EngineSpec::Bigquery {
                project: "p".into(),
                endpoint: Some("http://127.0.0.1:9050".into())
            }
        );
        let settings = "[engine]\nurl = \"bigquery:p\"\nendpoint = \"http://x:1\"\n";
        assert!(matches!(
            from_settings(settings, None).unwrap(),
            Some(EngineSpec::Bigquery { endpoint: Some(url), .. }) if url == "http://x:1"
        ));
        let duck: EngineSpec = "duckdb:x.duckdb".parse().unwrap();
        assert!(duck.with_endpoint(Some("http://x")).is_err());
    }
}
