//! The `.bnr` front end: every example of LANGUAGE.md parses to the values
//! it means, errors point at the exact text (line, column, width), the
//! parser recovers and reports several errors, nothing panics, and the
//! printer's output parses back to the same campaign.

use bannerc::diag::Diagnostic;
use bannerc::ir::{
    BannerId, CampaignName, CampaignSpec, DateRange, LogName, PhaseSpec, RunSettings, Schedule,
    Span, Spanned, Split, SplitKind, StartTimeFormat, TableRef, Thresholds, Transform, Zone,
};
use bannerc::syntax::{self, codes};
use chrono::NaiveDate;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Helpers

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn range(start: &str, end: &str) -> DateRange {
    DateRange::new(date(start), date(end)).unwrap()
}

/// Parse a file that must be clean.
fn parse_ok(source: &str) -> CampaignSpec {
    let (spec, diagnostics) = syntax::parse(source);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics: {diagnostics:#?}"
    );
    spec.expect("a clean parse gives a spec")
}

/// Parse a file that must fail; its diagnostics.
fn parse_err(source: &str) -> Vec<Diagnostic> {
    let (spec, diagnostics) = syntax::parse(source);
    assert!(spec.is_none(), "a file with errors gives no spec");
    assert!(!diagnostics.is_empty());
    diagnostics
}

/// 1-based line and column (in characters) and width (in characters) of a span.
fn place(source: &str, span: Span) -> (usize, usize, usize) {
    let before = &source[..span.start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = source[line_start..span.start].chars().count() + 1;
    let width = source[span.start..span.end].chars().count();
    (line, column, width)
}

/// The single error of `source`: its code and where it points.
fn single_error(source: &str) -> (&'static str, (usize, usize, usize), Diagnostic) {
    let diagnostics = parse_err(source);
    assert_eq!(
        diagnostics.len(),
        1,
        "expected one diagnostic: {diagnostics:#?}"
    );
    let diagnostic = diagnostics.into_iter().next().unwrap();
    (
        diagnostic.code,
        place(source, diagnostic.span()),
        diagnostic,
    )
}

/// The source text a span covers.
fn text(source: &str, span: Span) -> &str {
    &source[span.start..span.end]
}

/// A minimal valid campaign with `extra` lines inserted after the tables.
fn campaign_with(extra: &str) -> String {
    format!("campaign C {{\n    source `p.d.s`\n    target `p.d.t`\n{extra}\n}}\n")
}

// ---------------------------------------------------------------------------
// The examples of LANGUAGE.md, exactly as written there

const EXPLICIT: &str = r#"// Q4: three days of traffic for banner 5902, built from April's logs.
campaign Q4_Banner_Campaign {
    banner 5902
    source `clirnet-dev.request_edit.H_5902_distinct_data`
    target `clirnetapp.banner_data.banner_call_data`
    zone   UTC

    phase 1: 2025-04-01..2025-04-21 -> 2025-04-25
    phase 2: 2025-04-22..2025-04-24 -> 2025-04-26
    phase 3: 2025-04-25..2025-04-28 + log "add-report-prod-server" -> 2025-04-27

    end_time = start_time + 5s

    check {
        records_per_phase 1_000..10_000_000
    }
}
"#;

const MAY_DAILY: &str = r#"campaign May_Daily {
    banner 5903
    source `p.d.staging`
    target `p.d.banner_call_data`

    schedule daily 2025-05-01..2025-05-07
    from 2025-04-01..2025-04-30 split equal
}
"#;

const JUNE_ROTATION: &str = r#"campaign June_Rotation {
    source `p.d.staging`
    target `p.d.banner_call_data`

    schedule rotate 5901, 5902, 5903 every 3 days over 2025-06-01..2025-06-30
    from 2025-05-01..2025-05-31 split volume 500_000
}
"#;

const CHECKS: &str = r#"check {
    records_per_phase 1_000..10_000_000
    variance <= 5%
    start_time unreadable = 0
}"#;

