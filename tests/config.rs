//! The YAML front end: the design's configurations read into the same
//! `CampaignSpec` a `.bnr` file gives, and every error pinned to the line,
//! column and width of the text it is about, with the key path named.

use bannerc::config::parse;
use bannerc::diag::Diagnostic;
use bannerc::ir::{CampaignSpec, PhaseSpec, RunSettings, Schedule, Span, SplitKind, Thresholds};
use chrono::NaiveDate;
use proptest::prelude::*;

const DESIGN: &str = include_str!("../examples/original_design.yaml");
const WORKED: &str = include_str!("../examples/worked_example.yaml");

/// A small valid campaign; error tests change one line of it.
const BASE: &str = "\
campaign:
  banner_id: 5902
  campaign_name: Q4
source:
  project_id: p
  dataset: d
  table: staging
target:
  project_id: p
  dataset: d
  table: calls
date_mapping:
  phases:
    - phase_id: 1
      source_start: 2025-04-01
      source_end: 2025-04-21
      target_date: 2025-04-25
    - phase_id: 2
      source_start: 2025-04-22
      source_end: 2025-04-24
      target_date: 2025-04-26
";

/// The head every fragment of the design's "Configuration Examples" needs.
const HEAD: &str = "\
campaign:
  campaign_name: Example
source: {project_id: p, dataset: d, table: staging}
target: {project_id: p, dataset: d, table: calls}
";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Parse text that must be read without any diagnostic.
fn clean(source: &str) -> CampaignSpec {
    let (spec, diags) = parse(source);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    spec.expect("a spec when there is no diagnostic")
}

/// Parse text that must give exactly one error and no spec.
fn one_error(source: &str) -> Diagnostic {
    let (spec, diags) = parse(source);
    assert!(spec.is_none(), "no spec may be returned with an error");
    assert_eq!(diags.len(), 1, "expected one diagnostic, got {diags:#?}");
    assert!(diags[0].is_error());
    diags.into_iter().next().unwrap()
}

/// 1-based line and column (in characters) of a span's start, and its width in bytes.
fn place(source: &str, span: Span) -> (usize, usize, usize) {
    let before = &source[..span.start];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column, span.len())
}

fn text(source: &str, span: Span) -> &str {
    &source[span.start..span.end]
}

fn takes(phase: &PhaseSpec) -> Vec<(NaiveDate, NaiveDate)> {
    phase
        .takes
        .iter()
        .map(|range| (range.start(), range.end()))
        .collect()
}

fn names<T: ToString>(items: &[bannerc::ir::Spanned<T>]) -> Vec<String> {
    items.iter().map(|item| item.node.to_string()).collect()
}

#[test]
fn the_design_sample_parses_cleanly() {
    let spec = clean(DESIGN);
    assert_eq!(spec.name.as_str(), "Q4_Banner_Campaign");
    assert_eq!(spec.banner.as_ref().unwrap().as_str(), "5902");
    assert_eq!(spec.zone.name(), "UTC");
    assert_eq!(
        spec.source.to_string(),
        "clirnet-dev.request_edit.H_5902_distinct_data"
    );
    assert_eq!(
        spec.target.to_string(),
        "clirnetapp.banner_data.banner_call_data"
    );
    // Explicit phases win over the volume_based and time_based keys beside them.
    assert!(spec.schedule.is_none());
    assert!(spec.split.is_none());
    let ids: Vec<u32> = spec.phases.iter().map(|p| p.id.node).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        takes(&spec.phases[0]),
        [(date("2025-04-01"), date("2025-04-21"))]
    );
    assert_eq!(
        takes(&spec.phases[1]),
        [(date("2025-04-22"), date("2025-04-24"))]
    );
    assert_eq!(
        takes(&spec.phases[2]),
        [(date("2025-04-25"), date("2025-04-28"))]
    );
    let targets: Vec<NaiveDate> = spec.phases.iter().map(|p| p.target.node).collect();
    assert_eq!(
        targets,
        [date("2025-04-25"), date("2025-04-26"), date("2025-04-27")]
    );
    assert!(names(&spec.phases[0].except).is_empty());
    assert_eq!(
        names(&spec.phases[1].except),
        ["H_5902_distinct_2025-04-25"]
    );
    assert_eq!(
        names(&spec.phases[2].except),
        ["H_5902_distinct_2025-04-25", "H_5902_distinct_2025-04-26"]
    );
    for phase in &spec.phases {
        assert!(
            phase.special.is_empty(),
            "special_source: null is no special source"
        );
        assert!(
            phase.suffix.is_none(),
            "a suffix equal to the target date is the default"
        );
        assert!(phase.banner.is_none());
    }
}

