//! The compiled BigQuery scripts, run as single query jobs on a local
//! BigQuery emulator: the worked example of SEMANTICS.md, fused against
//! in-place, a failed check rolling everything back, a second run refused,
//! dry runs, and a zone with daylight-saving changes, every target row
//! held to the reference evaluator.

mod bigquery_support;

use bannerc::ir::{Campaign, Mode, TableRef};
use bannerc::lower::{Dialect, LowerOptions, Script, lower};
use bigquery_support::{
    Bq, EventRow, campaign_from_yaml, campaign_from_yaml_text, emulator, expected_staging_in_place,
    expected_target, on_tables, quoted, utc,
};
use chrono::{DateTime, Duration, Utc};

/// The worked example's campaign, on tables of `bq`'s project.
async fn worked_example(bq: &Bq) -> (Campaign, TableRef, TableRef) {
    let (staging, target) = bq.create_export_tables().await;
    let campaign = on_tables(
        campaign_from_yaml("examples/worked_example.yaml"),
        &staging,
        &target,
    );
    (campaign, staging, target)
}

/// The compiled and verified script of `campaign` in `mode`.
fn script(campaign: &Campaign, mode: Mode) -> Script {
    let script = lower(
        campaign,
        Dialect::Bigquery,
        &LowerOptions { mode, run_id: None },
    )
    .expect("the campaign lowers");
    bannerc::verify::verify(&script).expect("the script verifies");
    script
}

/// The three rows of SEMANTICS.md's worked example.
fn semantics_rows(with_relabeled_row: bool) -> Vec<EventRow> {
    let mut rows = vec![
        EventRow::new(
            "sem-1",
            Some(utc("2025-04-03 14:05:09")),
            Some("banner-log"),
            Some("2025-04-03 14:05:07"),
        ),
        EventRow::new(
            "sem-2",
            Some(utc("2025-04-10 08:30:00")),
            Some("add-report-prod-server"),
            Some("2025-04-10 08:29:58"),
        ),
    ];
    if with_relabeled_row {
        rows.push(EventRow::new(
            "sem-3",
            Some(utc("2025-04-26 10:00:00")),
            Some("H_5902_distinct_2025-04-25"),
            Some("2025-04-26 09:59:58"),
        ));
    }
    rows
}

/// Enough rows for the worked example's 1000-rows-per-phase minimum, with
/// every kind of log name the rules distinguish, rows on the edges of the
/// source window, a NULL timestamp, and start times whose end time falls on
/// the next day.
fn bulk_rows() -> Vec<EventRow> {
    let windows = [
        ("2025-04-01 00:00:00", 21, 1300),
        ("2025-04-22 00:00:00", 3, 1300),
        ("2025-04-25 00:00:00", 4, 1300),
    ];
    let mut rows = Vec::new();
    for (first, days, count) in windows {
        let start = utc(first);
        let step = days * 86_400 / count;
        for i in 0..count {
            let at = start + Duration::seconds(i * step + i % 7);
            rows.push(generated_row(rows.len(), at));
        }
    }
    let edges = [
        ("2025-03-31 23:59:59", "banner-log"),
        ("2025-04-29 00:00:00", "banner-log"),
        ("2025-04-01 00:00:00", "banner-log"),
        ("2025-04-28 23:59:59", "banner-log"),
        ("2025-03-15 12:00:00", "add-report-prod-server"),
        ("2025-05-02 12:00:00", "add-report-prod-server"),
    ];
    for (i, (at, log)) in edges.iter().enumerate() {
        let at = utc(at);
        let start = (at - Duration::seconds(2))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        rows.push(EventRow::new(
            &format!("edge-{i}"),
            Some(at),
            Some(log),
            Some(&start),
        ));
    }
    rows.push(EventRow::new(
        "edge-null-ts",
        None,
        Some("banner-log"),
        Some("2025-04-05 10:00:00"),
    ));
    rows
}