#[test]
fn explicit_phases_example() {
    let spec = parse_ok(EXPLICIT);
    assert_eq!(spec.name.as_str(), "Q4_Banner_Campaign");
    assert_eq!(spec.banner.as_ref().unwrap().as_str(), "5902");
    assert_eq!(
        spec.source.to_string(),
        "clirnet-dev.request_edit.H_5902_distinct_data"
    );
    assert_eq!(
        text(EXPLICIT, spec.source.span),
        "clirnet-dev.request_edit.H_5902_distinct_data"
    );
    assert_eq!(
        spec.target.to_string(),
        "clirnetapp.banner_data.banner_call_data"
    );
    assert_eq!(spec.zone.node, Zone::default());
    assert_eq!(text(EXPLICIT, spec.zone.span), "UTC");

    let phases: Vec<(u32, Vec<DateRange>, NaiveDate)> = spec
        .phases
        .iter()
        .map(|p| {
            (
                p.id.node,
                p.takes.iter().map(|r| r.node).collect(),
                p.target.node,
            )
        })
        .collect();
    assert_eq!(
        phases,
        vec![
            (
                1,
                vec![range("2025-04-01", "2025-04-21")],
                date("2025-04-25")
            ),
            (
                2,
                vec![range("2025-04-22", "2025-04-24")],
                date("2025-04-26")
            ),
            (
                3,
                vec![range("2025-04-25", "2025-04-28")],
                date("2025-04-27")
            ),
        ]
    );
    let third = &spec.phases[2];
    assert_eq!(third.special.len(), 1);
    assert_eq!(third.special[0].as_str(), "add-report-prod-server");
    assert_eq!(
        text(EXPLICIT, third.special[0].span),
        "\"add-report-prod-server\""
    );
    assert!(third.except.is_empty() && third.suffix.is_none() && third.banner.is_none());
    assert_eq!(
        text(EXPLICIT, spec.phases[0].takes[0].span),
        "2025-04-01..2025-04-21"
    );
    assert!(text(EXPLICIT, spec.phases[0].span).starts_with("phase 1:"));
    assert!(text(EXPLICIT, spec.phases[0].span).ends_with("-> 2025-04-25"));

    assert_eq!(spec.transform, Transform::default());
    assert_eq!(spec.thresholds.min_rows_per_phase, 1_000);
    assert_eq!(spec.thresholds.max_rows_per_phase, Some(10_000_000));
    assert_eq!(spec.thresholds.max_variance, None);
    assert_eq!(spec.thresholds.max_unreadable_start_time, 0);
    assert_eq!(
        text(EXPLICIT, spec.threshold_spans.rows_per_phase.unwrap()),
        "records_per_phase 1_000..10_000_000"
    );
    assert_eq!(spec.threshold_spans.variance, None);
    assert!(spec.schedule.is_none() && spec.split.is_none());
    assert_eq!(spec.settings, RunSettings::default());
    assert!(text(EXPLICIT, spec.span).starts_with("campaign Q4_Banner_Campaign {"));
    assert!(text(EXPLICIT, spec.span).ends_with('}'));
}

#[test]
fn daily_schedule_example() {
    let spec = parse_ok(MAY_DAILY);
    assert_eq!(spec.name.as_str(), "May_Daily");
    assert_eq!(spec.banner.as_ref().unwrap().as_str(), "5903");
    assert!(spec.phases.is_empty());
    let schedule = spec.schedule.as_ref().unwrap();
    assert_eq!(
        schedule.node,
        Schedule::Daily {
            range: range("2025-05-01", "2025-05-07"),
            per_day: 1
        }
    );
    assert_eq!(
        text(MAY_DAILY, schedule.span),
        "schedule daily 2025-05-01..2025-05-07"
    );
    let split = spec.split.as_ref().unwrap();
    assert_eq!(split.window.node, range("2025-04-01", "2025-04-30"));
    assert_eq!(split.kind, SplitKind::Equal);
    assert_eq!(text(MAY_DAILY, split.window.span), "2025-04-01..2025-04-30");

    // No zone: UTC, pointing at the campaign's name.
    assert_eq!(spec.zone.node, Zone::default());
    assert_eq!(text(MAY_DAILY, spec.zone.span), "May_Daily");
    assert_eq!(spec.thresholds, Thresholds::default());
    assert_eq!(spec.threshold_spans, Default::default());
}

#[test]
fn rotation_example() {
    let spec = parse_ok(JUNE_ROTATION);
    assert!(spec.banner.is_none());
    let Schedule::Rotate {
        banners,
        every,
        range: over,
    } = &spec.schedule.as_ref().unwrap().node
    else {
        panic!("a rotation")
    };
    let ids: Vec<&str> = banners.iter().map(|b| b.as_str()).collect();
    assert_eq!(ids, ["5901", "5902", "5903"]);
    assert_eq!(text(JUNE_ROTATION, banners[1].span), "5902");
    assert_eq!(*every, 3);
    assert_eq!(*over, range("2025-06-01", "2025-06-30"));
    assert_eq!(
        spec.split.as_ref().unwrap().kind,
        SplitKind::Volume(500_000)
    );
}

#[test]
fn checks_example() {
    let source = campaign_with(CHECKS);
    let spec = parse_ok(&source);
    let expected = Thresholds {
        min_rows_per_phase: 1_000,
        max_rows_per_phase: Some(10_000_000),
        max_variance: Some(0.05),
        max_unreadable_start_time: 0,
    };
    assert_eq!(spec.thresholds, expected);
    let spans = spec.threshold_spans;
    let written =
        [spans.rows_per_phase, spans.variance, spans.unreadable].map(|s| text(&source, s.unwrap()));
    assert_eq!(
        written,
        [
            "records_per_phase 1_000..10_000_000",
            "variance <= 5%",
            "start_time unreadable = 0"
        ]
    );
}

// ---------------------------------------------------------------------------
// The rest of the language

