//! An expanded campaign: the phase list of SEMANTICS.md and its settings.

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    BannerId, CampaignName, DateRange, LogName, RunSettings, Span, Spanned, StartTimeFormat,
    TableRef, Zone,
};

/// A phase's number, as written (`phase 3:`) or as generated (1, 2, …).
pub type PhaseId = u32;

/// A campaign after expansion: only phases remain.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub name: Spanned<CampaignName>,
    /// The default banner `b`; `None` only when every phase names its own.
    pub banner: Option<Spanned<BannerId>>,
    pub zone: Spanned<Zone>,
    pub source: Spanned<TableRef>,
    pub target: Spanned<TableRef>,
    pub phases: Vec<Phase>,
    pub transform: Transform,
    pub thresholds: Thresholds,
    /// Where the thresholds are written (the `check` block's lines).
    pub threshold_spans: ThresholdSpans,
    /// Run settings carried by a YAML configuration (kept, not interpreted).
    pub settings: RunSettings,
    /// Where the schedule that generated the phases is written, if any.
    pub schedule_span: Option<Span>,
    /// Warnings found while expanding the schedule (reported by `check`).
    pub expansion_warnings: Vec<crate::diag::Diagnostic>,
}

/// One phase `P_i` of SEMANTICS.md.
#[derive(Debug, Clone)]
pub struct Phase {
    pub id: PhaseId,
    /// `D_i`: the source days, as closed ranges in the campaign's zone.
    pub takes: Vec<Spanned<DateRange>>,
    /// `S_i`: special logs taken whatever their date.
    pub special: Vec<Spanned<LogName>>,
    /// `X_i`: logs this phase must never take.
    pub except: Vec<Spanned<LogName>>,
    /// `t_i`: the target date.
    pub target: Spanned<NaiveDate>,
    /// `b_i`: the banner id.
    pub banner: BannerId,
    /// The log-name suffix (the target date unless the phase names another).
    pub suffix: String,
    /// `L_i`: the output log name `H_<b_i>_distinct_<suffix>`.
    pub log_name: LogName,
    /// Expected row count, for volume-based campaigns.
    pub expected_rows: Option<u64>,
    /// The whole phase in the source (a generated phase points at its schedule).
    pub span: Span,
}

impl Phase {
    /// Where the phase's log name comes from (its `as` suffix or the phase).
    pub fn log_name_span(&self) -> Span {
        self.span
    }
}

/// How a taken row's JSON fields are rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transform {
    /// `end_time = start_time + end_offset_secs`.
    pub end_offset_secs: i64,
    /// The text format of `start_time` and `end_time`.
    pub start_time_format: StartTimeFormat,
}

impl Default for Transform {
    fn default() -> Self {
        Transform {
            end_offset_secs: 5,
            start_time_format: StartTimeFormat::default(),
        }
    }
}

/// Where each threshold is written, for diagnostics about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThresholdSpans {
    /// `records_per_phase` (YAML: the min and max keys).
    pub rows_per_phase: Option<Span>,
    /// `variance` (YAML: `max_variance_from_expected`).
    pub variance: Option<Span>,
    /// `start_time unreadable`.
    pub unreadable: Option<Span>,
}

impl ThresholdSpans {
    /// `which` when it is written, else any threshold that is, else `fallback`.
    pub fn or_any(&self, which: Option<Span>, fallback: Span) -> Span {
        which
            .or(self.rows_per_phase)
            .or(self.variance)
            .or(self.unreadable)
            .unwrap_or(fallback)
    }
}

/// The data checks' thresholds, with SEMANTICS.md's defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thresholds {
    /// Fewest rows a phase may take (default 1).
    pub min_rows_per_phase: u64,
    /// Most rows a phase may take (default: no limit).
    pub max_rows_per_phase: Option<u64>,
    /// Largest allowed relative distance from a phase's expected count
    /// (volume-based campaigns only), e.g. `0.05` for 5%.
    pub max_variance: Option<f64>,
    /// Most taken rows with an unreadable `start_time` (default 0).
    pub max_unreadable_start_time: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_rows_per_phase: 1,
            max_rows_per_phase: None,
            max_variance: None,
            max_unreadable_start_time: 0,
        }
    }
}
