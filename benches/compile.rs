//! Benchmark: check + lower + verify for generated campaigns of 1,000 and
//! 10,000 phases, both modes. Run with
//! `cargo bench --no-default-features --bench compile` (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, Instant};

use bannerc::ir::{
    BannerId, CampaignName, CampaignSpec, DateRange, LogName, Mode, PhaseSpec, RunSettings, Span,
    Spanned, TableRef, Thresholds, Transform, Zone,
};
use bannerc::lower::{Dialect, LowerOptions};
use chrono::{Duration as Days, NaiveDate};

fn bare<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

/// `n` phases: phase `i` takes one day (with a one-day gap every tenth
/// phase), a special log every hundredth, and targets its own day.
fn campaign_spec(n: u32) -> CampaignSpec {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let mut day = start;
    let phases = (1..=n)
        .map(|i| {
            if i % 10 == 0 {
                day += Days::days(1);
            }
            let takes = DateRange::day(day);
            day += Days::days(1);
            let special = if i % 100 == 0 {
                LogName::new(&format!("special-{i}"))
                    .ok()
                    .map(bare)
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            };
            PhaseSpec {
                id: bare(i),
                takes: vec![bare(takes)],
                special,
                except: Vec::new(),
                target: bare(
                    NaiveDate::from_ymd_opt(2040, 1, 1).unwrap_or_default()
                        + Days::days(i64::from(i)),
                ),
                suffix: None,
                banner: None,
                span: Span::default(),
            }
        })
        .collect();
    CampaignSpec {
        name: bare(CampaignName::new("Bench").expect("name")),
        banner: Some(bare(BannerId::new("5902").expect("banner"))),
        zone: bare(Zone::parse("Asia/Kolkata").expect("zone")),
        source: bare(TableRef::parse("p.d.staging").expect("table")),
        target: bare(TableRef::parse("p.d.target").expect("table")),
        phases,
        schedule: None,
        split: None,
        transform: Transform::default(),
        thresholds: Thresholds::default(),
        threshold_spans: Default::default(),
        settings: RunSettings::default(),
        span: Span::default(),
    }
}

/// One full run of the back half: expand, check, lower and verify both modes.
fn compile(spec: &CampaignSpec) -> usize {
    let campaign = bannerc::plan::expand(spec, None).expect("expands");
    let diagnostics = bannerc::check::check(&campaign, false);
    assert!(diagnostics.iter().all(|d| !d.is_error()));
    let mut bytes = 0;
    for mode in [Mode::Fused, Mode::InPlace] {
        let options = LowerOptions { mode, run_id: None };
        let script = bannerc::lower::lower(&campaign, Dialect::Bigquery, &options).expect("lowers");
        bannerc::verify::verify(&script).expect("verifies");
        bytes += script.sql.len();
    }
    bytes
}

/// Where the time of one run goes, stage by stage.
fn breakdown(spec: &CampaignSpec) {
    let t = Instant::now();
    let campaign = bannerc::plan::expand(spec, None).expect("expands");
    let expand = t.elapsed();
    let t = Instant::now();
    let _ = black_box(bannerc::check::check(&campaign, false));
    let check = t.elapsed();
    println!(
        "{:>8}  expand {:.1}ms, check {:.1}ms",
        "",
        ms(expand),
        ms(check)
    );
    for mode in [Mode::Fused, Mode::InPlace] {
        let options = LowerOptions { mode, run_id: None };
        let t = Instant::now();
        let script = bannerc::lower::lower(&campaign, Dialect::Bigquery, &options).expect("lowers");
        let lower = t.elapsed();
        let t = Instant::now();
        bannerc::verify::verify(&script).expect("verifies");
        let verify = t.elapsed();
        println!(
            "{:>8}  {}: lower {:.1}ms, verify {:.1}ms ({} bytes)",
            "",
            mode.as_str(),
            ms(lower),
            ms(verify),
            script.sql.len()
        );
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    println!(
        "{:>8}  {:>12}  {:>12}  {:>10}",
        "phases", "median", "min", "SQL bytes"
    );
    let mut previous: Option<(u32, Duration)> = None;
    for n in [1_000, 10_000] {
        let spec = campaign_spec(n);
        let runs = if n <= 1_000 { 15 } else { 5 };
        let mut bytes = 0;
        let samples: Vec<Duration> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                bytes = black_box(compile(black_box(&spec)));
                started.elapsed()
            })
            .collect();
        let min = samples.iter().min().copied().unwrap_or_default();
        let median = median(samples);
        println!(
            "{n:>8}  {:>10.1}ms  {:>10.1}ms  {bytes:>10}",
            ms(median),
            ms(min)
        );
        breakdown(&spec);
        if let Some((m, before)) = previous {
            println!(
                "{:>8}  {}x the phases took {:.1}x the time",
                "",
                n / m,
                median.as_secs_f64() / before.as_secs_f64()
            );
        }
        previous = Some((n, median));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
