//! The BigQuery REST client behind the engine: how it authenticates, query
//! jobs with explicit ids, polling and bounded retries, dry runs, result
//! rows as text, and table metadata. Credentials and tokens never reach a
//! message or a log line.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use gcp_bigquery_client::Client;
use gcp_bigquery_client::auth::Authenticator;
use gcp_bigquery_client::client_builder::ClientBuilder;
use gcp_bigquery_client::error::BQError;
use gcp_bigquery_client::model::error_proto::ErrorProto;
use gcp_bigquery_client::model::get_query_results_parameters::GetQueryResultsParameters;
use gcp_bigquery_client::model::job::Job;
use gcp_bigquery_client::model::job_configuration::JobConfiguration;
use gcp_bigquery_client::model::job_configuration_query::JobConfigurationQuery;
use gcp_bigquery_client::model::job_reference::JobReference;
use gcp_bigquery_client::model::table::Table;
use tracing::{debug, info, warn};

use crate::exec::engine::EngineError;
use crate::ir::TableRef;

/// How the engine proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No token at all: an emulator or a proxy that checks none.
    None,
    /// A service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`).
    ServiceAccountKey(PathBuf),
    /// Application default credentials (gcloud's user login, or the
    /// metadata server on Google Cloud).
    ApplicationDefault,
}

impl Credentials {
    /// The credentials for an endpoint: a key file named by
    /// `GOOGLE_APPLICATION_CREDENTIALS` wherever the requests go; otherwise
    /// none for an explicit endpoint (an emulator or a proxy), and
    /// application default credentials for Google's own.
    pub fn choose(endpoint: Option<&str>) -> Credentials {
        let key = std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS").filter(|v| !v.is_empty());
        match (key, endpoint) {
            (Some(path), _) => Credentials::ServiceAccountKey(PathBuf::from(path)),
            (None, Some(_)) => Credentials::None,
            (None, None) => Credentials::ApplicationDefault,
        }
    }

    /// A description that names the kind of credentials, never their content.
    pub fn describe(&self) -> String {
        match self {
            Credentials::None => "no credentials".into(),
            Credentials::ServiceAccountKey(path) => {
                format!("the service-account key {}", path.display())
            }
            Credentials::ApplicationDefault => "application default credentials".into(),
        }
    }
}

/// An authenticator that sends no token.
#[derive(Clone)]
struct NoCredentials;

#[async_trait]
impl Authenticator for NoCredentials {
    async fn access_token(&self) -> Result<String, BQError> {
        Ok(String::new())
    }
}

/// The REST base URL for an endpoint given as `http://host:port` (the
/// `/bigquery/v2` path is added when missing).
pub fn base_url(endpoint: &str) -> String {
    let trimmed = endpoint.trim_end_matches('/');
    if trimmed.ends_with("/bigquery/v2") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/bigquery/v2")
    }
}

/// Build a client for `endpoint` (Google's when `None`) with `credentials`.
pub async fn build_client(
    endpoint: Option<&str>,
    credentials: &Credentials,
) -> Result<Client, EngineError> {
    let mut builder = ClientBuilder::new();
    if let Some(endpoint) = endpoint {
        builder.with_v2_base_url(base_url(endpoint));
    }
    let built = match credentials {
        Credentials::None => {
            builder
                .build_from_authenticator(Arc::new(NoCredentials))
                .await
        }
        Credentials::ServiceAccountKey(path) => {
            let path = path.to_str().ok_or_else(|| {
                EngineError::Other("the service-account key path is not valid UTF-8".into())
            })?;
            builder.build_from_service_account_key_file(path).await
        }
        Credentials::ApplicationDefault => {
            builder.build_from_application_default_credentials().await
        }
    };
    // The error names what failed; a key file's content is never part of it.
    built.map_err(|e| {
        EngineError::Other(format!(
            "cannot authenticate to BigQuery with {}: {e}",
            credentials.describe()
        ))
    })
}

/// The text of a failed request; a failure to get a token says where
/// credentials come from (never what they are).
fn request_error(error: &BQError) -> String {
    match error {
        BQError::AuthError(_) | BQError::YupAuthError(_) | BQError::NoToken => format!(
            "{error}; bannerc found no usable credentials: set GOOGLE_APPLICATION_CREDENTIALS \
             to a service-account key file, or sign in with `gcloud auth application-default login`"
        ),
        _ => error.to_string(),
    }
}

/// How a query job is submitted.
#[derive(Debug, Clone)]
pub struct JobRequest {
    /// The GoogleSQL text (a script or one statement).
    pub sql: String,
    /// The job id of the first attempt's stem; attempt `n` is `<stem>_a<n>`.
    pub id_stem: String,
    /// Job labels, already in the form [`label_value`] gives.
    pub labels: Vec<(String, String)>,
    /// Validate and estimate only; no job is created.
    pub dry_run: bool,
}

