//! The expected kinds of statement, in the expected places. A BigQuery
//! script is: declarations, the ledger's `CREATE TABLE IF NOT EXISTS`, the
//! backup snapshot in in-place mode, then one block whose body starts with
//! `BEGIN TRANSACTION`, ends with `COMMIT`, holds only temporary tables,
//! DML and `ASSERT`s between, and whose one handler rolls back and raises.
//! A DuckDB script is one flat `BEGIN TRANSACTION … COMMIT`: the ledger's
//! `CREATE TABLE IF NOT EXISTS`, the backup in in-place mode, then only
//! temporary tables and macros, DML and the `SELECT`s that carry checks.

use sqlparser::ast::{CreateTable, Statement};

use crate::ir::Mode;
use crate::lower::{Dialect, Script};

/// Check the statements' kinds and places.
pub fn check(script: &Script, statements: &[Statement]) -> Result<(), String> {
    match script.dialect {
        Dialect::Bigquery => bigquery(script.mode, statements),
        Dialect::Duckdb => duckdb(script.mode, statements),
    }
}

/// Number of statements, counting nested ones.
pub fn count(statements: &[Statement]) -> usize {
    statements
        .iter()
        .map(|statement| match statement {
            Statement::StartTransaction {
                statements,
                exception,
                ..
            } => {
                1 + count(statements)
                    + exception
                        .iter()
                        .flatten()
                        .map(|h| count(&h.statements))
                        .sum::<usize>()
            }
            _ => 1,
        })
        .sum()
}

fn describe(statement: &Statement) -> String {
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    words.join(" ")
}

fn bigquery(mode: Mode, statements: &[Statement]) -> Result<(), String> {
    let mut rest = statements;
    while let [Statement::Declare { .. }, tail @ ..] = rest {
        rest = tail;
    }
    let [ledger, tail @ ..] = rest else {
        return Err("the script is empty".into());
    };
    expect_create(
        ledger,
        |c| c.if_not_exists && !c.temporary && c.query.is_none(),
        "the ledger table",
    )?;
    rest = tail;
    if mode == Mode::InPlace {
        let [snapshot, tail @ ..] = rest else {
            return Err("the backup snapshot is missing".into());
        };
        expect_create(
            snapshot,
            |c| c.snapshot && c.clone.is_some(),
            "the backup snapshot",
        )?;
        rest = tail;
    }
    let [block] = rest else {
        return Err(format!(
            "expected one transaction block after the setup, found {} statements",
            rest.len()
        ));
    };
    transaction_block(block)
}

fn expect_create(
    statement: &Statement,
    ok: impl Fn(&CreateTable) -> bool,
    what: &str,
) -> Result<(), String> {
    match statement {
        Statement::CreateTable(create) if ok(create) => Ok(()),
        other => Err(format!("expected {what}, found `{}`", describe(other))),
    }
}

fn transaction_block(block: &Statement) -> Result<(), String> {
    let Statement::StartTransaction {
        statements,
        exception: Some(handlers),
        has_end_keyword: true,
        ..
    } = block
    else {
        return Err(format!(
            "expected a BEGIN … EXCEPTION … END block, found `{}`",
            describe(block)
        ));
    };
    let [
        Statement::StartTransaction {
            statements: opening,
            exception: None,
            ..
        },
        body @ ..,
        Statement::Commit { .. },
    ] = statements.as_slice()
    else {
        return Err("the block must start with BEGIN TRANSACTION and end with COMMIT".into());
    };
    if !opening.is_empty() {
        return Err("BEGIN TRANSACTION must not open a nested block".into());
    }
    for statement in body {
        body_statement(statement, true)?;
    }
    let [handler] = handlers.as_slice() else {
        return Err("the block must have exactly one exception handler".into());
    };
    match handler.statements.as_slice() {
        [
            Statement::Rollback {
                savepoint: None, ..
            },
            Statement::Raise(_),
        ] => Ok(()),
        _ => Err("the exception handler must roll back and raise".into()),
    }
}

/// A statement allowed inside the transaction.
fn body_statement(statement: &Statement, asserts: bool) -> Result<(), String> {
    match statement {
        Statement::CreateTable(create) if create.temporary => Ok(()),
        Statement::Insert(_) | Statement::Update(_) => Ok(()),
        Statement::Assert { .. } if asserts => Ok(()),
        Statement::Query(_) if !asserts => Ok(()),
        other => Err(format!(
            "`{}` is not allowed inside the transaction",
            describe(other)
        )),
    }
}

fn duckdb(mode: Mode, statements: &[Statement]) -> Result<(), String> {
    let [
        Statement::StartTransaction {
            statements: opening,
            exception: None,
            ..
        },
        rest @ ..,
        Statement::Commit { .. },
    ] = statements
    else {
        return Err("the run must be one BEGIN TRANSACTION … COMMIT".into());
    };
    if !opening.is_empty() {
        return Err("BEGIN TRANSACTION must not open a nested block".into());
    }
    let [ledger, rest @ ..] = rest else {
        return Err("the ledger table is missing".into());
    };
    let is_ledger = |c: &CreateTable| c.if_not_exists && !c.temporary && c.query.is_none();
    expect_create(ledger, is_ledger, "the ledger table")?;
    let mut body = rest;
    if mode == Mode::InPlace {
        let [backup, tail @ ..] = body else {
            return Err("the backup is missing".into());
        };
        let is_backup = |c: &CreateTable| !c.temporary && !c.if_not_exists && c.query.is_some();
        expect_create(backup, is_backup, "the backup table")?;
        body = tail;
    }
    body.iter().try_for_each(duckdb_body_statement)
}

/// A statement allowed in a DuckDB run after its setup: temporary tables and
/// macros, DML, and the `SELECT`s that carry the checks.
fn duckdb_body_statement(statement: &Statement) -> Result<(), String> {
    match statement {
        Statement::CreateMacro {
            temporary: true, ..
        } => Ok(()),
        other => body_statement(other, false),
    }
}