#[test]
fn the_design_sample_keeps_thresholds_transform_and_settings() {
    let spec = clean(DESIGN);
    assert_eq!(spec.thresholds.min_rows_per_phase, 1000);
    assert_eq!(spec.thresholds.max_rows_per_phase, Some(10_000_000));
    assert_eq!(spec.thresholds.max_variance, Some(0.05));
    assert_eq!(spec.thresholds.max_unreadable_start_time, 0);
    let spans = spec.threshold_spans;
    assert_eq!(
        text(DESIGN, spans.variance.unwrap()),
        "max_variance_from_expected: 0.05"
    );
    assert_eq!(
        text(DESIGN, spans.rows_per_phase.unwrap()),
        "min_records_per_phase: 1000"
    );
    assert_eq!(spans.unreadable, None);
    assert_eq!(spec.transform.end_offset_secs, 5);
    assert_eq!(
        spec.transform.start_time_format.as_str(),
        "%Y-%m-%d %H:%M:%S"
    );
    let settings = &spec.settings;
    assert_eq!(settings.execution_mode.as_deref(), Some("safe"));
    assert_eq!(
        settings.description.as_deref(),
        Some("Banner campaign for Q4 2025")
    );
    let execution = settings.execution.as_ref().unwrap();
    assert_eq!(execution["batch_size"], 10000);
    assert_eq!(execution["parallel_execution"], false);
    assert_eq!(settings.logging.as_ref().unwrap()["level"], "INFO");
    let notification = settings.notification.as_ref().unwrap();
    assert_eq!(notification["on_failure"][2]["pagerduty_integration"], true);
    assert_eq!(notification["on_success"].as_array().unwrap().len(), 2);
}

/// The worked example means what LANGUAGE.md's first example means: the
/// same values, field by field, as `campaign Q4_Banner_Campaign { … }`.
#[test]
fn the_worked_example_equals_the_language_example() {
    let spec = clean(WORKED);
    assert_eq!(spec.name.as_str(), "Q4_Banner_Campaign");
    assert_eq!(spec.banner.as_ref().unwrap().as_str(), "5902");
    assert_eq!(spec.zone.name(), "UTC");
    assert_eq!(
        spec.source.to_string(),
        "clirnet-dev.request_edit.H_5902_distinct_data"
    );
    assert_eq!(
        spec.target.to_string(),
        "clirnetapp.banner_data.banner_call_data"
    );
    assert!(spec.schedule.is_none());
    assert!(spec.split.is_none());
    let expected = [
        (1, "2025-04-01", "2025-04-21", "2025-04-25", vec![]),
        (2, "2025-04-22", "2025-04-24", "2025-04-26", vec![]),
        (
            3,
            "2025-04-25",
            "2025-04-28",
            "2025-04-27",
            vec!["add-report-prod-server"],
        ),
    ];
    assert_eq!(spec.phases.len(), expected.len());
    for (phase, (id, start, end, target, special)) in spec.phases.iter().zip(expected) {
        assert_eq!(phase.id.node, id);
        assert_eq!(takes(phase), [(date(start), date(end))]);
        assert_eq!(phase.target.node, date(target));
        assert_eq!(names(&phase.special), special);
        assert!(phase.except.is_empty());
        assert!(phase.suffix.is_none());
        assert!(phase.banner.is_none());
    }
    assert_eq!(spec.transform.end_offset_secs, 5);
    assert_eq!(
        spec.transform.start_time_format.as_str(),
        "%Y-%m-%d %H:%M:%S"
    );
    assert_eq!(spec.thresholds.min_rows_per_phase, 1000);
    assert_eq!(spec.thresholds.max_rows_per_phase, Some(10_000_000));
    assert_eq!(spec.thresholds.max_variance, None);
    assert_eq!(spec.thresholds.max_unreadable_start_time, 0);
    assert_eq!(spec.settings, RunSettings::default());
}

/// Everything a spec says, without where it is written.
#[derive(Debug, PartialEq)]
struct Meaning {
    name: String,
    banner: Option<String>,
    zone: String,
    tables: (String, String),
    phases: Vec<String>,
    schedule: Option<String>,
    split: Option<String>,
    transform: (i64, String),
    thresholds: Thresholds,
    settings: RunSettings,
}

