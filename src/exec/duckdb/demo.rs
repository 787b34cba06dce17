//! Realistic demo data: a month of banner request logs shaped like a Cloud
//! Logging export to BigQuery (extra columns such as `resource`,
//! `httpRequest` and `insertId`, extra `jsonPayload` fields), busier in
//! Indian daytime than at night, with a special-source log, a health-check
//! log to exclude, rows an earlier campaign already relabeled, a handful of
//! rows with unreadable `start_time`s, and a target that already holds
//! that earlier campaign's rows. Deterministic: the same row count gives
//! the same data. Also used by the benchmark.

use duckdb::Connection;

use super::other;
use crate::exec::engine::EngineError;

/// The staging table (BigQuery `clirnet-dev.request_edit.banner_requests`).
pub const STAGING: &str = "\"request_edit\".\"banner_requests\"";
/// The target table (BigQuery `clirnetapp.banner_data.banner_call_data`).
pub const TARGET: &str = "\"banner_data\".\"banner_call_data\"";
/// The table that marks a database as the demo's (so it may be recreated).
pub const MARKER: &str = "\"main\".\"bannerc_demo\"";

const LAYOUT: &str = "(
  \"logName\" VARCHAR,
  \"resource\" STRUCT(\"type\" VARCHAR, labels STRUCT(project_id VARCHAR, instance_id VARCHAR, zone VARCHAR)),
  \"textPayload\" VARCHAR,
  \"jsonPayload\" STRUCT(start_time VARCHAR, end_time VARCHAR, timestamp_get BIGINT, banner_id VARCHAR,
    user_id VARCHAR, device VARCHAR, page VARCHAR, slot INTEGER),
  \"timestamp\" TIMESTAMPTZ,
  \"receiveTimestamp\" TIMESTAMPTZ,
  \"severity\" VARCHAR,
  \"insertId\" VARCHAR,
  \"httpRequest\" STRUCT(requestMethod VARCHAR, requestUrl VARCHAR, status INTEGER, userAgent VARCHAR,
    remoteIp VARCHAR, latency VARCHAR),
  \"trace\" VARCHAR
)";

