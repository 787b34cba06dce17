//! The engine commands end to end, through the `bannerc` binary on real
//! DuckDB files: `plan` writes nothing, `apply` twice inserts once, a
//! second process is turned away cleanly, refusals and failures (a check,
//! a statement, a kill at any step) change nothing, bad data stops the run
//! with counts and a sample, and `rollback` undoes exactly one run.

#![cfg(feature = "duckdb")]

mod duckdb_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bannerc::exec::reference::Row;
use chrono::{DateTime, Duration, Utc};
use duckdb::Connection;
use duckdb_support::*;

const SOURCE: &str = "request_edit.staging";
const TARGET: &str = "banner_data.banner_call_data";

fn campaign_text(checks: &str, phase_two: &str) -> String {
    format!(
        "campaign Cli_Test {{\n  banner 5902\n  source `clirnet-dev.request_edit.staging`\n  \
         target `clirnetapp.banner_data.banner_call_data`\n  zone Asia/Kolkata\n  \
         phase 1: 2025-04-01..2025-04-02 -> 2025-04-25\n  {phase_two}\n  check {{ {checks} }}\n}}\n"
    )
}

/// A campaign of two phases over 2025-04-01..2025-04-04 (Kolkata days).
fn default_campaign() -> String {
    campaign_text(
        "records_per_phase 1..1_000",
        "phase 2: 2025-04-03..2025-04-04 + log \"add-report-prod-server\" -> 2025-04-26",
    )
}

/// Rows on 2025-03-31..2025-04-05 UTC every 3 hours, a special-source
/// row, and a row an earlier campaign relabeled.
fn rows() -> Vec<Row> {
    let first: DateTime<Utc> = "2025-03-31T00:17:05Z".parse().unwrap();
    let mut rows: Vec<Row> = (0..48)
        .map(|step| {
            let at = first + Duration::hours(3 * step);
            let start = at.format("%Y-%m-%d %H:%M:%S").to_string();
            row(Some(&at.to_rfc3339()), Some("banner-log"), Some(&start))
        })
        .collect();
    rows.push(row(
        Some("2025-03-01T10:00:00Z"),
        Some("add-report-prod-server"),
        Some("2025-03-01 10:00:00"),
    ));
    rows.push(row(
        Some("2025-04-02T10:00:00Z"),
        Some("H_5901_distinct_2025-03-28"),
        Some("2025-04-02 10:00:00"),
    ));
    rows
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    campaign: PathBuf,
}

impl Fixture {
    fn new(campaign: &str, rows: &[Row]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("test.duckdb");
        {
            let conn = Connection::open(&db).unwrap();
            create_tables(&conn, &[SOURCE, TARGET]);
            insert_rows(&conn, SOURCE, rows);
            let earlier = [row(
                Some("2025-03-28T10:00:00Z"),
                Some("H_5901_distinct_2025-03-28"),
                Some("x"),
            )];
            insert_rows(&conn, TARGET, &earlier);
        }
        let path = dir.path().join("campaign.bnr");
        std::fs::write(&path, campaign).unwrap();
        Fixture {
            _dir: dir,
            db,
            campaign: path,
        }
    }

    fn engine(&self) -> String {
        format!("duckdb:{}", self.db.display())
    }

    fn bannerc(&self, args: &[&str]) -> Output {
        self.bannerc_env(args, None)
    }

