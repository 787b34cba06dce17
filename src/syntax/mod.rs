//! The `.bnr` front end: lexer, parser (chumsky), validation into an
//! [`ir::CampaignSpec`], and the pretty printer that writes one back.
//!
//! The stages are: [`lexer`] (text to spanned tokens; never fails), `parser`
//! (tokens to a syntax tree; recovers item by item), `build` (syntax tree to
//! the IR; checks every name and value). The grammar is `grammar/bnr.ebnf`.

mod ast;
mod build;
pub mod codes;
mod errors;
pub mod lexer;
mod literal;
mod parser;
mod print;
mod token;

pub use print::print;
pub use token::{KEYWORDS, Token};

use crate::diag::{self, Diagnostic};
use crate::ir::{self, Span};

/// Most diagnostics one parse reports; the rest are summed up in one more.
const MAX_DIAGNOSTICS: usize = 100;

/// Parse a `.bnr` file. The spec is returned only when there is no error;
/// the diagnostics (sorted by position) say what is wrong, with byte spans
/// into `source`.
pub fn parse(source: &str) -> (Option<ir::CampaignSpec>, Vec<Diagnostic>) {
    let lexed = lexer::lex_source(source);
    let mut diagnostics = lexed.diagnostics;
    tracing::debug!(
        tokens = lexed.tokens.len(),
        faults = diagnostics.len(),
        "lexed .bnr source"
    );
    let mut spec = None;
    if lexed.tokens.is_empty() {
        if diagnostics.is_empty() {
            diagnostics.push(empty_file());
        }
    } else {
        let (ast, errors) = parser::parse_tokens(&lexed.tokens, &lexed.layout, source.len());
        // An error right after an unterminated string only echoes it.
        let echo = |at: usize| lexed.after_open.binary_search(&at).is_ok();
        let errors = errors.iter().filter(|error| !echo(error.span().start));
        diagnostics.extend(errors.map(|error| errors::from_parse_error(error, source)));
        let syntax_ok = diagnostics.is_empty();
        if let Some(ast) = ast {
            let (built, problems) = build::build(&ast, source, syntax_ok);
            diagnostics.extend(problems);
            spec = built;
        }
    }

    let diagnostics = sorted_and_capped(diagnostics, lexed.hidden_faults);
    let spec = spec.filter(|_| !diag::has_errors(&diagnostics));
    tracing::debug!(
        ok = spec.is_some(),
        diagnostics = diagnostics.len(),
        "parsed .bnr source"
    );
    (spec, diagnostics)
}

/// The error for a file with no tokens at all.
fn empty_file() -> Diagnostic {
    Diagnostic::error(
        codes::EMPTY_FILE,
        "the file holds no campaign",
        Span::new(0, 0),
    )
    .with_label_message("the file is empty")
    .with_hint("a `.bnr` file holds one campaign: `campaign NAME { … }`")
}

/// Sort by position (stable, so one place keeps its order) and keep the
/// first [`MAX_DIAGNOSTICS`], noting how many more there were (with the
/// `hidden` ones the lexer only counted).
fn sorted_and_capped(mut diagnostics: Vec<Diagnostic>, hidden: usize) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|diagnostic| diagnostic.span().start);
    let hidden = hidden + diagnostics.len().saturating_sub(MAX_DIAGNOSTICS);
    diagnostics.truncate(MAX_DIAGNOSTICS);
    if hidden > 0 {
        let at = diagnostics.last().map(Diagnostic::span).unwrap_or_default();
        let note = format!("{hidden} more errors not shown");
        diagnostics.push(
            Diagnostic::error(codes::TOO_MANY_ERRORS, note, at)
                .with_hint("fix the errors above first; is this a `.bnr` file?"),
        );
    }
    diagnostics
}