#[test]
fn phases_take_several_ranges_logs_suffixes_and_banners() {
    let source = campaign_with(
        r#"    banner 5902
    phase 7: 2025-04-01..2025-04-03, 2025-04-07..2025-04-09, 2025-04-12
             + log "a" + log "b" except log "c" except log "d"
             -> 2025-04-25 as "2025-04-25_ph2" banner 6001
    phase 8: + log "only-special" -> 2025-04-26
    phase 9: -> 2025-04-27"#,
    );
    let spec = parse_ok(&source);
    let seventh = &spec.phases[0];
    assert_eq!(seventh.id.node, 7);
    let takes: Vec<DateRange> = seventh.takes.iter().map(|r| r.node).collect();
    assert_eq!(
        takes,
        [
            range("2025-04-01", "2025-04-03"),
            range("2025-04-07", "2025-04-09"),
            DateRange::day(date("2025-04-12"))
        ]
    );
    let names = |list: &[Spanned<LogName>]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(names(&seventh.special), ["a", "b"]);
    assert_eq!(names(&seventh.except), ["c", "d"]);
    assert_eq!(seventh.suffix.as_ref().unwrap().node, "2025-04-25_ph2");
    assert_eq!(
        text(&source, seventh.suffix.as_ref().unwrap().span),
        "\"2025-04-25_ph2\""
    );
    assert_eq!(seventh.banner.as_ref().unwrap().as_str(), "6001");
    assert_eq!(spec.banner.as_ref().unwrap().as_str(), "5902");
    assert!(spec.phases[1].takes.is_empty());
    assert_eq!(names(&spec.phases[1].special), ["only-special"]);
    assert!(spec.phases[2].takes.is_empty() && spec.phases[2].special.is_empty());
}

#[test]
fn a_banner_that_starts_a_line_belongs_to_the_campaign() {
    let spec = parse_ok(&campaign_with(
        "    phase 1: 2025-04-01 -> 2025-04-25\n    banner 5902\n    phase 2: 2025-04-02 -> 2025-04-26 banner 77",
    ));
    assert_eq!(spec.banner.as_ref().unwrap().as_str(), "5902");
    assert!(spec.phases[0].banner.is_none());
    assert_eq!(spec.phases[1].banner.as_ref().unwrap().as_str(), "77");
}

#[test]
fn every_schedule_form() {
    let cases = [
        (
            "schedule daily 2025-05-01..2025-05-07 x 3",
            Schedule::Daily {
                range: range("2025-05-01", "2025-05-07"),
                per_day: 3,
            },
        ),
        (
            "schedule every 7 days over 2025-05-01..2025-06-30",
            Schedule::Every {
                every: 7,
                range: range("2025-05-01", "2025-06-30"),
            },
        ),
        (
            "schedule every 1 day over 2025-05-01",
            Schedule::Every {
                every: 1,
                range: DateRange::day(date("2025-05-01")),
            },
        ),
        (
            "schedule single 2025-05-09",
            Schedule::Single(date("2025-05-09")),
        ),
        // Counts are the expansion's to judge; the parser keeps them.
        (
            "schedule every 0 days over 2025-05-01..2025-05-02",
            Schedule::Every {
                every: 0,
                range: range("2025-05-01", "2025-05-02"),
            },
        ),
    ];
    for (line, expected) in cases {
        let spec = parse_ok(&campaign_with(line));
        assert_eq!(spec.schedule.unwrap().node, expected, "{line}");
    }

    let source = campaign_with("schedule dates 2025-05-01, 2025-05-03,\n    2025-05-09");
    let Schedule::Dates(days) = parse_ok(&source).schedule.unwrap().node else {
        panic!()
    };
    let days: Vec<NaiveDate> = days.iter().map(|d| d.node).collect();
    assert_eq!(
        days,
        [date("2025-05-01"), date("2025-05-03"), date("2025-05-09")]
    );

    let source = campaign_with(r#"schedule rotate a-1, "every", B_2 every 2 days over 2025-06-01"#);
    let Schedule::Rotate { banners, .. } = parse_ok(&source).schedule.unwrap().node else {
        panic!()
    };
    let ids: Vec<&str> = banners.iter().map(|b| b.as_str()).collect();
    assert_eq!(ids, ["a-1", "every", "B_2"]);
}

#[test]
fn transform_and_check_settings() {
    let spec = parse_ok(&campaign_with(
        r#"    end_time = start_time + 1_800s
    start_time format "%d/%m/%Y %H.%M.%S"
    check {
        records_per_phase >= 10
        variance <= 2.5%
    }"#,
    ));
    assert_eq!(spec.transform.end_offset_secs, 1_800);
    assert_eq!(
        spec.transform.start_time_format.as_str(),
        "%d/%m/%Y %H.%M.%S"
    );
    assert_eq!(spec.thresholds.min_rows_per_phase, 10);
    assert_eq!(spec.thresholds.max_rows_per_phase, None);
    assert_eq!(spec.thresholds.max_variance, Some(0.025));

    let spec = parse_ok(&campaign_with(
        "end_time = start_time - 5s\ncheck { records_per_phase <= 99 }",
    ));
    assert_eq!(spec.transform.end_offset_secs, -5);
    assert_eq!(spec.thresholds.min_rows_per_phase, 1);
    assert_eq!(spec.thresholds.max_rows_per_phase, Some(99));
}

#[test]
fn items_come_in_any_order_and_comments_are_ignored() {
    let spec = parse_ok(
        "/* header */ campaign X { check { variance <= 1% } // trailing\n\
         phase 1: 2025-01-01 -> 2025-01-02 zone Asia/Kolkata target `p.d.t` /* in\n\
         between */ banner b-1 source `p.d.s` }",
    );
    assert_eq!(spec.zone.node.name(), "Asia/Kolkata");
    assert_eq!(spec.source.to_string(), "p.d.s");
    // `banner b-1` does not start its line, but it follows the zone, not a phase.
    assert_eq!(spec.banner.unwrap().as_str(), "b-1");
}

#[test]
fn zones_with_slashes_signs_and_hyphens() {
    for name in [
        "Asia/Kolkata",
        "America/Argentina/Buenos_Aires",
        "UTC",
        "Etc/GMT+5",
        "Etc/GMT-14",
    ] {
        let spec = parse_ok(&campaign_with(&format!("zone {name}")));
        assert_eq!(spec.zone.node.name(), name);
    }
}

#[test]
fn every_iana_zone_can_be_written() {
    for tz in chrono_tz::TZ_VARIANTS {
        let source = campaign_with(&format!("zone {}", tz.name()));
        let (spec, diagnostics) = syntax::parse(&source);
        assert!(diagnostics.is_empty(), "{}: {diagnostics:?}", tz.name());
        assert_eq!(spec.unwrap().zone.node.tz(), tz);
    }
}

#[test]
fn log_names_may_hold_quotes_backticks_backslashes_and_semicolons() {
    let source = campaign_with(
        r#"phase 1: 2025-01-01 + log "it's \"x\" `y` C:\\logs; DROP TABLE t;--" + log "\u{e9}t\u{E9}" -> 2025-01-02"#,
    );
    let spec = parse_ok(&source);
    let names: Vec<&str> = spec.phases[0].special.iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["it's \"x\" `y` C:\\logs; DROP TABLE t;--", "été"]);
}

