//! Verification: the emitted script is re-parsed with sqlparser, printed and
//! parsed again to the same AST, checked to be made of the expected kinds of
//! statement in the expected places, and proven to write exactly the tables
//! the run declares (target, ledger, temporaries; staging and its backup in
//! in-place mode). A failure here is a compiler bug, never a user error.

mod shape;
mod writes;

use std::collections::BTreeSet;

use sqlparser::ast::Statement;
use sqlparser::dialect::{BigQueryDialect, Dialect as SqlDialect, DuckDbDialect};
use sqlparser::parser::Parser;

use crate::lower::{Dialect, Script};

/// Why a script failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal error: the generated {dialect} script failed verification: {message}")]
pub struct VerifyError {
    pub dialect: &'static str,
    pub message: String,
}

/// What verification proved about a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Number of statements, counting those nested in blocks.
    pub statements: usize,
    /// Every permanent table the script writes, as `project.dataset.table`.
    pub writes: BTreeSet<String>,
    /// The temporary tables it creates.
    pub temporaries: BTreeSet<String>,
}

/// Verify `script`.
pub fn verify(script: &Script) -> Result<Verified, VerifyError> {
    let dialect_name = match script.dialect {
        Dialect::Bigquery => "BigQuery",
        Dialect::Duckdb => "DuckDB",
    };
    let fail = |message: String| VerifyError {
        dialect: dialect_name,
        message,
    };
    let dialect: Box<dyn SqlDialect> = match script.dialect {
        Dialect::Bigquery => Box::new(BigQueryDialect {}),
        Dialect::Duckdb => Box::new(DuckDbDialect {}),
    };

    let statements = Parser::parse_sql(dialect.as_ref(), &script.sql)
        .map_err(|e| fail(format!("it does not parse: {e}")))?;
    round_trip(dialect.as_ref(), &statements).map_err(fail)?;
    shape::check(script, &statements).map_err(fail)?;
    let found = writes::collect(&statements);

    let declared: BTreeSet<String> = script.writes.iter().cloned().collect();
    if found.permanent != declared {
        let extra: Vec<&String> = found.permanent.difference(&declared).collect();
        let missing: Vec<&String> = declared.difference(&found.permanent).collect();
        return Err(fail(format!(
            "it writes tables other than the declared ones (undeclared: {extra:?}; declared but \
             never written: {missing:?})"
        )));
    }
    let unknown: Vec<&String> = found
        .temporary_writes
        .difference(&found.temporaries)
        .collect();
    if !unknown.is_empty() {
        return Err(fail(format!(
            "it writes unqualified tables it did not create: {unknown:?}"
        )));
    }
    Ok(Verified {
        statements: shape::count(&statements),
        writes: found.permanent,
        temporaries: found.temporaries,
    })
}

/// Printing each statement and parsing the text again gives the same AST.
fn round_trip(dialect: &dyn SqlDialect, statements: &[Statement]) -> Result<(), String> {
    for (index, statement) in statements.iter().enumerate() {
        let printed = statement.to_string();
        let reparsed = Parser::parse_sql(dialect, &printed).map_err(|e| {
            format!(
                "statement {} does not re-parse after printing: {e}",
                index + 1
            )
        })?;
        if reparsed.len() != 1 || &reparsed[0] != statement {
            return Err(format!(
                "statement {} prints as text that parses to a different statement",
                index + 1
            ));
        }
    }
    Ok(())
}