    fn bannerc_env(&self, args: &[&str], failpoint: Option<&str>) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bannerc"));
        command
            .args(args)
            .env_remove("BANNERC_FAILPOINT")
            .current_dir(self.db.parent().unwrap());
        if let Some(step) = failpoint {
            command.env("BANNERC_FAILPOINT", step);
        }
        command.output().unwrap()
    }

    fn apply(&self, extra: &[&str]) -> Output {
        let engine = self.engine();
        let campaign = self.campaign.display().to_string();
        let mut args = vec![
            "apply",
            campaign.as_str(),
            "--engine",
            engine.as_str(),
            "--yes",
        ];
        args.extend_from_slice(extra);
        self.bannerc(&args)
    }

    fn plan(&self, extra: &[&str]) -> Output {
        let engine = self.engine();
        let campaign = self.campaign.display().to_string();
        let mut args = vec!["plan", campaign.as_str(), "--engine", engine.as_str()];
        args.extend_from_slice(extra);
        self.bannerc(&args)
    }

    fn target_rows(&self) -> usize {
        read_rows(&Connection::open(&self.db).unwrap(), TARGET).len()
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

#[test]
fn plan_reports_the_phases_and_samples_and_writes_nothing() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let before = snapshot(&fixture.db);
    let output = fixture.plan(&[]);
    assert_eq!(code(&output), Some(0), "{}", text(&output));
    let out = text(&output);
    assert!(out.contains("H_5902_distinct_2025-04-25"), "{out}");
    assert!(
        out.contains("phase 1 sample") && out.contains("after "),
        "{out}"
    );
    assert!(out.contains("plan: OK"), "{out}");
    let json = fixture.plan(&["--format", "json", "--mode", "in-place"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["status"], "ok");
    assert_eq!(value["phases"][0]["taken_rows"], 16);
    assert_eq!(value["phases"][1]["taken_rows"], 17);
    let sample = &value["phases"][0]["sample"];
    assert_eq!(sample["after"]["logName"], "H_5902_distinct_2025-04-25");
    assert_eq!(sample["after"]["jsonPayload.banner_id"], "5902");
    // The earliest row taken, 2025-03-31T21:17:05Z, is 02:47:05 on
    // 2025-04-01 in Kolkata; its start_time text is kept but for the date.
    assert_eq!(sample["before"]["timestamp"], "2025-03-31 21:17:05+00");
    assert_eq!(
        sample["before"]["jsonPayload.start_time"],
        "2025-03-31 21:17:05"
    );
    assert_eq!(
        sample["after"]["jsonPayload.start_time"],
        "2025-04-25 21:17:05"
    );
    assert_eq!(sample["after"]["timestamp"], "2025-04-24 21:17:05+00");
    assert_eq!(snapshot(&fixture.db), before, "plan changed the database");
}

#[test]
fn apply_twice_inserts_once_and_history_lists_the_run() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let first = fixture.apply(&[]);
    assert_eq!(code(&first), Some(0), "{}", text(&first));
    assert!(
        text(&first).contains("33 rows inserted"),
        "{}",
        text(&first)
    );
    let after_first = snapshot(&fixture.db);
    let second = fixture.apply(&["--mode", "in-place"]);
    assert_eq!(code(&second), Some(0), "{}", text(&second));
    assert!(
        text(&second).contains("already applied as run"),
        "{}",
        text(&second)
    );
    assert_eq!(snapshot(&fixture.db), after_first);
    let engine = fixture.engine();
    let history = fixture.bannerc(&["history", "--engine", &engine, "--format", "json"]);
    let entries: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["status"], "applied");
    assert_eq!(entries[0]["phase_counts"][1]["taken_rows"], 17);
}

#[test]
fn without_a_terminal_apply_needs_yes() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let before = snapshot(&fixture.db);
    let engine = fixture.engine();
    let output = fixture.bannerc(&[
        "apply",
        fixture.campaign.to_str().unwrap(),
        "--engine",
        &engine,
    ]);
    assert_eq!(code(&output), Some(2));
    assert!(text(&output).contains("pass --yes"), "{}", text(&output));
    assert_eq!(snapshot(&fixture.db), before);
}

#[test]
fn a_second_writer_is_turned_away_cleanly() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let before = snapshot(&fixture.db);
    {
        let _holder = Connection::open(&fixture.db).unwrap();
        let output = fixture.apply(&[]);
        assert_eq!(code(&output), Some(4), "{}", text(&output));
        assert!(
            text(&output).contains("is in use by another process"),
            "{}",
            text(&output)
        );
    }
    assert_eq!(snapshot(&fixture.db), before);
}