#[test]
fn numbers_take_underscores() {
    let spec = parse_ok(&campaign_with("check { records_per_phase 1_0..2_000_000 }"));
    assert_eq!(spec.thresholds.min_rows_per_phase, 10);
    assert_eq!(spec.thresholds.max_rows_per_phase, Some(2_000_000));
}

#[test]
fn keywords_are_contextual() {
    let spec = parse_ok(&campaign_with("banner phase").replace("campaign C", "campaign daily"));
    assert_eq!(spec.name.as_str(), "daily");
    assert_eq!(spec.banner.unwrap().as_str(), "phase");
}

// ---------------------------------------------------------------------------
// Errors, pinned to line, column and width

#[test]
fn a_date_that_does_not_exist() {
    let source = campaign_with("    phase 1: 2025-02-01..2025-02-30 -> 2025-03-01");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::BAD_DATE, (4, 26, 10)));
    assert_eq!(diagnostic.message, "`2025-02-30` is not a real date");
    assert_eq!(
        diagnostic.hint.as_deref(),
        Some("February 2025 has 28 days")
    );
}

#[test]
fn a_reversed_range() {
    let source = campaign_with("    phase 1: 2025-04-21..2025-04-01 -> 2025-04-25");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::REVERSED_RANGE, (4, 14, 22)));
    assert_eq!(
        diagnostic.hint.as_deref(),
        Some("write it as 2025-04-01..2025-04-21")
    );
}

#[test]
fn an_unknown_zone() {
    let source = campaign_with("    zone Asia/Kolkatta");
    let (code, at, _) = single_error(&source);
    assert_eq!((code, at), (codes::UNKNOWN_ZONE, (4, 10, 13)));
}

#[test]
fn a_table_name_with_two_parts() {
    let source = "campaign C {\n    source `p.d`\n    target `p.d.t`\n}\n";
    let (code, at, diagnostic) = single_error(source);
    // Inside the backticks.
    assert_eq!((code, at), (codes::BAD_TABLE, (2, 13, 3)));
    assert!(diagnostic.hint.unwrap().contains("project.dataset.table"));
}

#[test]
fn a_missing_arrow() {
    let source = campaign_with("    phase 1: 2025-04-01..2025-04-21 2025-04-25");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::UNEXPECTED, (4, 37, 10)));
    assert_eq!(
        diagnostic.message,
        "expected `->` after the source days, found `2025-04-25`"
    );
    let hint = diagnostic.hint.unwrap();
    assert!(hint.starts_with("a phase reads `phase N:"), "{hint}");
    assert!(
        hint.ends_with("`,`, `+` or `except` may also come here"),
        "{hint}"
    );
}

#[test]
fn an_unterminated_string() {
    let source = campaign_with(
        "    phase 1: 2025-04-01 + log \"add-report -> 2025-04-25\n    phase 2: 2025-04-02 -> 2025-04-26",
    );
    // The parser's complaint about the next line is only an echo: not reported.
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::UNTERMINATED_STRING, (4, 31, 25)));
    assert_eq!(diagnostic.message, "unterminated string");
}

