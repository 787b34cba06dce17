-- bannerc 0.1.0: campaign Q4_Banner_Campaign, in-place mode, DuckDB
-- plan 8dabbec06cd85212b0250c2418cc2299262778194cd1c61cf40991d33980c315
-- run plan-8dabbec06cd85212
-- source "request_edit"."H_5902_distinct_data" (relabeled in place, backed up first)
-- target "banner_data"."banner_call_data"
-- ledger "banner_data"."bannerc_runs"
-- zone UTC (offsets computed at compile time)
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "banner_data"."bannerc_runs" (
  "run_id" VARCHAR,
  "plan_hash" VARCHAR,
  "campaign" VARCHAR,
  "source_table" VARCHAR,
  "target_table" VARCHAR,
  "mode" VARCHAR,
  "status" VARCHAR,
  "phase_counts" VARCHAR,
  "claims" VARCHAR,
  "backup_table" VARCHAR,
  "started_at" TIMESTAMPTZ,
  "finished_at" TIMESTAMPTZ,
  "rolled_back_at" TIMESTAMPTZ
);
-- snapshot staging
CREATE TABLE "request_edit"."H_5902_distinct_data_bannerc_plan_8dabbec06cd85212" AS
SELECT * FROM "request_edit"."H_5902_distinct_data"
WHERE ((("timestamp" >= TIMESTAMPTZ '2025-04-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-29 00:00:00+00')
      OR "logName" IN ('add-report-prod-server')) AND (CASE
        WHEN ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-22 00:00:00+00')) THEN 1
        WHEN ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-25 00:00:00+00')) THEN 2
        WHEN ("logName" IN ('add-report-prod-server')) OR (("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-29 00:00:00+00'))) THEN 3
      END) IS NOT NULL)
   OR "logName" IN ('H_5902_distinct_2025-04-25', 'H_5902_distinct_2025-04-26', 'H_5902_distinct_2025-04-27');
CREATE TEMP TABLE bannerc_phases AS
SELECT * FROM (VALUES
  (1, DATE '2025-04-25', 'H_5902_distinct_2025-04-25', '5902', CAST(NULL AS BIGINT), TIMESTAMPTZ '2025-04-25 00:00:00+00', TIMESTAMPTZ '2025-04-26 00:00:00+00', '{"phase":1,"log_name":"H_5902_distinct_2025-04-25","taken_rows":'),
  (2, DATE '2025-04-26', 'H_5902_distinct_2025-04-26', '5902', CAST(NULL AS BIGINT), TIMESTAMPTZ '2025-04-26 00:00:00+00', TIMESTAMPTZ '2025-04-27 00:00:00+00', '{"phase":2,"log_name":"H_5902_distinct_2025-04-26","taken_rows":'),
  (3, DATE '2025-04-27', 'H_5902_distinct_2025-04-27', '5902', CAST(NULL AS BIGINT), TIMESTAMPTZ '2025-04-27 00:00:00+00', TIMESTAMPTZ '2025-04-28 00:00:00+00', '{"phase":3,"log_name":"H_5902_distinct_2025-04-27","taken_rows":')
) AS v(phase, target_date, log_name, banner_id, expected_rows, day_start, day_end, count_json);
CREATE TEMP MACRO bannerc_tod_us(ts) AS
  ((epoch_us(ts) + (0)) % 86400000000 + 86400000000) % 86400000000;
-- pre-flight checks
CREATE TEMP TABLE bannerc_counts AS
SELECT
  p.phase,
  COUNT(s.bannerc_phase) AS taken_rows,
  COUNT(s.bannerc_phase) FILTER (WHERE try_strptime(s.start_time, '%Y-%m-%d %H:%M:%S') IS NULL) AS unreadable_rows,
  COUNT(s.bannerc_phase) FILTER (WHERE (s."timestamp" IS NULL OR s."timestamp" IN (TIMESTAMPTZ 'infinity', TIMESTAMPTZ '-infinity'))) AS null_timestamp_rows,
  COUNT(s.bannerc_phase) FILTER (WHERE try_strptime(s.start_time, '%Y-%m-%d %H:%M:%S') IS NULL OR (s."timestamp" IS NULL OR s."timestamp" IN (TIMESTAMPTZ 'infinity', TIMESTAMPTZ '-infinity'))) AS bad_rows
FROM bannerc_phases AS p
LEFT JOIN (
  SELECT
    CASE
        WHEN ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-22 00:00:00+00')) THEN 1
        WHEN ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-25 00:00:00+00')) THEN 2
        WHEN ("logName" IN ('add-report-prod-server')) OR (("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-29 00:00:00+00'))) THEN 3
      END AS bannerc_phase,
    "timestamp",
    "jsonPayload"."start_time" AS start_time
  FROM "request_edit"."H_5902_distinct_data"
  WHERE ("timestamp" >= TIMESTAMPTZ '2025-04-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-29 00:00:00+00')
      OR "logName" IN ('add-report-prod-server')
) AS s ON s.bannerc_phase = p.phase
GROUP BY p.phase;
CREATE TEMP TABLE bannerc_kept AS
SELECT rowid AS bannerc_rowid FROM "request_edit"."H_5902_distinct_data" WHERE "logName" IN (SELECT log_name FROM bannerc_phases);
SELECT CASE WHEN EXISTS (SELECT 1 FROM "banner_data"."banner_call_data" WHERE "logName" IN (SELECT log_name FROM bannerc_phases))
  THEN error('bannerc check failed: the target already holds rows with this campaign''s log names; inserting again would duplicate them') END AS bannerc_check;
SELECT CASE WHEN EXISTS (SELECT 1 FROM bannerc_counts WHERE taken_rows < 1000 OR taken_rows > 10000000)
  THEN error('bannerc check failed: a phase takes fewer than 1000 or more than 10000000 rows (records_per_phase)') END AS bannerc_check;
SELECT CASE WHEN (SELECT sum(bad_rows) FROM bannerc_counts) > 0
  THEN error('bannerc check failed: more than 0 taken rows have an unreadable start_time or a NULL timestamp') END AS bannerc_check;
-- fix fields of phase 1
UPDATE "request_edit"."H_5902_distinct_data" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-04-25' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-04-25' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-04-25' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-22 00:00:00+00'));
-- relabel phase 1
UPDATE "request_edit"."H_5902_distinct_data" SET
  "timestamp" = to_timestamp((1745539200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-04-25'
WHERE ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-22 00:00:00+00'));
-- fix fields of phase 2
UPDATE "request_edit"."H_5902_distinct_data" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-04-26' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-04-26' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-04-26' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-25 00:00:00+00'));
-- relabel phase 2
UPDATE "request_edit"."H_5902_distinct_data" SET
  "timestamp" = to_timestamp((1745625600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-04-26'
WHERE ("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-25 00:00:00+00'));
-- fix fields of phase 3
UPDATE "request_edit"."H_5902_distinct_data" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-04-27' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-04-27' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-04-27' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IN ('add-report-prod-server')) OR (("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-29 00:00:00+00')));
-- relabel phase 3
UPDATE "request_edit"."H_5902_distinct_data" SET
  "timestamp" = to_timestamp((1745712000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-04-27'
WHERE ("logName" IN ('add-report-prod-server')) OR (("logName" IS NULL OR ("logName" NOT IN ('add-report-prod-server') AND "logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-04-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-04-29 00:00:00+00')));
-- insert into target
INSERT INTO "banner_data"."banner_call_data"
SELECT * FROM "request_edit"."H_5902_distinct_data" WHERE "logName" IN (SELECT log_name FROM bannerc_phases)
  AND rowid NOT IN (SELECT bannerc_rowid FROM bannerc_kept);
-- post-write checks
CREATE TEMP TABLE bannerc_written AS
SELECT
  p.log_name,
  t.written_rows,
  t.null_timestamps,
  t.wrong_times > 0
    OR t.no_banner > 0
    OR t.least_banner IS DISTINCT FROM p.banner_id
    OR t.greatest_banner IS DISTINCT FROM p.banner_id
    OR coalesce(t.earliest < p.day_start OR t.latest >= p.day_end, false)
    OR coalesce(t.first_day <> p.target_date OR t.last_day <> p.target_date, false)
    AS wrong
FROM (
  SELECT
    log_name,
    count(*) AS written_rows,
    count(*) FILTER (WHERE "timestamp" IS NULL) AS null_timestamps,
    count(*) FILTER (WHERE banner_id IS NULL) AS no_banner,
    min(banner_id) AS least_banner,
    max(banner_id) AS greatest_banner,
    min("timestamp") AS earliest,
    max("timestamp") AS latest,
    min(CAST(start AS DATE)) AS first_day,
    max(CAST(start AS DATE)) AS last_day,
    count(*) FILTER (WHERE start_time IS NOT NULL AND (
      start IS NULL
      OR end_time IS DISTINCT FROM CAST(start + to_seconds(5) AS VARCHAR)
      OR timestamp_get IS DISTINCT FROM epoch_us(start) // 1000000
    )) AS wrong_times
  FROM (
    SELECT
      "logName" AS log_name,
      "timestamp",
      "jsonPayload"."banner_id" AS banner_id,
      "jsonPayload"."start_time" AS start_time,
      "jsonPayload"."end_time" AS end_time,
      "jsonPayload"."timestamp_get" AS timestamp_get,
      try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS start
    FROM "banner_data"."banner_call_data"
    WHERE "logName" IN (SELECT log_name FROM bannerc_phases)
  )
  GROUP BY log_name
) AS t
JOIN bannerc_phases AS p ON p.log_name = t.log_name;
SELECT CASE WHEN EXISTS (
    SELECT 1 FROM bannerc_counts AS c
    JOIN bannerc_phases AS p ON p.phase = c.phase
    LEFT JOIN bannerc_written AS w ON w.log_name = p.log_name
    WHERE COALESCE(w.written_rows, 0) <> c.taken_rows
      OR COALESCE(w.null_timestamps, 0) <> c.null_timestamp_rows
  )
  THEN error('bannerc check failed: the target did not grow by exactly the taken rows of each phase (with as many NULL timestamps as the pre-flight counted)') END AS bannerc_check;
SELECT CASE WHEN EXISTS (SELECT 1 FROM bannerc_written WHERE wrong)
  THEN error('bannerc check failed: a written row does not carry its phase''s log name, banner, target date and derived times') END AS bannerc_check;
-- write ledger row
INSERT INTO "banner_data"."bannerc_runs" ("run_id", "plan_hash", "campaign", "source_table", "target_table", "mode", "status", "phase_counts", "claims", "backup_table", "started_at", "finished_at", "rolled_back_at")
SELECT
  'plan-8dabbec06cd85212',
  '8dabbec06cd85212b0250c2418cc2299262778194cd1c61cf40991d33980c315',
  'Q4_Banner_Campaign',
  'clirnet-dev.request_edit.H_5902_distinct_data',
  'clirnetapp.banner_data.banner_call_data',
  'in-place',
  'applied',
  (SELECT '[' || string_agg(p.count_json || c.taken_rows || '}', ',' ORDER BY p.phase) || ']' FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase),
  '{"source":"clirnet-dev.request_edit.H_5902_distinct_data","zone":"UTC","days":[["2025-04-01","2025-04-21"],["2025-04-22","2025-04-24"],["2025-04-25","2025-04-28"]],"special":["add-report-prod-server"]}',
  'clirnet-dev.request_edit.H_5902_distinct_data_bannerc_plan_8dabbec06cd85212',
  current_timestamp,
  uuid_extract_timestamp(uuidv7()),
  CAST(NULL AS TIMESTAMPTZ);
COMMIT;
