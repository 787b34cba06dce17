//! Diagnostic codes of the `.bnr` front end: E01xx for syntax, E03xx for
//! names and values that are written well but are not valid.

/// The whole file is empty (or only comments).
pub const EMPTY_FILE: &str = "E0100";
/// A token the grammar does not allow here.
pub const UNEXPECTED: &str = "E0101";
/// A double-quoted string without its closing quote.
pub const UNTERMINATED_STRING: &str = "E0102";
/// A backtick-quoted table name without its closing backtick.
pub const UNTERMINATED_TABLE: &str = "E0103";
/// A block comment without its `*/`.
pub const UNTERMINATED_COMMENT: &str = "E0104";
/// Characters that start no token.
pub const STRAY: &str = "E0105";
/// An unknown or malformed escape in a string.
pub const BAD_ESCAPE: &str = "E0106";
/// A required item (`source`, `target`) is missing.
pub const MISSING_ITEM: &str = "E0107";
/// An item or check that may appear once appears twice.
pub const DUPLICATE_ITEM: &str = "E0108";
/// A number too large for where it is used.
pub const NUMBER_TOO_LARGE: &str = "E0109";
/// More errors than are worth reading; the rest are not shown.
pub const TOO_MANY_ERRORS: &str = "E0199";

/// A date that is not a real calendar date (`2025-02-30`).
pub const BAD_DATE: &str = "E0301";
/// A date range that ends before it starts.
pub const REVERSED_RANGE: &str = "E0302";
/// A zone name that is not a known IANA time zone.
pub const UNKNOWN_ZONE: &str = "E0303";
/// A table name that is not `project.dataset.table`.
pub const BAD_TABLE: &str = "E0304";
/// A banner id with characters a banner id cannot have.
pub const BAD_BANNER: &str = "E0305";
/// A log name that Cloud Logging cannot have (empty, control characters).
pub const BAD_LOG_NAME: &str = "E0306";
/// A campaign name that is not an identifier.
pub const BAD_CAMPAIGN_NAME: &str = "E0307";
/// A start-time format that is not a full, supported date and time.
pub const BAD_START_TIME_FORMAT: &str = "E0308";