#[test]
fn two_concurrent_applies_insert_once() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_bannerc"))
            .args([
                "apply",
                fixture.campaign.to_str().unwrap(),
                "--engine",
                &fixture.engine(),
                "--yes",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (one, two) = (spawn(), spawn());
    let outputs = [
        one.wait_with_output().unwrap(),
        two.wait_with_output().unwrap(),
    ];
    let applied = outputs
        .iter()
        .filter(|o| code(o) == Some(0) && text(o).contains("rows inserted"))
        .count();
    assert_eq!(
        applied,
        1,
        "{}\n---\n{}",
        text(&outputs[0]),
        text(&outputs[1])
    );
    for output in &outputs {
        let out = text(output);
        let clean = (code(output) == Some(0)
            && (out.contains("rows inserted") || out.contains("already applied")))
            || (code(output) == Some(4) && out.contains("is in use by another process"));
        assert!(clean, "{out}");
    }
    assert_eq!(fixture.target_rows(), 1 + 33);
}

#[test]
fn an_overlapping_campaign_is_refused_unless_reuse_is_allowed() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    assert_eq!(code(&fixture.apply(&[])), Some(0));
    let overlapping = campaign_text(
        "records_per_phase 1..1_000",
        "phase 2: 2025-04-04..2025-04-05 -> 2025-04-27",
    )
    .replace("Cli_Test", "Second")
    .replace("2025-04-25", "2025-04-28");
    std::fs::write(&fixture.campaign, &overlapping).unwrap();
    let before = snapshot(&fixture.db);
    let refused = fixture.apply(&[]);
    assert_eq!(code(&refused), Some(1), "{}", text(&refused));
    let out = text(&refused);
    assert!(
        out.contains("error[reuse]: run ") && out.contains("campaign Cli_Test"),
        "{out}"
    );
    assert!(
        out.contains("days 2025-04-01..2025-04-02, 2025-04-04..2025-04-04"),
        "{out}"
    );
    assert_eq!(snapshot(&fixture.db), before);
    // The same DuckDB table, named with another project and another case.
    let respelled = overlapping.replace(
        "`clirnet-dev.request_edit.staging`",
        "`other-project.Request_Edit.STAGING`",
    );
    std::fs::write(&fixture.campaign, &respelled).unwrap();
    let refused = fixture.apply(&[]);
    assert_eq!(code(&refused), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("error[reuse]: run "),
        "{}",
        text(&refused)
    );
    assert_eq!(snapshot(&fixture.db), before);
    std::fs::write(&fixture.campaign, &overlapping).unwrap();
    let planned = fixture.plan(&[]);
    assert_eq!(code(&planned), Some(1), "{}", text(&planned));
    let planned = fixture.plan(&["--allow-reuse"]);
    assert_eq!(code(&planned), Some(0), "{}", text(&planned));
    assert!(
        text(&planned).contains("warning[reuse]: run "),
        "{}",
        text(&planned)
    );
    let allowed = fixture.apply(&["--allow-reuse", "--format", "json"]);
    assert_eq!(code(&allowed), Some(0), "{}", text(&allowed));
    // The summary keeps the allowed reuse and the campaign's own warning
    // (its phases leave 2025-04-03 untaken).
    let summary: serde_json::Value = serde_json::from_slice(&allowed.stdout).unwrap();
    assert_eq!(summary["status"], "applied", "{summary}");
    assert_eq!(summary["warnings"][0]["kind"], "reuse", "{summary}");
    assert_eq!(summary["diagnostics"][0]["code"], "W0503", "{summary}");
}

#[test]
fn a_threshold_that_cannot_be_met_refuses_and_changes_nothing() {
    let campaign = campaign_text(
        "records_per_phase 100..1_000",
        "phase 2: 2025-04-03..2025-04-04 -> 2025-04-26",
    );
    let fixture = Fixture::new(&campaign, &rows());
    let before = snapshot(&fixture.db);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(1));
    assert!(
        text(&plan)
            .contains("phase 1 takes 16 rows; records_per_phase requires between 100 and 1000")
    );
    let apply = fixture.apply(&[]);
    assert_eq!(code(&apply), Some(1), "{}", text(&apply));
    assert!(text(&apply).contains("nothing was written"));
    assert_eq!(snapshot(&fixture.db), before);
}

#[test]
fn a_failing_statement_rolls_everything_back() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    {
        // Same columns, so the pre-flight passes; the INSERT breaks a constraint.
        let conn = Connection::open(&fixture.db).unwrap();
        conn.execute_batch(&format!(
            "DROP TABLE banner_data.banner_call_data; CREATE TABLE banner_data.banner_call_data {} ;",
            LAYOUT.replace("\"severity\" VARCHAR)", "\"severity\" VARCHAR CHECK (\"severity\" <> 'INFO'))")
        ))
        .unwrap();
    }
    let before = snapshot(&fixture.db);
    for mode in ["fused", "in-place"] {
        let output = fixture.apply(&["--mode", mode]);
        assert_eq!(code(&output), Some(4), "{}", text(&output));
        assert!(
            text(&output).contains("step `insert` failed"),
            "{}",
            text(&output)
        );
        assert_eq!(snapshot(&fixture.db), before, "{mode}");
    }
}

/// The steps of a run, in order, as the failpoints name them.
fn steps(mode: &str) -> Vec<String> {
    let mut steps: Vec<String> = vec!["begin".into(), "setup".into()];
    match mode {
        "fused" => steps.extend(["collect", "pre-check"].map(String::from)),
        _ => steps.extend(
            [
                "backup",
                "pre-check",
                "relabel-1",
                "relabel-2",
                "fix-fields-1",
                "fix-fields-2",
            ]
            .map(String::from),
        ),
    }
    steps.extend(["insert", "post-check", "ledger", "commit"].map(String::from));
    steps
}

#[test]
fn a_kill_at_any_step_leaves_every_table_as_it_was() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let before = snapshot(&fixture.db);
    let engine = fixture.engine();
    let campaign = fixture.campaign.display().to_string();
    for mode in ["fused", "in-place"] {
        for step in steps(mode) {
            let args = [
                "apply", &campaign, "--engine", &engine, "--yes", "--mode", mode,
            ];
            let output = fixture.bannerc_env(&args, Some(&step));
            assert_eq!(
                code(&output),
                None,
                "{mode} {step} was not killed: {}",
                text(&output)
            );
            assert!(text(&output).contains(&format!("failpoint BANNERC_FAILPOINT={step}")));
            assert_eq!(
                snapshot(&fixture.db),
                before,
                "{mode}: killed before {step}"
            );
        }
    }
    let output = fixture.bannerc_env(
        &["apply", &campaign, "--engine", &engine, "--yes"],
        Some("committed"),
    );
    assert_eq!(code(&output), None);
    assert_eq!(
        fixture.target_rows(),
        1 + 33,
        "killed after the commit: the whole run is there"
    );
}