/// One generated row per `i` of `range(rows)`. Its instant is on day
/// `i * 30 / rows` of April 2025 in Asia/Kolkata (which starts 2025-03-31
/// 18:30 UTC), at a time of day skewed towards noon; its `start_time` is
/// local time; a hash picks its log. A handful of rows (about seven,
/// whatever the size) have a NULL or unreadable `start_time`.
const ROWS: &str = "
WITH base AS (
  SELECT
    i,
    hash(i, 'log') % 1000 AS pick,
    floor(i * 30.0 / {rows}) AS day,
    (i * 30.0 / {rows}) - floor(i * 30.0 / {rows}) AS f
  FROM range({rows}) AS r(i)
), instants AS (
  SELECT
    *,
    CAST(make_timestamp(CAST(1743445800000000 + day * 86400000000
      + 86400000000 * (f + 0.6 * sin(2 * pi() * f) / (2 * pi())) AS BIGINT)) AS TIMESTAMPTZ) AS event_at,
    CASE
      WHEN pick < 20 THEN 'add-report-prod-server'
      WHEN pick < 35 THEN 'healthcheck'
      WHEN pick < 45 THEN 'H_5901_distinct_2025-03-28'
      ELSE 'banner-request'
    END AS log
  FROM base
), timed AS (
  -- start_time is written in India's local time, as the banner server logs it
  SELECT *, make_timestamp(epoch_us(event_at) + 19800000000) AS local_at FROM instants
)
SELECT
  log,
  {'type': 'gce_instance', 'labels': {'project_id': 'clirnet-dev',
    'instance_id': 'banner-' || CAST(hash(i, 'vm') % 8 AS VARCHAR), 'zone': 'asia-south1-a'}},
  CAST(NULL AS VARCHAR),
  {'start_time': CASE WHEN i % {nulls_every} = 7 THEN NULL WHEN i % {garbage_every} = 11 THEN 'N/A'
                 ELSE strftime(local_at - INTERVAL 2 SECOND, '%Y-%m-%d %H:%M:%S') END,
   'end_time': strftime(local_at + INTERVAL 3 SECOND, '%Y-%m-%d %H:%M:%S'),
   'timestamp_get': epoch_us(local_at) // 1000000 - 2,
   'banner_id': CASE WHEN log = 'H_5901_distinct_2025-03-28' THEN '5901' ELSE '5900' END,
   'user_id': 'u' || CAST(hash(i, 'user') % 50000 AS VARCHAR),
   'device': ['android', 'ios', 'web'][1 + CAST(hash(i, 'device') % 3 AS BIGINT)],
   'page': ['home', 'article', 'quiz', 'webinar'][1 + CAST(hash(i, 'page') % 4 AS BIGINT)],
   'slot': CAST(hash(i, 'slot') % 4 AS INTEGER)},
  event_at,
  CAST(CAST(event_at AS TIMESTAMP) + INTERVAL 1 SECOND AS TIMESTAMPTZ),
  CASE WHEN log = 'healthcheck' THEN 'DEBUG' ELSE 'INFO' END,
  substr(md5(CAST(i AS VARCHAR)), 1, 16),
  {'requestMethod': 'GET', 'requestUrl': 'https://api.example.com/banner?slot=' || CAST(hash(i, 'slot') % 4 AS VARCHAR),
   'status': 200, 'userAgent': 'Mozilla/5.0', 'remoteIp': '10.0.' || CAST(hash(i, 'ip') % 256 AS VARCHAR) || '.7',
   'latency': CAST(20 + hash(i, 'latency') % 180 AS VARCHAR) || 'ms'},
  'projects/clirnet-dev/traces/' || md5(CAST(i AS VARCHAR) || 'trace')
FROM timed
";

/// Create the demo's tables and fill staging with `rows` rows; the target
/// gets the earlier campaign's relabeled rows. One transaction.
pub fn populate(conn: &Connection, rows: u64) -> Result<(), EngineError> {
    let sql = format!(
        "BEGIN TRANSACTION;\n\
         CREATE SCHEMA IF NOT EXISTS \"request_edit\";\n\
         CREATE SCHEMA IF NOT EXISTS \"banner_data\";\n\
         CREATE TABLE {STAGING} {LAYOUT};\n\
         CREATE TABLE {TARGET} {LAYOUT};\n\
         INSERT INTO {STAGING} {};\n\
         INSERT INTO {TARGET} SELECT * FROM {STAGING} WHERE \"logName\" = 'H_5901_distinct_2025-03-28';\n\
         CREATE TABLE {MARKER} AS SELECT 'created by bannerc demo' AS note, {rows} AS requested_rows;\n\
         COMMIT;",
        ROWS.replace("{rows}", &rows.to_string())
            .replace("{nulls_every}", &(rows / 4).max(100).to_string())
            .replace("{garbage_every}", &(rows / 3).max(100).to_string())
    );
    conn.execute_batch(&sql).map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        other(e)
    })
}

/// Whether the database holds the demo's marker table, or no table at all
/// (a demo that failed half way): either may be recreated.
pub fn is_demo(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT count(*) FILTER (WHERE schema_name = 'main' AND table_name = 'bannerc_demo'), count(*) \
         FROM duckdb_tables()",
        [],
        |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
    )
    .is_ok_and(|(marker, tables)| marker > 0 || tables == 0)
}

/// Rows per `logName` of a table (the demo's before-and-after view).
pub fn rows_by_log(conn: &Connection, table: &str) -> Result<Vec<(String, u64)>, EngineError> {
    let sql = format!(
        "SELECT coalesce(\"logName\", 'NULL'), count(*) FROM {table} GROUP BY 1 ORDER BY 1"
    );
    let mut statement = conn.prepare(&sql).map_err(other)?;
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(other)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(other)
}