fn generated_row(index: usize, at: DateTime<Utc>) -> EventRow {
    let log = match index {
        i if i % 7 == 0 => None,
        i if i % 11 == 0 => Some("other-log"),
        i if i % 13 == 0 => Some("H_77_distinct_2025-01-01"),
        i if i % 17 == 0 => Some("add-report-prod-server"),
        _ => Some("banner-log"),
    };
    let start = if index.is_multiple_of(19) {
        at.format("%Y-%m-%d 23:59:58").to_string()
    } else {
        (at - Duration::seconds(2))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    EventRow::new(&format!("gen-{index:05}"), Some(at), log, Some(&start))
}

fn worked_example_rows(with_relabeled_row: bool) -> Vec<EventRow> {
    let mut rows = semantics_rows(with_relabeled_row);
    rows.extend(bulk_rows());
    rows
}

/// Load the worked example's rows (with or without `sem-3`) into `table`
/// and return them.
async fn load_worked_rows(bq: &Bq, table: &TableRef, with_relabeled_row: bool) -> Vec<EventRow> {
    let rows = worked_example_rows(with_relabeled_row);
    let key = if with_relabeled_row {
        "worked_all"
    } else {
        "worked_no_own_log"
    };
    bq.load_shared(table, key, &rows).await;
    rows
}

fn sorted(mut rows: Vec<EventRow>) -> Vec<EventRow> {
    rows.sort();
    rows
}

fn by_id<'a>(rows: &'a [EventRow], id: &str) -> Option<&'a EventRow> {
    rows.iter().find(|row| row.insert_id == id)
}

#[tokio::test]
async fn fused_script_gives_the_worked_example_values() {
    let Some(emulator) = emulator("fused_script_gives_the_worked_example_values") else {
        return;
    };
    let bq = Bq::connect(emulator, "fused").await;
    let (campaign, staging, target) = worked_example(&bq).await;
    let rows = load_worked_rows(&bq, &staging, true).await;

    bq.execute(&script(&campaign, Mode::Fused).sql)
        .await
        .expect("the fused run succeeds");

    let written = bq.read(&target).await;
    let first = by_id(&written, "sem-1").expect("the worked example's row is written");
    assert_eq!(first.row.timestamp, Some(utc("2025-04-25 14:05:09")));
    assert_eq!(
        first.row.log_name.as_deref(),
        Some("H_5902_distinct_2025-04-25")
    );
    assert_eq!(first.row.start_time.as_deref(), Some("2025-04-25 14:05:07"));
    assert_eq!(first.row.end_time.as_deref(), Some("2025-04-25 14:05:12"));
    assert_eq!(first.row.timestamp_get, Some(1745589907));
    assert_eq!(first.row.banner_id.as_deref(), Some("5902"));
    assert_eq!(first.user_id.as_deref(), Some("user-sem-1"));
    let special = by_id(&written, "sem-2").expect("the special-source row is written");
    assert_eq!(
        special.row.log_name.as_deref(),
        Some("H_5902_distinct_2025-04-27")
    );
    assert!(
        by_id(&written, "sem-3").is_none(),
        "a relabeled row is taken by nobody"
    );

    assert_eq!(written, expected_target(&campaign, &rows));
    assert_eq!(
        bq.read(&staging).await,
        sorted(rows),
        "fused mode never writes staging"
    );
    let ledger = bq.table("prod", "bannerc_runs");
    let recorded = bq
        .rows(&format!(
            "SELECT `status`, `mode`, `phase_counts` FROM {}",
            quoted(&ledger)
        ))
        .await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0][0], "applied");
    assert_eq!(recorded[0][1], "fused");
    let counts: serde_json::Value =
        serde_json::from_str(recorded[0][2].as_str().expect("phase counts")).expect("JSON");
    let total: i64 = counts
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["taken_rows"].as_i64().unwrap())
        .sum();
    assert_eq!(total, written.len() as i64);
}

#[tokio::test]
async fn in_place_script_writes_the_same_target_rows_as_fused() {
    let Some(emulator) = emulator("in_place_script_writes_the_same_target_rows_as_fused") else {
        return;
    };
    let rows = worked_example_rows(false);
    let mut targets = Vec::new();
    for mode in [Mode::Fused, Mode::InPlace] {
        let bq = Bq::connect(emulator, &format!("same-{}", mode.as_str())).await;
        let (campaign, staging, target) = worked_example(&bq).await;
        load_worked_rows(&bq, &staging, false).await;
        let script = script(&campaign, mode);
        bq.execute(&script.sql)
            .await
            .unwrap_or_else(|e| panic!("{} run failed: {e}", mode.as_str()));
        let written = bq.read(&target).await;
        assert_eq!(
            written,
            expected_target(&campaign, &rows),
            "{} target",
            mode.as_str()
        );
        if mode == Mode::InPlace {
            assert_eq!(
                bq.read(&staging).await,
                expected_staging_in_place(&campaign, &rows)
            );
            let backup = staging
                .sibling(&format!(
                    "{}_bannerc_{}",
                    staging.table(),
                    script.run_id.replace('-', "_")
                ))
                .expect("backup name");
            assert_eq!(
                bq.read(&backup).await,
                sorted(rows.clone()),
                "the snapshot holds staging as it was"
            );
        }
        targets.push(written);
    }
    assert_eq!(targets[0], targets[1]);
}

