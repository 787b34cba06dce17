//! Schedule expansion: hand-checked phase tables, properties of the splits,
//! and every refused input with the exact place it points at.

use std::collections::{BTreeMap, BTreeSet};

use bannerc::check::well_formed;
use bannerc::diag::Diagnostic;
use bannerc::ir::{
    BannerId, Campaign, CampaignName, CampaignSpec, DateRange, LogName, PhaseId, PhaseSpec,
    RunSettings, Schedule, Span, Spanned, Split, SplitKind, TableRef, Thresholds, Transform, Zone,
};
use bannerc::plan::{self, DayCounts};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Helpers: a spec built next to the text its spans point into.
// ---------------------------------------------------------------------------

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn r(start: &str, end: &str) -> DateRange {
    DateRange::new(d(start), d(end)).unwrap()
}

fn b(id: &str) -> BannerId {
    BannerId::new(id).unwrap()
}

/// The span of the only occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the text"));
    assert_eq!(
        text.matches(needle).count(),
        1,
        "`{needle}` occurs more than once"
    );
    Span::new(start, start + needle.len())
}

/// The spans of `items`, found one after the other inside `outer`.
fn spans_in(text: &str, outer: Span, items: &[&str]) -> Vec<Span> {
    let mut from = outer.start;
    items
        .iter()
        .map(|item| {
            let at = from
                + text[from..outer.end]
                    .find(item)
                    .expect("item inside its span");
            from = at + item.len();
            Span::new(at, from)
        })
        .collect()
}

/// 1-based line and column of a span's start, and its width.
fn place(text: &str, span: Span) -> (usize, usize, usize) {
    let before = &text[..span.start];
    let line = before.matches('\n').count() + 1;
    let column = span.start - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column, span.len())
}

/// A campaign spec and its source text.
struct Case {
    text: &'static str,
    spec: CampaignSpec,
}

impl Case {
    /// A campaign named `Test` reading `p.d.staging`, writing `p.d.banner_call_data`.
    fn new(text: &'static str) -> Case {
        let name = span_of(text, "Test");
        let spec = CampaignSpec {
            name: Spanned::new(CampaignName::new("Test").unwrap(), name),
            banner: None,
            zone: Spanned::new(Zone::default(), name),
            source: Spanned::new(TableRef::parse("p.d.staging").unwrap(), name),
            target: Spanned::new(TableRef::parse("p.d.banner_call_data").unwrap(), name),
            phases: Vec::new(),
            schedule: None,
            split: None,
            transform: Transform::default(),
            thresholds: Thresholds::default(),
            threshold_spans: Default::default(),
            settings: RunSettings::default(),
            span: Span::new(0, text.len()),
        };
        Case { text, spec }
    }

    fn at(&self, needle: &str) -> Span {
        span_of(self.text, needle)
    }

    fn banner(mut self, id: &str) -> Case {
        let line = self.at(&format!("banner {id}\n"));
        let span = spans_in(self.text, line, &[id])[0];
        self.spec.banner = Some(Spanned::new(b(id), span));
        self
    }

    fn zone(mut self, name: &str) -> Case {
        let span = spans_in(self.text, self.at(&format!("zone {name}")), &[name])[0];
        self.spec.zone = Spanned::new(Zone::parse(name).unwrap(), span);
        self
    }

    fn schedule(mut self, needle: &str, schedule: Schedule) -> Case {
        self.spec.schedule = Some(Spanned::new(schedule, self.at(needle)));
        self
    }

    /// `schedule dates …`, each date spanned at its own text.
    fn dates(self, needle: &str, days: &[&str]) -> Case {
        let spans = spans_in(self.text, self.at(needle), days);
        let days = days
            .iter()
            .zip(spans)
            .map(|(day, span)| Spanned::new(d(day), span))
            .collect();
        self.schedule(needle, Schedule::Dates(days))
    }

    /// `schedule rotate …`, each banner spanned at its own text.
    fn rotate(self, needle: &str, banners: &[&str], every: u32, range: DateRange) -> Case {
        let spans = spans_in(self.text, self.at(needle), banners);
        let banners = banners
            .iter()
            .zip(spans)
            .map(|(id, span)| Spanned::new(b(id), span));
        self.schedule(
            needle,
            Schedule::Rotate {
                banners: banners.collect(),
                every,
                range,
            },
        )
    }

    /// `from A..B split …`; the window is read from the needle's second word.
    fn split(mut self, needle: &str, kind: SplitKind) -> Case {
        let whole = self.at(needle);
        let window_text = needle.split_whitespace().nth(1).unwrap();
        let (start, end) = window_text.split_once("..").unwrap();
        let window = spans_in(self.text, whole, &[window_text])[0];
        let split = Split {
            window: Spanned::new(r(start, end), window),
            kind,
        };
        self.spec.split = Some(Spanned::new(split, whole));
        self
    }

    /// An explicit phase: its text, number, source ranges (`A..B`) and target.
    fn phase(mut self, needle: &str, id: PhaseId, takes: &[&str], target: &str) -> Case {
        let whole = self.at(needle);
        let range_spans = spans_in(self.text, whole, takes);
        let takes = takes.iter().zip(range_spans).map(|(range, span)| {
            let (start, end) = range.split_once("..").unwrap();
            Spanned::new(r(start, end), span)
        });
        let target_span = spans_in(self.text, whole, &[&format!("-> {target}")])[0];
        let target_span = Span::new(target_span.start + 3, target_span.end);
        self.spec.phases.push(PhaseSpec {
            id: Spanned::new(id, spans_in(self.text, whole, &[&id.to_string()])[0]),
            takes: takes.collect(),
            special: Vec::new(),
            except: Vec::new(),
            target: Spanned::new(d(target), target_span),
            suffix: None,
            banner: None,
            span: whole,
        });
        self
    }

    /// A special log of the last phase (`+ log "NAME"`).
    fn special(mut self, name: &str) -> Case {
        let span = self.at(&format!("\"{name}\""));
        let phase = self.spec.phases.last_mut().unwrap();
        phase
            .special
            .push(Spanned::new(LogName::new(name).unwrap(), span));
        self
    }

