//! Google's ZetaSQL analyzer (PyPI `zetasql`, run by
//! `scripts/zetasql_check.py`) accepts the BigQuery scripts the compiler
//! emits (runs in both modes, rollbacks, and every BigQuery script of
//! `golden/`), and refuses scripts broken in the ways a lowering could break
//! them, naming the file, the line and its reason.

mod bigquery_support;

use std::path::Path;
use std::process::Command;

use bannerc::ir::{Campaign, Mode};
use bannerc::lower::bigquery::rollback;
use bannerc::lower::duckdb::rollback::RunToUndo;
use bannerc::lower::{Dialect, LowerOptions, lower};
use bigquery_support::{campaign_from_yaml, campaign_from_yaml_text, venv_python};

/// Special and excluded log names that need escaping, a zone, a maximum
/// and a variance threshold, and a start-time format of its own.
const ODD_NAMES: &str = r#"
campaign:
  banner_id: 77
  campaign_name: Odd_Names
  zone: Asia/Kolkata
source: { project_id: my-proj, dataset: logs, table: staging }
target: { project_id: my-proj, dataset: logs, table: prod }
date_mapping:
  strategy: custom
  phases:
    - phase_id: 1
      source_start: "2025-01-01"
      source_end: "2025-01-10"
      target_date: "2025-01-15"
      exclude_lognames: ["it's", "back\\slash"]
    - phase_id: 2
      source_start: "2025-01-11"
      source_end: "2025-01-12"
      target_date: "2025-01-16"
      special_source: "quote's \"log\""
transformation:
  end_time_offset_seconds: 90
  json_field_updates:
    start_time_format: "%d/%m/%Y %H:%M:%S"
validation:
  thresholds:
    min_records_per_phase: 5
    max_records_per_phase: 500
"#;

fn campaigns() -> Vec<(&'static str, Campaign)> {
    vec![
        ("worked", campaign_from_yaml("examples/worked_example.yaml")),
        (
            "original",
            campaign_from_yaml("examples/original_design.yaml"),
        ),
        ("odd", campaign_from_yaml_text(ODD_NAMES)),
    ]
}

fn write_scripts(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for (name, campaign) in campaigns() {
        for mode in [Mode::Fused, Mode::InPlace] {
            let options = LowerOptions { mode, run_id: None };
            let script = lower(&campaign, Dialect::Bigquery, &options).expect("lowers");
            bannerc::verify::verify(&script).expect("verifies");
            let file = format!("{name}-{}.sql", mode.as_str());
            std::fs::write(dir.join(&file), &script.sql).expect("write");
            names.push(file);
        }
    }
    names.extend(write_rollbacks(dir));
    names.extend(copy_golden(dir));
    names
}

/// Every BigQuery script of the golden corpus (`golden/*.sql` whose header
/// names BigQuery), copied under `golden-NAME`.
fn copy_golden(dir: &Path) -> Vec<String> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&golden).expect("golden/") {
        let path = entry.expect("golden entry").path();
        if path.extension().is_none_or(|ext| ext != "sql") {
            continue;
        }
        let sql = std::fs::read_to_string(&path).expect("read golden script");
        if !sql
            .lines()
            .next()
            .is_some_and(|line| line.ends_with("BigQuery"))
        {
            continue;
        }
        let file = format!("golden-{}", path.file_name().unwrap().to_string_lossy());
        std::fs::write(dir.join(&file), sql).expect("write");
        names.push(file);
    }
    assert!(
        names.len() >= 20,
        "golden/ holds {} BigQuery scripts",
        names.len()
    );
    names
}

/// The rollback scripts of a fused and an in-place run of the worked example.
fn write_rollbacks(dir: &Path) -> Vec<String> {
    let campaign = campaign_from_yaml("examples/worked_example.yaml");
    let ledger = campaign
        .target
        .sibling("bannerc_runs")
        .expect("ledger name");
    let backup = campaign
        .source
        .sibling("H_5902_distinct_data_bannerc_r1")
        .expect("backup name");
    let log_names: Vec<String> = campaign
        .phases
        .iter()
        .map(|p| p.log_name.as_str().to_string())
        .collect();
    [
        ("fused", None),
        ("in-place", Some((&campaign.source.node, &backup))),
    ]
    .into_iter()
    .map(|(mode, restore)| {
        let run = RunToUndo {
            run_id: "r1",
            ledger: &ledger,
            target: &campaign.target.node,
            log_names: &log_names,
            rows: 12345,
            restore,
        };
        let file = format!("rollback-{mode}.sql");
        std::fs::write(dir.join(&file), rollback::script(&run)).expect("write");
        file
    })
    .collect()
}

/// Copies of the worked example's fused script, each broken in one way,
/// with the words the analyzer's message must contain.
fn write_broken(dir: &Path) -> Vec<(String, &'static str)> {
    let good = std::fs::read_to_string(dir.join("worked-fused.sql")).expect("read");
    let breakages = [
        (
            "field",
            "`jsonPayload`.`end_time` = FORMAT",
            "`jsonPayload`.`end_tim` = FORMAT",
            "end_tim does not exist",
        ),
        (
            "type",
            "taken_rows < 1000",
            "taken_rows < '1000'",
            "No matching signature for operator <",
        ),
        (
            "syntax",
            "  COMMIT TRANSACTION;",
            "  COMMIT TRANSACTIO;",
            "Syntax error",
        ),
        (
            "temp",
            "FROM bannerc_counts)",
            "FROM bannerc_count)",
            "Table not found: bannerc_count",
        ),
        (
            "column",
            "COUNT(t.bannerc_phase)",
            "COUNT(t.bannerc_phas)",
            "bannerc_phas",
        ),
    ];
    breakages
        .iter()
        .map(|(name, from, to, message)| {
            assert!(
                good.contains(from),
                "the script no longer contains {from:?}"
            );
            let file = format!("broken-{name}.sql");
            std::fs::write(dir.join(&file), good.replacen(from, to, 1)).expect("write");
            (file, *message)
        })
        .collect()
}

#[test]
fn zetasql_accepts_every_emitted_script_and_refuses_broken_ones() {
    let Some(python) = venv_python("zetasql_accepts_every_emitted_script_and_refuses_broken_ones")
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write_scripts(dir.path());
    let broken = write_broken(dir.path());

    let output = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/zetasql_check.py"
        ))
        .arg(dir.path())
        .output()
        .expect("run zetasql_check.py");
    let report = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "broken scripts must fail the check\n{report}\n{errors}"
    );

    for file in &good {
        let line = report
            .lines()
            .find(|l| l.contains(file.as_str()))
            .unwrap_or_default();
        assert!(
            line.starts_with("ok "),
            "{file} was refused:\n{line}\n\n{report}\n{errors}"
        );
    }
    for (file, message) in &broken {
        let line = report
            .lines()
            .find(|l| l.contains(file.as_str()))
            .unwrap_or_default();
        assert!(line.starts_with("FAIL "), "{file} was accepted:\n{report}");
        assert!(
            line.contains(message),
            "{file}: expected {message:?} in\n{line}"
        );
    }
    let summary = format!("{} passed, {} failed", good.len(), broken.len());
    assert!(
        report.contains(&summary),
        "expected `{summary}` in\n{report}"
    );
}
