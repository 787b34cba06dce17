//! The BigQuery engine against a local BigQuery emulator: the DuckDB
//! engine's end-to-end scenarios (the worked example's values, fused equals
//! in-place, a failed check changes nothing, applying again does nothing,
//! rollback restores), plus `plan`'s facts and dry-run estimate.

mod bigquery_support;

use bannerc::exec::bigquery::BigQueryEngine;
use bannerc::exec::{Engine, EngineError, Silent, preflight};
use bannerc::ir::{Campaign, Mode, TableRef};
use bannerc::lower::{Dialect, LowerOptions, Script, lower};
use bigquery_support::{
    Bq, EventRow, campaign_from_yaml, emulator, expected_staging_in_place, expected_target,
    on_tables, quoted, utc,
};
use chrono::Duration;

/// A small campaign's rows: the worked example's phases with a minimum of
/// one row per phase, so that a few dozen rows exercise every rule.
fn small_rows() -> Vec<EventRow> {
    let mut rows = Vec::new();
    let logs = [
        Some("banner-log"),
        None,
        Some("add-report-prod-server"),
        Some("H_1_distinct_x"),
    ];
    for day in 0..30 {
        for (i, log) in logs.iter().enumerate() {
            let at =
                utc("2025-03-31 06:00:00") + Duration::days(day) + Duration::minutes(97 * i as i64);
            let start = (at - Duration::seconds(2))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
            rows.push(EventRow::new(
                &format!("r{day:02}-{i}"),
                Some(at),
                *log,
                Some(&start),
            ));
        }
    }
    rows
}

fn small_campaign(staging: &TableRef, target: &TableRef) -> Campaign {
    let mut campaign = on_tables(
        campaign_from_yaml("examples/worked_example.yaml"),
        staging,
        target,
    );
    campaign.thresholds.min_rows_per_phase = 1;
    campaign.thresholds.max_rows_per_phase = None;
    campaign
}

fn compile(campaign: &Campaign, mode: Mode) -> Script {
    let script = lower(
        campaign,
        Dialect::Bigquery,
        &LowerOptions { mode, run_id: None },
    )
    .expect("the campaign lowers");
    bannerc::verify::verify(&script).expect("the script verifies");
    script
}

/// A project of the emulator with export tables holding `rows`.
struct Setup {
    runtime: tokio::runtime::Runtime,
    bq: Bq,
    staging: TableRef,
    target: TableRef,
    engine: BigQueryEngine,
}

fn setup(test: &str, tag: &str, rows: &[EventRow]) -> Option<Setup> {
    let emulator = emulator(test)?;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bq = runtime.block_on(Bq::connect(emulator, tag));
    let (staging, target) = runtime.block_on(bq.create_export_tables());
    runtime.block_on(bq.load(&staging, rows));
    let engine = BigQueryEngine::connect(&bq.project, Some(&emulator.endpoint)).expect("connect");
    Some(Setup {
        runtime,
        bq,
        staging,
        target,
        engine,
    })
}

impl Setup {
    fn read(&self, table: &TableRef) -> Vec<EventRow> {
        self.runtime.block_on(self.bq.read(table))
    }

    fn count(&self, table: &TableRef) -> i64 {
        self.runtime.block_on(
            self.bq
                .count(&format!("SELECT COUNT(*) FROM {}", quoted(table))),
        )
    }

    fn ledger(&self) -> TableRef {
        self.bq.table("prod", "bannerc_runs")
    }
}

fn sorted(mut rows: Vec<EventRow>) -> Vec<EventRow> {
    rows.sort();
    rows
}

#[test]
fn apply_writes_the_worked_example_values_and_applying_again_does_nothing() {
    let rows = {
        let mut rows = small_rows();
        rows.push(EventRow::new(
            "sem-1",
            Some(utc("2025-04-03 14:05:09")),
            Some("banner-log"),
            Some("2025-04-03 14:05:07"),
        ));
        rows
    };
    let test = "apply_writes_the_worked_example_values_and_applying_again_does_nothing";
    let Some(mut s) = setup(test, "e-apply", &rows) else {
        return;
    };
    let campaign = small_campaign(&s.staging, &s.target);
    let script = compile(&campaign, Mode::Fused);

    let report = s.engine.run(&script, &Silent).expect("the run succeeds");

    let written = s.read(&s.target);
    assert_eq!(written, expected_target(&campaign, &rows));
    assert_eq!(report.entry.total_rows(), written.len() as u64);
    assert_eq!(report.entry.status, "applied");
    assert_eq!(report.entry.plan_hash, script.plan_hash);
    let log_names: Vec<_> = report
        .entry
        .phase_counts
        .iter()
        .map(|c| c.log_name.clone())
        .collect();
    assert_eq!(log_names[0].as_deref(), Some("H_5902_distinct_2025-04-25"));
    let first = written
        .iter()
        .find(|r| r.insert_id == "sem-1")
        .expect("sem-1 written");
    assert_eq!(first.row.timestamp, Some(utc("2025-04-25 14:05:09")));
    assert_eq!(first.row.start_time.as_deref(), Some("2025-04-25 14:05:07"));
    assert_eq!(first.row.end_time.as_deref(), Some("2025-04-25 14:05:12"));
    assert_eq!(first.row.timestamp_get, Some(1745589907));
    assert_eq!(first.row.banner_id.as_deref(), Some("5902"));
    assert_eq!(
        s.read(&s.staging),
        sorted(rows.clone()),
        "fused mode never writes staging"
    );

    let again = s
        .engine
        .run(&script, &Silent)
        .expect_err("the same plan is not applied twice");
    assert!(
        matches!(again, EngineError::Refused(ref m) if m.contains("already applied")),
        "{again}"
    );
    assert_eq!(s.read(&s.target), written);
    assert_eq!(s.count(&s.ledger()), 1);
    let history = s.engine.history().expect("history");
    assert_eq!(history.len(), 1);
    assert!(preflight::already_applied(&script.plan_hash, &history).is_some());
}