    /// The `as` suffix of the last phase: its source text and its value.
    fn suffix(mut self, written: &str, value: &str) -> Case {
        let span = self.at(written);
        self.spec.phases.last_mut().unwrap().suffix = Some(Spanned::new(value.to_string(), span));
        self
    }

    fn variance(mut self, fraction: f64) -> Case {
        self.spec.thresholds.max_variance = Some(fraction);
        self
    }

    fn expand(&self) -> Campaign {
        match plan::expand(&self.spec, None) {
            Ok(campaign) => campaign,
            Err(errors) => panic!("expansion failed: {errors:#?}"),
        }
    }

    fn expand_with(&self, counts: &DayCounts) -> Result<Campaign, Vec<Diagnostic>> {
        plan::expand(&self.spec, Some(counts))
    }

    /// The only diagnostic of a refused expansion.
    fn only_error(&self, counts: Option<&DayCounts>) -> Diagnostic {
        match plan::expand(&self.spec, counts) {
            Ok(campaign) => panic!("expected an error, got {} phases", campaign.phases.len()),
            Err(mut errors) => {
                assert_eq!(errors.len(), 1, "{errors:#?}");
                errors.remove(0)
            }
        }
    }

    /// Line, column and width of a diagnostic's `n`th label.
    fn label(&self, diagnostic: &Diagnostic, n: usize) -> (usize, usize, usize) {
        place(self.text, diagnostic.labels[n].span)
    }
}

/// A phase as one line: id, source days, target, banner, log name.
fn table(campaign: &Campaign) -> Vec<String> {
    let row = |phase: &bannerc::ir::Phase| {
        let takes: Vec<String> = phase.takes.iter().map(|t| t.node.to_string()).collect();
        let target = phase.target.node;
        format!(
            "{} {} -> {target} {} {}",
            phase.id,
            takes.join(","),
            phase.banner,
            phase.log_name
        )
    };
    campaign.phases.iter().map(row).collect()
}

fn counts(rows: &[(&str, u64)]) -> DayCounts {
    rows.iter().map(|(day, n)| (d(day), *n)).collect()
}

// ---------------------------------------------------------------------------
// Golden phase tables, checked by hand.
// ---------------------------------------------------------------------------

const EQUAL_FIVE: &str = "\
campaign Test {
    banner 5902
    source `p.d.staging`
    target `p.d.banner_call_data`
    zone UTC

    schedule daily 2025-04-25..2025-04-29
    from 2025-03-26..2025-04-24 split equal
}
";

fn equal_five() -> Case {
    let daily = Schedule::Daily {
        range: r("2025-04-25", "2025-04-29"),
        per_day: 1,
    };
    Case::new(EQUAL_FIVE)
        .banner("5902")
        .schedule("schedule daily 2025-04-25..2025-04-29", daily)
        .split("from 2025-03-26..2025-04-24 split equal", SplitKind::Equal)
}

#[test]
fn thirty_days_over_five_daily_targets_are_five_six_day_phases() {
    let case = equal_five();
    let campaign = case.expand();
    assert_eq!(
        table(&campaign),
        [
            "1 2025-03-26..2025-03-31 -> 2025-04-25 5902 H_5902_distinct_2025-04-25",
            "2 2025-04-01..2025-04-06 -> 2025-04-26 5902 H_5902_distinct_2025-04-26",
            "3 2025-04-07..2025-04-12 -> 2025-04-27 5902 H_5902_distinct_2025-04-27",
            "4 2025-04-13..2025-04-18 -> 2025-04-28 5902 H_5902_distinct_2025-04-28",
            "5 2025-04-19..2025-04-24 -> 2025-04-29 5902 H_5902_distinct_2025-04-29",
        ]
    );
    assert!(campaign.phases.iter().all(|p| p.takes[0].node.days() == 6));
    assert!(well_formed(&campaign).is_empty());
}

#[test]
fn generated_phases_point_at_the_schedule_and_the_window() {
    let case = equal_five();
    let campaign = case.expand();
    let schedule = case.at("schedule daily 2025-04-25..2025-04-29");
    assert_eq!(place(case.text, schedule), (7, 5, 37));
    assert_eq!(campaign.schedule_span, Some(schedule));
    for phase in &campaign.phases {
        assert_eq!(phase.span, schedule);
        assert_eq!(phase.target.span, schedule);
        assert_eq!(place(case.text, phase.takes[0].span), (8, 10, 22));
        assert_eq!(phase.expected_rows, None);
        assert!(phase.special.is_empty() && phase.except.is_empty());
        assert_eq!(phase.suffix, phase.target.node.to_string());
    }
    assert_eq!(
        campaign.banner.as_ref().map(|b| b.node.as_str()),
        Some("5902")
    );
}

const EQUAL_SEVEN: &str = "\
campaign Test {
    banner 5902
    schedule daily 2025-04-25..2025-05-01
    from 2025-03-26..2025-04-24 split equal
}
";

#[test]
fn thirty_days_over_seven_targets_are_five_five_then_fours() {
    let daily = Schedule::Daily {
        range: r("2025-04-25", "2025-05-01"),
        per_day: 1,
    };
    let case = Case::new(EQUAL_SEVEN)
        .banner("5902")
        .schedule("schedule daily 2025-04-25..2025-05-01", daily)
        .split("from 2025-03-26..2025-04-24 split equal", SplitKind::Equal);
    assert_eq!(
        table(&case.expand()),
        [
            "1 2025-03-26..2025-03-30 -> 2025-04-25 5902 H_5902_distinct_2025-04-25",
            "2 2025-03-31..2025-04-04 -> 2025-04-26 5902 H_5902_distinct_2025-04-26",
            "3 2025-04-05..2025-04-08 -> 2025-04-27 5902 H_5902_distinct_2025-04-27",
            "4 2025-04-09..2025-04-12 -> 2025-04-28 5902 H_5902_distinct_2025-04-28",
            "5 2025-04-13..2025-04-16 -> 2025-04-29 5902 H_5902_distinct_2025-04-29",
            "6 2025-04-17..2025-04-20 -> 2025-04-30 5902 H_5902_distinct_2025-04-30",
            "7 2025-04-21..2025-04-24 -> 2025-05-01 5902 H_5902_distinct_2025-05-01",
        ]
    );
}