#[test]
fn rollback_restores_target_and_staging_and_a_kill_during_it_changes_nothing() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let before = snapshot(&fixture.db);
    let applied = fixture.apply(&["--mode", "in-place", "--format", "json"]);
    assert_eq!(code(&applied), Some(0), "{}", text(&applied));
    let value: serde_json::Value = serde_json::from_slice(&applied.stdout).unwrap();
    let run_id = value["run"]["run_id"].as_str().unwrap().to_string();
    let engine = fixture.engine();
    let after_apply = snapshot(&fixture.db);
    for step in [
        "rollback-begin",
        "rollback-delete",
        "rollback-restore",
        "rollback-ledger",
        "rollback-commit",
    ] {
        let output = fixture.bannerc_env(&["rollback", &run_id, "--engine", &engine], Some(step));
        assert_eq!(code(&output), None, "{step}: {}", text(&output));
        assert_eq!(snapshot(&fixture.db), after_apply, "killed before {step}");
    }
    let output = fixture.bannerc(&["rollback", &run_id, "--engine", &engine, "--yes"]);
    assert_eq!(code(&output), Some(0), "{}", text(&output));
    assert!(text(&output).contains("33 rows deleted from the target, 33 staging rows restored"));
    let after = snapshot(&fixture.db);
    for table in [SOURCE, TARGET] {
        assert_eq!(after[table], before[table], "{table}");
    }
    let again = fixture.bannerc(&["rollback", &run_id, "--engine", &engine]);
    assert_eq!(code(&again), Some(1));
    assert!(text(&again).contains("is rolled_back, not applied"));
    let history = fixture.bannerc(&["history", "--engine", &engine]);
    assert!(text(&history).contains("rolled_back"));
    let unknown = fixture.bannerc(&["rollback", "no-such-run", "--engine", &engine]);
    assert_eq!(code(&unknown), Some(1), "{}", text(&unknown));
    assert!(text(&unknown).contains("there is no run `no-such-run`"));
}

#[test]
fn rolling_back_in_place_keeps_a_copy_of_a_taken_row_added_since() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let applied = fixture.apply(&["--mode", "in-place", "--format", "json"]);
    assert_eq!(code(&applied), Some(0), "{}", text(&applied));
    let value: serde_json::Value = serde_json::from_slice(&applied.stdout).unwrap();
    let run_id = value["run"]["run_id"].as_str().unwrap().to_string();
    // The export delivers a taken row again after the run: 21:17:05 UTC on
    // 2025-03-31 is 02:47:05 on 2025-04-01 in Kolkata, phase 1's first day.
    let again = rows()[7].clone();
    assert_eq!(
        again.timestamp.unwrap().to_rfc3339(),
        "2025-03-31T21:17:05+00:00"
    );
    // The copy is taken from the run's backup, so that every column is equal.
    let backup = value["run"]["backup_table"].as_str().unwrap();
    let (_, dataset_table) = backup.split_once('.').unwrap();
    let (dataset, table) = dataset_table.split_once('.').unwrap();
    Connection::open(&fixture.db)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO {SOURCE} SELECT * FROM \"{dataset}\".\"{table}\" \
             WHERE \"jsonPayload\".user_id = 'user-7'"
        ))
        .unwrap();

    let output = fixture.bannerc(&["rollback", &run_id, "--engine", &fixture.engine()]);
    assert_eq!(code(&output), Some(0), "{}", text(&output));
    let mut expected = rows();
    expected.push(again);
    expected.sort();
    let mut staging = read_rows(&Connection::open(&fixture.db).unwrap(), SOURCE);
    staging.sort();
    assert_eq!(staging, expected);
}