#[test]
fn a_stray_character() {
    let source = campaign_with("    phase 1: 2025-04-01 -> 2025-04-25 ;");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::STRAY, (4, 39, 1)));
    assert_eq!(diagnostic.message, "unexpected character `;`");
}

#[test]
fn an_empty_file() {
    for source in ["", "  \n\t\n", "// only a comment\n/* and a block */\n"] {
        let (code, at, diagnostic) = single_error(source);
        assert_eq!((code, at), (codes::EMPTY_FILE, (1, 1, 0)));
        assert_eq!(diagnostic.message, "the file holds no campaign");
    }
}

#[test]
fn binary_garbage() {
    let bytes: Vec<u8> = (0..=255u8).cycle().skip(200).take(600).collect();
    let source = String::from_utf8_lossy(&bytes).into_owned();
    let diagnostics = parse_err(&source);
    let first = &diagnostics[0];
    // The first bytes are 0xC8.. (invalid alone, so U+FFFD each), then control
    // characters: one run of stray characters from the very start.
    assert_eq!(first.code, codes::STRAY);
    assert_eq!(place(&source, first.span()).0, 1);
    assert_eq!(place(&source, first.span()).1, 1);
    assert!(diagnostics.len() <= 101);
}

#[test]
fn garbage_then_a_word() {
    let source = "\u{0}\u{1}garbage {";
    let diagnostics = parse_err(source);
    let placed: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.code, place(source, d.span())))
        .collect();
    assert_eq!(
        placed,
        [
            (codes::STRAY, (1, 1, 2)),
            (codes::UNEXPECTED, (1, 3, 7)),
            (codes::UNEXPECTED, (1, 12, 0))
        ]
    );
    assert_eq!(
        diagnostics[1].message,
        "expected `campaign`, found `garbage`"
    );
    assert_eq!(
        diagnostics[2].message,
        "expected a campaign item or `}` to close the campaign, found the end of the file"
    );
}

#[test]
fn a_bad_escape_points_at_the_escape() {
    let source = campaign_with(r#"    phase 1: 2025-04-01 + log "a\qb" -> 2025-04-25"#);
    let (code, at, _) = single_error(&source);
    assert_eq!((code, at), (codes::BAD_ESCAPE, (4, 33, 2)));
}

#[test]
fn a_control_character_in_a_log_name() {
    let source = campaign_with(r#"    phase 1: 2025-04-01 + log "a\nb" -> 2025-04-25"#);
    let (code, at, _) = single_error(&source);
    assert_eq!((code, at), (codes::BAD_LOG_NAME, (4, 31, 6)));
}

#[test]
fn missing_source_points_at_the_name() {
    let source = "campaign Nameless {\n    target `p.d.t`\n}\n";
    let (code, at, diagnostic) = single_error(source);
    assert_eq!((code, at), (codes::MISSING_ITEM, (1, 10, 8)));
    assert_eq!(
        diagnostic.message,
        "campaign `Nameless` has no `source` table"
    );
    assert!(
        diagnostic
            .hint
            .unwrap()
            .contains("source `project.dataset.table`")
    );
}

#[test]
fn a_duplicate_points_at_both() {
    let source = campaign_with("    zone UTC\n    zone Asia/Kolkata");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::DUPLICATE_ITEM, (5, 5, 17)));
    assert_eq!(diagnostic.labels.len(), 2);
    assert_eq!(place(&source, diagnostic.labels[1].span), (4, 5, 8));
    assert_eq!(diagnostic.labels[1].message, "first given here");
}

#[test]
fn a_duplicate_threshold_points_at_both() {
    let source = campaign_with("check {\n  records_per_phase 1..5\n  records_per_phase >= 2\n}");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::DUPLICATE_ITEM, (6, 3, 22)));
    assert_eq!(place(&source, diagnostic.labels[1].span), (5, 3, 22));
}

#[test]
fn an_invalid_start_time_format() {
    let source = campaign_with("    start_time format \"%Y-%m-%d\"");
    let (code, at, _) = single_error(&source);
    assert_eq!((code, at), (codes::BAD_START_TIME_FORMAT, (4, 23, 10)));
}

#[test]
fn a_number_too_large() {
    let source = campaign_with("    schedule daily 2025-05-01..2025-05-07 x 4_294_967_296");
    let (code, at, _) = single_error(&source);
    assert_eq!((code, at), (codes::NUMBER_TOO_LARGE, (4, 45, 13)));
}

#[test]
fn an_unknown_item() {
    let source = campaign_with("    retries 3");
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::UNEXPECTED, (4, 5, 7)));
    assert_eq!(
        diagnostic.message,
        "expected a campaign item, found `retries`"
    );
}

