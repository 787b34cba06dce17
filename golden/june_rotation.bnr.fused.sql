-- bannerc 0.1.0: campaign June_Rotation, fused mode, BigQuery
-- plan 2bd09fd56e2eefae62254cc57ff57297ade2068ac64ca8efe9806ba75cb6f492
-- run plan-2bd09fd56e2eefae
-- source p.d.staging (never written)
-- target p.d.banner_call_data
-- ledger p.d.bannerc_runs
DECLARE bannerc_started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP();
CREATE TABLE IF NOT EXISTS `p`.`d`.`bannerc_runs` (
  `run_id` STRING,
  `plan_hash` STRING,
  `campaign` STRING,
  `source_table` STRING,
  `target_table` STRING,
  `mode` STRING,
  `status` STRING,
  `phase_counts` STRING,
  `claims` STRING,
  `backup_table` STRING,
  `started_at` TIMESTAMP,
  `finished_at` TIMESTAMP,
  `rolled_back_at` TIMESTAMP
);
BEGIN
  BEGIN TRANSACTION;
  CREATE TEMP TABLE bannerc_phases AS
  SELECT * FROM UNNEST([
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(1, DATE '2025-06-01', 'H_5901_distinct_2025-06-01', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(2, DATE '2025-06-02', 'H_5901_distinct_2025-06-02', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(3, DATE '2025-06-03', 'H_5901_distinct_2025-06-03', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(4, DATE '2025-06-04', 'H_5902_distinct_2025-06-04', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(5, DATE '2025-06-05', 'H_5902_distinct_2025-06-05', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(6, DATE '2025-06-06', 'H_5902_distinct_2025-06-06', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(7, DATE '2025-06-07', 'H_5903_distinct_2025-06-07', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(8, DATE '2025-06-08', 'H_5903_distinct_2025-06-08', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(9, DATE '2025-06-09', 'H_5903_distinct_2025-06-09', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(10, DATE '2025-06-10', 'H_5901_distinct_2025-06-10', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(11, DATE '2025-06-11', 'H_5901_distinct_2025-06-11', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(12, DATE '2025-06-12', 'H_5901_distinct_2025-06-12', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(13, DATE '2025-06-13', 'H_5902_distinct_2025-06-13', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(14, DATE '2025-06-14', 'H_5902_distinct_2025-06-14', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(15, DATE '2025-06-15', 'H_5902_distinct_2025-06-15', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(16, DATE '2025-06-16', 'H_5903_distinct_2025-06-16', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(17, DATE '2025-06-17', 'H_5903_distinct_2025-06-17', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(18, DATE '2025-06-18', 'H_5903_distinct_2025-06-18', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(19, DATE '2025-06-19', 'H_5901_distinct_2025-06-19', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(20, DATE '2025-06-20', 'H_5901_distinct_2025-06-20', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(21, DATE '2025-06-21', 'H_5901_distinct_2025-06-21', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(22, DATE '2025-06-22', 'H_5902_distinct_2025-06-22', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(23, DATE '2025-06-23', 'H_5902_distinct_2025-06-23', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(24, DATE '2025-06-24', 'H_5902_distinct_2025-06-24', '5902', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(25, DATE '2025-06-25', 'H_5903_distinct_2025-06-25', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(26, DATE '2025-06-26', 'H_5903_distinct_2025-06-26', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(27, DATE '2025-06-27', 'H_5903_distinct_2025-06-27', '5903', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(28, DATE '2025-06-28', 'H_5901_distinct_2025-06-28', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(29, DATE '2025-06-29', 'H_5901_distinct_2025-06-29', '5901', 500000),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(30, DATE '2025-06-30', 'H_5901_distinct_2025-06-30', '5901', 500000)
  ]);
  -- collect taken rows
  CREATE TEMP TABLE bannerc_taken AS
  SELECT
    s.* EXCEPT (bannerc_phase) REPLACE (
      TIMESTAMP(DATETIME(p.target_date, TIME(s.`timestamp`, 'UTC')), 'UTC') AS `timestamp`,
      p.log_name AS `logName`
    ),
    p.phase AS bannerc_phase,
    p.target_date AS bannerc_target_date,
    p.banner_id AS bannerc_banner_id,
    s.`jsonPayload`.`start_time` AS bannerc_start_time
  FROM (
    SELECT
      *,
      CASE
          WHEN `logName` LIKE r'H\__%\_distinct\__%' THEN NULL
          WHEN (`timestamp` >= TIMESTAMP('2025-05-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-02', 'UTC')) THEN 1
          WHEN (`timestamp` >= TIMESTAMP('2025-05-02', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-03', 'UTC')) THEN 2
          WHEN (`timestamp` >= TIMESTAMP('2025-05-03', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-04', 'UTC')) THEN 3
          WHEN (`timestamp` >= TIMESTAMP('2025-05-04', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-05', 'UTC')) THEN 4
          WHEN (`timestamp` >= TIMESTAMP('2025-05-05', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-06', 'UTC')) THEN 5
          WHEN (`timestamp` >= TIMESTAMP('2025-05-06', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-07', 'UTC')) THEN 6
          WHEN (`timestamp` >= TIMESTAMP('2025-05-07', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-08', 'UTC')) THEN 7
          WHEN (`timestamp` >= TIMESTAMP('2025-05-08', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-09', 'UTC')) THEN 8
          WHEN (`timestamp` >= TIMESTAMP('2025-05-09', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-10', 'UTC')) THEN 9
          WHEN (`timestamp` >= TIMESTAMP('2025-05-10', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-11', 'UTC')) THEN 10
          WHEN (`timestamp` >= TIMESTAMP('2025-05-11', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-12', 'UTC')) THEN 11
          WHEN (`timestamp` >= TIMESTAMP('2025-05-12', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-13', 'UTC')) THEN 12
          WHEN (`timestamp` >= TIMESTAMP('2025-05-13', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-14', 'UTC')) THEN 13
          WHEN (`timestamp` >= TIMESTAMP('2025-05-14', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-15', 'UTC')) THEN 14
          WHEN (`timestamp` >= TIMESTAMP('2025-05-15', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-16', 'UTC')) THEN 15
          WHEN (`timestamp` >= TIMESTAMP('2025-05-16', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-17', 'UTC')) THEN 16
          WHEN (`timestamp` >= TIMESTAMP('2025-05-17', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-18', 'UTC')) THEN 17
          WHEN (`timestamp` >= TIMESTAMP('2025-05-18', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-19', 'UTC')) THEN 18
          WHEN (`timestamp` >= TIMESTAMP('2025-05-19', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-20', 'UTC')) THEN 19
          WHEN (`timestamp` >= TIMESTAMP('2025-05-20', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-21', 'UTC')) THEN 20
          WHEN (`timestamp` >= TIMESTAMP('2025-05-21', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-22', 'UTC')) THEN 21
          WHEN (`timestamp` >= TIMESTAMP('2025-05-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-23', 'UTC')) THEN 22
          WHEN (`timestamp` >= TIMESTAMP('2025-05-23', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-24', 'UTC')) THEN 23
          WHEN (`timestamp` >= TIMESTAMP('2025-05-24', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-25', 'UTC')) THEN 24
          WHEN (`timestamp` >= TIMESTAMP('2025-05-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-26', 'UTC')) THEN 25
          WHEN (`timestamp` >= TIMESTAMP('2025-05-26', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-27', 'UTC')) THEN 26
          WHEN (`timestamp` >= TIMESTAMP('2025-05-27', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-28', 'UTC')) THEN 27
          WHEN (`timestamp` >= TIMESTAMP('2025-05-28', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-29', 'UTC')) THEN 28
          WHEN (`timestamp` >= TIMESTAMP('2025-05-29', 'UTC') AND `timestamp` < TIMESTAMP('2025-05-30', 'UTC')) THEN 29
          WHEN (`timestamp` >= TIMESTAMP('2025-05-30', 'UTC') AND `timestamp` < TIMESTAMP('2025-06-01', 'UTC')) THEN 30
        END AS bannerc_phase
    FROM `p`.`d`.`staging`
    WHERE (`timestamp` >= TIMESTAMP('2025-05-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-06-01', 'UTC'))
  ) AS s
  JOIN bannerc_phases AS p ON p.phase = s.bannerc_phase;
  UPDATE bannerc_taken SET
    `jsonPayload`.`end_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(DATETIME(bannerc_target_date, TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', bannerc_start_time))), INTERVAL 5 SECOND))
  WHERE TRUE;
  UPDATE bannerc_taken SET
    `jsonPayload`.`timestamp_get` = UNIX_SECONDS(TIMESTAMP(DATETIME(bannerc_target_date, TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', bannerc_start_time))), 'UTC'))
  WHERE TRUE;
  UPDATE bannerc_taken SET
    `jsonPayload`.`banner_id` = bannerc_banner_id
  WHERE TRUE;
  UPDATE bannerc_taken SET
    `jsonPayload`.`start_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME(bannerc_target_date, TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', bannerc_start_time))))
  WHERE TRUE;
  CREATE TEMP TABLE bannerc_counts AS
  SELECT
    p.phase,
    COUNT(t.bannerc_phase) AS taken_rows,
    COUNTIF(t.bannerc_phase IS NOT NULL AND SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', t.bannerc_start_time) IS NULL) AS unreadable_rows,
    COUNTIF(t.bannerc_phase IS NOT NULL AND t.`timestamp` IS NULL) AS null_timestamp_rows,
    COUNTIF(t.bannerc_phase IS NOT NULL AND (SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', t.bannerc_start_time) IS NULL OR t.`timestamp` IS NULL)) AS bad_rows
  FROM bannerc_phases AS p
  LEFT JOIN bannerc_taken AS t ON t.bannerc_phase = p.phase
  GROUP BY p.phase;
  -- pre-flight checks
  ASSERT NOT EXISTS (SELECT 1 FROM `p`.`d`.`banner_call_data` WHERE `logName` IN (SELECT log_name FROM bannerc_phases))
    AS 'bannerc check failed: the target already holds rows with this campaign\'s log names; inserting again would duplicate them';
  ASSERT NOT EXISTS (SELECT 1 FROM bannerc_counts WHERE taken_rows < 1)
    AS 'bannerc check failed: a phase takes fewer than 1 rows (records_per_phase)';
  ASSERT (SELECT SUM(bad_rows) FROM bannerc_counts) <= 0
    AS 'bannerc check failed: more than 0 taken rows have an unreadable start_time or a NULL timestamp';
  -- insert into target
  INSERT INTO `p`.`d`.`banner_call_data`
  SELECT * EXCEPT (bannerc_phase, bannerc_target_date, bannerc_banner_id, bannerc_start_time) FROM bannerc_taken;
  -- post-write checks
  ASSERT NOT EXISTS (
      SELECT 1 FROM bannerc_counts AS c
      JOIN bannerc_phases AS p ON p.phase = c.phase
      LEFT JOIN (
        SELECT `logName` AS log_name, COUNT(*) AS written_rows,
          COUNTIF(`timestamp` IS NULL) AS null_timestamps FROM `p`.`d`.`banner_call_data`
        WHERE `logName` IN (SELECT log_name FROM bannerc_phases) GROUP BY `logName`
      ) AS w ON w.log_name = p.log_name
      WHERE COALESCE(w.written_rows, 0) != c.taken_rows
        OR COALESCE(w.null_timestamps, 0) != c.null_timestamp_rows
    )
    AS 'bannerc check failed: the target did not grow by exactly the taken rows of each phase (with as many NULL timestamps as the pre-flight counted)';
  ASSERT NOT EXISTS (
      SELECT 1 FROM `p`.`d`.`banner_call_data` AS t
      JOIN bannerc_phases AS p ON p.log_name = t.`logName`
      WHERE t.`jsonPayload`.`banner_id` IS DISTINCT FROM p.banner_id
        OR (t.`timestamp` IS NOT NULL
          AND DATE(t.`timestamp`, 'UTC') IS DISTINCT FROM p.target_date)
        OR (t.`jsonPayload`.`start_time` IS NOT NULL AND (
          DATE(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', t.`jsonPayload`.`start_time`)) IS DISTINCT FROM p.target_date
          OR t.`jsonPayload`.`end_time` IS DISTINCT FROM FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', t.`jsonPayload`.`start_time`), INTERVAL 5 SECOND))
          OR t.`jsonPayload`.`timestamp_get` IS DISTINCT FROM UNIX_SECONDS(TIMESTAMP(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', t.`jsonPayload`.`start_time`), 'UTC'))
        ))
    )
    AS 'bannerc check failed: a written row does not carry its phase\'s log name, banner, target date and derived times';
  -- write ledger row
  INSERT INTO `p`.`d`.`bannerc_runs` (`run_id`, `plan_hash`, `campaign`, `source_table`, `target_table`, `mode`, `status`, `phase_counts`, `claims`, `backup_table`, `started_at`, `finished_at`, `rolled_back_at`)
  SELECT
    'plan-2bd09fd56e2eefae',
    '2bd09fd56e2eefae62254cc57ff57297ade2068ac64ca8efe9806ba75cb6f492',
    'June_Rotation',
    'p.d.staging',
    'p.d.banner_call_data',
    'fused',
    'applied',
    (SELECT TO_JSON_STRING(ARRAY_AGG(STRUCT(c.phase AS phase, p.log_name AS log_name, c.taken_rows AS taken_rows) ORDER BY c.phase))
     FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase),
    '{"source":"p.d.staging","zone":"UTC","days":[["2025-05-01","2025-05-01"],["2025-05-02","2025-05-02"],["2025-05-03","2025-05-03"],["2025-05-04","2025-05-04"],["2025-05-05","2025-05-05"],["2025-05-06","2025-05-06"],["2025-05-07","2025-05-07"],["2025-05-08","2025-05-08"],["2025-05-09","2025-05-09"],["2025-05-10","2025-05-10"],["2025-05-11","2025-05-11"],["2025-05-12","2025-05-12"],["2025-05-13","2025-05-13"],["2025-05-14","2025-05-14"],["2025-05-15","2025-05-15"],["2025-05-16","2025-05-16"],["2025-05-17","2025-05-17"],["2025-05-18","2025-05-18"],["2025-05-19","2025-05-19"],["2025-05-20","2025-05-20"],["2025-05-21","2025-05-21"],["2025-05-22","2025-05-22"],["2025-05-23","2025-05-23"],["2025-05-24","2025-05-24"],["2025-05-25","2025-05-25"],["2025-05-26","2025-05-26"],["2025-05-27","2025-05-27"],["2025-05-28","2025-05-28"],["2025-05-29","2025-05-29"],["2025-05-30","2025-05-31"]],"special":[]}',
    CAST(NULL AS STRING),
    bannerc_started_at,
    CURRENT_TIMESTAMP(),
    CAST(NULL AS TIMESTAMP);
  COMMIT TRANSACTION;
EXCEPTION WHEN ERROR THEN
  ROLLBACK TRANSACTION;
  RAISE USING MESSAGE = CONCAT('bannerc: the run was rolled back, nothing was written: ', @@error.message);
END;