#[test]
fn rolling_back_an_older_in_place_run_keeps_a_newer_ones_changes() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let before = snapshot(&fixture.db);
    let run_id = |output: &Output| {
        assert_eq!(code(output), Some(0), "{}", text(output));
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        value["run"]["run_id"].as_str().unwrap().to_string()
    };
    let older = run_id(&fixture.apply(&["--mode", "in-place", "--format", "json"]));
    let newer_campaign = campaign_text("records_per_phase 1..1_000", "")
        .replace("Cli_Test", "Newer")
        .replace(
            "2025-04-01..2025-04-02 -> 2025-04-25",
            // The older run took that log specially; this one leaves it be.
            "2025-04-05..2025-04-06 except log \"add-report-prod-server\" -> 2025-04-28",
        );
    std::fs::write(&fixture.campaign, newer_campaign).unwrap();
    let newer = run_id(&fixture.apply(&["--mode", "in-place", "--format", "json"]));
    let engine = fixture.engine();
    let staging_rows = |db: &Path| read_rows(&Connection::open(db).unwrap(), SOURCE);
    let newer_labels = |rows: &[Row]| {
        rows.iter()
            .filter(|r| r.log_name.as_deref() == Some("H_5902_distinct_2025-04-28"))
            .count()
    };
    let relabeled_by_newer = newer_labels(&staging_rows(&fixture.db));
    assert!(relabeled_by_newer > 0);

    let output = fixture.bannerc(&["rollback", &older, "--engine", &engine]);
    assert_eq!(code(&output), Some(0), "{}", text(&output));
    let staging = staging_rows(&fixture.db);
    assert_eq!(
        staging.len(),
        before[SOURCE].len(),
        "no staging row doubled"
    );
    assert_eq!(
        newer_labels(&staging),
        relabeled_by_newer,
        "the newer run's rows stay relabeled"
    );

    let output = fixture.bannerc(&["rollback", &newer, "--engine", &engine]);
    assert_eq!(code(&output), Some(0), "{}", text(&output));
    let after = snapshot(&fixture.db);
    for table in [SOURCE, TARGET] {
        assert_eq!(after[table], before[table], "{table}");
    }
}

#[test]
fn unreadable_start_times_and_null_timestamps_stop_the_run_with_counts_and_a_sample() {
    let mut bad = rows();
    bad.push(row(Some("2025-04-01T12:00:00Z"), Some("banner-log"), None));
    bad.push(row(
        Some("2025-04-01T13:00:00Z"),
        Some("banner-log"),
        Some("01/04/2025 13:00"),
    ));
    bad.push(row(
        None,
        Some("add-report-prod-server"),
        Some("2025-04-01 13:00:00"),
    ));
    bad.push(row(None, Some("banner-log"), Some("2025-04-01 13:00:00")));
    let fixture = Fixture::new(&default_campaign(), &bad);
    let before = snapshot(&fixture.db);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(1));
    let out = text(&plan);
    assert!(
        out.contains("2 taken rows have a NULL or unreadable start_time")
            && out.contains("1 special-source rows have a NULL timestamp")
            && out.contains("phase 1: 2 + 0, phase 2: 0 + 1"),
        "{out}"
    );
    assert!(
        out.contains("sample: 2025-04-01 12:00:00+00 | banner-log"),
        "{out}"
    );
    let apply = fixture.apply(&[]);
    assert_eq!(code(&apply), Some(1));
    assert_eq!(snapshot(&fixture.db), before);

    // Let through by the threshold, they are planned with a warning that
    // says what they become.
    let tolerant = campaign_text(
        "records_per_phase 1..1_000\n        start_time unreadable <= 3",
        "phase 2: 2025-04-03..2025-04-04 + log \"add-report-prod-server\" -> 2025-04-26",
    );
    let fixture = Fixture::new(&tolerant, &bad);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(0), "{}", text(&plan));
    assert!(
        text(&plan).contains(
            "3 rows in all, at most 3 allowed; they are still taken: an unreadable start_time is written as NULL start_time, end_time and timestamp_get, and a missing timestamp stays NULL"
        ),
        "{}",
        text(&plan)
    );

    // `--deny-warnings` refuses them like any warning, and writes nothing.
    let before = snapshot(&fixture.db);
    let denied = fixture.plan(&["--deny-warnings"]);
    assert_eq!(code(&denied), Some(1), "{}", text(&denied));
    assert!(
        text(&denied).contains("(a warning, refused by --deny-warnings)"),
        "{}",
        text(&denied)
    );
    let denied = fixture.apply(&["--deny-warnings"]);
    assert_eq!(code(&denied), Some(1), "{}", text(&denied));
    assert_eq!(snapshot(&fixture.db), before);

    // Without it the run goes ahead, and its summary keeps the warning.
    let applied = fixture.apply(&["--format", "json"]);
    assert_eq!(code(&applied), Some(0), "{}", text(&applied));
    let summary: serde_json::Value = serde_json::from_slice(&applied.stdout).unwrap();
    assert_eq!(summary["warnings"][0]["kind"], "data_errors", "{summary}");
}