/// How a job ended when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    /// BigQuery's reason code (`invalidQuery`, `rateLimitExceeded`, …).
    pub reason: String,
    /// BigQuery's message (a failed check's starts with `bannerc check failed`).
    pub message: String,
    /// The job id of the last attempt.
    pub job_id: String,
}

/// Attempts of one job before giving up on retryable errors.
pub const MAX_ATTEMPTS: u32 = 4;

/// The wait before attempt `attempt` (2, 3, …): 1 s, 2 s, 4 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1 << attempt.saturating_sub(2).min(5))
}

/// Whether a failed job may be submitted again: rate limits, transient
/// backend errors, and transactions aborted by a concurrent update. A
/// failed check or a bad statement is never retried.
pub fn is_retryable(reason: &str, message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    matches!(
        reason,
        "rateLimitExceeded" | "jobRateLimitExceeded" | "backendError" | "internalError"
    ) || message.contains("concurrent update")
        || message.contains("could not serialize access")
}

/// A label value BigQuery accepts: lowercase letters, digits, `_` and
/// `-`, at most 63 characters.
pub fn label_value(text: &str) -> String {
    text.chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(63)
        .collect()
}

/// A client bound to the project jobs run in.
pub struct Connection {
    /// The REST client.
    pub client: Client,
    /// The project jobs run in (and are billed to).
    pub project: String,
}

impl Connection {
    /// Run a job, waiting for it and retrying retryable failures with a
    /// backoff; `between_attempts` runs before each retry (to clean up
    /// what a failed attempt left outside its transaction).
    pub async fn run_job<F, Fut>(
        &self,
        request: &JobRequest,
        mut between_attempts: F,
    ) -> Result<Job, JobFailure>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let mut attempt = 1;
        loop {
            let job_id = format!("{}_a{attempt}", request.id_stem);
            let result = self.run_attempt(request, &job_id).await;
            match result {
                Ok(job) => return Ok(job),
                Err(failure)
                    if attempt < MAX_ATTEMPTS
                        && is_retryable(&failure.reason, &failure.message) =>
                {
                    warn!(job = %job_id, reason = %failure.reason, "retrying a failed job");
                    attempt += 1;
                    between_attempts().await;
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    async fn run_attempt(&self, request: &JobRequest, job_id: &str) -> Result<Job, JobFailure> {
        let job = self.insert(request, job_id).await?;
        if request.dry_run {
            return finished(job, job_id);
        }
        let job = self.wait(job, job_id).await?;
        finished(job, job_id)
    }

    /// Insert the job. A lost response is answered by inserting again with
    /// the same id: BigQuery refuses the duplicate, and the existing job is
    /// fetched instead, so the script can never run twice.
    async fn insert(&self, request: &JobRequest, job_id: &str) -> Result<Job, JobFailure> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .client
                .job()
                .insert(&self.project, job(request, job_id, &self.project))
                .await
            {
                Ok(job) => return Ok(job),
                Err(BQError::ResponseError { error }) if error.error.code == 409 => {
                    info!(job = %job_id, "the job exists already; following it");
                    return self.get(job_id).await;
                }
                Err(BQError::ResponseError { error })
                    if tries < MAX_ATTEMPTS
                        && (error.error.code == 429 || error.error.code >= 500) =>
                {
                    tokio::time::sleep(backoff(tries + 1)).await;
                }
                Err(BQError::RequestError(e)) if tries < MAX_ATTEMPTS => {
                    debug!(job = %job_id, error = %e, "no answer to the job insert; asking again");
                    tokio::time::sleep(backoff(tries + 1)).await;
                }
                Err(e) => return Err(failure("request", &request_error(&e), job_id)),
            }
        }
    }

    async fn get(&self, job_id: &str) -> Result<Job, JobFailure> {
        self.client
            .job()
            .get_job(&self.project, job_id, None)
            .await
            .map_err(|e| failure("request", &request_error(&e), job_id))
    }

    /// Poll until the job is done.
    async fn wait(&self, mut job: Job, job_id: &str) -> Result<Job, JobFailure> {
        let location = job.job_reference.as_ref().and_then(|r| r.location.clone());
        let mut delay = Duration::from_millis(100);
        while state(&job) != Some("DONE") {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
            job = self
                .client
                .job()
                .get_job(&self.project, job_id, location.as_deref())
                .await
                .map_err(|e| failure("request", &request_error(&e), job_id))?;
        }
        Ok(job)
    }

    /// Every row of a finished query job, each cell as text (NULL is
    /// `None`), all pages.
    pub async fn rows(&self, job: &Job) -> Result<Vec<Vec<Option<String>>>, EngineError> {
        let reference = job.job_reference.clone().unwrap_or_default();
        let job_id = reference.job_id.unwrap_or_default();
        let mut rows = Vec::new();
        let mut page_token = None;
        loop {
            let parameters = GetQueryResultsParameters {
                page_token: page_token.clone(),
                location: reference.location.clone(),
                ..Default::default()
            };
            let page = self
                .client
                .job()
                .get_query_results(&self.project, &job_id, parameters)
                .await
                .map_err(|e| {
                    EngineError::Other(format!("cannot read the results: {}", request_error(&e)))
                })?;
            for row in page.rows.unwrap_or_default() {
                rows.push(
                    row.columns
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| text(c.value))
                        .collect(),
                );
            }
            page_token = page.page_token.filter(|t| !t.is_empty());
            if page_token.is_none() {
                return Ok(rows);
            }
        }
    }

