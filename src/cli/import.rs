//! `bannerc import`: a YAML configuration of the original design turned
//! into a `.bnr` campaign, and its run settings into a `bannerc.toml`
//! profile (they belong to the environment, not the campaign).

use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value};

use super::compile::{is_an_input, write_atomically};
use super::pipeline::{load, parse};
use super::{exit, render};
use crate::diag::has_errors;
use crate::ir::RunSettings;

/// Arguments of `bannerc import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The YAML configuration (`.yaml` or `.yml`).
    pub file: PathBuf,
    /// Write the `.bnr` campaign here instead of standard output.
    #[arg(short, long, value_name = "campaign.bnr")]
    pub output: Option<PathBuf>,
    /// Write the run settings (`execution`, `logging`, `notification`) here
    /// as a `bannerc.toml` profile.
    #[arg(long, value_name = "bannerc.toml")]
    pub settings: Option<PathBuf>,
    /// The profile name for the settings.
    #[arg(long, default_value = "imported")]
    pub profile: String,
}

/// Run `bannerc import`; returns the exit code.
pub fn run(args: &ImportArgs) -> u8 {
    let loaded = match load(&args.file) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message, exit::INVALID),
    };
    let file = args.file.display().to_string();
    let (spec, diagnostics) = parse(&loaded);
    eprint!(
        "{}",
        render::human(&file, &loaded.text, &diagnostics, render::stderr_color())
    );
    let Some(spec) = spec.filter(|_| !has_errors(&diagnostics)) else {
        return exit::INVALID;
    };
    let outputs = [args.output.as_deref(), args.settings.as_deref()];
    if let Some(path) = outputs
        .into_iter()
        .flatten()
        .find(|p| is_an_input(p, &[&args.file]))
    {
        return fail(
            &format!("refusing to overwrite the input {}", path.display()),
            exit::USAGE,
        );
    }
    let campaign = format!("// Imported from {file}.\n{}", crate::syntax::print(&spec));
    let written = match &args.output {
        Some(path) => write_atomically(path, &campaign),
        None => {
            print!("{campaign}");
            Ok(())
        }
    };
    if let Err(message) = written {
        return fail(&message, exit::ENGINE);
    }
    match (&args.settings, settings_toml(&spec.settings, &args.profile)) {
        (Some(path), Some(toml)) => match write_atomically(path, &toml) {
            Ok(()) => exit::OK,
            Err(message) => fail(&message, exit::ENGINE),
        },
        (None, Some(_)) => {
            eprintln!(
                "note: the configuration has run settings; pass --settings FILE to keep them"
            );
            exit::OK
        }
        _ => exit::OK,
    }
}

fn fail(message: &str, code: u8) -> u8 {
    eprintln!("error: {message}");
    code
}

/// The run settings as a `[profiles.NAME]` TOML table, or `None` if empty.
pub fn settings_toml(settings: &RunSettings, profile: &str) -> Option<String> {
    let mut table = Map::new();
    let sections = [
        (
            "execution_mode",
            settings.execution_mode.clone().map(Value::String),
        ),
        ("execution", settings.execution.clone()),
        ("logging", settings.logging.clone()),
        ("notification", settings.notification.clone()),
    ];
    for (key, value) in sections {
        if let Some(value) = value.and_then(without_nulls) {
            table.insert(key.to_string(), value);
        }
    }
    if table.is_empty() {
        return None;
    }
    let mut profiles = Map::new();
    profiles.insert(profile.to_string(), Value::Object(table));
    let mut root = Map::new();
    root.insert("profiles".into(), Value::Object(profiles));
    toml::to_string_pretty(&Value::Object(root)).ok()
}

/// TOML has no null: drop them (and lists or tables left empty by it stay).
fn without_nulls(value: Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(Value::Array(
            items.into_iter().filter_map(without_nulls).collect(),
        )),
        Value::Object(map) => Some(Value::Object(
            map.into_iter()
                .filter_map(|(k, v)| without_nulls(v).map(|v| (k, v)))
                .collect(),
        )),
        other => Some(other),
    }
}