#[test]
fn a_target_with_other_columns_or_a_missing_table_stops_before_writing() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    Connection::open(&fixture.db)
        .unwrap()
        .execute_batch("ALTER TABLE banner_data.banner_call_data ADD COLUMN trace VARCHAR")
        .unwrap();
    let before = snapshot(&fixture.db);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(1));
    assert!(text(&plan).contains("have different columns (4 and 5 columns); column 5 is nothing in the source and `trace` VARCHAR"), "{}", text(&plan));
    assert_eq!(code(&fixture.apply(&[])), Some(1));
    assert_eq!(snapshot(&fixture.db), before);
    Connection::open(&fixture.db)
        .unwrap()
        .execute_batch("DROP TABLE banner_data.banner_call_data")
        .unwrap();
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(1));
    assert!(text(&plan).contains("the target table clirnetapp.banner_data.banner_call_data (\"banner_data\".\"banner_call_data\") does not exist"), "{}", text(&plan));
    let before = snapshot(&fixture.db);
    assert_eq!(code(&fixture.apply(&[])), Some(1));
    assert_eq!(snapshot(&fixture.db), before);
}

#[test]
fn a_staging_column_with_a_name_the_sql_keeps_is_refused() {
    for (column, mode) in [("bannerc_tod_us", "fused"), ("rowid", "in-place")] {
        let fixture = Fixture::new(&default_campaign(), &rows());
        Connection::open(&fixture.db)
            .unwrap()
            .execute_batch(&format!(
                "ALTER TABLE {SOURCE} ADD COLUMN {column} BIGINT DEFAULT 42; \
                 ALTER TABLE {TARGET} ADD COLUMN {column} BIGINT;"
            ))
            .unwrap();
        let before = snapshot(&fixture.db);
        let plan = fixture.plan(&["--mode", mode]);
        assert_eq!(code(&plan), Some(1), "{}", text(&plan));
        assert!(
            text(&plan).contains(&format!(
                "has a column `{column}`, a name bannerc's SQL keeps"
            )),
            "{}",
            text(&plan)
        );
        assert_eq!(code(&fixture.apply(&["--mode", mode])), Some(1));
        assert_eq!(snapshot(&fixture.db), before);
    }
}

#[test]
fn a_32_bit_timestamp_get_is_refused_before_writing() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let layout = "\"timestamp\" TIMESTAMPTZ, \"logName\" VARCHAR, \"jsonPayload\" STRUCT(\
                  start_time VARCHAR, end_time VARCHAR, timestamp_get INTEGER, banner_id VARCHAR)";
    Connection::open(&fixture.db)
        .unwrap()
        .execute_batch(&format!(
            "DROP TABLE {SOURCE}; DROP TABLE {TARGET}; \
             CREATE TABLE {SOURCE} ({layout}); CREATE TABLE {TARGET} ({layout});"
        ))
        .unwrap();
    let before = snapshot(&fixture.db);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(1), "{}", text(&plan));
    assert!(
        text(&plan).contains("`jsonPayload.timestamp_get` is INTEGER (expected BIGINT or HUGEINT)"),
        "{}",
        text(&plan)
    );
    assert_eq!(code(&fixture.apply(&[])), Some(1));
    assert_eq!(snapshot(&fixture.db), before);
}

#[test]
fn a_missing_database_file_is_not_created() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let missing = fixture.db.with_file_name("missing.duckdb");
    let engine = format!("duckdb:{}", missing.display());
    let output = fixture.bannerc(&[
        "plan",
        fixture.campaign.to_str().unwrap(),
        "--engine",
        &engine,
    ]);
    assert_eq!(code(&output), Some(4));
    assert!(text(&output).contains("there is no DuckDB database at"));
    assert!(!Path::new(&missing).exists());
    // Scripts asking for JSON get a document on failure too.
    for command in ["plan", "apply", "history", "rollback"] {
        let first = if command == "rollback" {
            "some-run".to_string()
        } else {
            fixture.campaign.display().to_string()
        };
        let mut args = vec![
            command,
            first.as_str(),
            "--engine",
            &engine,
            "--format",
            "json",
        ];
        if command == "history" {
            args.remove(1);
        }
        if command == "apply" {
            args.push("--yes");
        }
        let output = fixture.bannerc(&args);
        assert_eq!(code(&output), Some(4), "{command}: {}", text(&output));
        let value: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{command}: {e}: {}", text(&output)));
        assert_eq!(value["status"], "error", "{command}");
        assert_eq!(value["exit_code"], 4, "{command}");
        assert!(
            value["error"]
                .as_str()
                .unwrap()
                .contains("there is no DuckDB database")
        );
    }
    assert!(!Path::new(&missing).exists());
}

#[test]
fn the_demo_runs_on_a_fresh_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_bannerc"))
        .args(["demo", "--rows", "3000"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), Some(0), "{}", text(&output));
    let out = text(&output);
    assert!(
        out.contains("== 4. apply")
            && out.contains("rows inserted into clirnetapp.banner_data.banner_call_data")
    );
    assert!(dir.path().join("bannerc-demo.duckdb").exists());
    let again = Command::new(env!("CARGO_BIN_EXE_bannerc"))
        .args(["demo", "--rows", "3000"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        code(&again),
        Some(0),
        "the demo recreates its own file: {}",
        text(&again)
    );
    // Outside a checkout, the commands it suggests name a copy of its
    // campaign, and they work as written.
    assert!(text(&again).contains("bannerc apply bannerc-demo.bnr --engine"));
    let apply = Command::new(env!("CARGO_BIN_EXE_bannerc"))
        .args([
            "apply",
            "bannerc-demo.bnr",
            "--engine",
            "duckdb:bannerc-demo.duckdb",
            "--yes",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&apply), Some(0), "{}", text(&apply));
    assert!(text(&apply).contains("already applied"), "{}", text(&apply));
}

