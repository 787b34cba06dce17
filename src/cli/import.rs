//! `bannerc import`: a YAML configuration of the original design turned
//! into a `.bnr` campaign, and its run settings into a `bannerc.toml`
//! profile (they belong to the environment, not the campaign).

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Map, Value};

use super::compile::{is_an_input, write_all_atomically};
use super::out::out;
use super::pipeline::{load, load_campaign};
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
    // The whole check, as `check` runs it: a campaign that would not
    // compile is not written out as one that looks fine.
    let checked = load_campaign(&loaded, None, false);
    eprint!(
        "{}",
        render::human(
            &file,
            &loaded.text,
            &checked.diagnostics,
            render::stderr_color()
        )
    );
    let Some(spec) = checked.spec.filter(|_| !has_errors(&checked.diagnostics)) else {
        eprintln!("error: {file} has errors; nothing was written");
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
    let campaign = format!(
        "// Imported from {file}.\n{}{}",
        description_comment(spec.settings.description.as_deref()),
        crate::syntax::print(&spec)
    );
    // The settings are merged first, so a settings file that cannot take
    // them stops the import before anything is written.
    let settings = match (&args.settings, settings_toml(&spec.settings, &args.profile)) {
        (Some(path), Some(toml)) => match merged_settings(path, &toml) {
            Ok(text) => Some((path, text)),
            Err(message) => return fail(&message, exit::ENGINE),
        },
        (None, Some(_)) => {
            eprintln!(
                "note: the configuration has run settings; pass --settings FILE to keep them"
            );
            None
        }
        (Some(path), None) => {
            eprintln!(
                "note: the configuration has no run settings (execution, logging, notification); \
                 {} is left as it is",
                path.display()
            );
            None
        }
        (None, None) => None,
    };
    // Both files, or neither.
    let mut files: Vec<(&Path, &str)> = Vec::new();
    if let Some(path) = &args.output {
        files.push((path, &campaign));
    }
    if let Some((path, text)) = &settings {
        files.push((path, text));
    }
    let written = write_all_atomically(&files);
    if written.is_ok() && args.output.is_none() {
        out!("{campaign}");
    }
    match written {
        Ok(()) => exit::OK,
        Err(message) => fail(&message, exit::ENGINE),
    }
}

/// The imported profile added to the settings file at `path`, if there is
/// one. Everything else stays, with its comments and layout: `[engine]`,
/// other profiles, and the keys of a profile of the same name that the
/// import does not set (its `engine`, or an `execution_mode` the YAML file
/// leaves out); the keys the import sets replace theirs. A file that is not
/// TOML is left alone.
fn merged_settings(path: &Path, imported: &str) -> Result<String, String> {
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(imported.into()),
        Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
    };
    let mut root: toml_edit::DocumentMut = existing.parse().map_err(|error| {
        format!(
            "{} is not a TOML settings file ({error}); not overwriting it",
            path.display()
        )
    })?;
    let imported: toml_edit::DocumentMut = imported
        .parse()
        .map_err(|error| format!("the imported settings are not TOML: {error}"))?;
    // Three levels: `profiles`, then the profile, then its keys.
    merge(root.as_table_mut(), imported.as_table(), 3);
    Ok(root.to_string())
}

/// Put `theirs` into `mine`: tables (inline or not) are merged `depth`
/// levels down; below that, and for any other value, theirs replaces mine.
fn merge(mine: &mut dyn toml_edit::TableLike, theirs: &dyn toml_edit::TableLike, depth: usize) {
    for (key, item) in theirs.iter() {
        let nested = (depth > 1)
            .then(|| {
                mine.get_mut(key)
                    .and_then(toml_edit::Item::as_table_like_mut)
            })
            .flatten();
        match (nested, item.as_table_like()) {
            (Some(mine), Some(theirs)) => merge(mine, theirs, depth - 1),
            _ => {
                mine.insert(key, item.clone());
            }
        }
    }
}

/// The configuration's `description`, kept as comment lines above the
/// campaign (the language has no field for it).
fn description_comment(description: Option<&str>) -> String {
    description
        .into_iter()
        .flat_map(str::lines)
        .map(|line| {
            // No control character (a lone carriage return, say) may end
            // the comment early and turn the rest of the line into code.
            let line: String = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            format!("// {}\n", line.trim_end())
        })
        .collect()
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
