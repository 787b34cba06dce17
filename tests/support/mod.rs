//! Builders shared by the integration tests: campaigns made directly as IR
//! values, so that a test does not depend on a front end.

#![allow(dead_code)]

use bannerc::ir::{
    BannerId, CampaignName, CampaignSpec, DateRange, LogName, PhaseSpec, RunSettings, Span,
    Spanned, TableRef, Thresholds, Transform, Zone,
};
use chrono::NaiveDate;

/// A value with an empty span.
pub fn bare<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

/// A date from `YYYY-MM-DD`.
pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a valid test date")
}

/// A range `a..b`.
pub fn range(a: &str, b: &str) -> DateRange {
    DateRange::new(day(a), day(b)).expect("an ordered test range")
}

/// A phase taking `takes`, with specials, exclusions and a target.
pub fn phase(
    id: u32,
    takes: &[DateRange],
    special: &[&str],
    except: &[&str],
    target: NaiveDate,
) -> PhaseSpec {
    PhaseSpec {
        id: bare(id),
        takes: takes.iter().map(|r| bare(*r)).collect(),
        special: special
            .iter()
            .map(|s| bare(LogName::new(s).expect("valid log name")))
            .collect(),
        except: except
            .iter()
            .map(|s| bare(LogName::new(s).expect("valid log name")))
            .collect(),
        target: bare(target),
        suffix: None,
        banner: None,
        span: Span::default(),
    }
}

/// A campaign spec with explicit phases, banner 5902, in `zone`.
pub fn spec(zone: &str, phases: Vec<PhaseSpec>) -> CampaignSpec {
    CampaignSpec {
        name: bare(CampaignName::new("Test_Campaign").expect("valid name")),
        banner: Some(bare(BannerId::new("5902").expect("valid banner"))),
        zone: bare(Zone::parse(zone).expect("valid zone")),
        source: bare(TableRef::parse("p.d.staging").expect("valid table")),
        target: bare(TableRef::parse("p.d.banner_call_data").expect("valid table")),
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

/// The worked example of SEMANTICS.md.
pub fn worked_example() -> CampaignSpec {
    spec(
        "UTC",
        vec![
            phase(
                1,
                &[range("2025-04-01", "2025-04-21")],
                &[],
                &[],
                day("2025-04-25"),
            ),
            phase(
                2,
                &[range("2025-04-22", "2025-04-24")],
                &[],
                &[],
                day("2025-04-26"),
            ),
            phase(
                3,
                &[range("2025-04-25", "2025-04-28")],
                &["add-report-prod-server"],
                &[],
                day("2025-04-27"),
            ),
        ],
    )
}
