-- bannerc 0.1.0: campaign June_Rotation, in-place mode, DuckDB
-- plan 2bd09fd56e2eefae62254cc57ff57297ade2068ac64ca8efe9806ba75cb6f492
-- run plan-2bd09fd56e2eefae
-- source "d"."staging" (relabeled in place, backed up first)
-- target "d"."banner_call_data"
-- ledger "d"."bannerc_runs"
-- zone UTC (offsets computed at compile time)
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "d"."bannerc_runs" (
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
CREATE TABLE "d"."staging_bannerc_plan_2bd09fd56e2eefae" AS
SELECT * FROM "d"."staging"
WHERE ((("timestamp" >= TIMESTAMPTZ '2025-05-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-06-01 00:00:00+00')) AND (CASE
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-02 00:00:00+00')) THEN 1
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-02 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-03 00:00:00+00')) THEN 2
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-03 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-04 00:00:00+00')) THEN 3
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-04 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-05 00:00:00+00')) THEN 4
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-05 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-06 00:00:00+00')) THEN 5
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-06 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-07 00:00:00+00')) THEN 6
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-07 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-08 00:00:00+00')) THEN 7
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-08 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-09 00:00:00+00')) THEN 8
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-09 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-10 00:00:00+00')) THEN 9
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-10 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-11 00:00:00+00')) THEN 10
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-11 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-12 00:00:00+00')) THEN 11
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-12 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-13 00:00:00+00')) THEN 12
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-13 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-14 00:00:00+00')) THEN 13
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-14 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-15 00:00:00+00')) THEN 14
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-15 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-16 00:00:00+00')) THEN 15
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-16 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-17 00:00:00+00')) THEN 16
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-17 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-18 00:00:00+00')) THEN 17
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-18 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-19 00:00:00+00')) THEN 18
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-19 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-20 00:00:00+00')) THEN 19
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-20 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-21 00:00:00+00')) THEN 20
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-21 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-22 00:00:00+00')) THEN 21
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-23 00:00:00+00')) THEN 22
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-23 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-24 00:00:00+00')) THEN 23
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-24 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-25 00:00:00+00')) THEN 24
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-26 00:00:00+00')) THEN 25
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-26 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-27 00:00:00+00')) THEN 26
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-27 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-28 00:00:00+00')) THEN 27
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-28 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-29 00:00:00+00')) THEN 28
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-29 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-30 00:00:00+00')) THEN 29
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-30 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-06-01 00:00:00+00')) THEN 30
      END) IS NOT NULL)
   OR "logName" IN ('H_5901_distinct_2025-06-01', 'H_5901_distinct_2025-06-02', 'H_5901_distinct_2025-06-03', 'H_5902_distinct_2025-06-04', 'H_5902_distinct_2025-06-05', 'H_5902_distinct_2025-06-06', 'H_5903_distinct_2025-06-07', 'H_5903_distinct_2025-06-08', 'H_5903_distinct_2025-06-09', 'H_5901_distinct_2025-06-10', 'H_5901_distinct_2025-06-11', 'H_5901_distinct_2025-06-12', 'H_5902_distinct_2025-06-13', 'H_5902_distinct_2025-06-14', 'H_5902_distinct_2025-06-15', 'H_5903_distinct_2025-06-16', 'H_5903_distinct_2025-06-17', 'H_5903_distinct_2025-06-18', 'H_5901_distinct_2025-06-19', 'H_5901_distinct_2025-06-20', 'H_5901_distinct_2025-06-21', 'H_5902_distinct_2025-06-22', 'H_5902_distinct_2025-06-23', 'H_5902_distinct_2025-06-24', 'H_5903_distinct_2025-06-25', 'H_5903_distinct_2025-06-26', 'H_5903_distinct_2025-06-27', 'H_5901_distinct_2025-06-28', 'H_5901_distinct_2025-06-29', 'H_5901_distinct_2025-06-30');
CREATE TEMP TABLE bannerc_phases AS
SELECT * FROM (VALUES
  (1, DATE '2025-06-01', 'H_5901_distinct_2025-06-01', '5901', 500000, TIMESTAMPTZ '2025-06-01 00:00:00+00', TIMESTAMPTZ '2025-06-02 00:00:00+00', '{"phase":1,"log_name":"H_5901_distinct_2025-06-01","taken_rows":'),
  (2, DATE '2025-06-02', 'H_5901_distinct_2025-06-02', '5901', 500000, TIMESTAMPTZ '2025-06-02 00:00:00+00', TIMESTAMPTZ '2025-06-03 00:00:00+00', '{"phase":2,"log_name":"H_5901_distinct_2025-06-02","taken_rows":'),
  (3, DATE '2025-06-03', 'H_5901_distinct_2025-06-03', '5901', 500000, TIMESTAMPTZ '2025-06-03 00:00:00+00', TIMESTAMPTZ '2025-06-04 00:00:00+00', '{"phase":3,"log_name":"H_5901_distinct_2025-06-03","taken_rows":'),
  (4, DATE '2025-06-04', 'H_5902_distinct_2025-06-04', '5902', 500000, TIMESTAMPTZ '2025-06-04 00:00:00+00', TIMESTAMPTZ '2025-06-05 00:00:00+00', '{"phase":4,"log_name":"H_5902_distinct_2025-06-04","taken_rows":'),
  (5, DATE '2025-06-05', 'H_5902_distinct_2025-06-05', '5902', 500000, TIMESTAMPTZ '2025-06-05 00:00:00+00', TIMESTAMPTZ '2025-06-06 00:00:00+00', '{"phase":5,"log_name":"H_5902_distinct_2025-06-05","taken_rows":'),
  (6, DATE '2025-06-06', 'H_5902_distinct_2025-06-06', '5902', 500000, TIMESTAMPTZ '2025-06-06 00:00:00+00', TIMESTAMPTZ '2025-06-07 00:00:00+00', '{"phase":6,"log_name":"H_5902_distinct_2025-06-06","taken_rows":'),
  (7, DATE '2025-06-07', 'H_5903_distinct_2025-06-07', '5903', 500000, TIMESTAMPTZ '2025-06-07 00:00:00+00', TIMESTAMPTZ '2025-06-08 00:00:00+00', '{"phase":7,"log_name":"H_5903_distinct_2025-06-07","taken_rows":'),
  (8, DATE '2025-06-08', 'H_5903_distinct_2025-06-08', '5903', 500000, TIMESTAMPTZ '2025-06-08 00:00:00+00', TIMESTAMPTZ '2025-06-09 00:00:00+00', '{"phase":8,"log_name":"H_5903_distinct_2025-06-08","taken_rows":'),
  (9, DATE '2025-06-09', 'H_5903_distinct_2025-06-09', '5903', 500000, TIMESTAMPTZ '2025-06-09 00:00:00+00', TIMESTAMPTZ '2025-06-10 00:00:00+00', '{"phase":9,"log_name":"H_5903_distinct_2025-06-09","taken_rows":'),
  (10, DATE '2025-06-10', 'H_5901_distinct_2025-06-10', '5901', 500000, TIMESTAMPTZ '2025-06-10 00:00:00+00', TIMESTAMPTZ '2025-06-11 00:00:00+00', '{"phase":10,"log_name":"H_5901_distinct_2025-06-10","taken_rows":'),
  (11, DATE '2025-06-11', 'H_5901_distinct_2025-06-11', '5901', 500000, TIMESTAMPTZ '2025-06-11 00:00:00+00', TIMESTAMPTZ '2025-06-12 00:00:00+00', '{"phase":11,"log_name":"H_5901_distinct_2025-06-11","taken_rows":'),
  (12, DATE '2025-06-12', 'H_5901_distinct_2025-06-12', '5901', 500000, TIMESTAMPTZ '2025-06-12 00:00:00+00', TIMESTAMPTZ '2025-06-13 00:00:00+00', '{"phase":12,"log_name":"H_5901_distinct_2025-06-12","taken_rows":'),
  (13, DATE '2025-06-13', 'H_5902_distinct_2025-06-13', '5902', 500000, TIMESTAMPTZ '2025-06-13 00:00:00+00', TIMESTAMPTZ '2025-06-14 00:00:00+00', '{"phase":13,"log_name":"H_5902_distinct_2025-06-13","taken_rows":'),
  (14, DATE '2025-06-14', 'H_5902_distinct_2025-06-14', '5902', 500000, TIMESTAMPTZ '2025-06-14 00:00:00+00', TIMESTAMPTZ '2025-06-15 00:00:00+00', '{"phase":14,"log_name":"H_5902_distinct_2025-06-14","taken_rows":'),
  (15, DATE '2025-06-15', 'H_5902_distinct_2025-06-15', '5902', 500000, TIMESTAMPTZ '2025-06-15 00:00:00+00', TIMESTAMPTZ '2025-06-16 00:00:00+00', '{"phase":15,"log_name":"H_5902_distinct_2025-06-15","taken_rows":'),
  (16, DATE '2025-06-16', 'H_5903_distinct_2025-06-16', '5903', 500000, TIMESTAMPTZ '2025-06-16 00:00:00+00', TIMESTAMPTZ '2025-06-17 00:00:00+00', '{"phase":16,"log_name":"H_5903_distinct_2025-06-16","taken_rows":'),
  (17, DATE '2025-06-17', 'H_5903_distinct_2025-06-17', '5903', 500000, TIMESTAMPTZ '2025-06-17 00:00:00+00', TIMESTAMPTZ '2025-06-18 00:00:00+00', '{"phase":17,"log_name":"H_5903_distinct_2025-06-17","taken_rows":'),
  (18, DATE '2025-06-18', 'H_5903_distinct_2025-06-18', '5903', 500000, TIMESTAMPTZ '2025-06-18 00:00:00+00', TIMESTAMPTZ '2025-06-19 00:00:00+00', '{"phase":18,"log_name":"H_5903_distinct_2025-06-18","taken_rows":'),
  (19, DATE '2025-06-19', 'H_5901_distinct_2025-06-19', '5901', 500000, TIMESTAMPTZ '2025-06-19 00:00:00+00', TIMESTAMPTZ '2025-06-20 00:00:00+00', '{"phase":19,"log_name":"H_5901_distinct_2025-06-19","taken_rows":'),
  (20, DATE '2025-06-20', 'H_5901_distinct_2025-06-20', '5901', 500000, TIMESTAMPTZ '2025-06-20 00:00:00+00', TIMESTAMPTZ '2025-06-21 00:00:00+00', '{"phase":20,"log_name":"H_5901_distinct_2025-06-20","taken_rows":'),
  (21, DATE '2025-06-21', 'H_5901_distinct_2025-06-21', '5901', 500000, TIMESTAMPTZ '2025-06-21 00:00:00+00', TIMESTAMPTZ '2025-06-22 00:00:00+00', '{"phase":21,"log_name":"H_5901_distinct_2025-06-21","taken_rows":'),
  (22, DATE '2025-06-22', 'H_5902_distinct_2025-06-22', '5902', 500000, TIMESTAMPTZ '2025-06-22 00:00:00+00', TIMESTAMPTZ '2025-06-23 00:00:00+00', '{"phase":22,"log_name":"H_5902_distinct_2025-06-22","taken_rows":'),
  (23, DATE '2025-06-23', 'H_5902_distinct_2025-06-23', '5902', 500000, TIMESTAMPTZ '2025-06-23 00:00:00+00', TIMESTAMPTZ '2025-06-24 00:00:00+00', '{"phase":23,"log_name":"H_5902_distinct_2025-06-23","taken_rows":'),
  (24, DATE '2025-06-24', 'H_5902_distinct_2025-06-24', '5902', 500000, TIMESTAMPTZ '2025-06-24 00:00:00+00', TIMESTAMPTZ '2025-06-25 00:00:00+00', '{"phase":24,"log_name":"H_5902_distinct_2025-06-24","taken_rows":'),
  (25, DATE '2025-06-25', 'H_5903_distinct_2025-06-25', '5903', 500000, TIMESTAMPTZ '2025-06-25 00:00:00+00', TIMESTAMPTZ '2025-06-26 00:00:00+00', '{"phase":25,"log_name":"H_5903_distinct_2025-06-25","taken_rows":'),
  (26, DATE '2025-06-26', 'H_5903_distinct_2025-06-26', '5903', 500000, TIMESTAMPTZ '2025-06-26 00:00:00+00', TIMESTAMPTZ '2025-06-27 00:00:00+00', '{"phase":26,"log_name":"H_5903_distinct_2025-06-26","taken_rows":'),
  (27, DATE '2025-06-27', 'H_5903_distinct_2025-06-27', '5903', 500000, TIMESTAMPTZ '2025-06-27 00:00:00+00', TIMESTAMPTZ '2025-06-28 00:00:00+00', '{"phase":27,"log_name":"H_5903_distinct_2025-06-27","taken_rows":'),
  (28, DATE '2025-06-28', 'H_5901_distinct_2025-06-28', '5901', 500000, TIMESTAMPTZ '2025-06-28 00:00:00+00', TIMESTAMPTZ '2025-06-29 00:00:00+00', '{"phase":28,"log_name":"H_5901_distinct_2025-06-28","taken_rows":'),
  (29, DATE '2025-06-29', 'H_5901_distinct_2025-06-29', '5901', 500000, TIMESTAMPTZ '2025-06-29 00:00:00+00', TIMESTAMPTZ '2025-06-30 00:00:00+00', '{"phase":29,"log_name":"H_5901_distinct_2025-06-29","taken_rows":'),
  (30, DATE '2025-06-30', 'H_5901_distinct_2025-06-30', '5901', 500000, TIMESTAMPTZ '2025-06-30 00:00:00+00', TIMESTAMPTZ '2025-07-01 00:00:00+00', '{"phase":30,"log_name":"H_5901_distinct_2025-06-30","taken_rows":')
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
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-02 00:00:00+00')) THEN 1
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-02 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-03 00:00:00+00')) THEN 2
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-03 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-04 00:00:00+00')) THEN 3
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-04 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-05 00:00:00+00')) THEN 4
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-05 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-06 00:00:00+00')) THEN 5
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-06 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-07 00:00:00+00')) THEN 6
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-07 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-08 00:00:00+00')) THEN 7
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-08 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-09 00:00:00+00')) THEN 8
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-09 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-10 00:00:00+00')) THEN 9
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-10 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-11 00:00:00+00')) THEN 10
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-11 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-12 00:00:00+00')) THEN 11
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-12 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-13 00:00:00+00')) THEN 12
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-13 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-14 00:00:00+00')) THEN 13
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-14 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-15 00:00:00+00')) THEN 14
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-15 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-16 00:00:00+00')) THEN 15
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-16 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-17 00:00:00+00')) THEN 16
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-17 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-18 00:00:00+00')) THEN 17
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-18 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-19 00:00:00+00')) THEN 18
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-19 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-20 00:00:00+00')) THEN 19
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-20 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-21 00:00:00+00')) THEN 20
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-21 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-22 00:00:00+00')) THEN 21
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-23 00:00:00+00')) THEN 22
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-23 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-24 00:00:00+00')) THEN 23
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-24 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-25 00:00:00+00')) THEN 24
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-26 00:00:00+00')) THEN 25
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-26 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-27 00:00:00+00')) THEN 26
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-27 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-28 00:00:00+00')) THEN 27
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-28 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-29 00:00:00+00')) THEN 28
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-29 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-30 00:00:00+00')) THEN 29
        WHEN ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-30 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-06-01 00:00:00+00')) THEN 30
      END AS bannerc_phase,
    "timestamp",
    "jsonPayload"."start_time" AS start_time
  FROM "d"."staging"
  WHERE ("timestamp" >= TIMESTAMPTZ '2025-05-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-06-01 00:00:00+00')
) AS s ON s.bannerc_phase = p.phase
GROUP BY p.phase;
CREATE TEMP TABLE bannerc_kept AS
SELECT rowid AS bannerc_rowid FROM "d"."staging" WHERE "logName" IN (SELECT log_name FROM bannerc_phases);
SELECT CASE WHEN EXISTS (SELECT 1 FROM "d"."banner_call_data" WHERE "logName" IN (SELECT log_name FROM bannerc_phases))
  THEN error('bannerc check failed: the target already holds rows with this campaign''s log names; inserting again would duplicate them') END AS bannerc_check;
SELECT CASE WHEN EXISTS (SELECT 1 FROM bannerc_counts WHERE taken_rows < 1)
  THEN error('bannerc check failed: a phase takes fewer than 1 rows (records_per_phase)') END AS bannerc_check;
SELECT CASE WHEN (SELECT sum(bad_rows) FROM bannerc_counts) > 0
  THEN error('bannerc check failed: more than 0 taken rows have an unreadable start_time or a NULL timestamp') END AS bannerc_check;
-- fix fields of phase 1
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-01' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-01' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-01' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-02 00:00:00+00'));
-- relabel phase 1
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1748736000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-01'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-01 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-02 00:00:00+00'));
-- fix fields of phase 2
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-02' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-02' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-02' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-02 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-03 00:00:00+00'));
-- relabel phase 2
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1748822400000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-02'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-02 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-03 00:00:00+00'));
-- fix fields of phase 3
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-03' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-03' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-03' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-03 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-04 00:00:00+00'));
-- relabel phase 3
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1748908800000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-03'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-03 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-04 00:00:00+00'));
-- fix fields of phase 4
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-04' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-04' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-04' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-04 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-05 00:00:00+00'));
-- relabel phase 4
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1748995200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-04'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-04 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-05 00:00:00+00'));
-- fix fields of phase 5
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-05' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-05' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-05' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-05 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-06 00:00:00+00'));
-- relabel phase 5
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749081600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-05'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-05 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-06 00:00:00+00'));
-- fix fields of phase 6
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-06' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-06' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-06' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-06 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-07 00:00:00+00'));
-- relabel phase 6
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749168000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-06'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-06 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-07 00:00:00+00'));
-- fix fields of phase 7
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-07' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-07' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-07' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-07 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-08 00:00:00+00'));
-- relabel phase 7
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749254400000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-07'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-07 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-08 00:00:00+00'));
-- fix fields of phase 8
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-08' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-08' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-08' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-08 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-09 00:00:00+00'));
-- relabel phase 8
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749340800000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-08'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-08 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-09 00:00:00+00'));
-- fix fields of phase 9
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-09' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-09' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-09' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-09 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-10 00:00:00+00'));
-- relabel phase 9
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749427200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-09'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-09 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-10 00:00:00+00'));
-- fix fields of phase 10
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-10' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-10' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-10' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-10 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-11 00:00:00+00'));
-- relabel phase 10
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749513600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-10'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-10 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-11 00:00:00+00'));
-- fix fields of phase 11
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-11' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-11' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-11' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-11 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-12 00:00:00+00'));
-- relabel phase 11
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749600000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-11'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-11 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-12 00:00:00+00'));
-- fix fields of phase 12
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-12' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-12' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-12' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-12 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-13 00:00:00+00'));
-- relabel phase 12
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749686400000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-12'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-12 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-13 00:00:00+00'));
-- fix fields of phase 13
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-13' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-13' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-13' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-13 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-14 00:00:00+00'));
-- relabel phase 13
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749772800000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-13'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-13 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-14 00:00:00+00'));
-- fix fields of phase 14
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-14' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-14' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-14' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-14 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-15 00:00:00+00'));
-- relabel phase 14
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749859200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-14'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-14 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-15 00:00:00+00'));
-- fix fields of phase 15
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-15' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-15' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-15' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-15 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-16 00:00:00+00'));
-- relabel phase 15
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1749945600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-15'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-15 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-16 00:00:00+00'));
-- fix fields of phase 16
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-16' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-16' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-16' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-16 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-17 00:00:00+00'));
-- relabel phase 16
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750032000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-16'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-16 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-17 00:00:00+00'));
-- fix fields of phase 17
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-17' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-17' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-17' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-17 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-18 00:00:00+00'));
-- relabel phase 17
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750118400000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-17'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-17 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-18 00:00:00+00'));
-- fix fields of phase 18
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-18' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-18' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-18' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-18 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-19 00:00:00+00'));
-- relabel phase 18
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750204800000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-18'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-18 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-19 00:00:00+00'));
-- fix fields of phase 19
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-19' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-19' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-19' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-19 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-20 00:00:00+00'));
-- relabel phase 19
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750291200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-19'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-19 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-20 00:00:00+00'));
-- fix fields of phase 20
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-20' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-20' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-20' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-20 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-21 00:00:00+00'));
-- relabel phase 20
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750377600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-20'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-20 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-21 00:00:00+00'));
-- fix fields of phase 21
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-21' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-21' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-21' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-21 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-22 00:00:00+00'));
-- relabel phase 21
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750464000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-21'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-21 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-22 00:00:00+00'));
-- fix fields of phase 22
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-22' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-22' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-22' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-23 00:00:00+00'));
-- relabel phase 22
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750550400000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-22'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-22 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-23 00:00:00+00'));
-- fix fields of phase 23
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-23' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-23' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-23' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-23 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-24 00:00:00+00'));
-- relabel phase 23
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750636800000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-23'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-23 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-24 00:00:00+00'));
-- fix fields of phase 24
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-24' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-24' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-24' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5902'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-24 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-25 00:00:00+00'));
-- relabel phase 24
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750723200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5902_distinct_2025-06-24'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-24 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-25 00:00:00+00'));
-- fix fields of phase 25
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-25' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-25' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-25' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-26 00:00:00+00'));
-- relabel phase 25
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750809600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-25'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-25 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-26 00:00:00+00'));
-- fix fields of phase 26
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-26' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-26' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-26' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-26 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-27 00:00:00+00'));
-- relabel phase 26
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750896000000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-26'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-26 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-27 00:00:00+00'));
-- fix fields of phase 27
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-27' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-27' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-27' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5903'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-27 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-28 00:00:00+00'));
-- relabel phase 27
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1750982400000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5903_distinct_2025-06-27'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-27 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-28 00:00:00+00'));
-- fix fields of phase 28
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-28' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-28' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-28' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-28 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-29 00:00:00+00'));
-- relabel phase 28
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1751068800000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-28'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-28 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-29 00:00:00+00'));
-- fix fields of phase 29
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-29' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-29' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-29' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-29 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-30 00:00:00+00'));
-- relabel phase 29
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1751155200000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-29'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-29 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-05-30 00:00:00+00'));
-- fix fields of phase 30
UPDATE "d"."staging" SET
  "jsonPayload" = struct_update(
      "jsonPayload",
      start_time := CAST((DATE '2025-06-30' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) AS VARCHAR),
      end_time := CAST((DATE '2025-06-30' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME)) + to_seconds(5) AS VARCHAR),
      timestamp_get := epoch_us((DATE '2025-06-30' + CAST(try_strptime("jsonPayload"."start_time", '%Y-%m-%d %H:%M:%S') AS TIME))) // 1000000,
      banner_id := '5901'
    )
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-30 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-06-01 00:00:00+00'));
-- relabel phase 30
UPDATE "d"."staging" SET
  "timestamp" = to_timestamp((1751241600000000 + bannerc_tod_us("timestamp") - (0)) / 1000000.0),
  "logName" = 'H_5901_distinct_2025-06-30'
