-- bannerc 0.1.0: campaign Q4_Banner_Campaign, fused mode, BigQuery
-- plan f4336f6aa25decb2d89b3d17a52ddc400d5b7e370bf90b9b835c200b5ce8106b
-- run plan-f4336f6aa25decb2
-- source clirnet-dev.request_edit.H_5902_distinct_data (never written)
-- target clirnetapp.banner_data.banner_call_data
-- ledger clirnetapp.banner_data.bannerc_runs
DECLARE bannerc_started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP();
CREATE TABLE IF NOT EXISTS `clirnetapp`.`banner_data`.`bannerc_runs` (
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
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(1, DATE '2025-04-25', 'H_5902_distinct_2025-04-25', '5902', NULL),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(2, DATE '2025-04-26', 'H_5902_distinct_2025-04-26', '5902', NULL),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(3, DATE '2025-04-27', 'H_5902_distinct_2025-04-27', '5902', NULL)
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
          WHEN (`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')) THEN 1
          WHEN (`logName` IS NULL OR `logName` NOT IN ('H_5902_distinct_2025-04-25')) AND ((`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC'))) THEN 2
          WHEN (`logName` IS NULL OR `logName` NOT IN ('H_5902_distinct_2025-04-25', 'H_5902_distinct_2025-04-26')) AND ((`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))) THEN 3
        END AS bannerc_phase
    FROM `clirnet-dev`.`request_edit`.`H_5902_distinct_data`
    WHERE (`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))
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
  ASSERT NOT EXISTS (SELECT 1 FROM `clirnetapp`.`banner_data`.`banner_call_data` WHERE `logName` IN (SELECT log_name FROM bannerc_phases))
    AS 'bannerc check failed: the target already holds rows with this campaign\'s log names; inserting again would duplicate them';
  ASSERT NOT EXISTS (SELECT 1 FROM bannerc_counts WHERE taken_rows < 1000 OR taken_rows > 10000000)
    AS 'bannerc check failed: a phase takes fewer than 1000 or more than 10000000 rows (records_per_phase)';
  ASSERT NOT EXISTS (SELECT 1 FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase WHERE p.expected_rows IS NOT NULL AND ABS(c.taken_rows - p.expected_rows) > 0.05 * p.expected_rows)
    AS 'bannerc check failed: a phase\'s row count is more than 5% from its expected count';
  ASSERT (SELECT SUM(bad_rows) FROM bannerc_counts) <= 0
    AS 'bannerc check failed: more than 0 taken rows have an unreadable start_time or a NULL timestamp';
  -- insert into target
  INSERT INTO `clirnetapp`.`banner_data`.`banner_call_data`
  SELECT * EXCEPT (bannerc_phase, bannerc_target_date, bannerc_banner_id, bannerc_start_time) FROM bannerc_taken;
  -- post-write checks
  ASSERT NOT EXISTS (
      SELECT 1 FROM bannerc_counts AS c
      JOIN bannerc_phases AS p ON p.phase = c.phase
      LEFT JOIN (
        SELECT `logName` AS log_name, COUNT(*) AS written_rows,
          COUNTIF(`timestamp` IS NULL) AS null_timestamps FROM `clirnetapp`.`banner_data`.`banner_call_data`
        WHERE `logName` IN (SELECT log_name FROM bannerc_phases) GROUP BY `logName`
      ) AS w ON w.log_name = p.log_name
      WHERE COALESCE(w.written_rows, 0) != c.taken_rows
        OR COALESCE(w.null_timestamps, 0) != c.null_timestamp_rows
    )
    AS 'bannerc check failed: the target did not grow by exactly the taken rows of each phase (with as many NULL timestamps as the pre-flight counted)';
  ASSERT NOT EXISTS (
      SELECT 1 FROM `clirnetapp`.`banner_data`.`banner_call_data` AS t
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
  INSERT INTO `clirnetapp`.`banner_data`.`bannerc_runs` (`run_id`, `plan_hash`, `campaign`, `source_table`, `target_table`, `mode`, `status`, `phase_counts`, `claims`, `backup_table`, `started_at`, `finished_at`, `rolled_back_at`)
  SELECT
    'plan-f4336f6aa25decb2',
    'f4336f6aa25decb2d89b3d17a52ddc400d5b7e370bf90b9b835c200b5ce8106b',
    'Q4_Banner_Campaign',
    'clirnet-dev.request_edit.H_5902_distinct_data',
    'clirnetapp.banner_data.banner_call_data',
    'fused',
    'applied',
    (SELECT TO_JSON_STRING(ARRAY_AGG(STRUCT(c.phase AS phase, p.log_name AS log_name, c.taken_rows AS taken_rows) ORDER BY c.phase))
     FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase),
    '{"source":"clirnet-dev.request_edit.H_5902_distinct_data","zone":"UTC","days":[["2025-04-01","2025-04-21"],["2025-04-22","2025-04-24"],["2025-04-25","2025-04-28"]],"special":[]}',
    CAST(NULL AS STRING),
    bannerc_started_at,
    CURRENT_TIMESTAMP(),
    CAST(NULL AS TIMESTAMP);
  COMMIT TRANSACTION;
EXCEPTION WHEN ERROR THEN
  ROLLBACK TRANSACTION;
  RAISE USING MESSAGE = CONCAT('bannerc: the run was rolled back, nothing was written: ', @@error.message);
END;
