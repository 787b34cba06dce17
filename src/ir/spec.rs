//! A campaign as written, before its schedule is expanded into phases. Both
//! front ends (`.bnr` and YAML) produce this; `plan::expand` turns it into a
//! [`Campaign`](super::Campaign).

use chrono::NaiveDate;

use super::{
    BannerId, CampaignName, DateRange, LogName, PhaseId, Span, Spanned, TableRef, ThresholdSpans,
    Thresholds, Transform, Zone,
};

/// A campaign as written.
#[derive(Debug, Clone)]
pub struct CampaignSpec {
    pub name: Spanned<CampaignName>,
    pub banner: Option<Spanned<BannerId>>,
    /// The zone; a campaign that names none gets UTC, spanned at its name.
    pub zone: Spanned<Zone>,
    pub source: Spanned<TableRef>,
    pub target: Spanned<TableRef>,
    /// Explicit phases (`phase N: …`, YAML `date_mapping.phases`).
    pub phases: Vec<PhaseSpec>,
    /// A generated schedule of target dates, if any.
    pub schedule: Option<Spanned<Schedule>>,
    /// How the source window is cut for a schedule, if any.
    pub split: Option<Spanned<Split>>,
    pub transform: Transform,
    pub thresholds: Thresholds,
    /// Where each threshold is written, for diagnostics about it.
    pub threshold_spans: ThresholdSpans,
    pub settings: RunSettings,
    /// The whole campaign.
    pub span: Span,
}

/// An explicit phase as written.
#[derive(Debug, Clone)]
pub struct PhaseSpec {
    pub id: Spanned<PhaseId>,
    pub takes: Vec<Spanned<DateRange>>,
    pub special: Vec<Spanned<LogName>>,
    pub except: Vec<Spanned<LogName>>,
    pub target: Spanned<NaiveDate>,
    /// `as "SUFFIX"`; the target date when absent.
    pub suffix: Option<Spanned<String>>,
    /// A banner for this phase only; the campaign's when absent.
    pub banner: Option<Spanned<BannerId>>,
    pub span: Span,
}

/// When the campaign's banners are shown: the target slots to fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Every day of the range, `per_day` banners a day (`x N`).
    Daily { range: DateRange, per_day: u32 },
    /// Every `every` days over the range, starting at its first day.
    Every { every: u32, range: DateRange },
    /// One day.
    Single(NaiveDate),
    /// Listed days.
    Dates(Vec<Spanned<NaiveDate>>),
    /// Every day of the range; day `k` shows `banners[(k / every) % len]`.
    Rotate {
        banners: Vec<Spanned<BannerId>>,
        every: u32,
        range: DateRange,
    },
}

/// How the source window is cut into one period per target slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The source window (`from A..B`).
    pub window: Spanned<DateRange>,
    pub kind: SplitKind,
}

/// The cutting rule of a [`Split`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitKind {
    /// Contiguous periods of whole days; earlier periods get the extra days.
    Equal,
    /// Contiguous periods of about this many rows each, cut from day counts.
    Volume(u64),
}

/// Run settings a YAML configuration carries (`execution`, `logging`,
/// `notification`, and `campaign.execution_mode`). They belong to the
/// environment, not the campaign; they are kept so `import` can hand them on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSettings {
    pub execution_mode: Option<String>,
    pub execution: Option<serde_json::Value>,
    pub logging: Option<serde_json::Value>,
    pub notification: Option<serde_json::Value>,
    pub description: Option<String>,
}