const ROTATION: &str = "\
campaign Test {
    source `p.d.staging`
    target `p.d.banner_call_data`

    schedule rotate 5901, 5902, 5903 every 3 days over 2025-06-01..2025-06-30
    from 2025-05-01..2025-05-31 split equal
}
";

fn rotation() -> Case {
    Case::new(ROTATION)
        .rotate(
            "schedule rotate 5901, 5902, 5903 every 3 days over 2025-06-01..2025-06-30",
            &["5901", "5902", "5903"],
            3,
            r("2025-06-01", "2025-06-30"),
        )
        .split("from 2025-05-01..2025-05-31 split equal", SplitKind::Equal)
}

#[test]
fn three_banners_rotating_every_three_days_over_june() {
    let campaign = rotation().expand();
    // Day by day, June 1 to June 30: three days each, in turn.
    let shown = "111222333111222333111222333111";
    assert_eq!(campaign.phases.len(), 30);
    assert_eq!(campaign.banner, None);
    for (phase, (day, digit)) in campaign.phases.iter().zip((1u32..).zip(shown.chars())) {
        let target = format!("2025-06-{day:02}");
        let banner = format!("590{digit}");
        assert_eq!(phase.id, day);
        assert_eq!(phase.target.node, d(&target));
        assert_eq!(phase.banner.as_str(), banner);
        assert_eq!(
            phase.log_name.as_str(),
            format!("H_{banner}_distinct_{target}")
        );
    }
    // 31 source days over 30 targets: the first takes two days, the rest one.
    let takes: Vec<String> = campaign
        .phases
        .iter()
        .map(|p| p.takes[0].node.to_string())
        .collect();
    assert_eq!(takes[0], "2025-05-01..2025-05-02");
    assert_eq!(takes[1], "2025-05-03..2025-05-03");
    assert_eq!(takes[29], "2025-05-31..2025-05-31");
    assert!(well_formed(&campaign).is_empty());
}

const TWO_A_DAY: &str = "\
campaign Test {
    banner 5903
    schedule daily 2025-05-01..2025-05-03 x 2
    from 2025-04-01..2025-04-30 split equal
}
";

#[test]
fn two_banners_a_day_get_numbered_suffixes() {
    let daily = Schedule::Daily {
        range: r("2025-05-01", "2025-05-03"),
        per_day: 2,
    };
    let case = Case::new(TWO_A_DAY)
        .banner("5903")
        .schedule("schedule daily 2025-05-01..2025-05-03 x 2", daily)
        .split("from 2025-04-01..2025-04-30 split equal", SplitKind::Equal);
    let campaign = case.expand();
    assert_eq!(
        table(&campaign),
        [
            "1 2025-04-01..2025-04-05 -> 2025-05-01 5903 H_5903_distinct_2025-05-01_1",
            "2 2025-04-06..2025-04-10 -> 2025-05-01 5903 H_5903_distinct_2025-05-01_2",
            "3 2025-04-11..2025-04-15 -> 2025-05-02 5903 H_5903_distinct_2025-05-02_1",
            "4 2025-04-16..2025-04-20 -> 2025-05-02 5903 H_5903_distinct_2025-05-02_2",
            "5 2025-04-21..2025-04-25 -> 2025-05-03 5903 H_5903_distinct_2025-05-03_1",
            "6 2025-04-26..2025-04-30 -> 2025-05-03 5903 H_5903_distinct_2025-05-03_2",
        ]
    );
    let suffixes: Vec<&str> = campaign.phases.iter().map(|p| p.suffix.as_str()).collect();
    assert_eq!(suffixes[..2], ["2025-05-01_1", "2025-05-01_2"]);
    assert!(well_formed(&campaign).is_empty());
}

const VOLUME: &str = "\
campaign Test {
    banner 5902
    schedule daily 2025-05-01..2025-05-04
    from 2025-04-01..2025-04-10 split volume 500
}
";

fn volume_case() -> Case {
    let daily = Schedule::Daily {
        range: r("2025-05-01", "2025-05-04"),
        per_day: 1,
    };
    Case::new(VOLUME)
        .banner("5902")
        .schedule("schedule daily 2025-05-01..2025-05-04", daily)
        .split(
            "from 2025-04-01..2025-04-10 split volume 500",
            SplitKind::Volume(500),
        )
}

/// Rows per day of 2025-04-01..10; the 8th has no line (no rows).
fn histogram() -> DayCounts {
    counts(&[
        ("2025-04-01", 300),
        ("2025-04-02", 200),
        ("2025-04-03", 500),
        ("2025-04-04", 100),
        ("2025-04-05", 100),
        ("2025-04-06", 250),
        ("2025-04-07", 50),
        ("2025-04-09", 400),
        ("2025-04-10", 120),
        ("2025-04-11", 9_999),
    ])
}

#[test]
fn volume_split_over_a_known_histogram() {
    // 300+200 = 500 exactly, and +500 would be 500 off: cut after the 2nd.
    // 500 alone is exact, +100 is worse: cut after the 3rd.
    // 100, 200, 450, 500, then the empty 8th ties (taken), +400 is worse.
    // The last period takes the rest: 400 + 120.
    let campaign = volume_case().expand_with(&histogram()).unwrap();
    assert_eq!(
        table(&campaign),
        [
            "1 2025-04-01..2025-04-02 -> 2025-05-01 5902 H_5902_distinct_2025-05-01",
            "2 2025-04-03..2025-04-03 -> 2025-05-02 5902 H_5902_distinct_2025-05-02",
            "3 2025-04-04..2025-04-08 -> 2025-05-03 5902 H_5902_distinct_2025-05-03",
            "4 2025-04-09..2025-04-10 -> 2025-05-04 5902 H_5902_distinct_2025-05-04",
        ]
    );
    assert!(campaign.phases.iter().all(|p| p.expected_rows == Some(500)));
}

#[test]
fn counts_outside_the_window_are_ignored_with_a_warning() {
    let case = volume_case();
    let campaign = case.expand_with(&histogram()).unwrap();
    let codes: Vec<&str> = campaign.expansion_warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["W0418"]);
    let warning = &campaign.expansion_warnings[0];
    assert!(
        warning
            .message
            .contains("2025-04-11, outside the window 2025-04-01..2025-04-10")
            && warning.message.contains("9 counted days are inside it"),
        "{}",
        warning.message
    );
    assert_eq!(case.label(warning, 0), (4, 10, 22));
    // Counts inside the window only: no warning, and the same phases.
    let inside: DayCounts = histogram()
        .as_map()
        .iter()
        .filter(|(day, _)| day.to_string() != "2025-04-11")
        .map(|(day, rows)| (*day, *rows))
        .collect();
    let again = case.expand_with(&inside).unwrap();
    assert!(again.expansion_warnings.is_empty());
    assert_eq!(table(&again), table(&campaign));
}

