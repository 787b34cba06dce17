//! The command line on BigQuery: `plan`, `apply`, `history` and `rollback`
//! with `--engine bigquery:PROJECT --endpoint URL`, against the local
//! emulator.

mod bigquery_support;

use std::process::{Command, Output};

use bigquery_support::{Bq, EventRow, emulator, quoted, utc};
use chrono::Duration;

fn bannerc(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bannerc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .output()
        .expect("bannerc runs")
}

/// Ten days of rows, four a day, one of them of a special log.
fn rows() -> Vec<EventRow> {
    let mut rows = Vec::new();
    for day in 0..10 {
        for (i, log) in ["banner-log", "banner-log", "banner-log", "special-log"]
            .iter()
            .enumerate()
        {
            let at =
                utc("2025-04-01 08:00:00") + Duration::days(day) + Duration::minutes(31 * i as i64);
            let start = (at - Duration::seconds(2))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
            rows.push(EventRow::new(
                &format!("r{day}-{i}"),
                Some(at),
                Some(log),
                Some(&start),
            ));
        }
    }
    rows
}

#[test]
fn plan_apply_history_and_rollback_on_bigquery() {
    let Some(emulator) = emulator("plan_apply_history_and_rollback_on_bigquery") else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bq = runtime.block_on(Bq::connect(emulator, "cli"));
    let (staging, target) = runtime.block_on(bq.create_export_tables());
    runtime.block_on(bq.load(&staging, &rows()));

    let dir = tempfile::tempdir().expect("temp dir");
    let campaign = format!(
        "campaign Cli_Campaign {{\n    banner 5902\n    source `{staging}`\n    target `{target}`\n\n    \
         phase 1: 2025-04-01..2025-04-05 -> 2025-05-01\n    \
         phase 2: 2025-04-06..2025-04-10 + log \"special-log\" -> 2025-05-02\n}}\n"
    );
    std::fs::write(dir.path().join("c.bnr"), campaign).expect("write campaign");
    let engine = format!("bigquery:{}", bq.project);
    let at = [
        "--engine",
        engine.as_str(),
        "--endpoint",
        emulator.endpoint.as_str(),
    ];
    let with = |command: &[&str]| -> Vec<String> {
        command
            .iter()
            .chain(at.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        bannerc(&args, dir.path())
    };

    let plan = run(with(&["plan", "c.bnr", "--format", "json"]));
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("plan json");
    assert!(plan["estimated_bytes"].is_u64(), "{plan}");
    let count =
        |table| runtime.block_on(bq.count(&format!("SELECT COUNT(*) FROM {}", quoted(table))));
    assert_eq!(count(&target), 0, "plan writes nothing");

    let apply = run(with(&["apply", "c.bnr", "--yes", "--format", "json"]));
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    assert_eq!(count(&target), 40);
    assert_eq!(count(&staging), 40, "fused mode leaves staging alone");

    let again = run(with(&["apply", "c.bnr", "--yes"]));
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already applied")
            || String::from_utf8_lossy(&again.stdout).contains("already applied")
    );
    assert_eq!(count(&target), 40, "applying again inserts nothing");

    let history = run(with(&["history", "--format", "json"]));
    assert_eq!(
        history.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&history.stderr)
    );
    let runs: serde_json::Value = serde_json::from_slice(&history.stdout).expect("history json");
    let run_id = runs
        .as_array()
        .and_then(|runs| runs.first())
        .and_then(|r| r["run_id"].as_str())
        .expect("one run")
        .to_string();

    let rollback = run(with(&["rollback", run_id.as_str()]));
    assert_eq!(
        rollback.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rollback.stderr)
    );
    assert_eq!(count(&target), 0, "rollback removes exactly the run's rows");
}
