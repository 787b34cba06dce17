//! The golden corpus: every campaign under `golden/` with its expected
//! outputs beside it. `BLESS=1 cargo test --test golden` rewrites them.
//!
//! For `NAME.bnr` (or `.yaml`):
//! - `NAME.diagnostics.txt`: the rendered errors and warnings, if any;
//! - when it compiles: `NAME.explain.txt`, `NAME.fused.sql`, `NAME.in-place.sql`
//!   (BigQuery) and `NAME.duckdb.fused.sql`, `NAME.duckdb.in-place.sql`;
//! - `NAME.counts.csv`, if present, gives the per-day counts of a volume split.

use std::path::{Path, PathBuf};

use bannerc::check::OpGraph;
use bannerc::cli::{explain, pipeline, render};
use bannerc::diag::has_errors;
use bannerc::ir::Mode;
use bannerc::lower::{Dialect, LowerOptions};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

fn inputs() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("golden/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("bnr" | "yaml" | "yml")
            )
        })
        .collect();
    inputs.sort();
    inputs
}

/// Every output of one input, as (file name, contents).
fn outputs(input: &Path) -> Vec<(String, String)> {
    let stem = input
        .file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name")
        .to_string();
    let loaded = pipeline::load(input).expect("golden input loads");
    let counts_path = input.with_extension("counts.csv");
    let counts = pipeline::read_counts(counts_path.exists().then_some(counts_path.as_path()))
        .expect("counts load");
    let checked = pipeline::load_campaign(&loaded, counts.as_ref(), false);
    let shown = format!("golden/{stem}");
    let mut outputs = Vec::new();
    if !checked.diagnostics.is_empty() {
        let rendered = render::human(&shown, &loaded.text, &checked.diagnostics, false);
        outputs.push((format!("{stem}.diagnostics.txt"), rendered));
    }
    if has_errors(&checked.diagnostics) {
        return outputs;
    }
    let campaign = checked
        .campaign
        .expect("a campaign without errors compiles");
    let graph = OpGraph::build(&campaign, Mode::InPlace).expect("no cycle");
    outputs.push((
        format!("{stem}.explain.txt"),
        explain::text(&campaign, &graph, Mode::InPlace),
    ));
    for (dialect, prefix) in [(Dialect::Bigquery, ""), (Dialect::Duckdb, "duckdb.")] {
        for mode in [Mode::Fused, Mode::InPlace] {
            let options = LowerOptions { mode, run_id: None };
            match pipeline::compile(&campaign, dialect, &options) {
                Ok(compiled) => outputs.push((
                    format!("{stem}.{prefix}{}.sql", mode.as_str()),
                    compiled.script.sql,
                )),
                Err(pipeline::CompileFailure::Lower(error)) if dialect == Dialect::Duckdb => {
                    eprintln!("{stem}: DuckDB lowering unavailable: {error}");
                }
                Err(error) => panic!("{stem} ({dialect:?}, {}): {error}", mode.as_str()),
            }
        }
    }
    outputs
}

#[test]
fn golden_corpus() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let inputs = inputs();
    assert!(inputs.len() >= 10, "the golden corpus is missing");
    for input in inputs {
        for (name, actual) in outputs(&input) {
            let path = golden_dir().join(&name);
            if bless {
                std::fs::write(&path, &actual).expect("write golden file");
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(expected) if expected == actual => {}
                Ok(_) => failures.push(format!("{name} differs (BLESS=1 to accept)")),
                Err(_) => failures.push(format!("{name} is missing (BLESS=1 to create)")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn worked_example_compiles_to_identical_sql_from_both_front_ends() {
    let bnr = outputs(&golden_dir().join("worked_example.bnr"));
    let yaml = outputs(&golden_dir().join("worked_example.yaml"));
    let sql = |outputs: &[(String, String)], suffix: &str| -> String {
        outputs
            .iter()
            .find(|(n, _)| n.ends_with(suffix))
            .map(|(_, s)| s.clone())
            .expect("output")
    };
    for suffix in [".fused.sql", ".in-place.sql"] {
        assert_eq!(
            sql(&bnr, suffix),
            sql(&yaml, suffix),
            "{suffix} differs between front ends"
        );
    }
}