WHERE ("logName" IS NULL OR ("logName" NOT LIKE 'H!__%!_distinct!__%' ESCAPE '!')) AND (("timestamp" >= TIMESTAMPTZ '2025-05-30 00:00:00+00' AND "timestamp" < TIMESTAMPTZ '2025-06-01 00:00:00+00'));
-- insert into target
INSERT INTO "d"."banner_call_data"
SELECT * FROM "d"."staging" WHERE "logName" IN (SELECT log_name FROM bannerc_phases)
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
    FROM "d"."banner_call_data"
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
INSERT INTO "d"."bannerc_runs" ("run_id", "plan_hash", "campaign", "source_table", "target_table", "mode", "status", "phase_counts", "claims", "backup_table", "started_at", "finished_at", "rolled_back_at")
SELECT
  'plan-2bd09fd56e2eefae',
  '2bd09fd56e2eefae62254cc57ff57297ade2068ac64ca8efe9806ba75cb6f492',
  'June_Rotation',
  'p.d.staging',
  'p.d.banner_call_data',
  'in-place',
  'applied',
  (SELECT '[' || string_agg(p.count_json || c.taken_rows || '}', ',' ORDER BY p.phase) || ']' FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase),
  '{"source":"p.d.staging","zone":"UTC","days":[["2025-05-01","2025-05-01"],["2025-05-02","2025-05-02"],["2025-05-03","2025-05-03"],["2025-05-04","2025-05-04"],["2025-05-05","2025-05-05"],["2025-05-06","2025-05-06"],["2025-05-07","2025-05-07"],["2025-05-08","2025-05-08"],["2025-05-09","2025-05-09"],["2025-05-10","2025-05-10"],["2025-05-11","2025-05-11"],["2025-05-12","2025-05-12"],["2025-05-13","2025-05-13"],["2025-05-14","2025-05-14"],["2025-05-15","2025-05-15"],["2025-05-16","2025-05-16"],["2025-05-17","2025-05-17"],["2025-05-18","2025-05-18"],["2025-05-19","2025-05-19"],["2025-05-20","2025-05-20"],["2025-05-21","2025-05-21"],["2025-05-22","2025-05-22"],["2025-05-23","2025-05-23"],["2025-05-24","2025-05-24"],["2025-05-25","2025-05-25"],["2025-05-26","2025-05-26"],["2025-05-27","2025-05-27"],["2025-05-28","2025-05-28"],["2025-05-29","2025-05-29"],["2025-05-30","2025-05-31"]],"special":[]}',
  'p.d.staging_bannerc_plan_2bd09fd56e2eefae',
  current_timestamp,
  uuid_extract_timestamp(uuidv7()),
  CAST(NULL AS TIMESTAMPTZ);
COMMIT;
