-- bannerc 0.1.0: campaign Checked, in-place mode, BigQuery
-- plan c656f2a44f71aeddf72d546836891f33db7d360fd0e35fd449ca310542c88c6d
-- run plan-c656f2a44f71aedd
-- source p.d.staging (relabeled in place, backed up first)
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
-- snapshot staging
CREATE SNAPSHOT TABLE `p`.`d`.`staging_bannerc_plan_c656f2a44f71aedd` CLONE `p`.`d`.`staging`;
BEGIN
  BEGIN TRANSACTION;
  CREATE TEMP TABLE bannerc_phases AS
  SELECT * FROM UNNEST([
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(1, DATE '2025-04-25', 'H_5902_distinct_2025-04-25', '5902', NULL),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(2, DATE '2025-04-26', 'H_5902_distinct_2025-04-26', '5902', NULL)
  ]);
  -- pre-flight checks
  CREATE TEMP TABLE bannerc_counts AS
  SELECT
    p.phase,
    COUNT(s.bannerc_phase) AS taken_rows,
    COUNTIF(s.bannerc_phase IS NOT NULL AND SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', s.start_time) IS NULL) AS unreadable_rows,
    COUNTIF(s.bannerc_phase IS NOT NULL AND s.`timestamp` IS NULL) AS null_timestamp_rows,
    COUNTIF(s.bannerc_phase IS NOT NULL AND (SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', s.start_time) IS NULL OR s.`timestamp` IS NULL)) AS bad_rows
  FROM bannerc_phases AS p
  LEFT JOIN (
    SELECT
      CASE
          WHEN `logName` LIKE r'H\__%\_distinct\__%' THEN NULL
          WHEN (`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-11', 'Asia/Kolkata')) THEN 1
          WHEN (`timestamp` >= TIMESTAMP('2025-04-11', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata')) THEN 2
        END AS bannerc_phase,
      `timestamp`,
      `jsonPayload`.`start_time` AS start_time
    FROM `p`.`d`.`staging`
    WHERE (`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata'))
  ) AS s ON s.bannerc_phase = p.phase
  GROUP BY p.phase;
  ASSERT NOT EXISTS (SELECT 1 FROM `p`.`d`.`banner_call_data` WHERE `logName` IN (SELECT log_name FROM bannerc_phases))
    AS 'bannerc check failed: the target already holds rows with this campaign\'s log names; inserting again would duplicate them';
  ASSERT NOT EXISTS (SELECT 1 FROM bannerc_counts WHERE taken_rows < 1000 OR taken_rows > 10000000)
    AS 'bannerc check failed: a phase takes fewer than 1000 or more than 10000000 rows (records_per_phase)';
  ASSERT NOT EXISTS (SELECT 1 FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase WHERE p.expected_rows IS NOT NULL AND ABS(c.taken_rows - p.expected_rows) > 0.05 * p.expected_rows)
    AS 'bannerc check failed: a phase\'s row count is more than 5% from its expected count';
  ASSERT (SELECT SUM(bad_rows) FROM bannerc_counts) <= 0
    AS 'bannerc check failed: more than 0 taken rows have an unreadable start_time or a NULL timestamp';
  -- fix fields of phase 1
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`end_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(DATETIME(DATE '2025-04-25', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), INTERVAL 5 SECOND))
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-11', 'Asia/Kolkata')));
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`timestamp_get` = UNIX_SECONDS(TIMESTAMP(DATETIME(DATE '2025-04-25', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), 'UTC'))
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-11', 'Asia/Kolkata')));
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`banner_id` = '5902'
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-11', 'Asia/Kolkata')));
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`start_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME(DATE '2025-04-25', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))))
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-11', 'Asia/Kolkata')));
  -- relabel phase 1
  UPDATE `p`.`d`.`staging` SET
    `timestamp` = TIMESTAMP(DATETIME(DATE '2025-04-25', TIME(`timestamp`, 'Asia/Kolkata')), 'Asia/Kolkata'),
    `logName` = 'H_5902_distinct_2025-04-25'
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-11', 'Asia/Kolkata')));
  -- fix fields of phase 2
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`end_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(DATETIME(DATE '2025-04-26', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), INTERVAL 5 SECOND))
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-11', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata')));
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`timestamp_get` = UNIX_SECONDS(TIMESTAMP(DATETIME(DATE '2025-04-26', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), 'UTC'))
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-11', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata')));
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`banner_id` = '5902'
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-11', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata')));
  UPDATE `p`.`d`.`staging` SET
    `jsonPayload`.`start_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME(DATE '2025-04-26', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))))
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-11', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata')));
  -- relabel phase 2
  UPDATE `p`.`d`.`staging` SET
    `timestamp` = TIMESTAMP(DATETIME(DATE '2025-04-26', TIME(`timestamp`, 'Asia/Kolkata')), 'Asia/Kolkata'),
    `logName` = 'H_5902_distinct_2025-04-26'
  WHERE (`logName` IS NULL OR (`logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-11', 'Asia/Kolkata') AND `timestamp` < TIMESTAMP('2025-04-21', 'Asia/Kolkata')));
  -- insert into target
  INSERT INTO `p`.`d`.`banner_call_data`
  SELECT s.* EXCEPT (bannerc_key, bannerc_copy) FROM (
      SELECT r.*, TO_JSON_STRING(r) AS bannerc_key, ROW_NUMBER() OVER (PARTITION BY TO_JSON_STRING(r)) AS bannerc_copy FROM `p`.`d`.`staging` AS r WHERE r.`logName` IN (SELECT log_name FROM bannerc_phases)
    ) AS s
  WHERE NOT EXISTS (
    SELECT 1 FROM (
      SELECT r.*, TO_JSON_STRING(r) AS bannerc_key, ROW_NUMBER() OVER (PARTITION BY TO_JSON_STRING(r)) AS bannerc_copy FROM `p`.`d`.`staging_bannerc_plan_c656f2a44f71aedd` AS r WHERE r.`logName` IN (SELECT log_name FROM bannerc_phases)
    ) AS k
    WHERE k.bannerc_key = s.bannerc_key AND k.bannerc_copy = s.bannerc_copy
  );
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
          AND DATE(t.`timestamp`, 'Asia/Kolkata') IS DISTINCT FROM p.target_date)
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
    'plan-c656f2a44f71aedd',
    'c656f2a44f71aeddf72d546836891f33db7d360fd0e35fd449ca310542c88c6d',
    'Checked',
    'p.d.staging',
    'p.d.banner_call_data',
    'in-place',
    'applied',
    (SELECT TO_JSON_STRING(ARRAY_AGG(STRUCT(c.phase AS phase, p.log_name AS log_name, c.taken_rows AS taken_rows) ORDER BY c.phase))
     FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase),
    '{"source":"p.d.staging","zone":"Asia/Kolkata","days":[["2025-04-01","2025-04-10"],["2025-04-11","2025-04-20"]],"special":[]}',
    'p.d.staging_bannerc_plan_c656f2a44f71aedd',
    bannerc_started_at,
    CURRENT_TIMESTAMP(),
    CAST(NULL AS TIMESTAMP);
  COMMIT TRANSACTION;
EXCEPTION WHEN ERROR THEN
  ROLLBACK TRANSACTION;
  RAISE USING MESSAGE = CONCAT('bannerc: the run was rolled back, nothing was written: ', @@error.message);
END;
