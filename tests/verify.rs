//! Verification refuses scripts that write anywhere undeclared or have the
//! wrong shape, and hostile names survive as literals.

mod support;

use bannerc::ir::Mode;
use bannerc::lower::{Dialect, LowerOptions, Script, lower};
use bannerc::verify::verify;
use sqlparser::ast::{Expr, Value, visit_expressions};
use std::ops::ControlFlow;

fn worked(mode: Mode) -> Script {
    let campaign = bannerc::plan::expand(&support::worked_example(), None).expect("expands");
    lower(
        &campaign,
        Dialect::Bigquery,
        &LowerOptions { mode, run_id: None },
    )
    .expect("lowers")
}

fn replaced(script: &Script, from: &str, to: &str) -> Script {
    assert!(script.sql.contains(from), "{from} not in the script");
    Script {
        sql: script.sql.replacen(from, to, 1),
        ..script.clone()
    }
}

#[test]
fn both_modes_verify_with_exactly_the_declared_writes() {
    let fused = verify(&worked(Mode::Fused)).expect("verifies");
    assert_eq!(
        fused.writes.iter().map(String::as_str).collect::<Vec<_>>(),
        ["p.d.banner_call_data", "p.d.bannerc_runs"]
    );
    assert!(fused.temporaries.contains("bannerc_taken"));
    let in_place = verify(&worked(Mode::InPlace)).expect("verifies");
    assert_eq!(in_place.writes.len(), 4);
    assert!(in_place.writes.contains("p.d.staging"));
}

#[test]
fn a_write_to_an_undeclared_table_fails() {
    let script = worked(Mode::Fused);
    let bad = replaced(
        &script,
        "INSERT INTO `p`.`d`.`banner_call_data`",
        "INSERT INTO `p`.`d`.`elsewhere`",
    );
    let error = verify(&bad).expect_err("refused");
    assert!(error.message.contains("p.d.elsewhere"), "{error}");
}

#[test]
fn a_write_to_staging_in_fused_mode_fails() {
    let script = worked(Mode::Fused);
    let bad = replaced(
        &script,
        "UPDATE bannerc_taken SET",
        "UPDATE `p`.`d`.`staging` SET",
    );
    assert!(verify(&bad).is_err());
}

#[test]
fn a_drop_statement_fails() {
    let script = worked(Mode::Fused);
    let bad = replaced(
        &script,
        "  -- insert into target\n",
        "  DROP TABLE `p`.`d`.`banner_call_data`;\n",
    );
    let error = verify(&bad).expect_err("refused");
    assert!(error.message.contains("not allowed"), "{error}");
}

#[test]
fn a_missing_exception_handler_fails() {
    let script = worked(Mode::Fused);
    let start = script
        .sql
        .find("EXCEPTION WHEN ERROR THEN")
        .expect("handler");
    let end = script.sql.rfind("END;").expect("end");
    let bad = Script {
        sql: format!("{}{}", &script.sql[..start], &script.sql[end..]),
        ..script.clone()
    };
    assert!(verify(&bad).is_err());
}

#[test]
fn text_that_does_not_parse_fails() {
    let script = worked(Mode::Fused);
    let bad = replaced(&script, "COMMIT TRANSACTION;", "COMMIT TRANSACTION");
    assert!(verify(&bad).is_err());
}

#[test]
fn hostile_log_names_stay_literals() {
    let names = [
        "o'brien-srv; DROP TABLE x; --",
        "back\\slash`tick\"quote",
        "a'); DELETE FROM t; --",
    ];
    let mut spec = support::worked_example();
    spec.phases[0]
        .special
        .push(support::bare(bannerc::ir::LogName::new(names[0]).unwrap()));
    spec.phases[1]
        .special
        .push(support::bare(bannerc::ir::LogName::new(names[1]).unwrap()));
    spec.phases[1]
        .except
        .push(support::bare(bannerc::ir::LogName::new(names[2]).unwrap()));
    let campaign = bannerc::plan::expand(&spec, None).expect("expands");
    for (dialect, mode) in [
        (Dialect::Bigquery, Mode::Fused),
        (Dialect::Bigquery, Mode::InPlace),
        (Dialect::Duckdb, Mode::Fused),
        (Dialect::Duckdb, Mode::InPlace),
    ] {
        let script =
            lower(&campaign, dialect, &LowerOptions { mode, run_id: None }).expect("lowers");
        verify(&script).expect("verifies");
        let parsed = match dialect {
            Dialect::Bigquery => sqlparser::parser::Parser::parse_sql(
                &sqlparser::dialect::BigQueryDialect {},
                &script.sql,
            ),
            Dialect::Duckdb => sqlparser::parser::Parser::parse_sql(
                &sqlparser::dialect::DuckDbDialect {},
                &script.sql,
            ),
        }
        .expect("parses");
        let mut literals = Vec::new();
        let _ = visit_expressions(&parsed, |expr| {
            if let Expr::Value(value) = expr
                && let Value::SingleQuotedString(text) = &value.value
            {
                literals.push(text.clone());
            }
            if let Expr::Function(function) = expr
                && function
                    .name
                    .to_string()
                    .eq_ignore_ascii_case("CODE_POINTS_TO_STRING")
            {
                literals.push(code_points(&function.to_string()));
            }
            ControlFlow::<()>::Continue(())
        });
        for name in names {
            assert!(
                literals.iter().any(|l| l == name),
                "{dialect:?}/{mode:?}: {name} is not a literal"
            );
        }
    }
}

/// The text of a `CODE_POINTS_TO_STRING([..])` call.
fn code_points(call: &str) -> String {
    let inner = call
        .split('[')
        .nth(1)
        .and_then(|s| s.split(']').next())
        .unwrap_or("");
    inner
        .split(',')
        .filter_map(|n| n.trim().parse::<u32>().ok())
        .filter_map(char::from_u32)
        .collect()
}
