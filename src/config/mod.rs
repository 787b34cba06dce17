//! (stage config) The YAML front end: reads the original design's
//! configuration format (`campaign:`, `source:`, `target:`,
//! `frequency_requirement:`, `date_mapping:`, `transformation:`,
//! `validation:`, `execution:`, `logging:`, `notification:`) into the same
//! [`CampaignSpec`] a `.bnr` file gives.
//!
//! Two readers work together. `serde_norway` deserialises the typed sections
//! (`raw`); it was chosen because it is the maintained fork of `serde_yaml`
//! (archived by its author in 2024), keeps its API and its libyaml-based
//! parser, and reports the byte offset of every error it finds. `yaml-rust2`
//! gives what serde's data model hides: where each key and value is written
//! (`scan`, `tree`), so that every diagnostic names the key path and points
//! at the text. Values are then validated once, at the edge (`build`,
//! `mapping`, `values`), into the IR's newtypes.
//!
//! Neither reader recurses on the document's depth without a limit, so no
//! input makes the front end overflow its stack or panic.

mod build;

pub(crate) use build::EXECUTION_MODES;
mod keys;
mod mapping;
mod raw;
mod scan;
mod tree;
mod values;

use crate::diag::{self, Diagnostic};
use crate::ir::{CampaignSpec, Span};
use raw::RawConfig;
use tree::{Shape, SpanTree};
use values::Ctx;

/// The diagnostic codes of this front end (E02xx) and of the values it
/// validates (E03xx).
mod codes {
    /// The text is not YAML, or holds more than one document.
    pub const YAML_SYNTAX: &str = "E0201";
    /// The document is empty or is not a mapping of sections.
    pub const NOT_A_CONFIG: &str = "E0202";
    /// A key that the section does not have.
    pub const UNKNOWN_KEY: &str = "E0203";
    /// A value of the wrong type (text where a list is expected, …).
    pub const WRONG_TYPE: &str = "E0204";
    /// A required key is missing or empty.
    pub const MISSING_KEY: &str = "E0205";
    /// A word that is not one of the known values of its key.
    pub const UNKNOWN_VALUE: &str = "E0206";
    /// A known value of the design that bannerc does not implement.
    pub const UNSUPPORTED: &str = "E0207";
    /// Keys that exclude each other, or a key the chosen type does not read.
    pub const CONFLICTING_KEYS: &str = "E0208";
    /// `frequency_requirement` and explicit phases name different target dates.
    pub const FREQUENCY_MISMATCH: &str = "E0209";
    /// A key written twice in one mapping.
    pub const DUPLICATE_KEY: &str = "E0210";
    /// An explicit phase takes days outside `source_data_start..source_data_end`.
    pub const OUTSIDE_WINDOW: &str = "E0211";
    /// Not a date, or not a real one.
    pub const BAD_DATE: &str = "E0301";
    /// A date range that ends before it starts.
    pub const REVERSED_RANGE: &str = "E0302";
    /// Not an IANA time zone.
    pub const BAD_ZONE: &str = "E0303";
    /// Not a valid BigQuery table (or part of one).
    pub const BAD_TABLE: &str = "E0304";
    /// Not a valid banner id.
    pub const BAD_BANNER: &str = "E0305";
    /// Not a valid log name or log-name suffix.
    pub const BAD_LOG_NAME: &str = "E0306";
    /// Not a valid campaign name.
    pub const BAD_NAME: &str = "E0307";
    /// Not a valid start-time format.
    pub const BAD_FORMAT: &str = "E0308";
    /// A number outside the values it may take.
    pub const OUT_OF_RANGE: &str = "E0309";
}

/// Read a YAML configuration. The spec is returned only when there is no
/// error; the diagnostics' spans are byte ranges into `source`.
pub fn parse(source: &str) -> (Option<CampaignSpec>, Vec<Diagnostic>) {
    tracing::debug!(bytes = source.len(), "config: parsing YAML configuration");
    let tree = match scan::scan(source) {
        Ok(tree) => tree,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    if let Some(diagnostic) = not_a_config(&tree, source) {
        return (None, vec![diagnostic]);
    }
    let mut ctx = Ctx::default();
    keys::check_unknown_keys(&tree, &mut ctx.diags);
    if keys::check_duplicate_keys(&tree, &mut ctx.diags) {
        // A key written twice has no one meaning; serde would refuse it too.
        return (None, ctx.diags);
    }
    let raw = match serde_norway::from_str::<RawConfig>(source) {
        Ok(raw) => raw,
        Err(error) => {
            ctx.error(serde_error(&error, &tree, source));
            return (None, ctx.diags);
        }
    };
    let spec = tree
        .root()
        .and_then(|root| build::campaign(&raw, root, &mut ctx));
    let spec = spec.filter(|_| !diag::has_errors(&ctx.diags));
    tracing::debug!(
        ok = spec.is_some(),
        diagnostics = ctx.diags.len(),
        "config: parsed"
    );
    (spec, ctx.diags)
}

/// An empty document, or one whose root is not a mapping of sections.
fn not_a_config(tree: &SpanTree, source: &str) -> Option<Diagnostic> {
    let hint =
        "a configuration is a mapping of sections: campaign:, source:, target:, date_mapping:, …";
    let Some(root) = tree.root().filter(|root| !root.is_empty_scalar()) else {
        let message = "the configuration is empty";
        return Some(
            Diagnostic::error(codes::NOT_A_CONFIG, message, Span::new(0, 0)).with_hint(hint),
        );
    };
    if root.shape() == Shape::Map {
        return None;
    }
    let what = match root.shape() {
        Shape::List => "a list",
        _ => "a single value",
    };
    let span = Span::new(root.span().start, root.span().end.min(source.len()));
    let message = format!("the configuration is {what}, not a mapping of sections");
    Some(Diagnostic::error(codes::NOT_A_CONFIG, message, span).with_hint(hint))
}

/// A serde_norway error, placed at the node it was raised on and named by
/// that node's key path.
fn serde_error(error: &serde_norway::Error, tree: &SpanTree, source: &str) -> Diagnostic {
    let mut text = error.to_string();
    let location = error.location();
    if let Some(location) = &location {
        let suffix = format!(" at line {} column {}", location.line(), location.column());
        text = text
            .strip_suffix(&suffix)
            .map(str::to_string)
            .unwrap_or(text);
    }
    let offset = location
        .map_or(0, |location| location.index())
        .min(source.len());
    let Some(node) = tree.node_at(offset) else {
        return Diagnostic::error(codes::WRONG_TYPE, text, Span::new(offset, offset));
    };
    let path = node.path();
    let detail = text.strip_prefix(&format!("{path}: ")).unwrap_or(&text);
    let message = if path.is_empty() {
        detail.to_string()
    } else {
        format!("{path}: {detail}")
    };
    let diagnostic = Diagnostic::error(codes::WRONG_TYPE, plain_words(&message), node.span());
    if message.ends_with("expected a sequence") {
        return diagnostic.with_hint("write a list: `[a, b]`, or one `- item` per line");
    }
    diagnostic
}

/// serde's name of the expected type (at the end of its message), in the
/// words of a YAML user.
fn plain_words(message: &str) -> String {
    let words = [
        ("expected a sequence", "expected a list"),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a map", "expected a mapping"),
    ];
    let found = words
        .iter()
        .find_map(|(serde, plain)| Some((message.strip_suffix(serde)?, plain)));
    found.map_or_else(
        || message.to_string(),
        |(head, plain)| format!("{head}{plain}"),
    )
}
