//! The typed IR: campaigns, phases and operations. Types only; every value
//! here was validated when it was built, so later stages never re-check it.

mod campaign;
mod names;
mod ops;
mod span;
mod spec;

pub use campaign::{Campaign, Phase, PhaseId, ThresholdSpans, Thresholds, Transform};
pub use names::{
    BannerId, CampaignName, DateRange, LogName, NameError, StartTimeFormat, TableRef, Zone,
    is_output_form,
};
pub use ops::{Access, Mode, Operation, RowSet};
pub use span::{Span, Spanned};
pub use spec::{CampaignSpec, PhaseSpec, RunSettings, Schedule, Split, SplitKind};

/// The ledger of runs: a table of this name in the target's dataset.
pub const LEDGER_TABLE: &str = "bannerc_runs";