/// The script with a check that always fails just before COMMIT: every
/// write has happened by then, and all of it must be undone.
fn failing_before_commit(sql: &str) -> String {
    let commit = "  COMMIT TRANSACTION;\n";
    assert_eq!(sql.matches(commit).count(), 1);
    sql.replace(
        commit,
        "  ASSERT FALSE AS 'injected failure';\n  COMMIT TRANSACTION;\n",
    )
}

#[tokio::test]
async fn a_failed_check_after_every_write_leaves_all_tables_unchanged() {
    let Some(emulator) = emulator("a_failed_check_after_every_write_leaves_all_tables_unchanged")
    else {
        return;
    };
    let rows = worked_example_rows(false);
    for mode in [Mode::Fused, Mode::InPlace] {
        let bq = Bq::connect(emulator, &format!("fail-{}", mode.as_str())).await;
        let (campaign, staging, target) = worked_example(&bq).await;
        load_worked_rows(&bq, &staging, false).await;
        bq.load(
            &target,
            &[EventRow::new(
                "old-target",
                Some(utc("2025-01-01 00:00:00")),
                Some("x"),
                None,
            )],
        )
        .await;
        let ledger = bq.table("prod", "bannerc_runs");

        let error = bq
            .execute(&failing_before_commit(&script(&campaign, mode).sql))
            .await
            .expect_err("the run must fail");
        assert!(error.contains("injected failure"), "{error}");
        assert!(error.contains("the run was rolled back"), "{error}");

        assert_eq!(
            bq.read(&staging).await,
            sorted(rows.clone()),
            "{} staging",
            mode.as_str()
        );
        let kept = bq.read(&target).await;
        assert_eq!(kept.len(), 1, "{} target: {kept:?}", mode.as_str());
        assert_eq!(kept[0].insert_id, "old-target");
        assert_eq!(
            bq.count(&format!("SELECT COUNT(*) FROM {}", quoted(&ledger)))
                .await,
            0
        );
    }
}

#[tokio::test]
async fn a_second_run_is_refused_before_writing() {
    let Some(emulator) = emulator("a_second_run_is_refused_before_writing") else {
        return;
    };
    let bq = Bq::connect(emulator, "twice").await;
    let (campaign, staging, target) = worked_example(&bq).await;
    load_worked_rows(&bq, &staging, true).await;
    let sql = script(&campaign, Mode::Fused).sql;
    bq.execute(&sql).await.expect("the first run succeeds");
    let after_first = bq.read(&target).await;

    let error = bq
        .execute(&sql)
        .await
        .expect_err("the second run is refused");
    assert!(
        error.contains(
            "bannerc check failed: the target already holds rows with this campaign's log names"
        ),
        "{error}"
    );
    assert_eq!(bq.read(&target).await, after_first);
    let ledger = bq.table("prod", "bannerc_runs");
    assert_eq!(
        bq.count(&format!("SELECT COUNT(*) FROM {}", quoted(&ledger)))
            .await,
        1
    );
}

#[tokio::test]
async fn in_place_leaves_rows_already_named_with_its_log_names_alone() {
    let Some(emulator) = emulator("in_place_leaves_rows_already_named_with_its_log_names_alone")
    else {
        return;
    };
    let bq = Bq::connect(emulator, "own-logs").await;
    let (campaign, staging, target) = worked_example(&bq).await;
    let rows = load_worked_rows(&bq, &staging, true).await;

    bq.execute(&script(&campaign, Mode::InPlace).sql)
        .await
        .expect("the in-place run succeeds");
    assert_eq!(bq.read(&target).await, expected_target(&campaign, &rows));
    assert_eq!(
        bq.read(&staging).await,
        expected_staging_in_place(&campaign, &rows)
    );
}

#[tokio::test]
async fn too_few_rows_fail_the_pre_flight_check() {
    let Some(emulator) = emulator("too_few_rows_fail_the_pre_flight_check") else {
        return;
    };
    let bq = Bq::connect(emulator, "few").await;
    let (campaign, staging, target) = worked_example(&bq).await;
    bq.load(&staging, &semantics_rows(true)).await;

    let error = bq
        .execute(&script(&campaign, Mode::Fused).sql)
        .await
        .expect_err("refused");
    assert!(
        error.contains("a phase takes fewer than 1000 or more than 10000000 rows"),
        "{error}"
    );
    assert!(bq.read(&target).await.is_empty());
}

