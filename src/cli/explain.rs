//! `bannerc explain`: the phase table and the run's steps, as text, as
//! stable JSON, or as a Graphviz graph.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::json;

use super::out::{out, outln};
use super::pipeline::{load, load_campaign, needs_counts_diagnostic, read_counts};
use super::{CompileOptions, exit, render};
use crate::check::OpGraph;
use crate::diag::{Diagnostic, has_errors};
use crate::ir::{Campaign, Mode, Phase};

/// Output formats of `bannerc explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A table for people.
    Text,
    /// Stable JSON (see the README).
    Json,
}

/// Arguments of `bannerc explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The campaign file (`.bnr`, `.yaml` or `.yml`).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Print the operation graph as Graphviz dot instead.
    #[arg(long)]
    pub graph: bool,
    #[command(flatten)]
    pub options: CompileOptions,
}

/// Run `bannerc explain`; returns the exit code.
pub fn run(args: &ExplainArgs) -> u8 {
    let loaded = match load(&args.file) {
        Ok(loaded) => loaded,
        Err(message) => return refused(args.format, &message, None),
    };
    let counts = match read_counts(args.options.stats.as_deref()) {
        Ok(counts) => counts,
        Err(message) => return refused(args.format, &message, None),
    };
    let file = args.file.display().to_string();
    let checked = load_campaign(&loaded, counts.as_ref(), args.options.deny_warnings);
    if has_errors(&checked.diagnostics) {
        eprint!(
            "{}",
            render::human(
                &file,
                &loaded.text,
                &checked.diagnostics,
                render::stderr_color()
            )
        );
        let message = format!("{file} has errors");
        let diagnostics = render::json(&loaded.text, &checked.diagnostics);
        return refused(args.format, &message, Some(&diagnostics));
    }
    let Some(campaign) = checked.campaign else {
        let missing = checked.spec.as_ref().map(needs_counts_diagnostic);
        eprint!(
            "{}",
            render::human(
                &file,
                &loaded.text,
                missing.as_slice(),
                render::stderr_color()
            )
        );
        let diagnostics = render::json(&loaded.text, missing.as_slice());
        return refused(
            args.format,
            &format!("{file} has errors"),
            Some(&diagnostics),
        );
    };
    let mode: Mode = args.options.mode.into();
    let graph = match OpGraph::build(&campaign, mode) {
        Ok(graph) => graph,
        Err(cycle) => {
            eprintln!("error: {cycle}");
            return exit::INTERNAL;
        }
    };
    if args.graph {
        out!("{}", graph.to_dot(campaign.name.node.as_str()));
        return exit::OK;
    }
    match args.format {
        ExplainFormat::Text => {
            eprint!(
                "{}",
                render::human(
                    &file,
                    &loaded.text,
                    &checked.diagnostics,
                    render::stderr_color()
                )
            );
            out!("{}", text(&campaign, &graph, mode));
        }
        ExplainFormat::Json => {
            let value = explain_json(&campaign, &graph, mode, &loaded.text, &checked.diagnostics);
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
    exit::OK
}

/// A campaign that cannot be explained: the message on standard error,
/// and for `--format json` a document on standard output as well (with the
/// diagnostics, when there are any), so that scripts always get one.
fn refused(
    format: ExplainFormat,
    message: &str,
    diagnostics: Option<&[render::JsonDiagnostic<'_>]>,
) -> u8 {
    if diagnostics.is_none() {
        eprintln!("error: {message}");
    }
    if format == ExplainFormat::Json {
        let mut document = json!({"status": "error", "error": message, "exit_code": exit::INVALID});
        if let Some(diagnostics) = diagnostics {
            document["diagnostics"] = json!(diagnostics);
        }
        outln!("{document}");
    }
    exit::INVALID
}

/// The explanation as text: the campaign, its phases, the run's steps.
pub fn text(campaign: &Campaign, graph: &OpGraph, mode: Mode) -> String {
    let mut out = format!(
        "campaign {}\n  zone    {}\n  source  {}\n  target  {}\n  mode    {}\n\n",
        campaign.name.node,
        campaign.zone.node,
        campaign.source.node,
        campaign.target.node,
        mode.as_str()
    );
    out.push_str(&phase_table(campaign).to_string());
    out.push_str("\n\nsteps\n");
    for (index, op) in graph.order.iter().enumerate() {
        out.push_str(&format!("  {:>3}. {}\n", index + 1, op.label()));
    }
    out
}

fn phase_table(campaign: &Campaign) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "phase",
        "takes days",
        "special logs",
        "except",
        "target",
        "banner",
        "log name",
    ]);
    for phase in &campaign.phases {
        table.add_row([
            phase.id.to_string(),
            join(phase.takes.iter().map(|r| r.node.to_string())),
            join(
                phase
                    .special
                    .iter()
                    .map(|s| format!("{:?}", s.node.as_str())),
            ),
            join(
                phase
                    .except
                    .iter()
                    .map(|s| format!("{:?}", s.node.as_str())),
            ),
            phase.target.node.to_string(),
            phase.banner.to_string(),
            phase.log_name.to_string(),
        ]);
    }
    table
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("\n")
}

/// The stable JSON form documented in the README.
pub fn explain_json(
    campaign: &Campaign,
    graph: &OpGraph,
    mode: Mode,
    text: &str,
    diagnostics: &[Diagnostic],
) -> serde_json::Value {
    let warnings = render::json(text, diagnostics);
    json!({
        "campaign": campaign.name.node.as_str(),
        "zone": campaign.zone.node.name(),
        "source": campaign.source.node.to_string(),
        "target": campaign.target.node.to_string(),
        "mode": mode.as_str(),
        "phases": campaign.phases.iter().map(phase_json).collect::<Vec<_>>(),
        "steps": graph.order.iter().map(|op| op.label()).collect::<Vec<_>>(),
        "warnings": warnings,
    })
}

fn phase_json(phase: &Phase) -> serde_json::Value {
    json!({
        "id": phase.id,
        "takes": phase.takes.iter().map(|r| r.node).collect::<Vec<_>>(),
        "special": phase.special.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
        "except": phase.except.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
        "target": phase.target.node.to_string(),
        "log_name": phase.log_name.as_str(),
        "banner": phase.banner.as_str(),
        "expected_rows": phase.expected_rows,
    })
}
