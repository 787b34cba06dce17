//! The diagnostic codes of schedule expansion (the E04xx family).

/// A phase or schedule has no banner: neither its own nor the campaign's.
pub const NO_BANNER: &str = "E0401";
/// An output log name `H_<banner>_distinct_<suffix>` was refused.
pub const BAD_LOG_NAME: &str = "E0402";
/// Explicit phases are mixed with a schedule or a split.
pub const MIXED_PHASES: &str = "E0403";
/// A schedule has no `from A..B split …` to take its source days from.
pub const SCHEDULE_WITHOUT_SPLIT: &str = "E0404";
/// A split has no schedule to cut its window for.
pub const SPLIT_WITHOUT_SCHEDULE: &str = "E0405";
/// A step or count of zero: `every 0 days`, `x 0`.
pub const ZERO_STEP: &str = "E0406";
/// A rotation that names no banner.
pub const EMPTY_ROTATION: &str = "E0407";
/// A date listed twice in `schedule dates`.
pub const DUPLICATE_DATE: &str = "E0408";
/// A source window with fewer days than the schedule has target slots.
pub const WINDOW_TOO_SHORT: &str = "E0409";
/// A volume split without the per-day row counts of the source.
pub const COUNTS_NEEDED: &str = "E0410";
/// A volume per slot larger than the whole window's rows.
pub const VOLUME_TOO_LARGE: &str = "E0411";
/// A volume period further from its expected rows than `variance` allows.
pub const VARIANCE_EXCEEDED: &str = "E0412";
/// `split volume 0`.
pub const ZERO_VOLUME: &str = "E0413";
/// `schedule dates` with no date.
pub const EMPTY_SCHEDULE: &str = "E0414";
/// A schedule with more target slots than a campaign may have.
pub const TOO_MANY_SLOTS: &str = "E0415";
/// A computed date fell outside the calendar (an internal limit, not a typo).
pub const DATE_OUT_OF_RANGE: &str = "E0416";
/// A volume split whose window holds too few rows for every slot.
pub const VOLUME_SHORT: &str = "W0417";
/// Day counts given for days outside the split's window (ignored).
pub const COUNTS_OUTSIDE_WINDOW: &str = "W0418";
