//! Diagnostics for people (rustc-style, with ariadne), for machines (JSON)
//! and for GitHub Actions (`::error` annotations).

use std::io::IsTerminal;

use ariadne::{CharSet, Color, Config, IndexType, Label, Report, ReportKind, Source};
use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::ir::Span;

/// A 1-based line and column of a byte offset (columns count characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn clamp(text: &str, span: Span) -> std::ops::Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    start..end
}

/// Whether standard error wants colour: a terminal, and no `NO_COLOR`.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Render diagnostics like rustc: file:line:col, the source line, a caret
/// under the exact text, notes and a hint.
pub fn human(file: &str, text: &str, diagnostics: &[Diagnostic], color: bool) -> String {
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(color)
        .with_char_set(if color {
            CharSet::Unicode
        } else {
            CharSet::Ascii
        });
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        let kind = match diagnostic.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let primary = clamp(text, diagnostic.span());
        let (line, col) = line_col(text, primary.start);
        let mut report = Report::build(kind, (file, primary.clone()))
            .with_config(config)
            .with_code(diagnostic.code)
            .with_message(format!("{} ({file}:{line}:{col})", diagnostic.message));
        // ariadne starts a new snippet (repeating the header) whenever a
        // label lies above the one before it, so labels go in text order.
        let mut by_position: Vec<usize> = (0..diagnostic.labels.len()).collect();
        by_position.sort_by_key(|&index| diagnostic.labels[index].span.start);
        for (index, label) in diagnostic.labels.iter().enumerate() {
            let order = by_position
                .iter()
                .position(|&i| i == index)
                .unwrap_or(index);
            // ariadne draws no underline for a label without a note.
            let note = if label.message.is_empty() {
                "here"
            } else {
                label.message.as_str()
            };
            let rendered = Label::new((file, clamp(text, label.span)))
                .with_order(order as i32)
                .with_message(note);
            let rendered = if index == 0 {
                rendered.with_color(Color::Red).with_priority(1)
            } else {
                rendered
            };
            report = report.with_label(rendered);
        }
        if let Some(hint) = &diagnostic.hint {
            report = report.with_help(hint);
        }
        let _ = report.finish().write((file, Source::from(text)), &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One diagnostic in machine-readable form.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub hint: Option<&'a str>,
    pub labels: Vec<JsonLabel<'a>>,
}

/// A secondary place of a diagnostic.
#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
}

/// Diagnostics as JSON values with 1-based positions.
pub fn json<'a>(text: &str, diagnostics: &'a [Diagnostic]) -> Vec<JsonDiagnostic<'a>> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let span = diagnostic.span();
            let (line, column) = line_col(text, span.start);
            let (end_line, end_column) = line_col(text, span.end);
            JsonDiagnostic {
                severity: diagnostic.severity,
                code: diagnostic.code,
                message: &diagnostic.message,
                line,
                column,
                end_line,
                end_column,
                hint: diagnostic.hint.as_deref(),
                labels: diagnostic
                    .labels
                    .iter()
                    .skip(1)
                    .map(|label| {
                        let (line, column) = line_col(text, label.span.start);
                        JsonLabel {
                            line,
                            column,
                            message: &label.message,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// GitHub Actions workflow commands, one line per diagnostic.
pub fn github(file: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (line, col) = line_col(text, diagnostic.span().start);
        let (end_line, end_col) = line_col(text, diagnostic.span().end);
        let level = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = diagnostic.message.clone();
        if let Some(hint) = &diagnostic.hint {
            message.push_str(&format!("\nhint: {hint}"));
        }
        out.push_str(&format!(
            "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            escape_property(file),
            diagnostic.code,
            escape_data(&message)
        ));
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
