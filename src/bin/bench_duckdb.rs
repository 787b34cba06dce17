//! Benchmark of `apply` on the embedded DuckDB engine (BENCHMARKS.md,
//! "DuckDB apply"). It generates the demo's staging table (`--rows`, 10
//! million by default) in a file-backed database, then times, one after
//! the other: the floor `CREATE TABLE copy AS SELECT * FROM staging`; a
//! fused apply (pre-flight inspection, then the run with every check, the
//! insert and the ledger row, committed); an in-place apply; and the
//! manual process's sequence (one relabel `UPDATE` per phase, one `UPDATE`
//! per JSON field, then the insert). Each apply is rolled back before the
//! next. Run:
//!
//! ```text
//! CARGO_TARGET_DIR=$HOME/.cache/bannerc-target cargo run --bin bench_duckdb -- --rows 10000000
//! ```

#[cfg(feature = "duckdb")]
fn main() -> anyhow::Result<()> {
    bench::main()
}

#[cfg(not(feature = "duckdb"))]
fn main() {
    eprintln!("bench_duckdb needs the `duckdb` feature (on by default)");
}

#[cfg(feature = "duckdb")]
mod bench {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use anyhow::{Context, anyhow};
    use bannerc::exec::duckdb::{DuckDbEngine, demo};
    use bannerc::exec::{Access, Engine, RunObserver, Silent, preflight};
    use bannerc::ir::{Campaign, Mode};
    use bannerc::lower::{Dialect, LowerOptions, lower};

    /// The demo's campaign (three phases, a special log, an exclusion).
    const CAMPAIGN: &str = include_str!("../../examples/demo.bnr");

    pub fn main() -> anyhow::Result<()> {
        let rows = rows_argument()?;
        let dir =
            tempfile::tempdir_in(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))?;
        let path = dir.path().join("bench.duckdb");
        let campaign = campaign()?;
        let mut engine = DuckDbEngine::open(&path, Access::Create)?;
        let version: String = engine
            .connection()
            .query_row("SELECT version()", [], |r| r.get(0))?;
        println!(
            "DuckDB {version}, {rows} staging rows, file {}",
            path.display()
        );

        let populate =
            timed(|| demo::populate(engine.connection(), rows).map_err(anyhow::Error::from))?;
        engine.connection().execute_batch("CHECKPOINT")?;
        println!("generate staging: {:.1} s", populate.as_secs_f64());