#[test]
fn a_misspelt_item_keyword_gets_a_suggestion() {
    for (typo, meant) in [("baner 5902", "banner"), ("sourse `p.d.x`", "source")] {
        let source = campaign_with(&format!("    {typo}"));
        let (code, _, diagnostic) = single_error(&source);
        assert_eq!(code, codes::UNEXPECTED);
        let hint = diagnostic.hint.unwrap();
        assert!(
            hint.starts_with(&format!("did you mean `{meant}`?")),
            "{hint}"
        );
    }
    let (_, _, diagnostic) = single_error(&campaign_with("    retries 3"));
    assert!(!diagnostic.hint.unwrap().contains("did you mean"));
}

#[test]
fn a_misspelt_block_is_one_error_not_one_per_line() {
    let source = campaign_with(
        "    phase 1: 2025-04-01 -> 2025-04-25\n    checks {\n        records_per_phase 1..2\n        variance <= 5%\n    }",
    );
    let (code, at, diagnostic) = single_error(&source);
    assert_eq!((code, at), (codes::UNEXPECTED, (5, 5, 6)));
    assert!(
        diagnostic
            .hint
            .unwrap()
            .starts_with("did you mean `check`?")
    );
}

#[test]
fn a_missing_closing_brace() {
    let source = "campaign C {\n    source `p.d.s`\n    target `p.d.t`\n";
    let (code, at, _) = single_error(source);
    assert_eq!((code, at), (codes::UNEXPECTED, (4, 1, 0)));
}

#[test]
fn text_after_the_campaign() {
    let source = "campaign C { source `p.d.s` target `p.d.t` } campaign D {}";
    let (code, at, diagnostic) = single_error(source);
    assert_eq!((code, at), (codes::UNEXPECTED, (1, 46, 8)));
    assert_eq!(
        diagnostic.message,
        "expected the end of the file after the campaign's `}`, found `campaign`"
    );
}

#[test]
fn several_errors_in_one_run() {
    let source = campaign_with(
        r#"    phase 1: 2025-04-01..2025-04-21 2025-04-25
    phase 2: 2025-04-22..2025-04-24 -> 2025-04-26
    check {
        records_per_phase 1_000..
        variance <= 5%
        start_time unreadble = 0
    }
    end_time = start_time + 5
    zone Mars/Base"#,
    );
    let diagnostics = parse_err(&source);
    let placed: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.code, place(&source, d.span())))
        .collect();
    assert_eq!(
        placed,
        [
            (codes::UNEXPECTED, (4, 37, 10)),
            (codes::UNEXPECTED, (8, 9, 8)),
            (codes::UNEXPECTED, (9, 20, 9)),
            (codes::UNEXPECTED, (11, 29, 1)),
            (codes::UNKNOWN_ZONE, (12, 10, 9)),
        ]
    );
    assert_eq!(
        diagnostics[1].message,
        "expected a row count, found `variance`"
    );
    assert_eq!(
        diagnostics[2].message,
        "expected `unreadable` after `start_time`, found `unreadble`"
    );
    assert_eq!(
        diagnostics[3].message,
        "expected a number of seconds such as `5s`, found `5`"
    );
}

#[test]
fn an_unclosed_check_block_does_not_swallow_the_campaign() {
    let source =
        campaign_with("    check {\n        variance <= 5%\n    phase 1: 2025-01-01 -> 2025-01-02");
    let diagnostics = parse_err(&source);
    let placed: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.code, place(&source, d.span())))
        .collect();
    assert_eq!(placed, [(codes::UNEXPECTED, (6, 5, 5))]);
    assert!(
        diagnostics[0]
            .message
            .ends_with("or `}` to close the check block, found `phase`")
    );
}

// ---------------------------------------------------------------------------
// Size and robustness

#[test]
fn a_hundred_thousand_phases() {
    let mut source = String::from("campaign Big {\n    source `p.d.s`\n    target `p.d.t`\n");
    let first = date("2000-01-01");
    for id in 0..100_000u32 {
        let day = first + chrono::Days::new(u64::from(id));
        source.push_str(&format!(
            "    phase {id}: {day} -> 2030-01-01 as \"s{id}\"\n"
        ));
    }
    source.push_str("}\n");
    let spec = parse_ok(&source);
    assert_eq!(spec.phases.len(), 100_000);
    assert_eq!(spec.phases[99_999].suffix.as_ref().unwrap().node, "s99999");
}

#[test]
fn deep_nesting_and_long_lines_do_not_overflow() {
    let deep = format!("campaign X {{ {} }}", "{".repeat(200_000));
    assert!(!parse_err(&deep).is_empty());
    let long = format!("campaign X {{ {} }}", "} ".repeat(100_000));
    assert!(!parse_err(&long).is_empty());
    let comments = "/* ".repeat(100_000);
    assert_eq!(parse_err(&comments)[0].code, codes::UNTERMINATED_COMMENT);
}