#[tokio::test]
async fn a_dry_run_estimates_bytes_and_writes_nothing() {
    let Some(emulator) = emulator("a_dry_run_estimates_bytes_and_writes_nothing") else {
        return;
    };
    let bq = Bq::connect(emulator, "dry").await;
    let (campaign, staging, target) = worked_example(&bq).await;
    let rows = load_worked_rows(&bq, &staging, false).await;

    for mode in [Mode::Fused, Mode::InPlace] {
        let job = bq
            .dry_run(&script(&campaign, mode).sql)
            .await
            .expect("the dry run succeeds");
        let bytes = job
            .statistics
            .as_ref()
            .and_then(|s| s.total_bytes_processed.as_deref())
            .expect("a dry run reports the bytes it would process");
        assert!(bytes.parse::<i64>().is_ok(), "{bytes}");
    }
    assert!(bq.read(&target).await.is_empty());
    assert_eq!(bq.read(&staging).await, sorted(rows));
}

/// A campaign in New York across both daylight-saving changes of 2025.
const NEW_YORK: &str = r#"
campaign:
  banner_id: 42
  campaign_name: Zone_Test
  zone: America/New_York
source: { project_id: p, dataset: d, table: s }
target: { project_id: p, dataset: d, table: t }
date_mapping:
  strategy: custom
  phases:
    - phase_id: 1
      source_start: "2025-03-01"
      source_end: "2025-03-05"
      target_date: "2025-03-09"
    - phase_id: 2
      source_start: "2025-10-20"
      source_end: "2025-10-25"
      target_date: "2025-11-02"
validation:
  thresholds:
    min_records_per_phase: 1
"#;

#[tokio::test]
async fn local_times_move_across_daylight_saving_changes_as_the_reference_says() {
    let Some(emulator) =
        emulator("local_times_move_across_daylight_saving_changes_as_the_reference_says")
    else {
        return;
    };
    let bq = Bq::connect(emulator, "zone").await;
    let (staging, target) = bq.create_export_tables().await;
    let campaign = on_tables(campaign_from_yaml_text(NEW_YORK), &staging, &target);
    // New York local times (UTC-5 in early March and UTC-4 in late October):
    // 02:30 does not exist on 2025-03-09 and 01:30 happens twice on 2025-11-02.
    let rows = vec![
        EventRow::new(
            "ny-gap",
            Some(utc("2025-03-02 07:30:00")),
            Some("l"),
            Some("2025-03-02 02:30:00"),
        ),
        EventRow::new(
            "ny-before",
            Some(utc("2025-03-03 06:59:00")),
            Some("l"),
            Some("2025-03-03 01:59:00"),
        ),
        EventRow::new(
            "ny-after",
            Some(utc("2025-03-04 08:00:00")),
            Some("l"),
            Some("2025-03-04 03:00:00"),
        ),
        EventRow::new(
            "ny-late",
            Some(utc("2025-03-06 04:30:00")),
            Some("l"),
            Some("2025-03-05 23:30:00"),
        ),
        EventRow::new(
            "ny-repeat",
            Some(utc("2025-10-21 05:30:00")),
            Some("l"),
            Some("2025-10-21 01:30:00"),
        ),
        EventRow::new(
            "ny-night",
            Some(utc("2025-10-26 03:59:59")),
            Some("l"),
            Some("2025-10-25 23:59:59"),
        ),
        EventRow::new(
            "ny-out",
            Some(utc("2025-10-26 04:00:00")),
            Some("l"),
            Some("2025-10-26 00:00:00"),
        ),
    ];
    bq.load(&staging, &rows).await;

    bq.execute(&script(&campaign, Mode::Fused).sql)
        .await
        .expect("the run succeeds");

    let mut written = bq.read(&target).await;
    let expected = expected_target(&campaign, &rows);
    assert_eq!(expected.len(), 6, "ny-out is on 2025-10-26 in New York");
    // A known gap of the emulator: it resolves a local time that happens
    // twice to the later instant. BigQuery takes the earlier one, as
    // SEMANTICS.md requires (ZetaSQL converts with `TimeZone::At(..).pre`).
    let repeat = written
        .iter_mut()
        .find(|r| r.insert_id == "ny-repeat")
        .expect("ny-repeat");
    let earlier = utc("2025-11-02 05:30:00");
    assert_eq!(
        repeat.row.timestamp,
        Some(earlier + Duration::hours(1)),
        "emulator gap changed"
    );
    repeat.row.timestamp = Some(earlier);
    assert_eq!(written, expected);
}