        let floor = copy_floor(&engine)?;
        let fused = apply(&mut engine, &campaign, Mode::Fused)?;
        let in_place = apply(&mut engine, &campaign, Mode::InPlace)?;
        let manual = manual_sequence(&engine, &campaign)?;
        report(floor, &fused, &in_place, &manual, &path)?;
        Ok(())
    }

    fn rows_argument() -> anyhow::Result<u64> {
        let args: Vec<String> = std::env::args().collect();
        match args.iter().position(|a| a == "--rows") {
            Some(at) => args
                .get(at + 1)
                .context("--rows needs a number")?
                .replace('_', "")
                .parse()
                .context("--rows"),
            None => Ok(10_000_000),
        }
    }

    fn campaign() -> anyhow::Result<Campaign> {
        let (spec, diagnostics) = bannerc::syntax::parse(CAMPAIGN);
        let spec = spec.ok_or_else(|| anyhow!("examples/demo.bnr: {diagnostics:?}"))?;
        bannerc::plan::expand(&spec, None).map_err(|e| anyhow!("examples/demo.bnr: {e:?}"))
    }

    fn timed<T>(work: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<Duration> {
        let started = Instant::now();
        work()?;
        Ok(started.elapsed())
    }

    /// One read and one write: the least any run can cost.
    fn copy_floor(engine: &DuckDbEngine) -> anyhow::Result<Duration> {
        let conn = engine.connection();
        let floor = timed(|| {
            conn.execute_batch(&format!(
                "CREATE TABLE \"request_edit\".\"copy\" AS SELECT * FROM {}",
                demo::STAGING
            ))?;
            Ok(())
        })?;
        conn.execute_batch("DROP TABLE \"request_edit\".\"copy\"; CHECKPOINT")?;
        println!(
            "floor (CREATE TABLE AS SELECT *): {:.1} s",
            floor.as_secs_f64()
        );
        Ok(floor)
    }

    /// The times of one apply: pre-flight, run, the UPDATEs of staging
    /// within the run (in-place); and the rows.
    struct Applied {
        preflight: Duration,
        run: Duration,
        updates: Duration,
        rows: u64,
    }

    /// The times of the manual sequence: whole, and its UPDATEs alone.
    struct Manual {
        whole: Duration,
        updates: Duration,
    }

    /// Whether a step of a run rewrites staging rows (in-place mode).
    fn is_update(step: &str) -> bool {
        step.starts_with("fix-fields-") || step.starts_with("relabel-")
    }

    /// What `bannerc apply` does: read the ledger, inspect and judge, lower
    /// and verify, run. Then roll back (untimed) for the next measurement.
    fn apply(
        engine: &mut DuckDbEngine,
        campaign: &Campaign,
        mode: Mode,
    ) -> anyhow::Result<Applied> {
        let started = Instant::now();
        engine.history()?;
        let inspection = engine.inspect(campaign, mode)?;
        let findings = preflight::judge(campaign, mode, &inspection);
        if preflight::blocks(&findings) {
            return Err(anyhow!("the pre-flight refused the run: {findings:?}"));
        }
        let preflight = started.elapsed();
        let options = LowerOptions {
            mode,
            run_id: Some(format!("bench-{}", mode.as_str())),
        };
        let script = lower(campaign, Dialect::Duckdb, &options)?;
        bannerc::verify::verify(&script)?;
        let run_started = Instant::now();
        let steps = Steps::default();
        let report = engine.run(&script, &steps)?;
        let run = run_started.elapsed();
        steps.print(run_started);
        let updates = steps.total(is_update);
        println!(
            "{} apply: pre-flight {:.1} s + run {:.1} s, {} rows",
            mode.as_str(),
            preflight.as_secs_f64(),
            run.as_secs_f64(),
            report.entry.total_rows()
        );
        engine.rollback(&report.entry.run_id, &Silent)?;
        engine.connection().execute_batch("CHECKPOINT")?;
        Ok(Applied {
            preflight,
            run,
            updates,
            rows: report.entry.total_rows(),
        })
    }

    /// Records when each step starts, to print where a run spends its time.
    #[derive(Default)]
    struct Steps(std::sync::Mutex<Vec<(String, Instant)>>);

    impl RunObserver for Steps {
        fn step(&self, step: &str, _index: usize, _total: usize) {
            if let Ok(mut steps) = self.0.lock() {
                steps.push((step.to_string(), Instant::now()));
            }
        }
    }

    impl Steps {
        /// The time spent in the steps whose names `pick` accepts.
        fn total(&self, pick: impl Fn(&str) -> bool) -> Duration {
            let Ok(steps) = self.0.lock() else {
                return Duration::ZERO;
            };
            let mut total = Duration::ZERO;
            for (index, (step, at)) in steps.iter().enumerate() {
                if let (true, Some(next)) = (pick(step), steps.get(index + 1)) {
                    total += next.1 - *at;
                }
            }
            total
        }

        fn print(&self, started: Instant) {
            let Ok(steps) = self.0.lock() else { return };
            let mut line = String::from("   steps:");
            for (index, (step, at)) in steps.iter().enumerate() {
                let end = steps
                    .get(index + 1)
                    .map_or_else(Instant::now, |next| next.1);
                line.push_str(&format!(" {step} {:.2}s", (end - *at).as_secs_f64()));
            }
            println!(
                "{line} (from the run's start: {:.2}s)",
                started.elapsed().as_secs_f64()
            );
        }
    }

    /// The manual process as the original design's query templates have it,
    /// in DuckDB: per phase one UPDATE of timestamp and logName and one of
    /// start_time; then one UPDATE each of end_time and timestamp_get over
    /// the relabeled rows, one of banner_id over every row (`WHERE 1<>0`),
    /// and the INSERT: ten statements for three phases, each run on its own
    /// (no transaction), as it was done by hand.
    fn manual_sequence(engine: &DuckDbEngine, campaign: &Campaign) -> anyhow::Result<Manual> {
        let in_place = lower(
            campaign,
            Dialect::Duckdb,
            &LowerOptions {
                mode: Mode::InPlace,
                run_id: None,
            },
        )?;
        let conn = engine.connection();
        conn.execute_batch(&bannerc::lower::duckdb::exprs::tod_macro(campaign, true))?;
        let relabels = in_place
            .statements
            .iter()
            .filter(|s| s.step.starts_with("relabel-"));
        let mut statements: Vec<String> = relabels.map(|s| s.sql.clone()).collect();
        statements.extend(field_updates(campaign));
        statements.push(format!(
            "INSERT INTO {} SELECT * FROM {} WHERE \"logName\" IN ({})",
            demo::TARGET,
            demo::STAGING,
            own_names(campaign)
        ));
        println!("manual sequence: {} statements", statements.len());
        let started = Instant::now();
        let mut updates = Duration::ZERO;
        for statement in &statements {
            let took = timed(|| Ok(conn.execute_batch(statement)?))?;
            if statement.starts_with("UPDATE") {
                updates += took;
            }
        }
        Ok(Manual {
            whole: started.elapsed(),
            updates,
        })
    }

    fn own_names(campaign: &Campaign) -> String {
        let names: Vec<String> = campaign
            .phases
            .iter()
            .map(|p| format!("'{}'", p.log_name.as_str()))
            .collect();
        names.join(", ")
    }

    /// The field UPDATEs of the manual process, one JSON field each.
    fn field_updates(campaign: &Campaign) -> Vec<String> {
        let start = "try_strptime(\"jsonPayload\".start_time, '%Y-%m-%d %H:%M:%S')";
        let update = |field: String, rows: String| {
            format!(
                "UPDATE {} SET \"jsonPayload\" = struct_update(\"jsonPayload\", {field}) WHERE {rows}",
                demo::STAGING
            )
        };
        let mut updates: Vec<String> = campaign
            .phases
            .iter()
            .map(|phase| {
                let field = format!(
                    "start_time := strftime(DATE '{}' + CAST({start} AS TIME), '%Y-%m-%d %H:%M:%S')",
                    phase.target.node
                );
                update(field, format!("\"logName\" = '{}'", phase.log_name.as_str()))
            })
            .collect();
        let relabeled = format!("\"logName\" IN ({})", own_names(campaign));
        let end = format!("end_time := strftime({start} + INTERVAL 5 SECOND, '%Y-%m-%d %H:%M:%S')");
        updates.push(update(end, relabeled.clone()));
        updates.push(update(
            format!("timestamp_get := epoch_us({start}) // 1000000"),
            relabeled,
        ));
        updates.push(update(
            "banner_id := '5902'".to_string(),
            "1 <> 0".to_string(),
        ));
        updates
    }

    fn report(
        floor: Duration,
        fused: &Applied,
        in_place: &Applied,
        manual: &Manual,
        path: &Path,
    ) -> anyhow::Result<()> {
        let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        println!("\n| what | time | × floor |\n|---|---:|---:|");
        println!(
            "| `CREATE TABLE copy AS SELECT * FROM staging` (floor) | {:.1} s | 1.00 |",
            floor.as_secs_f64()
        );
        for (name, applied) in [("fused", fused), ("in-place", in_place)] {
            let whole = applied.preflight + applied.run;
            println!(
                "| apply {name}: run (checks, insert of {} rows, ledger, commit) | {:.1} s | {:.2} |",
                applied.rows,
                applied.run.as_secs_f64(),
                ratio(applied.run)
            );
            println!(
                "| apply {name}: pre-flight + run | {:.1} s | {:.2} |",
                whole.as_secs_f64(),
                ratio(whole)
            );
        }
        println!(
            "| manual sequence (no checks, no transaction) | {:.1} s | {:.2} |",
            manual.whole.as_secs_f64(),
            ratio(manual.whole)
        );
        println!(
            "\nmanual / in-place run: {:.2}×; database file: {} MB",
            manual.whole.as_secs_f64() / in_place.run.as_secs_f64(),
            size / 1_000_000
        );
        println!(
            "UPDATEs of staging: manual {:.1} s, in-place {:.1} s ({:.2}× faster)",
            manual.updates.as_secs_f64(),
            in_place.updates.as_secs_f64(),
            manual.updates.as_secs_f64() / in_place.updates.as_secs_f64().max(1e-9)
        );
        Ok(())
    }
}
