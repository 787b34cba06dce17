//! Support for tests against a local BigQuery REST server (the PyPI package
//! `local-bigquery`, started by `scripts/bigquery-emulator.sh`): starting
//! it once per test binary, a client that sends no credentials, query jobs,
//! export-layout tables, and rows that the reference evaluator can read.
//!
//! `BANNERC_BQ_ENDPOINT=http://127.0.0.1:PORT` uses a server that is already
//! running. Otherwise the script installs and starts one, which it stops
//! when the test binary exits. The tests are skipped, loudly, only when no
//! Python 3.13 or newer exists; any other failure to start fails them.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use bannerc::exec::reference;
use bannerc::ir::{Campaign, Spanned, TableRef};
use chrono::{DateTime, NaiveDate, Utc};
use gcp_bigquery_client::Client;
use gcp_bigquery_client::auth::Authenticator;
use gcp_bigquery_client::client_builder::ClientBuilder;
use gcp_bigquery_client::error::BQError;
use gcp_bigquery_client::model::get_query_results_parameters::GetQueryResultsParameters;
use gcp_bigquery_client::model::job::Job;
use gcp_bigquery_client::model::job_configuration::JobConfiguration;
use gcp_bigquery_client::model::job_configuration_query::JobConfigurationQuery;
use gcp_bigquery_client::model::table_cell::TableCell;
use serde_json::Value;

/// The exit code of the script when no Python 3.13 or newer exists.
const NO_PYTHON: i32 = 3;

/// A running emulator.
#[derive(Debug)]
pub struct Emulator {
    /// `http://127.0.0.1:PORT`, without the `/bigquery/v2` path.
    pub endpoint: String,
}

/// The emulator shared by this test binary, or `None` (after a loud
/// message) when Python 3.13 is absent. Panics on any other failure.
pub fn emulator(test: &str) -> Option<&'static Emulator> {
    static EMULATOR: OnceLock<Option<Emulator>> = OnceLock::new();
    let emulator = EMULATOR.get_or_init(start_emulator).as_ref();
    if emulator.is_none() {
        skip_loudly(test);
    }
    emulator
}