#[test]
fn volume_split_within_the_variance_passes() {
    // The last period has 520 rows: 4% from 500, inside 5%.
    let case = volume_case().variance(0.05);
    assert_eq!(case.expand_with(&histogram()).unwrap().phases.len(), 4);
}

const VOLUME_FRONT_HEAVY: &str = "\
campaign Test {
    banner 5902
    schedule daily 2025-05-01..2025-05-03
    from 2025-04-01..2025-04-04 split volume 10
}
";

#[test]
fn volume_split_leaves_a_day_for_each_later_slot() {
    // The first day alone is far above 10, yet it is a period; the second
    // period would take both remaining small days but must leave one.
    let daily = Schedule::Daily {
        range: r("2025-05-01", "2025-05-03"),
        per_day: 1,
    };
    let case = Case::new(VOLUME_FRONT_HEAVY)
        .banner("5902")
        .schedule("schedule daily 2025-05-01..2025-05-03", daily)
        .split(
            "from 2025-04-01..2025-04-04 split volume 10",
            SplitKind::Volume(10),
        );
    let rows = counts(&[
        ("2025-04-01", 1_000),
        ("2025-04-02", 1),
        ("2025-04-03", 1),
        ("2025-04-04", 1),
    ]);
    let campaign = case.expand_with(&rows).unwrap();
    let takes: Vec<String> = campaign
        .phases
        .iter()
        .map(|p| p.takes[0].node.to_string())
        .collect();
    assert_eq!(
        takes,
        [
            "2025-04-01..2025-04-01",
            "2025-04-02..2025-04-03",
            "2025-04-04..2025-04-04"
        ]
    );
}

const OTHER_SCHEDULES: &str = "\
campaign Test {
    banner 5902
    schedule every 7 days over 2025-05-01..2025-05-31
    schedule single 2025-12-25
    schedule dates 2025-05-15, 2025-05-01, 2025-05-08
    from 2025-04-01..2025-04-30 split equal
}
";

fn other_schedules() -> Case {
    Case::new(OTHER_SCHEDULES)
        .banner("5902")
        .split("from 2025-04-01..2025-04-30 split equal", SplitKind::Equal)
}

#[test]
fn every_seven_days_starts_on_the_first_day() {
    let every = Schedule::Every {
        every: 7,
        range: r("2025-05-01", "2025-05-31"),
    };
    let case =
        other_schedules().schedule("schedule every 7 days over 2025-05-01..2025-05-31", every);
    assert_eq!(
        table(&case.expand()),
        [
            "1 2025-04-01..2025-04-06 -> 2025-05-01 5902 H_5902_distinct_2025-05-01",
            "2 2025-04-07..2025-04-12 -> 2025-05-08 5902 H_5902_distinct_2025-05-08",
            "3 2025-04-13..2025-04-18 -> 2025-05-15 5902 H_5902_distinct_2025-05-15",
            "4 2025-04-19..2025-04-24 -> 2025-05-22 5902 H_5902_distinct_2025-05-22",
            "5 2025-04-25..2025-04-30 -> 2025-05-29 5902 H_5902_distinct_2025-05-29",
        ]
    );
}

#[test]
fn a_single_event_takes_the_whole_window() {
    let case = other_schedules().schedule(
        "schedule single 2025-12-25",
        Schedule::Single(d("2025-12-25")),
    );
    assert_eq!(
        table(&case.expand()),
        ["1 2025-04-01..2025-04-30 -> 2025-12-25 5902 H_5902_distinct_2025-12-25"]
    );
}

#[test]
fn listed_dates_are_sorted_and_keep_their_own_spans() {
    let needle = "schedule dates 2025-05-15, 2025-05-01, 2025-05-08";
    let case = other_schedules().dates(needle, &["2025-05-15", "2025-05-01", "2025-05-08"]);
    let campaign = case.expand();
    assert_eq!(
        table(&campaign),
        [
            "1 2025-04-01..2025-04-10 -> 2025-05-01 5902 H_5902_distinct_2025-05-01",
            "2 2025-04-11..2025-04-20 -> 2025-05-08 5902 H_5902_distinct_2025-05-08",
            "3 2025-04-21..2025-04-30 -> 2025-05-15 5902 H_5902_distinct_2025-05-15",
        ]
    );
    let targets: Vec<_> = campaign
        .phases
        .iter()
        .map(|p| place(case.text, p.target.span))
        .collect();
    assert_eq!(targets, [(5, 32, 10), (5, 44, 10), (5, 20, 10)]);
}

// ---------------------------------------------------------------------------
// Explicit phases.
// ---------------------------------------------------------------------------

const EXPLICIT: &str = "\
campaign Test {
    banner 5902
    phase 1: 2025-04-01..2025-04-21 -> 2025-04-25
    phase 2: 2025-04-22..2025-04-24 -> 2025-04-26 as \"2025-04-26_ph2\"
    phase 3: 2025-04-25..2025-04-28 + log \"add-report-prod-server\" -> 2025-04-27
}
";

fn explicit() -> Case {
    Case::new(EXPLICIT)
        .banner("5902")
        .phase(
            "phase 1: 2025-04-01..2025-04-21 -> 2025-04-25",
            1,
            &["2025-04-01..2025-04-21"],
            "2025-04-25",
        )
        .phase(
            "phase 2: 2025-04-22..2025-04-24 -> 2025-04-26 as \"2025-04-26_ph2\"",
            2,
            &["2025-04-22..2025-04-24"],
            "2025-04-26",
        )
        .suffix("\"2025-04-26_ph2\"", "2025-04-26_ph2")
        .phase(
            "phase 3: 2025-04-25..2025-04-28 + log \"add-report-prod-server\" -> 2025-04-27",
            3,
            &["2025-04-25..2025-04-28"],
            "2025-04-27",
        )
        .special("add-report-prod-server")
}

