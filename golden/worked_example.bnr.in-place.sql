-- bannerc 0.1.0: campaign Q4_Banner_Campaign, in-place mode, BigQuery
-- plan 8dabbec06cd85212b0250c2418cc2299262778194cd1c61cf40991d33980c315
-- run plan-8dabbec06cd85212
-- source clirnet-dev.request_edit.H_5902_distinct_data (relabeled in place, backed up first)
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
-- snapshot staging
CREATE SNAPSHOT TABLE `clirnet-dev`.`request_edit`.`H_5902_distinct_data_bannerc_plan_8dabbec06cd85212` CLONE `clirnet-dev`.`request_edit`.`H_5902_distinct_data`;
BEGIN
  BEGIN TRANSACTION;
  CREATE TEMP TABLE bannerc_phases AS
  SELECT * FROM UNNEST([
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(1, DATE '2025-04-25', 'H_5902_distinct_2025-04-25', '5902', NULL),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(2, DATE '2025-04-26', 'H_5902_distinct_2025-04-26', '5902', NULL),
    STRUCT<phase INT64, target_date DATE, log_name STRING, banner_id STRING, expected_rows INT64>(3, DATE '2025-04-27', 'H_5902_distinct_2025-04-27', '5902', NULL)
  ]);
  CREATE TEMP TABLE bannerc_specials AS
  SELECT name FROM UNNEST(['add-report-prod-server']) AS name;
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
          WHEN `logName` IN ('add-report-prod-server') THEN 3
          WHEN `logName` LIKE r'H\__%\_distinct\__%' THEN NULL
          WHEN (`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')) THEN 1
          WHEN (`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC')) THEN 2
          WHEN (`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC')) THEN 3
        END AS bannerc_phase,
      `timestamp`,
      `jsonPayload`.`start_time` AS start_time
    FROM `clirnet-dev`.`request_edit`.`H_5902_distinct_data`
    WHERE (`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))
        OR `logName` IN ('add-report-prod-server')
  ) AS s ON s.bannerc_phase = p.phase
  GROUP BY p.phase;
  ASSERT NOT EXISTS (SELECT 1 FROM `clirnetapp`.`banner_data`.`banner_call_data` WHERE `logName` IN (SELECT log_name FROM bannerc_phases))
    AS 'bannerc check failed: the target already holds rows with this campaign\'s log names; inserting again would duplicate them';
  ASSERT NOT EXISTS (SELECT 1 FROM bannerc_counts WHERE taken_rows < 1000 OR taken_rows > 10000000)
    AS 'bannerc check failed: a phase takes fewer than 1000 or more than 10000000 rows (records_per_phase)';
  ASSERT (SELECT SUM(bad_rows) FROM bannerc_counts) <= 0
    AS 'bannerc check failed: more than 0 taken rows have an unreadable start_time or a NULL timestamp';
  -- fix fields of phase 1
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`end_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(DATETIME(DATE '2025-04-25', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), INTERVAL 5 SECOND))
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`timestamp_get` = UNIX_SECONDS(TIMESTAMP(DATETIME(DATE '2025-04-25', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), 'UTC'))
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`banner_id` = '5902'
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`start_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME(DATE '2025-04-25', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))))
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')));
  -- relabel phase 1
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `timestamp` = TIMESTAMP(DATETIME(DATE '2025-04-25', TIME(`timestamp`, 'UTC')), 'UTC'),
    `logName` = 'H_5902_distinct_2025-04-25'
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-01', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-22', 'UTC')));
  -- fix fields of phase 2
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`end_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(DATETIME(DATE '2025-04-26', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), INTERVAL 5 SECOND))
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC')));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`timestamp_get` = UNIX_SECONDS(TIMESTAMP(DATETIME(DATE '2025-04-26', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), 'UTC'))
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC')));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`banner_id` = '5902'
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC')));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`start_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME(DATE '2025-04-26', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))))
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC')));
  -- relabel phase 2
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `timestamp` = TIMESTAMP(DATETIME(DATE '2025-04-26', TIME(`timestamp`, 'UTC')), 'UTC'),
    `logName` = 'H_5902_distinct_2025-04-26'
  WHERE (`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-22', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-25', 'UTC')));
  -- fix fields of phase 3
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`end_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME_ADD(DATETIME(DATE '2025-04-27', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), INTERVAL 5 SECOND))
  WHERE (`logName` IN ('add-report-prod-server')) OR ((`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`timestamp_get` = UNIX_SECONDS(TIMESTAMP(DATETIME(DATE '2025-04-27', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))), 'UTC'))
  WHERE (`logName` IN ('add-report-prod-server')) OR ((`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`banner_id` = '5902'
  WHERE (`logName` IN ('add-report-prod-server')) OR ((`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))));
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `jsonPayload`.`start_time` = FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', DATETIME(DATE '2025-04-27', TIME(SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', `jsonPayload`.`start_time`))))
  WHERE (`logName` IN ('add-report-prod-server')) OR ((`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))));
  -- relabel phase 3
  UPDATE `clirnet-dev`.`request_edit`.`H_5902_distinct_data` SET
    `timestamp` = TIMESTAMP(DATETIME(DATE '2025-04-27', TIME(`timestamp`, 'UTC')), 'UTC'),
    `logName` = 'H_5902_distinct_2025-04-27'
  WHERE (`logName` IN ('add-report-prod-server')) OR ((`logName` IS NULL OR (`logName` NOT IN (SELECT name FROM bannerc_specials) AND `logName` NOT LIKE r'H\__%\_distinct\__%')) AND ((`timestamp` >= TIMESTAMP('2025-04-25', 'UTC') AND `timestamp` < TIMESTAMP('2025-04-29', 'UTC'))));
  -- insert into target
  INSERT INTO `clirnetapp`.`banner_data`.`banner_call_data`
  SELECT s.* EXCEPT (bannerc_key, bannerc_copy) FROM (
      SELECT r.*, TO_JSON_STRING(r) AS bannerc_key, ROW_NUMBER() OVER (PARTITION BY TO_JSON_STRING(r)) AS bannerc_copy FROM `clirnet-dev`.`request_edit`.`H_5902_distinct_data` AS r WHERE r.`logName` IN (SELECT log_name FROM bannerc_phases)
    ) AS s
  WHERE NOT EXISTS (
    SELECT 1 FROM (
      SELECT r.*, TO_JSON_STRING(r) AS bannerc_key, ROW_NUMBER() OVER (PARTITION BY TO_JSON_STRING(r)) AS bannerc_copy FROM `clirnet-dev`.`request_edit`.`H_5902_distinct_data_bannerc_plan_8dabbec06cd85212` AS r WHERE r.`logName` IN (SELECT log_name FROM bannerc_phases)
    ) AS k
    WHERE k.bannerc_key = s.bannerc_key AND k.bannerc_copy = s.bannerc_copy
  );
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
    'plan-8dabbec06cd85212',
    '8dabbec06cd85212b0250c2418cc2299262778194cd1c61cf40991d33980c315',
    'Q4_Banner_Campaign',
    'clirnet-dev.request_edit.H_5902_distinct_data',
    'clirnetapp.banner_data.banner_call_data',
    'in-place',
    'applied',
    (SELECT TO_JSON_STRING(ARRAY_AGG(STRUCT(c.phase AS phase, p.log_name AS log_name, c.taken_rows AS taken_rows) ORDER BY c.phase))
     FROM bannerc_counts AS c JOIN bannerc_phases AS p ON p.phase = c.phase),
    '{"source":"clirnet-dev.request_edit.H_5902_distinct_data","zone":"UTC","days":[["2025-04-01","2025-04-21"],["2025-04-22","2025-04-24"],["2025-04-25","2025-04-28"]],"special":["add-report-prod-server"]}',
    'clirnet-dev.request_edit.H_5902_distinct_data_bannerc_plan_8dabbec06cd85212',
    bannerc_started_at,
    CURRENT_TIMESTAMP(),
    CAST(NULL AS TIMESTAMP);
  COMMIT TRANSACTION;
EXCEPTION WHEN ERROR THEN
  ROLLBACK TRANSACTION;
  RAISE USING MESSAGE = CONCAT('bannerc: the run was rolled back, nothing was written: ', @@error.message);
END;