#[test]
fn fused_and_in_place_write_the_same_rows_and_rollback_restores_both() {
    // A row already bearing one of the campaign's log names: taken by
    // nobody, left alone in place, and still there after the rollback.
    let mut rows = small_rows();
    rows.push(EventRow::new(
        "own-before",
        Some(utc("2025-04-26 10:00:00")),
        Some("H_5902_distinct_2025-04-26"),
        Some("2025-04-26 09:59:58"),
    ));
    let test = "fused_and_in_place_write_the_same_rows_and_rollback_restores_both";
    let mut targets = Vec::new();
    for mode in [Mode::Fused, Mode::InPlace] {
        let tag = format!("e-rb-{}", mode.as_str());
        let Some(mut s) = setup(test, &tag, &rows) else {
            return;
        };
        let campaign = small_campaign(&s.staging, &s.target);
        let script = compile(&campaign, mode);

        let report = s.engine.run(&script, &Silent).expect("the run succeeds");
        let written = s.read(&s.target);
        assert_eq!(
            written,
            expected_target(&campaign, &rows),
            "{} target",
            mode.as_str()
        );
        if mode == Mode::InPlace {
            assert_eq!(
                s.read(&s.staging),
                expected_staging_in_place(&campaign, &rows)
            );
        }
        targets.push(written.clone());

        let rollback = s
            .engine
            .rollback(&report.entry.run_id, &Silent)
            .expect("rollback");
        assert_eq!(rollback.deleted_rows, written.len() as u64);
        assert!(
            s.read(&s.target).is_empty(),
            "{} target after rollback",
            mode.as_str()
        );
        assert_eq!(
            s.read(&s.staging),
            sorted(rows.clone()),
            "{} staging restored",
            mode.as_str()
        );
        let history = s.engine.history().expect("history");
        assert_eq!(history[0].status, "rolled_back");
        assert!(history[0].rolled_back_at.is_some());
        let twice = s
            .engine
            .rollback(&report.entry.run_id, &Silent)
            .expect_err("only once");
        assert!(matches!(twice, EngineError::Refused(_)), "{twice}");
    }
    assert_eq!(targets[0], targets[1]);
}

#[test]
fn in_place_runs_on_one_staging_table_are_rolled_back_newest_first() {
    let rows = small_rows();
    let test = "in_place_runs_on_one_staging_table_are_rolled_back_newest_first";
    let Some(mut s) = setup(test, "e-lifo", &rows) else {
        return;
    };
    let older = small_campaign(&s.staging, &s.target);
    // A second campaign on a day the first leaves alone, under its own log name.
    let newer = on_tables(
        bigquery_support::campaign_from_yaml_text(
            "campaign: {banner_id: 5903, campaign_name: Later, zone: UTC}\n\
             source: {project_id: p, dataset: d, table: staging}\n\
             target: {project_id: p, dataset: d, table: target}\n\
             date_mapping:\n  phases:\n    - {phase_id: 1, source_start: \"2025-04-29\", \
             source_end: \"2025-04-29\", target_date: \"2025-05-01\"}\n\
             validation: {thresholds: {min_records_per_phase: 1}}\n",
        ),
        &s.staging,
        &s.target,
    );
    let first = s
        .engine
        .run(&compile(&older, Mode::InPlace), &Silent)
        .expect("the older run");
    let second = s
        .engine
        .run(&compile(&newer, Mode::InPlace), &Silent)
        .expect("the newer run");
    let refused = s
        .engine
        .rollback(&first.entry.run_id, &Silent)
        .expect_err("the older run is not rolled back first");
    assert!(
        matches!(&refused, EngineError::Refused(m) if m.contains(&second.entry.run_id)),
        "{refused}"
    );
    s.engine
        .rollback(&second.entry.run_id, &Silent)
        .expect("the newer run first");
    s.engine
        .rollback(&first.entry.run_id, &Silent)
        .expect("then the older");
    assert_eq!(s.read(&s.staging), sorted(rows));
    assert!(s.read(&s.target).is_empty());
}