fn meaning(spec: &CampaignSpec) -> Meaning {
    let phase = |p: &PhaseSpec| {
        let banner = p.banner.as_ref().map(|b| b.node.to_string());
        let ranges: Vec<String> = p.takes.iter().map(|r| r.node.to_string()).collect();
        let (special, except) = (names(&p.special), names(&p.except));
        let suffix = p.suffix.as_ref().map(|s| s.node.clone());
        format!(
            "{} {ranges:?} +{special:?} -{except:?} -> {} as {suffix:?} banner {banner:?}",
            p.id.node, p.target.node
        )
    };
    let schedule = spec.schedule.as_ref().map(|s| match &s.node {
        Schedule::Dates(dates) => format!("dates {:?}", names(dates)),
        Schedule::Rotate {
            banners,
            every,
            range,
        } => {
            format!("rotate {:?} every {every} over {range}", names(banners))
        }
        other => format!("{other:?}"),
    });
    Meaning {
        name: spec.name.to_string(),
        banner: spec.banner.as_ref().map(|b| b.node.to_string()),
        zone: spec.zone.name().to_string(),
        tables: (spec.source.to_string(), spec.target.to_string()),
        phases: spec.phases.iter().map(phase).collect(),
        schedule,
        split: spec
            .split
            .as_ref()
            .map(|s| format!("{} {:?}", s.window.node, s.kind)),
        transform: (
            spec.transform.end_offset_secs,
            spec.transform.start_time_format.as_str().into(),
        ),
        thresholds: spec.thresholds.clone(),
        settings: spec.settings.clone(),
    }
}

fn bnr(source: &str) -> CampaignSpec {
    let (spec, diags) = bannerc::syntax::parse(source);
    assert!(
        diags.is_empty(),
        "the .bnr example must compile: {diags:#?}"
    );
    spec.unwrap()
}

/// The worked example and LANGUAGE.md's first example, each read by its
/// own front end, mean the same campaign.
#[test]
fn the_worked_example_means_what_the_bnr_example_means() {
    let language = "\
// Q4: three days of traffic for banner 5902, built from April's logs.
campaign Q4_Banner_Campaign {
    banner 5902
    source `clirnet-dev.request_edit.H_5902_distinct_data`
    target `clirnetapp.banner_data.banner_call_data`
    zone   UTC

    phase 1: 2025-04-01..2025-04-21 -> 2025-04-25
    phase 2: 2025-04-22..2025-04-24 -> 2025-04-26
    phase 3: 2025-04-25..2025-04-28 + log \"add-report-prod-server\" -> 2025-04-27

    end_time = start_time + 5s

    check {
        records_per_phase 1_000..10_000_000
    }
}
";
    assert_eq!(meaning(&clean(WORKED)), meaning(&bnr(language)));
}

/// LANGUAGE.md's generated-phase examples, written in the design's YAML.
#[test]
fn generated_schedules_mean_what_the_bnr_examples_mean() {
    let daily_yaml = "\
campaign: {campaign_name: May_Daily, banner_id: 5903}
source: {project_id: p, dataset: d, table: staging}
target: {project_id: p, dataset: d, table: banner_call_data}
frequency_requirement: {type: daily, start_date: 2025-05-01, end_date: 2025-05-07}
date_mapping:
  strategy: time_based
  source_data_start: 2025-04-01
  source_data_end: 2025-04-30
  split_method: equal_periods
";
    let daily_bnr = "\
campaign May_Daily {
    banner 5903
    source `p.d.staging`
    target `p.d.banner_call_data`

    schedule daily 2025-05-01..2025-05-07
    from 2025-04-01..2025-04-30 split equal
}
";
    assert_eq!(meaning(&clean(daily_yaml)), meaning(&bnr(daily_bnr)));

    let rotation_yaml = "\
campaign: {campaign_name: June_Rotation}
source: {project_id: p, dataset: d, table: staging}
target: {project_id: p, dataset: d, table: banner_call_data}
frequency_requirement:
  type: rotating
  banner_sequence: [5901, 5902, 5903]
  rotation_frequency_days: 3
  start_date: 2025-06-01
  end_date: 2025-06-30
date_mapping:
  strategy: volume_based
  records_per_banner: 500000
  source_data_start: 2025-05-01
  source_data_end: 2025-05-31
";
    let rotation_bnr = "\
campaign June_Rotation {
    source `p.d.staging`
    target `p.d.banner_call_data`

    schedule rotate 5901, 5902, 5903 every 3 days over 2025-06-01..2025-06-30
    from 2025-05-01..2025-05-31 split volume 500_000
}
";
    assert_eq!(meaning(&clean(rotation_yaml)), meaning(&bnr(rotation_bnr)));
}