#[test]
fn a_flood_of_errors_is_cut_short() {
    let source = format!("campaign C {{\n{}}}\n", "    @ phase\n".repeat(5_000));
    let diagnostics = parse_err(&source);
    assert_eq!(diagnostics.len(), 101);
    let last = diagnostics.last().unwrap();
    assert_eq!(last.code, codes::TOO_MANY_ERRORS);
    // 5 000 stray characters and 5 000 broken phases, 100 of them shown.
    assert_eq!(last.message, "9900 more errors not shown");
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(source in any::<String>()) {
        let _ = syntax::parse(&source);
    }

    #[test]
    fn token_soup_never_panics(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "campaign", "C", "{", "}", "phase", "1", ":", "2025-04-01", "..", "2025-02-30",
                "->", ",", "+", "log", "\"x\"", "\"", "`p.d.t`", "`", "source", "target", "zone",
                "Asia/Kolkata", "/", "check", "records_per_phase", "variance", "<=", ">=", "%",
                "5s", "=", "start_time", "end_time", "schedule", "rotate", "every", "days",
                "over", "from", "split", "volume", "equal", "banner", "as", "except", "\n",
                " ", "/*", "*/", "//", "@", "\\", "x", "daily", "dates", "single", "format",
            ]),
            0..60,
        )
    ) {
        let source = pieces.join(" ");
        let (spec, diagnostics) = syntax::parse(&source);
        prop_assert!(spec.is_some() || !diagnostics.is_empty());
        for diagnostic in &diagnostics {
            prop_assert!(diagnostic.span().end <= source.len());
            prop_assert!(source.is_char_boundary(diagnostic.span().start));
        }
    }
}

// ---------------------------------------------------------------------------
// Printing and reading back

#[test]
fn the_examples_print_and_read_back() {
    for source in [EXPLICIT, MAY_DAILY, JUNE_ROTATION, &campaign_with(CHECKS)] {
        let spec = parse_ok(source);
        let printed = syntax::print(&spec);
        assert_eq!(
            normalised(&parse_ok(&printed)),
            normalised(&spec),
            "{printed}"
        );
    }
}

#[test]
fn the_printer_is_canonical() {
    let printed = syntax::print(&parse_ok(EXPLICIT));
    let expected = r#"campaign Q4_Banner_Campaign {
    banner 5902
    source `clirnet-dev.request_edit.H_5902_distinct_data`
    target `clirnetapp.banner_data.banner_call_data`
    zone UTC

    phase 1: 2025-04-01..2025-04-21 -> 2025-04-25
    phase 2: 2025-04-22..2025-04-24 -> 2025-04-26
    phase 3: 2025-04-25..2025-04-28 + log "add-report-prod-server" -> 2025-04-27

    end_time = start_time + 5s

    check {
        records_per_phase 1000..10_000_000
    }
}
"#;
    assert_eq!(printed, expected);
    assert_eq!(syntax::print(&parse_ok(&printed)), printed);
}

/// The spec with every span zeroed, as text: equal campaigns give equal text.
fn normalised(spec: &CampaignSpec) -> String {
    let zero = Span::default();
    let mut spec = spec.clone();
    spec.name.span = zero;
    spec.zone.span = zero;
    spec.source.span = zero;
    spec.target.span = zero;
    spec.span = zero;
    spec.threshold_spans = Default::default();
    if let Some(banner) = &mut spec.banner {
        banner.span = zero;
    }
    for phase in &mut spec.phases {
        zero_phase(phase);
    }
    if let Some(schedule) = &mut spec.schedule {
        schedule.span = zero;
        match &mut schedule.node {
            Schedule::Dates(days) => days.iter_mut().for_each(|day| day.span = zero),
            Schedule::Rotate { banners, .. } => banners.iter_mut().for_each(|b| b.span = zero),
            _ => {}
        }
    }
    if let Some(split) = &mut spec.split {
        split.span = zero;
        split.node.window.span = zero;
    }
    format!("{spec:?}")
}

fn zero_phase(phase: &mut PhaseSpec) {
    let zero = Span::default();
    phase.span = zero;
    phase.id.span = zero;
    phase.target.span = zero;
    phase.takes.iter_mut().for_each(|r| r.span = zero);
    phase.special.iter_mut().for_each(|n| n.span = zero);
    phase.except.iter_mut().for_each(|n| n.span = zero);
    if let Some(suffix) = &mut phase.suffix {
        suffix.span = zero;
    }
    if let Some(banner) = &mut phase.banner {
        banner.span = zero;
    }
}

/// Something spanned at no particular place.
fn nowhere<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1000-01-01 to about 9761: four-digit years, as the language writes them.
    (0u64..3_200_000).prop_map(|days| date("1000-01-01") + chrono::Days::new(days))
}

fn any_range() -> impl Strategy<Value = DateRange> {
    (any_date(), 0u64..40).prop_map(|(start, length)| {
        DateRange::new(start, start + chrono::Days::new(length)).unwrap()
    })
}