fn start_emulator() -> Option<Emulator> {
    if let Ok(endpoint) = std::env::var("BANNERC_BQ_ENDPOINT") {
        return Some(Emulator {
            endpoint: endpoint.trim_end_matches('/').to_string(),
        });
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bigquery-emulator.sh");
    let output = Command::new("bash")
        .arg(script)
        .args(["start", "--watch-pid", &std::process::id().to_string()])
        .output()
        .expect("cannot run scripts/bigquery-emulator.sh");
    if output.status.code() == Some(NO_PYTHON) {
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "scripts/bigquery-emulator.sh start failed ({}):\n{}\n{}",
        output.status,
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let endpoint = stdout
        .lines()
        .find_map(|line| line.strip_prefix("endpoint="))
        .expect("the script printed no endpoint");
    Some(Emulator {
        endpoint: endpoint.to_string(),
    })
}

/// The emulator virtualenv's Python (which also has the ZetaSQL analyzer),
/// installed if needed; `None` (after a loud message) without Python 3.13.
pub fn venv_python(test: &str) -> Option<std::path::PathBuf> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bigquery-emulator.sh");
    let output = Command::new("bash")
        .arg(script)
        .arg("python")
        .output()
        .expect("run the script");
    if output.status.code() == Some(NO_PYTHON) {
        skip_loudly(test);
        return None;
    }
    assert!(
        output.status.success(),
        "scripts/bigquery-emulator.sh python failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).trim().into())
}

fn skip_loudly(test: &str) {
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !! SKIPPED {test}: no Python 3.13 or newer, so no BigQuery emulator.\n\
         !! Install Python 3.13 (or set BANNERC_PYTHON) to run the BigQuery tests.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

/// Sends an empty token: the emulator checks none.
#[derive(Clone)]
struct NoCredentials;

#[async_trait]
impl Authenticator for NoCredentials {
    async fn access_token(&self) -> Result<String, BQError> {
        Ok(String::new())
    }
}

/// A client for one project of the emulator.
pub struct Bq {
    pub client: Client,
    pub project: String,
}

/// A project id unique to this process and test, at most 30 characters.
pub fn project_for(tag: &str) -> String {
    let project = format!("t{}-{tag}", std::process::id());
    assert!(project.len() <= 30, "project id {project} is too long");
    project
}

impl Bq {
    /// A client of `emulator`, working in a project of its own named after `tag`.
    pub async fn connect(emulator: &Emulator, tag: &str) -> Bq {
        let client = ClientBuilder::new()
            .with_v2_base_url(format!("{}/bigquery/v2", emulator.endpoint))
            .build_from_authenticator(Arc::new(NoCredentials))
            .await
            .expect("cannot build a BigQuery client");
        Bq {
            client,
            project: project_for(tag),
        }
    }

    /// Run `sql` as one query job and wait for it; the job's error message
    /// when it failed.
    pub async fn execute(&self, sql: &str) -> Result<Job, String> {
        self.submit(sql, false).await
    }

    /// A dry run of `sql`: the finished job, with its statistics.
    pub async fn dry_run(&self, sql: &str) -> Result<Job, String> {
        self.submit(sql, true).await
    }

    async fn submit(&self, sql: &str, dry_run: bool) -> Result<Job, String> {
        let job = Job {
            configuration: Some(JobConfiguration {
                dry_run: Some(dry_run),
                query: Some(JobConfigurationQuery {
                    query: sql.to_string(),
                    use_legacy_sql: Some(false),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut job = self
            .client
            .job()
            .insert(&self.project, job)
            .await
            .map_err(|e| e.to_string())?;
        if dry_run {
            // A dry run creates no job: the answer is final.
            return match job.status.as_ref().and_then(|s| s.error_result.as_ref()) {
                Some(error) => Err(error.message.clone().unwrap_or_default()),
                None => Ok(job),
            };
        }
        let reference = job.job_reference.clone().expect("a job reference");
        let id = reference.job_id.expect("a job id");
        while job.status.as_ref().and_then(|s| s.state.as_deref()) != Some("DONE") {
            tokio::time::sleep(Duration::from_millis(100)).await;
            job = self
                .client
                .job()
                .get_job(&self.project, &id, reference.location.as_deref())
                .await
                .map_err(|e| e.to_string())?;
        }
        match job.status.as_ref().and_then(|s| s.error_result.as_ref()) {
            Some(error) => Err(error.message.clone().unwrap_or_default()),
            None => Ok(job),
        }
    }

    /// Every row of a query, each as its cells' JSON values, all pages.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<Value>> {
        let job = self
            .execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"));
        let id = job.job_reference.and_then(|r| r.job_id).expect("a job id");
        let mut rows = Vec::new();
        let mut page_token = None;
        loop {
            let parameters = GetQueryResultsParameters {
                page_token: page_token.clone(),
                ..Default::default()
            };
            let page = self
                .client
                .job()
                .get_query_results(&self.project, &id, parameters)
                .await
                .expect("getQueryResults");
            for row in page.rows.unwrap_or_default() {
                rows.push(
                    row.columns
                        .unwrap_or_default()
                        .into_iter()
                        .map(cell)
                        .collect(),
                );
            }
            page_token = page.page_token.filter(|t| !t.is_empty());
            if page_token.is_none() {
                return rows;
            }
        }
    }

    /// The one value of a one-row, one-column query, as an integer.
    pub async fn count(&self, sql: &str) -> i64 {
        let rows = self.rows(sql).await;
        int(&rows[0][0]).expect("a count")
    }

    /// Create the datasets `staging` and `prod` of this project, each with an
    /// `events` table in the Cloud Logging export layout.
    pub async fn create_export_tables(&self) -> (TableRef, TableRef) {
        let staging = self.table("staging", "events");
        let target = self.table("prod", "events");
        for table in [&staging, &target] {
            let dataset = format!("`{}`.`{}`", table.project(), table.dataset());
            self.execute(&format!("CREATE SCHEMA IF NOT EXISTS {dataset}"))
                .await
                .expect("dataset");
            self.execute(&format!("CREATE TABLE {} {EXPORT_SCHEMA}", quoted(table)))
                .await
                .expect("table");
        }
        (staging, target)
    }

    /// A table of this project.
    pub fn table(&self, dataset: &str, table: &str) -> TableRef {
        TableRef::parse(&format!("{}.{dataset}.{table}", self.project)).expect("a table name")
    }

    /// Append `rows` with INSERT jobs of a few hundred rows each.
    pub async fn load(&self, table: &TableRef, rows: &[EventRow]) {
        for chunk in rows.chunks(400) {
            let values: Vec<String> = chunk.iter().map(EventRow::values_sql).collect();
            let sql = format!(
                "INSERT INTO {} (`timestamp`, `logName`, `jsonPayload`, `insertId`) VALUES\n{}",
                quoted(table),
                values.join(",\n")
            );
            self.execute(&sql)
                .await
                .unwrap_or_else(|e| panic!("loading rows failed: {e}"));
        }
    }

    /// Append `rows` to `table` by copying a table of the fixtures project
    /// that holds them, loading it first if no test of this binary has
    /// (loading with INSERT jobs is slow on the emulator; copying is fast).
    /// `key` names the row set and must always name the same rows.
    pub async fn load_shared(&self, table: &TableRef, key: &str, rows: &[EventRow]) {
        static LOADED: OnceLock<tokio::sync::Mutex<BTreeSet<String>>> = OnceLock::new();
        let fixture = TableRef::parse(&format!("{}.fixtures.{key}", project_for("fixtures")))
            .expect("a fixture table name");
        let mut loaded = LOADED.get_or_init(Default::default).lock().await;
        if !loaded.contains(key) {
            let dataset = format!("`{}`.`fixtures`", fixture.project());
            self.execute(&format!("CREATE SCHEMA IF NOT EXISTS {dataset}"))
                .await
                .expect("dataset");
            self.execute(&format!(
                "CREATE TABLE {} {EXPORT_SCHEMA}",
                quoted(&fixture)
            ))
            .await
            .expect("fixture table");
            self.load(&fixture, rows).await;
            loaded.insert(key.to_string());
        }
        drop(loaded);
        let sql = format!(
            "INSERT INTO {} SELECT * FROM {}",
            quoted(table),
            quoted(&fixture)
        );
        self.execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("copying rows failed: {e}"));
    }

    /// Every row of an export-layout table, ordered by `insertId`.
    pub async fn read(&self, table: &TableRef) -> Vec<EventRow> {
        let sql = format!(
            "SELECT `insertId`, UNIX_MICROS(`timestamp`), `logName`, `jsonPayload`.`start_time`, \
             `jsonPayload`.`end_time`, `jsonPayload`.`timestamp_get`, `jsonPayload`.`banner_id`, \
             `jsonPayload`.`user_id` FROM {} ORDER BY `insertId`",
            quoted(table)
        );
        self.rows(&sql)
            .await
            .iter()
            .map(|cells| EventRow::from_cells(cells))
            .collect()
    }
}

/// The Cloud Logging export layout, with one more payload field and one
/// more column that a campaign must carry through unchanged.
pub const EXPORT_SCHEMA: &str = "(`timestamp` TIMESTAMP, `logName` STRING, \
     `jsonPayload` STRUCT<start_time STRING, end_time STRING, timestamp_get INT64, \
     banner_id STRING, user_id STRING>, `insertId` STRING)";

/// A table as BigQuery SQL.
pub fn quoted(table: &TableRef) -> String {
    format!(
        "`{}`.`{}`.`{}`",
        table.project(),
        table.dataset(),
        table.table()
    )
}

fn cell(cell: TableCell) -> Value {
    cell.value.unwrap_or(Value::Null)
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_i64(),
        _ => None,
    }
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// One row of an export-layout table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventRow {
    pub insert_id: String,
    pub row: reference::Row,
    pub user_id: Option<String>,
}

impl EventRow {
    /// A row with every field given.
    pub fn new(
        insert_id: &str,
        timestamp: Option<DateTime<Utc>>,
        log_name: Option<&str>,
        start_time: Option<&str>,
    ) -> EventRow {
        EventRow {
            insert_id: insert_id.to_string(),
            row: reference::Row {
                timestamp,
                log_name: log_name.map(str::to_string),
                start_time: start_time.map(str::to_string),
                end_time: start_time.map(|s| format!("{s} end")),
                timestamp_get: Some(17),
                banner_id: Some("old".into()),
            },
            user_id: Some(format!("user-{insert_id}")),
        }
    }

    fn values_sql(&self) -> String {
        let row = &self.row;
        let timestamp = row.timestamp.map_or("CAST(NULL AS TIMESTAMP)".into(), |t| {
            format!("TIMESTAMP_MICROS({})", t.timestamp_micros())
        });
        let timestamp_get = row
            .timestamp_get
            .map_or("CAST(NULL AS INT64)".into(), |n| n.to_string());
        format!(
            "({timestamp}, {}, STRUCT({} AS start_time, {} AS end_time, {timestamp_get} AS timestamp_get, \
             {} AS banner_id, {} AS user_id), {})",
            string(&row.log_name),
            string(&row.start_time),
            string(&row.end_time),
            string(&row.banner_id),
            string(&self.user_id),
            string(&Some(self.insert_id.clone())),
        )
    }

    fn from_cells(cells: &[Value]) -> EventRow {
        EventRow {
            insert_id: text(&cells[0]).expect("an insertId"),
            row: reference::Row {
                timestamp: int(&cells[1]).and_then(DateTime::from_timestamp_micros),
                log_name: text(&cells[2]),
                start_time: text(&cells[3]),
                end_time: text(&cells[4]),
                timestamp_get: int(&cells[5]),
                banner_id: text(&cells[6]),
            },
            user_id: text(&cells[7]),
        }
    }
}

/// A string literal (test data has no quotes or backslashes).
fn string(value: &Option<String>) -> String {
    match value {
        Some(text) => {
            assert!(
                !text.contains(['\'', '\\']),
                "test data must not need escaping: {text}"
            );
            format!("'{text}'")
        }
        None => "CAST(NULL AS STRING)".into(),
    }
}

/// An instant from `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn utc(text: &str) -> DateTime<Utc> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .expect("a date-time")
        .and_utc()
}

/// A date from `YYYY-MM-DD`.
pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

/// Load a campaign from a YAML file of the repository, expanded and checked.
pub fn campaign_from_yaml(path: &str) -> Campaign {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + path)
        .expect("the campaign file");
    campaign_from_yaml_text(&text)
}

/// Expand and check a campaign written in YAML.
pub fn campaign_from_yaml_text(text: &str) -> Campaign {
    let (spec, diagnostics) = bannerc::config::parse(text);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let campaign = bannerc::plan::expand(&spec.expect("a campaign"), None).expect("expansion");
    let errors: Vec<_> = bannerc::check::check(&campaign, false)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    campaign
}

/// The campaign, moved onto the given source and target tables.
pub fn on_tables(mut campaign: Campaign, source: &TableRef, target: &TableRef) -> Campaign {
    campaign.source = Spanned::new(source.clone(), campaign.source.span);
    campaign.target = Spanned::new(target.clone(), campaign.target.span);
    campaign
}

/// What the target must hold after a run on `staging`: each taken row,
/// transformed by the reference evaluator, sorted by `insertId`.
pub fn expected_target(campaign: &Campaign, staging: &[EventRow]) -> Vec<EventRow> {
    let mut rows: Vec<EventRow> = staging
        .iter()
        .filter_map(|event| {
            let id = *reference::phases_taking(campaign, &event.row).first()?;
            let phase = campaign.phases.iter().find(|p| p.id == id)?;
            Some(EventRow {
                row: reference::transform(campaign, phase, &event.row),
                ..event.clone()
            })
        })
        .collect();
    rows.sort();
    rows
}

/// What in-place mode leaves in the staging table: taken rows transformed,
/// the others untouched.
pub fn expected_staging_in_place(campaign: &Campaign, staging: &[EventRow]) -> Vec<EventRow> {
    let transformed = expected_target(campaign, staging);
    let mut rows: Vec<EventRow> = staging
        .iter()
        .map(|event| {
            transformed
                .iter()
                .find(|t| t.insert_id == event.insert_id)
                .cloned()
                .unwrap_or_else(|| event.clone())
        })
        .collect();
    rows.sort();
    rows
}