#[test]
fn explicit_phases_keep_their_text_and_get_log_names() {
    let case = explicit();
    let campaign = case.expand();
    assert_eq!(
        table(&campaign),
        [
            "1 2025-04-01..2025-04-21 -> 2025-04-25 5902 H_5902_distinct_2025-04-25",
            "2 2025-04-22..2025-04-24 -> 2025-04-26 5902 H_5902_distinct_2025-04-26_ph2",
            "3 2025-04-25..2025-04-28 -> 2025-04-27 5902 H_5902_distinct_2025-04-27",
        ]
    );
    let third = &campaign.phases[2];
    assert_eq!(place(case.text, third.span), (5, 5, 76));
    assert_eq!(place(case.text, third.takes[0].span), (5, 14, 22));
    assert_eq!(place(case.text, third.special[0].span), (5, 43, 24));
    assert_eq!(place(case.text, third.target.span), (5, 71, 10));
    assert_eq!(campaign.phases[1].suffix, "2025-04-26_ph2");
    assert_eq!(campaign.schedule_span, None);
    assert!(campaign.phases.iter().all(|p| p.expected_rows.is_none()));
}

#[test]
fn a_phase_banner_overrides_the_campaigns() {
    let mut case = explicit();
    let span = case.at("Test");
    case.spec.phases[0].banner = Some(Spanned::new(b("7001"), span));
    let campaign = case.expand();
    assert_eq!(
        campaign.phases[0].log_name.as_str(),
        "H_7001_distinct_2025-04-25"
    );
    assert_eq!(campaign.phases[1].banner.as_str(), "5902");
}

// ---------------------------------------------------------------------------
// Zones: expansion works on calendar days, so every zone gives the same days.
// ---------------------------------------------------------------------------

const ZONED: &str = "\
campaign Test {
    banner 5902
    zone Asia/Kolkata
    zone America/New_York
    schedule daily 2025-03-08..2025-03-10
    from 2025-03-01..2025-03-09 split equal
}
";

#[test]
fn kolkata_and_new_york_campaigns_expand_to_the_same_days() {
    // 2025-03-09 is New York's 23-hour day; Kolkata's days start at 18:30 UTC.
    let daily = Schedule::Daily {
        range: r("2025-03-08", "2025-03-10"),
        per_day: 1,
    };
    let base = || {
        Case::new(ZONED)
            .banner("5902")
            .schedule("schedule daily 2025-03-08..2025-03-10", daily.clone())
            .split("from 2025-03-01..2025-03-09 split equal", SplitKind::Equal)
    };
    let golden = [
        "1 2025-03-01..2025-03-03 -> 2025-03-08 5902 H_5902_distinct_2025-03-08",
        "2 2025-03-04..2025-03-06 -> 2025-03-09 5902 H_5902_distinct_2025-03-09",
        "3 2025-03-07..2025-03-09 -> 2025-03-10 5902 H_5902_distinct_2025-03-10",
    ];
    for zone in ["Asia/Kolkata", "America/New_York"] {
        let case = base().zone(zone);
        let campaign = case.expand();
        assert_eq!(campaign.zone.node.name(), zone);
        assert_eq!(table(&campaign), golden, "{zone}");
    }
    assert_eq!(table(&base().expand()), golden, "UTC");
}

// ---------------------------------------------------------------------------
// Refused input: each a diagnostic with a code, a place and a hint.
// ---------------------------------------------------------------------------

#[test]
fn a_window_shorter_than_the_schedule_is_refused_with_both_numbers() {
    let mut case = equal_five();
    let window = &mut case.spec.split.as_mut().unwrap().node.window.node;
    *window = r("2025-03-26", "2025-03-28");
    let error = case.only_error(None);
    assert_eq!(error.code, "E0409");
    assert_eq!(case.label(&error, 0), (8, 10, 22));
    assert_eq!(case.label(&error, 1), (7, 5, 37));
    assert!(
        error.message.contains("3 days") && error.message.contains("5 target slots"),
        "{}",
        error.message
    );
    assert!(error.hint.is_some());
}

#[test]
fn every_zero_days_is_refused() {
    let every = Schedule::Every {
        every: 0,
        range: r("2025-05-01", "2025-05-31"),
    };
    let case =
        other_schedules().schedule("schedule every 7 days over 2025-05-01..2025-05-31", every);
    let error = case.only_error(None);
    assert_eq!(error.code, "E0406");
    assert_eq!(case.label(&error, 0), (3, 5, 49));
    assert!(error.message.contains("every 0 days"));
}

#[test]
fn zero_banners_a_day_is_refused() {
    let mut case = equal_five();
    case.spec.schedule.as_mut().unwrap().node = Schedule::Daily {
        range: r("2025-04-25", "2025-04-29"),
        per_day: 0,
    };
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0406", (7, 5, 37)));
}

#[test]
fn an_empty_rotation_and_a_zero_step_are_both_reported() {
    let mut case = rotation();
    case.spec.schedule.as_mut().unwrap().node = Schedule::Rotate {
        banners: Vec::new(),
        every: 0,
        range: r("2025-06-01", "2025-06-30"),
    };
    let errors = plan::expand(&case.spec, None).unwrap_err();
    let codes: Vec<_> = errors.iter().map(|e| (e.code, case.label(e, 0))).collect();
    assert_eq!(codes, [("E0407", (5, 5, 73)), ("E0406", (5, 5, 73))]);
}

#[test]
fn an_empty_rotation_is_refused() {
    let mut case = rotation();
    if let Schedule::Rotate { banners, .. } = &mut case.spec.schedule.as_mut().unwrap().node {
        banners.clear();
    }
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0407", (5, 5, 73)));
    assert!(error.message.contains("no banner"));
}

#[test]
fn a_volume_larger_than_the_window_is_refused() {
    let case = volume_case();
    let rows = counts(&[
        ("2025-04-01", 200),
        ("2025-04-05", 199),
        ("2025-05-01", 1_000),
    ]);
    let error = case.only_error(Some(&rows));
    assert_eq!(error.code, "E0411");
    assert_eq!(case.label(&error, 0), (4, 5, 44));
    assert_eq!(case.label(&error, 1), (4, 10, 22));
    assert!(
        error.message.contains("399 rows over 10 days"),
        "{}",
        error.message
    );
}