    /// Run a read-only query and return its rows as text.
    pub async fn query(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>, EngineError> {
        let request = JobRequest {
            sql: sql.to_string(),
            id_stem: format!("bannerc_read_{}", uuid::Uuid::new_v4().simple()),
            labels: vec![("bannerc".into(), "read".into())],
            dry_run: false,
        };
        let job = self
            .run_job(&request, || async {})
            .await
            .map_err(|f| EngineError::Other(f.message))?;
        self.rows(&job).await
    }

    /// A table's metadata, or `None` when it does not exist.
    pub async fn table(&self, table: &TableRef) -> Result<Option<Table>, EngineError> {
        match self
            .client
            .table()
            .get(table.project(), table.dataset(), table.table(), None)
            .await
        {
            Ok(found) => Ok(Some(found)),
            Err(BQError::ResponseError { error }) if error.error.code == 404 => Ok(None),
            Err(e) => Err(EngineError::Other(format!(
                "cannot read the table {table}: {}",
                request_error(&e)
            ))),
        }
    }
}

fn job(request: &JobRequest, job_id: &str, project: &str) -> Job {
    Job {
        configuration: Some(JobConfiguration {
            dry_run: Some(request.dry_run),
            labels: Some(request.labels.iter().cloned().collect()),
            query: Some(JobConfigurationQuery {
                query: request.sql.clone(),
                use_legacy_sql: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        }),
        job_reference: (!request.dry_run).then(|| JobReference {
            job_id: Some(job_id.to_string()),
            project_id: Some(project.to_string()),
            location: None,
        }),
        ..Default::default()
    }
}

fn state(job: &Job) -> Option<&str> {
    job.status.as_ref().and_then(|s| s.state.as_deref())
}

/// The job, or its error when it finished with one.
fn finished(job: Job, job_id: &str) -> Result<Job, JobFailure> {
    let error: Option<&ErrorProto> = job.status.as_ref().and_then(|s| s.error_result.as_ref());
    match error {
        Some(error) => Err(failure(
            error.reason.as_deref().unwrap_or("unknown"),
            error
                .message
                .as_deref()
                .unwrap_or("the job failed without a message"),
            job_id,
        )),
        None => Ok(job),
    }
}

fn failure(reason: &str, message: &str, job_id: &str) -> JobFailure {
    JobFailure {
        reason: reason.to_string(),
        message: message.to_string(),
        job_id: job_id.to_string(),
    }
}

/// A result cell as text.
fn text(value: Option<serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_transient_failures() {
        assert!(is_retryable("rateLimitExceeded", "Exceeded rate limits"));
        assert!(is_retryable(
            "invalidQuery",
            "bannerc: the run was rolled back: Transaction is aborted due to concurrent update"
        ));
        assert!(!is_retryable(
            "invalidQuery",
            "bannerc check failed: a phase takes fewer rows"
        ));
        assert!(!is_retryable("notFound", "Not found: Table p:d.t"));
    }

    #[test]
    fn backoff_doubles_and_stays_bounded() {
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(4));
        assert_eq!(backoff(40), Duration::from_secs(32));
    }

    #[test]
    fn labels_and_urls_take_the_allowed_form() {
        assert_eq!(label_value("Q4_Banner Campaign!"), "q4_banner_campaign_");
        assert_eq!(label_value(&"x".repeat(80)).len(), 63);
        assert_eq!(
            base_url("http://127.0.0.1:9050/"),
            "http://127.0.0.1:9050/bigquery/v2"
        );
        assert_eq!(base_url("http://h/bigquery/v2"), "http://h/bigquery/v2");
    }

    #[test]
    fn an_explicit_endpoint_needs_no_credentials_unless_a_key_is_named() {
        if std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS").is_some() {
            return;
        }
        assert_eq!(
            Credentials::choose(Some("http://127.0.0.1:1")),
            Credentials::None
        );
        assert_eq!(Credentials::choose(None), Credentials::ApplicationDefault);
    }

    #[test]
    fn a_missing_token_says_where_credentials_come_from() {
        let message = request_error(&BQError::NoToken);
        assert!(message.starts_with("No token; "), "{message}");
        assert!(
            message.contains("GOOGLE_APPLICATION_CREDENTIALS"),
            "{message}"
        );
        let other = request_error(&BQError::InvalidServiceAccountAuthenticator(
            std::io::Error::other("x"),
        ));
        assert!(!other.contains("gcloud"), "{other}");
    }
}
