//! Diagnostics: errors and warnings as values with spans. Every stage
//! returns these; only the CLI renders them (with ariadne).

use serde::Serialize;

use crate::ir::{NameError, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in the source with a note about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One error or warning, with a stable code, the places it is about, and a hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code such as `E0201`; see `bannerc explain-code` in the README.
    pub code: &'static str,
    pub message: String,
    /// The first label is the primary place.
    pub labels: Vec<Label>,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error about `span`.
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: vec![Label {
                span,
                message: String::new(),
            }],
            hint: None,
        }
    }

    /// A warning about `span`.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// An error from a refused name or value at `span`, keeping its hint.
    pub fn from_name_error(code: &'static str, error: NameError, span: Span) -> Self {
        let hint = error.hint.clone();
        Diagnostic::error(code, error.message, span).with_hint_opt(hint)
    }

    /// Set the primary label's note.
    pub fn with_label_message(mut self, message: impl Into<String>) -> Self {
        if let Some(first) = self.labels.first_mut() {
            first.message = message.into();
        }
        self
    }

    /// Add a secondary place.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Add a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.span).unwrap_or_default()
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The known word closest to `word`, if it is close enough to be a typo.
pub fn suggest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = word.to_ascii_lowercase();
    let score = |candidate: &str| {
        let distance = strsim::damerau_levenshtein(&lower, candidate);
        let close = distance <= (candidate.len() / 3).max(1)
            || strsim::jaro_winkler(&lower, candidate) >= 0.9;
        close.then_some(distance)
    };
    known
        .iter()
        .filter_map(|k| score(k).map(|d| (d, *k)))
        .min()
        .map(|(_, k)| k)
}

/// Whether any diagnostic in the list is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