#[test]
fn a_volume_split_without_counts_says_where_counts_come_from() {
    let case = volume_case();
    assert!(plan::needs_counts(&case.spec));
    assert!(!plan::needs_counts(&equal_five().spec));
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0410", (4, 5, 44)));
    let hint = error.hint.unwrap();
    assert!(
        hint.contains("bannerc plan") && hint.contains("--stats counts.csv"),
        "{hint}"
    );
}

#[test]
fn a_volume_of_zero_is_refused() {
    let mut case = volume_case();
    case.spec.split.as_mut().unwrap().node.kind = SplitKind::Volume(0);
    let error = case.only_error(Some(&histogram()));
    assert_eq!((error.code, case.label(&error, 0)), ("E0413", (4, 5, 44)));
}

#[test]
fn a_period_outside_the_variance_names_the_phase_rows_and_bound() {
    let case = volume_case().variance(0.03);
    let error = case.only_error(Some(&histogram()));
    assert_eq!((error.code, case.label(&error, 0)), ("E0412", (4, 5, 44)));
    assert_eq!(
        error.message,
        "phase 4 (2025-04-09..2025-04-10) would take 520 rows, 4.0% from the expected 500; \
         `variance` allows 3%, 485..515 rows"
    );
}

#[test]
fn a_window_too_small_for_the_volume_is_a_warning_before_the_variance_errors() {
    let mut case = volume_case().variance(0.05);
    case.spec.split.as_mut().unwrap().node.kind = SplitKind::Volume(1_000);
    let Err(diagnostics) = case.expand_with(&histogram()) else {
        panic!("a variance far off must refuse the split");
    };
    assert_eq!(diagnostics[0].code, "W0417");
    assert!(!diagnostics[0].is_error(), "{:?}", diagnostics[0]);
    assert!(
        diagnostics[1..]
            .iter()
            .all(|d| d.code == "E0412" && d.is_error())
    );
}

#[test]
fn a_date_listed_twice_is_refused_at_the_second() {
    let needle = "schedule dates 2025-05-15, 2025-05-01, 2025-05-08";
    let case = other_schedules().dates(needle, &["2025-05-15", "2025-05-01", "2025-05-08"]);
    let mut case = case;
    if let Schedule::Dates(days) = &mut case.spec.schedule.as_mut().unwrap().node {
        days[2].node = d("2025-05-15");
    }
    let error = case.only_error(None);
    assert_eq!(error.code, "E0408");
    assert_eq!(case.label(&error, 0), (5, 44, 10));
    assert_eq!(case.label(&error, 1), (5, 20, 10));
    assert_eq!(error.message, "2025-05-15 is listed twice");
}

#[test]
fn a_dates_schedule_without_dates_is_refused() {
    let case = other_schedules().dates("schedule dates 2025-05-15, 2025-05-01, 2025-05-08", &[]);
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0414", (5, 5, 49)));
}

#[test]
fn a_schedule_without_any_banner_is_refused() {
    let mut case = equal_five();
    case.spec.banner = None;
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0401", (7, 5, 37)));
    assert!(error.hint.unwrap().contains("banner N"));
}

#[test]
fn an_explicit_phase_without_any_banner_is_refused_at_the_phase() {
    let mut case = explicit();
    case.spec.banner = None;
    case.spec.phases[1].banner = Some(Spanned::new(b("5902"), Span::default()));
    let errors = plan::expand(&case.spec, None).unwrap_err();
    let places: Vec<_> = errors.iter().map(|e| (e.code, case.label(e, 0))).collect();
    assert_eq!(places, [("E0401", (3, 5, 45)), ("E0401", (5, 5, 76))]);
    assert!(errors[0].hint.as_ref().unwrap().contains("add `banner N`"));
}

#[test]
fn a_refused_log_name_points_at_the_suffix() {
    let mut case = explicit();
    case.spec.phases[1].suffix.as_mut().unwrap().node = "ph\t2".to_string();
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0402", (4, 54, 16)));
    assert!(error.message.contains("control character"));
}

const MIXED: &str = "\
campaign Test {
    banner 5902
    phase 1: 2025-04-01..2025-04-21 -> 2025-04-25
    schedule single 2025-12-25
    from 2025-04-01..2025-04-30 split equal
}
";

#[test]
fn explicit_phases_mixed_with_a_schedule_point_at_both() {
    let case = Case::new(MIXED)
        .banner("5902")
        .phase(
            "phase 1: 2025-04-01..2025-04-21 -> 2025-04-25",
            1,
            &["2025-04-01..2025-04-21"],
            "2025-04-25",
        )
        .schedule(
            "schedule single 2025-12-25",
            Schedule::Single(d("2025-12-25")),
        )
        .split("from 2025-04-01..2025-04-30 split equal", SplitKind::Equal);
    let error = case.only_error(None);
    assert_eq!(error.code, "E0403");
    assert_eq!(case.label(&error, 0), (4, 5, 26));
    assert_eq!(case.label(&error, 1), (3, 5, 45));

    let mut split_only = case;
    split_only.spec.schedule = None;
    let error = split_only.only_error(None);
    assert_eq!(error.code, "E0403");
    assert_eq!(split_only.label(&error, 0), (5, 5, 39));
    assert_eq!(split_only.label(&error, 1), (3, 5, 45));
}

#[test]
fn a_schedule_without_a_split_is_refused() {
    let mut case = equal_five();
    case.spec.split = None;
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0404", (7, 5, 37)));
    assert!(error.hint.unwrap().contains("from A..B split equal"));
}

#[test]
fn a_schedule_without_a_split_also_reports_its_own_faults() {
    let mut case = equal_five();
    case.spec.split = None;
    case.spec.banner = None;
    let errors = plan::expand(&case.spec, None).unwrap_err();
    let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["E0404", "E0401"]);
}

#[test]
fn a_split_without_a_schedule_is_refused() {
    let mut case = equal_five();
    case.spec.schedule = None;
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0405", (8, 5, 39)));
}

