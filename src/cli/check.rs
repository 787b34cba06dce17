//! `bannerc check`: errors and warnings for many files, for people, for
//! machines and for CI annotations.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::out::{out, outln};
use super::pipeline::{self, CompileFailure, load, load_campaign, read_counts};
use super::{exit, render};
use crate::diag::{Diagnostic, has_errors};
use crate::ir::Mode;
use crate::lower::{Dialect, LowerOptions};

/// Output formats of `bannerc check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// rustc-style messages with the source line and a caret.
    Human,
    /// One JSON document: a list of files with their diagnostics.
    Json,
    /// GitHub Actions `::error file=…,line=…,col=…::message` annotations.
    Github,
}

/// Arguments of `bannerc check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Campaign files (`.bnr`, `.yaml`, `.yml`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Per-day source row counts (CSV `date,rows`) to expand volume splits.
    #[arg(long, value_name = "counts.csv")]
    pub stats: Option<PathBuf>,
}

struct FileResult {
    file: String,
    text: String,
    diagnostics: Vec<Diagnostic>,
    /// A problem outside the text: unreadable file or internal error.
    failure: Option<(String, u8)>,
    note: Option<String>,
}

/// Run `bannerc check`; returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let counts = match read_counts(args.stats.as_deref()) {
        Ok(counts) => counts,
        Err(message) => {
            eprintln!("error: {message}");
            // Machines get the failure in their format too.
            match args.format {
                CheckFormat::Human => {}
                CheckFormat::Json => outln!(
                    "{}",
                    json!({"status": "error", "error": message, "exit_code": exit::INVALID})
                ),
                CheckFormat::Github => outln!("::error::{}", message.replace('\n', "%0A")),
            }
            return exit::INVALID;
        }
    };
    let results: Vec<FileResult> = args
        .files
        .iter()
        .map(|path| check_file(path, counts.as_ref(), args.deny_warnings))
        .collect();
    match args.format {
        CheckFormat::Human => print_human(&results),
        CheckFormat::Json => print_json(&results),
        CheckFormat::Github => print_github(&results),
    }
    results
        .iter()
        .map(|r| match &r.failure {
            Some((_, code)) => *code,
            None if has_errors(&r.diagnostics) => exit::INVALID,
            None => exit::OK,
        })
        .max()
        .unwrap_or(exit::OK)
}

fn check_file(
    path: &std::path::Path,
    counts: Option<&crate::plan::DayCounts>,
    deny: bool,
) -> FileResult {
    let file = path.display().to_string();
    let loaded = match load(path) {
        Ok(loaded) => loaded,
        Err(message) => {
            return FileResult {
                file,
                text: String::new(),
                diagnostics: vec![],
                failure: Some((message, exit::INVALID)),
                note: None,
            };
        }
    };
    let checked = load_campaign(&loaded, counts, deny);
    let mut result = FileResult {
        file,
        text: loaded.text.clone(),
        diagnostics: checked.diagnostics,
        failure: None,
        note: None,
    };
    match &checked.campaign {
        Some(campaign) => {
            result.failure = verify_default_mode(campaign);
            if result.failure.is_none() {
                result.note = duckdb_refusal(campaign);
            }
        }
        None if !has_errors(&result.diagnostics) => {
            result.note = Some(
                "volume split not expanded: pass --stats counts.csv to check its phases".into(),
            );
        }
        None => {}
    }
    result
}

/// Lower and verify the default (fused) BigQuery script, so CI catches
/// what `compile` would.
fn verify_default_mode(campaign: &crate::ir::Campaign) -> Option<(String, u8)> {
    let options = LowerOptions {
        mode: Mode::Fused,
        run_id: None,
    };
    match pipeline::compile(campaign, Dialect::Bigquery, &options) {
        Ok(_) => None,
        Err(CompileFailure::Verify(error)) => Some((error.to_string(), exit::INTERNAL)),
        Err(error) => Some((error.to_string(), exit::INVALID)),
    }
}

/// Why the DuckDB engine (the default) would refuse a campaign that is
/// fine on BigQuery: tables that are one DuckDB table, or dates outside its
/// window. A note, not a warning: the campaign may be meant for BigQuery.
fn duckdb_refusal(campaign: &crate::ir::Campaign) -> Option<String> {
    let options = LowerOptions {
        mode: Mode::Fused,
        run_id: None,
    };
    crate::lower::lower(campaign, Dialect::Duckdb, &options)
        .err()
        .map(|error| format!("it runs on BigQuery, but the DuckDB engine would refuse it: {error}"))
}

fn print_human(results: &[FileResult]) {
    let mut errors = 0;
    let mut warnings = 0;
    for result in results {
        eprint!(
            "{}",
            render::human(
                &result.file,
                &result.text,
                &result.diagnostics,
                render::stderr_color()
            )
        );
        if let Some((message, _)) = &result.failure {
            eprintln!("error: {}: {message}", result.file);
            errors += 1;
        }
        if let Some(note) = &result.note {
            eprintln!("note: {}: {note}", result.file);
        }
        errors += result.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += result.diagnostics.iter().filter(|d| !d.is_error()).count();
    }
    let clean = results
        .iter()
        .filter(|r| r.failure.is_none() && !has_errors(&r.diagnostics))
        .count();
    eprintln!(
        "checked {} file{}: {clean} clean, {errors} error{}, {warnings} warning{}",
        results.len(),
        plural(results.len()),
        plural(errors),
        plural(warnings)
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn print_json(results: &[FileResult]) {
    let files: Vec<serde_json::Value> = results
        .iter()
        .map(|result| {
            json!({
                "file": result.file,
                "ok": result.failure.is_none() && !has_errors(&result.diagnostics),
                "error": result.failure.as_ref().map(|(message, _)| message),
                "note": result.note,
                "diagnostics": render::json(&result.text, &result.diagnostics),
            })
        })
        .collect();
    outln!(
        "{}",
        serde_json::to_string_pretty(&files).unwrap_or_default()
    );
}

fn print_github(results: &[FileResult]) {
    for result in results {
        out!(
            "{}",
            render::github(&result.file, &result.text, &result.diagnostics)
        );
        if let Some((message, _)) = &result.failure {
            outln!(
                "::error file={}::{}",
                result.file,
                message.replace('\n', "%0A")
            );
        }
        if let Some(note) = &result.note {
            outln!(
                "::notice file={}::{}",
                result.file,
                note.replace('\n', "%0A")
            );
        }
    }
}