#[test]
fn the_worked_example_points_at_its_text() {
    let spec = clean(WORKED);
    let phase = &spec.phases[2];
    assert_eq!(
        text(WORKED, phase.special[0].span),
        "add-report-prod-server"
    );
    assert_eq!(text(WORKED, phase.target.span), "\"2025-04-27\"");
    assert_eq!(text(WORKED, phase.id.span), "3");
    let range = text(WORKED, phase.takes[0].span);
    assert!(range.starts_with("\"2025-04-25\"") && range.ends_with("\"2025-04-28\""));
    assert_eq!(text(WORKED, spec.name.span), "Q4_Banner_Campaign");
    assert_eq!(text(WORKED, spec.zone.span), "UTC");
    assert!(text(WORKED, phase.span).starts_with("phase_id: 3"));
}

#[test]
fn design_example_1_is_a_daily_schedule_over_an_equal_split() {
    let source = format!(
        "{HEAD}frequency_requirement:
  type: \"daily\"
  start_date: \"2025-05-01\"
  end_date: \"2025-05-07\"
  banner_count_per_day: 1
date_mapping:
  strategy: \"time_based\"
  source_data_start: \"2025-04-01\"
  source_data_end: \"2025-04-30\"
  split_method: \"equal_periods\"
"
    );
    let spec = clean(&source);
    assert!(spec.phases.is_empty());
    let Schedule::Daily { range, per_day } = &spec.schedule.as_ref().unwrap().node else {
        panic!("expected a daily schedule")
    };
    assert_eq!(
        (range.start(), range.end(), *per_day),
        (date("2025-05-01"), date("2025-05-07"), 1)
    );
    let split = &spec.split.as_ref().unwrap().node;
    assert_eq!(split.kind, SplitKind::Equal);
    assert_eq!(
        (split.window.start(), split.window.end()),
        (date("2025-04-01"), date("2025-04-30"))
    );
    assert!(spec.banner.is_none());
}