#[test]
fn a_schedule_beyond_the_slot_limit_is_refused_before_it_is_built() {
    let mut case = equal_five();
    case.spec.schedule.as_mut().unwrap().node = Schedule::Daily {
        range: r("2025-01-01", "2099-12-31"),
        per_day: u32::MAX,
    };
    let error = case.only_error(None);
    assert_eq!((error.code, case.label(&error, 0)), ("E0415", (7, 5, 37)));
}

#[test]
fn a_campaign_with_nothing_expands_to_no_phases_for_the_checks_to_refuse() {
    let case = Case::new(EQUAL_SEVEN);
    let campaign = case.expand();
    assert!(campaign.phases.is_empty());
    assert!(!well_formed(&campaign).is_empty());
}

// ---------------------------------------------------------------------------
// Day counts from CSV.
// ---------------------------------------------------------------------------

#[test]
fn counts_are_read_from_csv_in_either_column_order() {
    let read = DayCounts::from_csv("date,rows\n2025-04-01,1200\n2025-04-03, 7\n").unwrap();
    assert_eq!(read.rows_on(d("2025-04-01")), 1200);
    assert_eq!(read.rows_on(d("2025-04-02")), 0);
    assert_eq!(read.rows_in(r("2025-04-01", "2025-04-30")), 1207);
    let swapped = DayCounts::from_csv("rows,date\n1200,2025-04-01\n7,2025-04-03\n").unwrap();
    assert_eq!(swapped, read);
    assert_eq!(
        DayCounts::from_csv("date,rows\n").unwrap().as_map().len(),
        0
    );
}