#[test]
fn a_failed_check_leaves_target_staging_and_ledger_unchanged() {
    let rows = small_rows();
    let test = "a_failed_check_leaves_target_staging_and_ledger_unchanged";
    for mode in [Mode::Fused, Mode::InPlace] {
        let Some(mut s) = setup(test, &format!("e-fail-{}", mode.as_str()), &rows) else {
            return;
        };
        let campaign = small_campaign(&s.staging, &s.target);
        let mut script = compile(&campaign, mode);
        let commit = "  COMMIT TRANSACTION;\n";
        assert_eq!(script.sql.matches(commit).count(), 1);
        script.sql = script.sql.replace(
            commit,
            "  ASSERT FALSE AS 'bannerc check failed: injected';\n  COMMIT TRANSACTION;\n",
        );

        let error = s.engine.run(&script, &Silent).expect_err("the run fails");
        match &error {
            EngineError::CheckFailed { message, .. } => {
                assert!(message.contains("injected"), "{message}")
            }
            other => panic!("expected a failed check, got {other}"),
        }
        assert!(s.read(&s.target).is_empty(), "{}", mode.as_str());
        assert_eq!(
            s.read(&s.staging),
            sorted(rows.clone()),
            "{}",
            mode.as_str()
        );
        assert_eq!(s.count(&s.ledger()), 0);
        let backups = s.runtime.block_on(s.bq.rows(&format!(
            "SELECT table_name FROM `{}`.`staging`.INFORMATION_SCHEMA.TABLES WHERE table_name LIKE '%bannerc%'",
            s.bq.project
        )));
        assert!(
            backups.is_empty(),
            "a failed run leaves no backup: {backups:?}"
        );
    }
}

#[test]
fn plan_facts_count_what_apply_takes() {
    let rows = small_rows();
    let Some(mut s) = setup("plan_facts_count_what_apply_takes", "e-plan", &rows) else {
        return;
    };
    let campaign = small_campaign(&s.staging, &s.target);

    let facts = s.engine.inspect(&campaign, Mode::InPlace).expect("inspect");
    let findings = preflight::judge(&campaign, Mode::InPlace, &facts);
    assert!(!preflight::blocks(&findings), "{findings:?}");
    let expected = expected_target(&campaign, &rows);
    for phase in &facts.phases {
        let log = campaign
            .phases
            .iter()
            .find(|p| p.id == phase.phase)
            .unwrap()
            .log_name
            .as_str();
        let want = expected
            .iter()
            .filter(|r| r.row.log_name.as_deref() == Some(log))
            .count();
        assert_eq!(phase.taken_rows, want as u64, "phase {}", phase.phase);
        assert_eq!(phase.unreadable_rows, 0);
        let (before, after) = phase.sample.clone().expect("a sample row");
        assert_eq!(after.0[1], ("logName".to_string(), Some(log.to_string())));
        assert_ne!(before.0[1], after.0[1]);
    }
    assert!(facts.target_own.is_empty() && facts.staging_own.is_empty());
    assert!(
        facts.specials_on_other_days > 0,
        "add-report rows fall on phase 1 and 2 days"
    );
    let bytes = s
        .engine
        .estimate_bytes(&compile(&campaign, Mode::Fused))
        .expect("dry run");
    assert!(bytes < u64::MAX);

    let window = bannerc::ir::DateRange::new(
        utc("2025-04-01 00:00:00").date_naive(),
        utc("2025-04-03 00:00:00").date_naive(),
    )
    .unwrap();
    let counts = s
        .engine
        .day_counts(&s.staging.clone(), &campaign.zone.node, window)
        .expect("day counts");
    let want = rows
        .iter()
        .filter(|r| {
            r.row
                .timestamp
                .is_some_and(|t| t.date_naive() >= window.start() && t.date_naive() <= window.end())
        })
        .filter(|r| {
            !r.row
                .log_name
                .as_deref()
                .is_some_and(bannerc::ir::is_output_form)
        })
        .count();
    let total: u64 = window.iter_days().map(|d| counts.rows_on(d)).sum();
    assert_eq!(total, want as u64);

    s.engine
        .run(&compile(&campaign, Mode::Fused), &Silent)
        .expect("apply");
    let after = s
        .engine
        .inspect(&campaign, Mode::Fused)
        .expect("inspect again");
    assert_eq!(after.target_own.len(), campaign.phases.len());
    assert!(preflight::blocks(&preflight::judge(
        &campaign,
        Mode::Fused,
        &after
    )));
}