#[test]
fn design_example_2_is_explicit_phases_with_an_informational_frequency() {
    let source = format!(
        "{HEAD}frequency_requirement:
  type: \"custom\"
  target_dates: [\"2025-04-25\", \"2025-04-26\", \"2025-04-27\"]
date_mapping:
  strategy: \"custom\"
  phases:
    - phase_id: 1
      source_start: \"2025-04-01\"
      source_end: \"2025-04-10\"
      target_date: \"2025-04-25\"

    - phase_id: 2
      source_start: \"2025-04-11\"
      source_end: \"2025-04-20\"
      target_date: \"2025-04-26\"

    - phase_id: 3
      source_start: \"2025-04-21\"
      source_end: \"2025-04-28\"
      target_date: \"2025-04-27\"
"
    );
    let spec = clean(&source);
    assert!(spec.schedule.is_none() && spec.split.is_none());
    assert_eq!(
        takes(&spec.phases[1]),
        [(date("2025-04-11"), date("2025-04-20"))]
    );
}

/// A rotating frequency over explicit phases, with `phase_2` spliced into
/// the second phase's line.
fn rotation_over_phases(phase_2: &str) -> String {
    format!(
        "{HEAD}frequency_requirement:
  type: rotating
  start_date: \"2025-06-01\"
  end_date: \"2025-06-04\"
  banner_sequence: [\"5901\", \"5902\"]
  rotation_frequency_days: 2
date_mapping:
  strategy: custom
  phases:
    - {{phase_id: 1, source_start: \"2025-05-01\", source_end: \"2025-05-10\", target_date: \"2025-06-01\"}}
    - {{phase_id: 2, {phase_2}source_start: \"2025-05-11\", source_end: \"2025-05-20\", target_date: \"2025-06-02\"}}
    - {{phase_id: 3, source_start: \"2025-05-21\", source_end: \"2025-05-25\", target_date: \"2025-06-03\"}}
    - {{phase_id: 4, source_start: \"2025-05-26\", source_end: \"2025-05-31\", target_date: \"2025-06-04\"}}
"
    )
}

#[test]
fn a_rotation_over_explicit_phases_gives_each_phase_its_banner() {
    // SEMANTICS.md: b_i is the campaign's banner unless a rotation says
    // otherwise; here there is no campaign banner at all.
    let spec = clean(&rotation_over_phases(""));
    let banners: Vec<Option<String>> = spec
        .phases
        .iter()
        .map(|p| p.banner.as_ref().map(|b| b.node.as_str().to_string()))
        .collect();
    let expected = ["5901", "5901", "5902", "5902"].map(|b| Some(b.to_string()));
    assert_eq!(banners, expected);
    let campaign = bannerc::plan::expand(&spec, None).unwrap();
    let names: Vec<&str> = campaign
        .phases
        .iter()
        .map(|p| p.log_name.as_str())
        .collect();
    assert_eq!(names[2], "H_5902_distinct_2025-06-03");

    // A phase's own banner agrees with the rotation, or it is a typo.
    clean(&rotation_over_phases("banner_id: \"5901\", "));
    let source = rotation_over_phases("banner_id: \"5909\", ");
    let error = one_error(&source);
    assert!(
        error.message.contains(
            "phase 2 shows banner 5909, but the rotation shows banner 5901 on 2025-06-02"
        ),
        "{}",
        error.message
    );
    assert_eq!(text(&source, error.span()), "\"5909\"");
}

#[test]
fn design_example_3_is_a_rotation_that_needs_a_source_window() {
    let example = "frequency_requirement:
  type: \"rotating\"
  start_date: \"2025-06-01\"
  end_date: \"2025-06-30\"
  banner_sequence:
    - \"5901\"
    - \"5902\"
    - \"5903\"
  rotation_frequency_days: 3
date_mapping:
  strategy: \"volume_based\"
  records_per_banner: 500000
";
    let source = format!("{HEAD}{example}");
    let error = one_error(&source);
    assert_eq!(error.code, "E0205");
    assert_eq!(
        error.message,
        "date_mapping: strategy `volume_based` needs source_data_start and source_data_end \
         (the source days to split)"
    );
    assert_eq!(place(&source, error.span()), (14, 1, 12));

    let source =
        format!("{source}  source_data_start: 2025-05-01\n  source_data_end: 2025-05-31\n");
    let spec = clean(&source);
    let Schedule::Rotate {
        banners,
        every,
        range,
    } = &spec.schedule.as_ref().unwrap().node
    else {
        panic!("expected a rotation")
    };
    assert_eq!(names(banners), ["5901", "5902", "5903"]);
    assert_eq!(
        (*every, range.start(), range.end()),
        (3, date("2025-06-01"), date("2025-06-30"))
    );
    assert_eq!(
        spec.split.as_ref().unwrap().kind,
        SplitKind::Volume(500_000)
    );
}

#[test]
fn a_date_that_does_not_exist_is_named_by_its_path() {
    let source = BASE.replace("target_date: 2025-04-26", "target_date: 2025-02-30");
    let error = one_error(&source);
    assert_eq!(error.code, "E0301");
    assert_eq!(
        error.message,
        "date_mapping.phases[1].target_date: `2025-02-30` is not a real date"
    );
    assert_eq!(error.hint.as_deref(), Some("2025-02 has 28 days"));
    assert_eq!(place(&source, error.span()), (21, 20, 10));
}

#[test]
fn a_reversed_range_points_at_its_end_and_start() {
    let source = BASE.replace("source_end: 2025-04-21", "source_end: 2025-03-21");
    let error = one_error(&source);
    assert_eq!(error.code, "E0302");
    assert!(
        error
            .message
            .starts_with("date_mapping.phases[0].source_end: the range 2025-04-01..2025-03-21")
    );
    assert_eq!(place(&source, error.span()), (16, 19, 10));
    assert_eq!(place(&source, error.labels[1].span), (15, 21, 10));
}

#[test]
fn an_unknown_zone_is_refused_at_its_value() {
    let source = BASE.replace(
        "  campaign_name: Q4\n",
        "  campaign_name: Q4\n  zone: Asia/Kolkatta\n",
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0303");
    assert_eq!(
        error.message,
        "campaign.zone: `Asia/Kolkatta` is not a known IANA time zone"
    );
    assert_eq!(place(&source, error.span()), (4, 9, 13));
}

#[test]
fn a_zone_given_as_timezone_is_read() {
    let source = BASE.replace(
        "  campaign_name: Q4\n",
        "  campaign_name: Q4\n  timezone: Asia/Kolkata\n",
    );
    assert_eq!(clean(&source).zone.name(), "Asia/Kolkata");
}

#[test]
fn a_malformed_table_points_at_the_wrong_part() {
    let source = BASE.replacen("project_id: p", "project_id: Clirnet_Dev", 1);
    let error = one_error(&source);
    assert_eq!(error.code, "E0304");
    assert_eq!(
        error.message,
        "source.project_id: `Clirnet_Dev` is not a valid BigQuery project id"
    );
    assert_eq!(place(&source, error.span()), (5, 15, 11));

    let source = BASE.replace("table: calls", "table: banner.calls");
    let error = one_error(&source);
    assert_eq!(error.message, "target.table: `banner.calls` contains a `.`");
    assert_eq!(place(&source, error.span()), (11, 10, 12));
}

#[test]
fn an_unknown_frequency_type_lists_the_known_ones() {
    let source = format!(
        "{BASE}frequency_requirement:\n  type: weekly\n  target_dates: [2025-04-25, 2025-04-26]\n"
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0206");
    assert_eq!(
        error.message,
        "frequency_requirement.type: `weekly` is not one of `daily` | `periodic` | \
         `single_event` | `custom` | `rotating`"
    );
    assert_eq!(place(&source, error.span()), (23, 9, 6));
}

#[test]
fn an_unknown_key_suggests_the_close_one() {
    let source = BASE.replace("source_start: 2025-04-22", "source_strat: 2025-04-22");
    let (spec, diags) = parse(&source);
    assert!(spec.is_none());
    let error = &diags[0];
    assert_eq!(error.code, "E0203");
    assert_eq!(
        error.message,
        "date_mapping.phases[1].source_strat: unknown key `source_strat`"
    );
    assert_eq!(error.hint.as_deref(), Some("did you mean `source_start`?"));
    assert_eq!(place(&source, error.span()), (19, 7, 12));
    // The key it replaced is then missing, and said so once.
    assert_eq!(diags.len(), 2);
    assert_eq!(
        diags[1].message,
        "date_mapping.phases[1].source_start is missing"
    );
}

#[test]
fn an_unknown_section_is_named() {
    let source = format!("{BASE}notifications:\n  email: ops@example.com\n");
    let error = one_error(&source);
    assert_eq!(
        error.message,
        "notifications: unknown section `notifications`"
    );
    assert_eq!(error.hint.as_deref(), Some("did you mean `notification`?"));
    assert_eq!(place(&source, error.span()), (22, 1, 13));
}

#[test]
fn text_where_a_list_is_expected_is_a_type_error() {
    let source = BASE.replace(
        "      target_date: 2025-04-26\n",
        "      target_date: 2025-04-26\n      exclude_lognames: \"H_5902_distinct_2025-04-25\"\n",
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0204");
    assert_eq!(
        error.message,
        "date_mapping.phases[1].exclude_lognames: invalid type: string \
         \"H_5902_distinct_2025-04-25\", expected a list"
    );
    assert_eq!(place(&source, error.span()), (22, 25, 28));
}

#[test]
fn a_special_source_may_be_one_name_or_a_list() {
    let one = BASE.replace(
        "target_date: 2025-04-26",
        "target_date: 2025-04-26\n      special_source: a",
    );
    assert_eq!(names(&clean(&one).phases[1].special), ["a"]);
    let two = BASE.replace(
        "target_date: 2025-04-26",
        "target_date: 2025-04-26\n      special_source: [a, b]",
    );
    let spec = clean(&two);
    assert_eq!(names(&spec.phases[1].special), ["a", "b"]);
    assert_eq!(text(&two, spec.phases[1].special[1].span), "b");
}

#[test]
fn a_yaml_syntax_error_is_placed_where_the_scanner_stopped() {
    let source = BASE.replace(
        "  dataset: d\n  table: staging",
        "  dataset: d\n table: staging",
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0201");
    assert!(
        error.message.starts_with("YAML syntax error: "),
        "{}",
        error.message
    );
    assert_eq!(place(&source, error.span()), (7, 7, 1));

    let source = "campaign: [banner_id, 5902\nsource: x\n";
    let error = one_error(source);
    assert_eq!(error.code, "E0201");
    assert_eq!(place(source, error.span()), (2, 7, 1));
}

#[test]
fn a_phase_that_cannot_be_read_is_not_also_a_frequency_disagreement() {
    let frequency =
        "frequency_requirement:\n  type: custom\n  target_dates: [2025-04-25, 2025-04-26]\n";
    for broken in [
        BASE.replace("source_end: 2025-04-24", "source_end: 2025-04-31"),
        BASE.replace("target_date: 2025-04-26", "target_dat: 2025-04-26"),
    ] {
        let (spec, diagnostics) = parse(&format!("{broken}{frequency}"));
        assert!(spec.is_none());
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code == "E0301" || d.code == "E0205")
        );
        assert!(
            diagnostics.iter().all(|d| d.code != "E0209"),
            "{diagnostics:#?}"
        );
    }
}

#[test]
fn a_frequency_that_disagrees_with_the_phases_names_both_places() {
    let source = format!(
        "{BASE}frequency_requirement:\n  type: custom\n  target_dates: [2025-04-25, 2025-04-27]\n"
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0209");
    assert_eq!(
        error.message,
        "frequency_requirement and date_mapping.phases disagree: it schedules 2025-04-27, \
         which no phase targets; phase 2 targets 2025-04-26, which it does not schedule"
    );
    assert_eq!(place(&source, error.span()).0, 23);
    assert_eq!(place(&source, error.labels[1].span), (21, 20, 10));

    // Beyond three, the days left out are counted.
    let source = format!(
        "{BASE}frequency_requirement:\n  type: daily\n  start_date: 2025-04-25\n  end_date: 2025-05-02\n"
    );
    let error = one_error(&source);
    assert!(
        error.message.contains(
            "it schedules 2025-04-29, which no phase targets; it schedules 3 more days no phase targets"
        ),
        "{}",
        error.message
    );
}

#[test]
fn a_phase_outside_the_stated_source_window_names_both_places() {
    let inside = BASE.replace(
        "date_mapping:\n",
        "date_mapping:\n  source_data_start: 2025-04-01\n  source_data_end: 2025-04-24\n",
    );
    let (spec, diagnostics) = bannerc::config::parse(&inside);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(spec.unwrap().phases.len(), 2);

    let source = inside.replace("source_data_end: 2025-04-24", "source_data_end: 2025-04-23");
    let error = one_error(&source);
    assert_eq!(error.code, "E0211");
    assert_eq!(
        error.message,
        "phase 2 takes 2025-04-22..2025-04-24, outside the source window 2025-04-01..2025-04-23 \
         of source_data_start and source_data_end"
    );
    assert_eq!(place(&source, error.span()).0, 21);
    assert_eq!(place(&source, error.labels[1].span).0, 13);
}

#[test]
fn a_frequency_key_the_type_does_not_read_is_an_error() {
    let source = format!(
        "{BASE}frequency_requirement:\n  type: daily\n  start_date: 2025-04-25\n  \
         end_date: 2025-04-26\n  target_dates: [2025-04-25]\n"
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0208");
    assert_eq!(
        error.message,
        "frequency_requirement.target_dates: not used by type `daily`"
    );
    assert_eq!(place(&source, error.span()), (26, 3, 12));
}

#[test]
fn epoch_milliseconds_are_refused_clearly() {
    let source = format!(
        "{BASE}transformation:\n  json_field_updates:\n    timestamp_get_source: epoch_ms\n"
    );
    let error = one_error(&source);
    assert_eq!(error.code, "E0207");
    assert_eq!(
        error.message,
        "transformation.json_field_updates.timestamp_get_source: `epoch_ms` is not supported"
    );
    assert_eq!(place(&source, error.span()), (24, 27, 8));
}

#[test]
fn unknown_check_names_and_bad_thresholds_are_reported_together() {
    let source = format!(
        "{BASE}validation:\n  pre_execution: [check_source_data_exist]\n  thresholds:\n    \
         min_records_per_phase: 10\n    max_records_per_phase: 5\n    \
         max_variance_from_expected: 5\n"
    );
    let (spec, diags) = parse(&source);
    assert!(spec.is_none());
    let found: Vec<(&str, (usize, usize, usize))> = diags
        .iter()
        .map(|d| (d.code, place(&source, d.span())))
        .collect();
    assert_eq!(
        found,
        [
            ("E0206", (23, 19, 23)),
            ("E0309", (26, 28, 1)),
            ("E0309", (27, 33, 1))
        ]
    );
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("did you mean `check_source_data_exists`?")
    );
}

#[test]
fn a_key_written_twice_points_at_both() {
    let source = BASE.replace("  table: calls\n", "  table: calls\n  table: calls2\n");
    let error = one_error(&source);
    assert_eq!(error.code, "E0210");
    assert_eq!(
        error.message,
        "target.table: the key `table` is written twice"
    );
    assert_eq!(place(&source, error.span()), (12, 3, 5));
    assert_eq!(place(&source, error.labels[1].span), (11, 3, 5));
}

#[test]
fn run_settings_take_any_yaml() {
    let source = format!(
        "{BASE}execution:\n  ? [a, b]\n  : 1\n  ratio: .nan\nlogging: !custom {{level: debug}}\n\
         notification: &n [x]\n"
    );
    let settings = clean(&source).settings;
    let execution = settings.execution.unwrap();
    assert_eq!(execution["[\"a\",\"b\"]"], 1);
    assert_eq!(execution["ratio"], ".nan");
    assert_eq!(settings.logging.unwrap()["level"], "debug");
    assert_eq!(settings.notification.unwrap()[0], "x");
}

#[test]
fn a_negative_offset_is_refused() {
    let source = format!("{BASE}transformation:\n  end_time_offset_seconds: -5\n");
    let error = one_error(&source);
    assert_eq!(error.code, "E0309");
    assert_eq!(
        error.message,
        "transformation.end_time_offset_seconds: `-5` is negative"
    );
    assert_eq!(place(&source, error.span()), (23, 28, 2));
}

#[test]
fn missing_sections_and_keys_are_all_named() {
    let source = "campaign:\n  banner_id: 5902\ndate_mapping:\n  phases:\n    - phase_id: 1\n";
    let (spec, diags) = parse(source);
    assert!(spec.is_none());
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "campaign.campaign_name is missing",
            "source is missing",
            "target is missing",
            "date_mapping.phases[0].source_start is missing",
            "date_mapping.phases[0].source_end is missing",
            "date_mapping.phases[0].target_date is missing",
        ]
    );
    assert_eq!(place(source, diags[0].span()), (1, 1, 8));
    assert_eq!(place(source, diags[3].span()), (5, 7, 8));
}

#[test]
fn positions_stay_right_after_non_ascii_text() {
    let source = BASE.replace(
        "  campaign_name: Q4\n",
        "  campaign_name: Q4\n  description: Café ☕ für alle\n  zone: Érde/Nowhere\n",
    );
    let error = one_error(&source);
    assert_eq!(text(&source, error.span()), "Érde/Nowhere");
    assert_eq!(place(&source, error.span()), (5, 9, 13));

    let flow = "campaign: {description: Café ☕, zone: Érde/Nowhere, campaign_name: Q4}\n";
    let source = BASE.replace("campaign:\n  banner_id: 5902\n  campaign_name: Q4\n", flow);
    let error = one_error(&source);
    assert_eq!(text(&source, error.span()), "Érde/Nowhere");
}

#[test]
fn documents_that_are_not_configurations_are_refused() {
    for (source, message, place_of) in [
        ("", "the configuration is empty", (1, 1, 0)),
        (
            "# only a comment\n",
            "the configuration is empty",
            (1, 1, 0),
        ),
        (
            "- campaign\n- source\n",
            "the configuration is a list, not a mapping of sections",
            (1, 1, 19),
        ),
        (
            "just words",
            "the configuration is a single value, not a mapping of sections",
            (1, 1, 10),
        ),
    ] {
        let error = one_error(source);
        assert_eq!((error.code, error.message.as_str()), ("E0202", message));
        assert_eq!(place(source, error.span()), place_of);
    }
    let error = one_error(&format!("{BASE}---\nanother: document\n"));
    assert_eq!(error.code, "E0201");
}

#[test]
fn deep_and_huge_inputs_are_refused_or_read_without_overflow() {
    let deep = "[".repeat(200_000);
    assert_eq!(one_error(&deep).code, "E0201");
    let nested = format!("{BASE}execution: {}{}\n", "[".repeat(150), "]".repeat(150));
    assert!(one_error(&nested).is_error());
    let mut huge = String::from(BASE);
    huge.push_str("execution:\n  hosts:\n");
    for i in 0..100_000 {
        huge.push_str(&format!("    - host-{i}\n"));
    }
    let spec = clean(&huge);
    assert_eq!(
        spec.settings.execution.unwrap()["hosts"]
            .as_array()
            .unwrap()
            .len(),
        100_000
    );
}

/// Every span of every diagnostic lies inside the source, on character boundaries.
fn spans_are_sound(source: &str, diags: &[Diagnostic]) -> bool {
    diags.iter().flat_map(|d| &d.labels).all(|label| {
        let Span { start, end } = label.span;
        end <= source.len() && source.is_char_boundary(start) && source.is_char_boundary(end)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(source in "\\PC*") {
        let (_, diags) = parse(&source);
        prop_assert!(spans_are_sound(&source, &diags));
    }

    #[test]
    fn yaml_like_text_never_panics(
        source in "[a-z_: \\-\\[\\]{},\"'\n#&*!|>0-9.é☕\t\r]{0,300}",
    ) {
        let (_, diags) = parse(&source);
        prop_assert!(spans_are_sound(&source, &diags));
    }

    #[test]
    fn edits_of_the_design_sample_never_panic(
        at in 0usize..DESIGN.len(),
        cut in 0usize..40,
        insert in "[a-z_: \\-\\[\\]{}\"'\n#&*é0-9]{0,12}",
    ) {
        let start = (0..=at).rev().find(|&i| DESIGN.is_char_boundary(i)).unwrap_or(0);
        let end = (start + cut).min(DESIGN.len());
        let end = (end..=DESIGN.len()).find(|&i| DESIGN.is_char_boundary(i));
        let end = end.unwrap_or(DESIGN.len());
        let source = format!("{}{insert}{}", &DESIGN[..start], &DESIGN[end..]);
        let (spec, diags) = parse(&source);
        prop_assert!(spans_are_sound(&source, &diags));
        prop_assert_eq!(spec.is_some(), !bannerc::diag::has_errors(&diags));
    }
}