#[test]
fn bad_counts_files_name_the_line() {
    let cases = [
        ("", 1, "the counts file has no header"),
        (
            "2025-04-01,10\n",
            1,
            "the header `2025-04-01,10` is not `date,rows`",
        ),
        (
            "date,rows,note\n",
            1,
            "the header `date,rows,note` is not `date,rows`",
        ),
        (
            "date,rows\n2025-04-01,10\n2025-02-30,5\n",
            3,
            "`2025-02-30` is not a date",
        ),
        ("date,rows\n2025-04-01,-3\n", 2, "`-3` is not a row count"),
        (
            "date,rows\n2025-04-01,10\n2025-04-02\n",
            3,
            "this line has 1 fields, the header has 2",
        ),
        (
            "date,rows\n2025-04-01,10\n2025-04-02,1\n2025-04-01,4\n",
            4,
            "2025-04-01 appears twice",
        ),
    ];
    for (text, line, message) in cases {
        let error = DayCounts::from_csv(text).unwrap_err();
        assert_eq!(
            (error.line, error.message.as_str()),
            (line, message),
            "{text:?}"
        );
        assert!(error.hint.is_some(), "{text:?}");
    }
    let error = DayCounts::from_csv("date,rows\n2025-04-01,x\n").unwrap_err();
    assert_eq!(error.to_string(), "line 2: `x` is not a row count");
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

/// A spec without source text: every span is empty.
fn bare(schedule: Schedule, window: DateRange, kind: SplitKind) -> CampaignSpec {
    let mut spec = Case::new("campaign Test {}").spec;
    spec.banner = Some(Spanned::new(b("5902"), Span::default()));
    spec.schedule = Some(Spanned::new(schedule, Span::default()));
    let split = Split {
        window: Spanned::new(window, Span::default()),
        kind,
    };
    spec.split = Some(Spanned::new(split, Span::default()));
    spec
}

fn day_after(start: NaiveDate, offset: u64) -> NaiveDate {
    start.checked_add_days(Days::new(offset)).unwrap()
}

fn arb_day() -> impl Strategy<Value = NaiveDate> {
    (0u64..800).prop_map(|offset| day_after(d("2024-01-01"), offset))
}

fn arb_range(max_days: u64) -> impl Strategy<Value = DateRange> {
    (arb_day(), 0..max_days)
        .prop_map(|(start, extra)| DateRange::new(start, day_after(start, extra)).unwrap())
}

fn arb_schedule() -> impl Strategy<Value = Schedule> {
    let listed = prop::collection::btree_set(arb_day(), 1..12).prop_flat_map(|days| {
        let days: Vec<_> = days
            .into_iter()
            .map(|d| Spanned::new(d, Span::default()))
            .collect();
        Just(days).prop_shuffle()
    });
    let banners = prop::collection::vec("[0-9]{4}", 1..5);
    prop_oneof![
        (arb_range(20), 1u32..4).prop_map(|(range, per_day)| Schedule::Daily { range, per_day }),
        (arb_range(60), 1u32..9).prop_map(|(range, every)| Schedule::Every { every, range }),
        arb_day().prop_map(Schedule::Single),
        listed.prop_map(Schedule::Dates),
        (banners, 1u32..5, arb_range(30)).prop_map(|(ids, every, range)| {
            let banners = ids
                .iter()
                .map(|id| Spanned::new(b(id), Span::default()))
                .collect();
            Schedule::Rotate {
                banners,
                every,
                range,
            }
        }),
    ]
}

/// The slots a schedule should have, each as (target, banner, suffix),
/// computed independently of the expansion.
fn expected_slots(schedule: &Schedule) -> Vec<(NaiveDate, String, String)> {
    let plain = |day: NaiveDate| (day, "5902".to_string(), day.to_string());
    match schedule {
        Schedule::Daily { range, per_day: 1 } => range.iter_days().map(plain).collect(),
        Schedule::Daily { range, per_day } => range
            .iter_days()
            .flat_map(|day| (1..=*per_day).map(move |n| (day, "5902".into(), format!("{day}_{n}"))))
            .collect(),
        Schedule::Every { every, range } => (0..)
            .map(|k| day_after(range.start(), k * u64::from(*every)))
            .take_while(|day| *day <= range.end())
            .map(plain)
            .collect(),
        Schedule::Single(day) => vec![plain(*day)],
        Schedule::Dates(days) => days
            .iter()
            .map(|d| d.node)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(plain)
            .collect(),
        Schedule::Rotate {
            banners,
            every,
            range,
        } => (0..range.days())
            .map(|k| {
                let day = day_after(range.start(), k);
                let banner = &banners[(k / u64::from(*every)) as usize % banners.len()];
                (day, banner.node.to_string(), day.to_string())
            })
            .collect(),
    }
}

/// The phases take the window exactly once, in order, one period each.
fn assert_partition(campaign: &Campaign, window: DateRange) -> Result<(), TestCaseError> {
    let mut next = window.start();
    for (phase, id) in campaign.phases.iter().zip(1u32..) {
        prop_assert_eq!(phase.id, id);
        prop_assert_eq!(phase.takes.len(), 1);
        let days = phase.takes[0].node;
        prop_assert_eq!(days.start(), next, "gap or overlap before phase {}", id);
        next = day_after(days.end(), 1);
    }
    prop_assert_eq!(
        next,
        day_after(window.end(), 1),
        "the window is not used up"
    );
    Ok(())
}

fn slots_of(campaign: &Campaign) -> Vec<(NaiveDate, String, String)> {
    let slot = |p: &bannerc::ir::Phase| (p.target.node, p.banner.to_string(), p.suffix.clone());
    campaign.phases.iter().map(slot).collect()
}

/// A daily schedule of `slots` days from 2030-01-01.
fn daily_slots(slots: u64) -> Schedule {
    let first = d("2030-01-01");
    let range = DateRange::new(first, day_after(first, slots - 1)).unwrap();
    Schedule::Daily { range, per_day: 1 }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn equal_splits_partition_the_window(schedule in arb_schedule(), window in arb_range(120)) {
        let spec = bare(schedule.clone(), window, SplitKind::Equal);
        let slots = expected_slots(&schedule);
        match plan::expand(&spec, None) {
            Err(errors) => {
                prop_assert!(window.days() < slots.len() as u64);
                prop_assert_eq!(errors.len(), 1);
                prop_assert_eq!(errors[0].code, "E0409");
            }
            Ok(campaign) => {
                prop_assert_eq!(slots_of(&campaign), slots);
                assert_partition(&campaign, window)?;
                prop_assert!(well_formed(&campaign).is_empty());
                let lengths: Vec<u64> =
                    campaign.phases.iter().map(|p| p.takes[0].node.days()).collect();
                prop_assert!(lengths.windows(2).all(|w| w[0] >= w[1]), "{:?}", lengths);
                prop_assert!(lengths[0] - lengths[lengths.len() - 1] <= 1, "{:?}", lengths);
                for phase in &campaign.phases {
                    let log_name = format!("H_{}_distinct_{}", phase.banner, phase.suffix);
                    prop_assert_eq!(phase.log_name.as_str(), log_name);
                }
            }
        }
    }

    #[test]
    fn volume_periods_are_the_longest_closest_to_n(
        window in arb_range(60),
        rows in prop::collection::vec(prop_oneof![Just(0u64), 0u64..1_000], 60),
        slot_share in 0.0f64..1.0,
        n_share in 0.0f64..1.0,
    ) {
        let days = window.days();
        let slot_count = 1 + (slot_share * days as f64) as u64 % days;
        let day_rows: Vec<u64> = rows[..days as usize].to_vec();
        let counts: DayCounts = window.iter_days().zip(&day_rows)
            .filter(|(_, n)| **n > 0)
            .map(|(day, n)| (day, *n))
            .collect();
        let total: u64 = day_rows.iter().sum();
        let n = 1 + (n_share * total as f64) as u64;
        let spec = bare(daily_slots(slot_count), window, SplitKind::Volume(n));

        let campaign = match plan::expand(&spec, Some(&counts)) {
            Err(errors) => {
                prop_assert!(n > total);
                prop_assert_eq!(errors[0].code, "E0411");
                return Ok(());
            }
            Ok(campaign) => campaign,
        };
        prop_assert!(n <= total);
        prop_assert_eq!(campaign.phases.len() as u64, slot_count);
        assert_partition(&campaign, window)?;
        prop_assert!(well_formed(&campaign).is_empty());

        // Each period but the last: among the lengths it may have (leaving a
        // day per later slot), the longest whose total is closest to n.
        let mut start = 0usize;
        for (j, phase) in campaign.phases.iter().enumerate() {
            prop_assert_eq!(phase.expected_rows, Some(n));
            let len = phase.takes[0].node.days() as usize;
            if j + 1 < campaign.phases.len() {
                let later = campaign.phases.len() - j - 1;
                let longest = days as usize - start - later;
                let distance =
                    |l: usize| day_rows[start..start + l].iter().sum::<u64>().abs_diff(n);
                let best = (1..=longest).map(distance).min().unwrap();
                let chosen = (1..=longest).filter(|l| distance(*l) == best).max().unwrap();
                prop_assert_eq!(len, chosen, "period {} from day {}", j + 1, start);
            }
            start += len;
        }
    }

    #[test]
    fn the_variance_check_refuses_exactly_the_far_periods(
        window in arb_range(40),
        rows in prop::collection::vec(1u64..500, 40),
        slot_count in 1u64..8,
        variance in 0.0f64..0.5,
    ) {
        let days = window.days();
        prop_assume!(slot_count <= days);
        let day_rows = &rows[..days as usize];
        let counts: DayCounts = window.iter_days().zip(day_rows.iter().copied()).collect();
        let n = (day_rows.iter().sum::<u64>() / slot_count).max(1);
        let mut spec = bare(daily_slots(slot_count), window, SplitKind::Volume(n));
        let free = plan::expand(&spec, Some(&counts)).unwrap();
        let far: Vec<u32> = free.phases.iter()
            .filter(|p| counts.rows_in(p.takes[0].node).abs_diff(n) as f64 > variance * n as f64)
            .map(|p| p.id)
            .collect();

        spec.thresholds.max_variance = Some(variance);
        match plan::expand(&spec, Some(&counts)) {
            Ok(_) => prop_assert!(far.is_empty()),
            Err(errors) => {
                prop_assert!(errors.iter().all(|e| e.code == "E0412"));
                let named: Vec<String> = far.iter().map(|id| format!("phase {id} (")).collect();
                prop_assert_eq!(errors.len(), far.len());
                for (error, prefix) in errors.iter().zip(&named) {
                    prop_assert!(error.message.starts_with(prefix.as_str()), "{}", error.message);
                }
            }
        }
    }
}

#[test]
fn counts_may_be_summed_per_day() {
    let summed: DayCounts = [(d("2025-04-01"), 2), (d("2025-04-01"), 3)]
        .into_iter()
        .collect();
    assert_eq!(summed.as_map(), &BTreeMap::from([(d("2025-04-01"), 5)]));
}