fn any_banner() -> impl Strategy<Value = BannerId> {
    prop_oneof![
        "[0-9]{1,6}",
        "[A-Za-z0-9_-]{1,12}",
        Just("every".to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{1,3}s",
    ]
    .prop_map(|id| BannerId::new(&id).unwrap())
}

fn any_log_name() -> impl Strategy<Value = LogName> {
    prop_oneof!["\\PC{1,24}", "[a-z\"\\\\`; {}/*]{1,12}"]
        .prop_map(|name| LogName::new(&name).unwrap())
}

fn any_table() -> impl Strategy<Value = TableRef> {
    (
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
        "[A-Za-z0-9_]{1,12}",
        "[A-Za-z0-9_-]{1,12}",
    )
        .prop_map(|(project, dataset, table)| {
            TableRef::parse(&format!("{project}.{dataset}.{table}")).unwrap()
        })
}

fn any_phase() -> impl Strategy<Value = PhaseSpec> {
    (
        any::<u32>(),
        prop::collection::vec(any_range(), 0..3),
        prop::collection::vec(any_log_name(), 0..3),
        prop::collection::vec(any_log_name(), 0..2),
        any_date(),
        prop::option::of(any::<String>()),
        prop::option::of(any_banner()),
    )
        .prop_map(
            |(id, takes, special, except, target, suffix, banner)| PhaseSpec {
                id: nowhere(id),
                takes: takes.into_iter().map(nowhere).collect(),
                special: special.into_iter().map(nowhere).collect(),
                except: except.into_iter().map(nowhere).collect(),
                target: nowhere(target),
                suffix: suffix.map(nowhere),
                banner: banner.map(nowhere),
                span: Span::default(),
            },
        )
}

fn any_schedule() -> impl Strategy<Value = Schedule> {
    prop_oneof![
        (any_range(), any::<u32>()).prop_map(|(range, per_day)| Schedule::Daily { range, per_day }),
        (any::<u32>(), any_range()).prop_map(|(every, range)| Schedule::Every { every, range }),
        any_date().prop_map(Schedule::Single),
        prop::collection::vec(any_date(), 0..4)
            .prop_map(|days| Schedule::Dates(days.into_iter().map(nowhere).collect())),
        (
            prop::collection::vec(any_banner(), 0..4),
            any::<u32>(),
            any_range()
        )
            .prop_map(|(banners, every, range)| Schedule::Rotate {
                banners: banners.into_iter().map(nowhere).collect(),
                every,
                range,
            }),
    ]
}

fn any_split() -> impl Strategy<Value = Split> {
    (any_range(), prop::option::of(any::<u64>())).prop_map(|(window, volume)| Split {
        window: nowhere(window),
        kind: volume.map_or(SplitKind::Equal, SplitKind::Volume),
    })
}

fn any_transform() -> impl Strategy<Value = Transform> {
    let formats = [
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H.%M.%S",
        "%%%S%M%H%d%m%Y",
        "T%Y%m%dT%H%M%S",
    ];
    (-i64::MAX..=i64::MAX, prop::sample::select(formats.to_vec())).prop_map(|(offset, format)| {
        Transform {
            end_offset_secs: offset,
            start_time_format: StartTimeFormat::new(format).unwrap(),
        }
    })
}

fn any_thresholds() -> impl Strategy<Value = Thresholds> {
    let variance = prop_oneof![
        (0u32..100_000).prop_map(|n| f64::from(n) / 10_000.0),
        any::<f64>().prop_filter("a finite fraction, not negative", |f| {
            f.is_finite() && f.is_sign_positive()
        }),
    ];
    (
        any::<u64>(),
        prop::option::of(any::<u64>()),
        prop::option::of(variance),
        any::<u64>(),
    )
        .prop_map(|(min, max, variance, unreadable)| Thresholds {
            min_rows_per_phase: min,
            max_rows_per_phase: max,
            max_variance: variance,
            max_unreadable_start_time: unreadable,
        })
}

fn any_spec() -> impl Strategy<Value = CampaignSpec> {
    let head = (
        "[A-Za-z_][A-Za-z0-9_-]{0,20}",
        prop::option::of(any_banner()),
        prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec()),
        any_table(),
        any_table(),
    );
    let body = (
        prop::collection::vec(any_phase(), 0..4),
        prop::option::of(any_schedule()),
        prop::option::of(any_split()),
        any_transform(),
        any_thresholds(),
    );
    (head, body).prop_map(|((name, banner, tz, source, target), body)| {
        let (phases, schedule, split, transform, thresholds) = body;
        CampaignSpec {
            name: nowhere(CampaignName::new(&name).unwrap()),
            banner: banner.map(nowhere),
            zone: nowhere(Zone::parse(tz.name()).unwrap()),
            source: nowhere(source),
            target: nowhere(target),
            phases,
            schedule: schedule.map(nowhere),
            split: split.map(nowhere),
            transform,
            thresholds,
            threshold_spans: Default::default(),
            settings: RunSettings::default(),
            span: Span::default(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn printed_specs_read_back_the_same(spec in any_spec()) {
        let printed = syntax::print(&spec);
        let (parsed, diagnostics) = syntax::parse(&printed);
        prop_assert!(diagnostics.is_empty(), "{printed}\n{diagnostics:#?}");
        let parsed = parsed.unwrap();
        prop_assert_eq!(normalised(&parsed), normalised(&spec), "{}", printed);
        prop_assert_eq!(syntax::print(&parsed), printed);
    }
}