#[test]
fn a_volume_split_reads_its_day_counts_from_the_engine() {
    let campaign = "campaign Volume {\n  banner 5902\n  source `clirnet-dev.request_edit.staging`\n  \
        target `clirnetapp.banner_data.banner_call_data`\n  zone Asia/Kolkata\n  \
        schedule daily 2025-04-25..2025-04-26\n  from 2025-04-01..2025-04-04 split volume 16\n  \
        check { records_per_phase 1..1_000 }\n}\n";
    let fixture = Fixture::new(campaign, &rows());
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(0), "{}", text(&plan));
    let out = text(&plan);
    assert!(
        out.contains("day counts read from the engine for the volume split: 4 days, 32 rows"),
        "{out}"
    );
    let json = fixture.plan(&["--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        value["day_counts"]["2025-04-02"], 8,
        "the relabeled row is not counted"
    );
    assert_eq!(
        value["phases"][0]["takes"][0],
        serde_json::json!(["2025-04-01", "2025-04-02"])
    );
    let apply = fixture.apply(&[]);
    assert_eq!(code(&apply), Some(0), "{}", text(&apply));
    assert!(
        text(&apply).contains("32 rows inserted"),
        "{}",
        text(&apply)
    );
}

#[test]
fn compile_emits_a_verified_duckdb_script() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let campaign = fixture.campaign.display().to_string();
    for mode in ["fused", "in-place"] {
        let output =
            fixture.bannerc(&["compile", &campaign, "--dialect", "duckdb", "--mode", mode]);
        assert_eq!(code(&output), Some(0), "{}", text(&output));
        let sql = String::from_utf8_lossy(&output.stdout);
        assert!(
            sql.starts_with("-- bannerc ") && sql.contains("DuckDB"),
            "{sql}"
        );
        assert!(
            sql.contains("BEGIN TRANSACTION;") && sql.trim_end().ends_with("COMMIT;"),
            "{sql}"
        );
        assert!(sql.contains("\"request_edit\".\"staging\""), "{sql}");
    }
}

#[test]
fn plan_json_for_a_campaign_with_errors_carries_its_diagnostics() {
    let overlapping = campaign_text(
        "records_per_phase 1..1_000",
        "phase 2: 2025-04-02..2025-04-04 -> 2025-04-26",
    );
    let fixture = Fixture::new(&overlapping, &rows());
    let output = fixture.plan(&["--format", "json"]);
    assert_eq!(code(&output), Some(1), "{}", text(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["status"], "error");
    assert_eq!(value["diagnostics"][0]["code"], "E0501");
    assert_eq!(value["diagnostics"][0]["line"], 7);
}

#[test]
fn column_names_are_matched_without_case_as_the_engines_do() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let conn = Connection::open(&fixture.db).unwrap();
    // Differently in each table, too: both engines match names without case.
    for (table, log_name) in [(SOURCE, "LOGNAME"), (TARGET, "logname")] {
        conn.execute_batch(&format!(
            "ALTER TABLE {table} RENAME COLUMN \"logName\" TO \"{log_name}\"; \
             ALTER TABLE {table} RENAME COLUMN \"jsonPayload\" TO \"JsonPayload\";"
        ))
        .unwrap();
    }
    drop(conn);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(0), "{}", text(&plan));
    let apply = fixture.apply(&[]);
    assert_eq!(code(&apply), Some(0), "{}", text(&apply));
    let conn = Connection::open(&fixture.db).unwrap();
    let written: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM {TARGET} WHERE \"LOGNAME\" LIKE 'H_5902_%'"),
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(written, 33);
}

