//! The tables a script writes, found by walking every statement, including
//! those nested in `BEGIN … EXCEPTION … END` blocks. Reads are not collected:
//! `visit_relations` cannot tell them apart, so writes are matched by hand.

use std::collections::BTreeSet;

use sqlparser::ast::{
    FromTable, ObjectName, ObjectNamePart, Statement, TableFactor, TableObject, TableWithJoins,
};

/// The writes of a script.
#[derive(Debug, Default)]
pub struct Writes {
    /// Qualified (`project.dataset.table`) tables written.
    pub permanent: BTreeSet<String>,
    /// Unqualified tables written (must be temporaries the script created).
    pub temporary_writes: BTreeSet<String>,
    /// Temporary tables created.
    pub temporaries: BTreeSet<String>,
}

/// Every table the statements write.
pub fn collect(statements: &[Statement]) -> Writes {
    let mut writes = Writes::default();
    for statement in statements {
        visit(statement, &mut writes);
    }
    writes
}

fn visit(statement: &Statement, writes: &mut Writes) {
    match statement {
        Statement::StartTransaction {
            statements,
            exception,
            ..
        } => {
            for nested in statements {
                visit(nested, writes);
            }
            for handler in exception.iter().flatten() {
                for nested in &handler.statements {
                    visit(nested, writes);
                }
            }
        }
        Statement::Insert(insert) => match &insert.table {
            TableObject::TableName(name) => record(name, writes),
            other => {
                writes.permanent.insert(format!("<table function {other}>"));
            }
        },
        Statement::Update(update) => record_joined(&update.table, writes),
        Statement::Delete(delete) => {
            for name in &delete.tables {
                record(name, writes);
            }
            let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
            for table in from {
                record_joined(table, writes);
            }
        }
        Statement::Merge(merge) => record_factor(&merge.table, writes),
        Statement::CreateTable(create) => {
            if create.temporary {
                writes.temporaries.insert(name_text(&create.name));
            }
            record(&create.name, writes);
        }
        other => record_other(other, writes),
    }
}

/// Statements that write but are never emitted: recorded so that verification
/// fails if one ever appears.
fn record_other(statement: &Statement, writes: &mut Writes) {
    let writes_something = matches!(
        statement,
        Statement::Drop { .. }
            | Statement::Truncate { .. }
            | Statement::AlterTable { .. }
            | Statement::CreateView { .. }
            | Statement::Copy { .. }
    );
    if writes_something {
        writes
            .permanent
            .insert(format!("<{}>", statement_keyword(statement)));
    }
}

fn statement_keyword(statement: &Statement) -> String {
    statement
        .to_string()
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn record_joined(table: &TableWithJoins, writes: &mut Writes) {
    record_factor(&table.relation, writes);
}

fn record_factor(factor: &TableFactor, writes: &mut Writes) {
    match factor {
        TableFactor::Table { name, .. } => record(name, writes),
        other => {
            writes.permanent.insert(format!("<{other}>"));
        }
    }
}

fn record(name: &ObjectName, writes: &mut Writes) {
    let text = name_text(name);
    if text.contains('.') {
        writes.permanent.insert(text);
    } else {
        writes.temporary_writes.insert(text);
    }
}

/// The dotted name, with quoted parts that themselves hold dots split.
fn name_text(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => ident.value.clone(),
            ObjectNamePart::Function(function) => format!("<{}>", function.name.value),
        })
        .collect::<Vec<_>>()
        .join(".")
}