#[test]
fn a_row_with_two_faults_counts_once_and_an_infinite_timestamp_is_a_missing_one() {
    let tolerant = campaign_text(
        "records_per_phase 1..1_000\n        start_time unreadable <= 2",
        "phase 2: 2025-04-03..2025-04-04 + log \"add-report-prod-server\" -> 2025-04-26",
    );
    let fixture = Fixture::new(&tolerant, &rows());
    Connection::open(&fixture.db)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO {SOURCE} VALUES \
             (NULL, 'add-report-prod-server', {{'start_time': NULL, 'end_time': 'x', 'timestamp_get': 1, 'banner_id': '1', 'user_id': 'u'}}, 'INFO'), \
             ('infinity', 'add-report-prod-server', {{'start_time': '2025-04-01 10:00:00', 'end_time': 'x', 'timestamp_get': 1, 'banner_id': '1', 'user_id': 'u'}}, 'INFO')"
        ))
        .unwrap();
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(0), "{}", text(&plan));
    assert!(
        text(&plan).contains("2 rows in all, at most 2 allowed"),
        "{}",
        text(&plan)
    );
    for mode in ["fused", "in-place"] {
        let before = snapshot(&fixture.db);
        let apply = fixture.apply(&["--mode", mode]);
        assert_eq!(code(&apply), Some(0), "{mode}: {}", text(&apply));
        let conn = Connection::open(&fixture.db).unwrap();
        let undated: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM {TARGET} WHERE \"timestamp\" IS NULL \
                     AND \"logName\" = 'H_5902_distinct_2025-04-26'"
                ),
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(undated, 2, "{mode}");
        drop(conn);
        let run = fixture.bannerc(&["history", "--engine", &fixture.engine(), "--format", "json"]);
        let history: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let run_id = history[0]["run_id"].as_str().unwrap().to_string();
        let rollback = fixture.bannerc(&["rollback", &run_id, "--engine", &fixture.engine()]);
        assert_eq!(code(&rollback), Some(0), "{mode}: {}", text(&rollback));
        let after = snapshot(&fixture.db);
        for table in [SOURCE, TARGET] {
            assert_eq!(after[table], before[table], "{mode} {table}");
        }
    }
}

#[test]
fn table_names_are_found_without_case_as_duckdb_finds_them() {
    let upper = default_campaign().replace("request_edit.staging", "Request_Edit.STAGING");
    assert_ne!(upper, default_campaign());
    let fixture = Fixture::new(&upper, &rows());
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(0), "{}", text(&plan));
    assert_eq!(code(&fixture.apply(&[])), Some(0));
    assert_eq!(fixture.target_rows(), 34);
}

#[test]
fn a_target_that_is_a_view_is_named_as_one() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    Connection::open(&fixture.db)
        .unwrap()
        .execute_batch(&format!(
            "DROP TABLE {TARGET}; CREATE VIEW {TARGET} AS SELECT * FROM {SOURCE}"
        ))
        .unwrap();
    let before = snapshot(&fixture.db);
    let plan = fixture.plan(&[]);
    assert_eq!(code(&plan), Some(1));
    assert!(
        text(&plan).contains("is a view; bannerc reads and writes tables only"),
        "{}",
        text(&plan)
    );
    assert_eq!(code(&fixture.apply(&[])), Some(1));
    assert_eq!(snapshot(&fixture.db), before);
}

#[test]
fn a_dry_run_execution_mode_plans_and_writes_nothing() {
    let fixture = Fixture::new(&default_campaign(), &rows());
    let dir = fixture.db.parent().unwrap();
    let yaml = dir.join("campaign.yaml");
    std::fs::write(
        &yaml,
        "campaign:\n  banner_id: \"5902\"\n  campaign_name: Rehearsal\n  execution_mode: dry_run\n\
         source: {project_id: clirnet-dev, dataset: request_edit, table: staging}\n\
         target: {project_id: clirnetapp, dataset: banner_data, table: banner_call_data}\n\
         date_mapping:\n  strategy: custom\n  phases:\n    \
         - {phase_id: 1, source_start: \"2025-04-01\", source_end: \"2025-04-02\", target_date: \"2025-04-25\"}\n",
    )
    .unwrap();
    let before = snapshot(&fixture.db);
    let engine = fixture.engine();
    let yaml = yaml.display().to_string();
    // A dry run needs no --yes, even without a terminal.
    let dry = fixture.bannerc(&["apply", &yaml, "--engine", &engine]);
    assert_eq!(code(&dry), Some(0), "{}", text(&dry));
    assert!(
        text(&dry).contains("execution_mode is \"dry_run\"")
            && text(&dry).contains("nothing was written"),
        "{}",
        text(&dry)
    );
    assert_eq!(snapshot(&fixture.db), before);

    // The same from the profile a campaign is applied with.
    std::fs::write(
        dir.join("bannerc.toml"),
        "[profiles.rehearse]\nexecution_mode = \"dry_run\"\n",
    )
    .unwrap();
    let campaign = fixture.campaign.display().to_string();
    let profiled = [
        "apply",
        &campaign,
        "--engine",
        &engine,
        "--profile",
        "rehearse",
    ];
    let dry = fixture.bannerc(&[&profiled[..], &["--format", "json"]].concat());
    assert_eq!(code(&dry), Some(0), "{}", text(&dry));
    let document: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(document["status"], "dry_run", "{document}");
    assert_eq!(snapshot(&fixture.db), before);
    let applied = fixture.apply(&[]);
    assert_eq!(code(&applied), Some(0), "{}", text(&applied));
    assert_ne!(snapshot(&fixture.db), before);
}
