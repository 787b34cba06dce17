//! The pretty printer: a campaign spec as canonical `.bnr` text that parses
//! back to an equal spec (spans aside). Defaults that change nothing (the
//! start-time format, thresholds) are left out; `zone` and `end_time` are
//! always written, since readers look for them.

use chrono::NaiveDate;

use crate::ir::{
    BannerId, CampaignSpec, DateRange, PhaseSpec, Schedule, Split, SplitKind, StartTimeFormat,
    Thresholds,
};

/// Indentation of the campaign's items.
const INDENT: &str = "    ";

/// Print a campaign as `.bnr` text.
pub fn print(spec: &CampaignSpec) -> String {
    let mut sections = vec![header_lines(spec)];
    sections.push(spec.phases.iter().map(phase_line).collect());
    sections.push(generated_lines(spec));
    sections.push(transform_lines(spec));
    sections.push(check_lines(&spec.thresholds));

    let body: Vec<String> = sections
        .into_iter()
        .filter(|section| !section.is_empty())
        .map(|section| {
            section
                .iter()
                .map(|line| format!("{INDENT}{line}\n"))
                .collect()
        })
        .collect();
    format!("campaign {} {{\n{}}}\n", spec.name.node, body.join("\n"))
}

/// `banner`, `source`, `target` and `zone`.
fn header_lines(spec: &CampaignSpec) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(banner) = &spec.banner {
        lines.push(format!("banner {}", banner_id(banner, false)));
    }
    lines.push(format!("source `{}`", spec.source.node));
    lines.push(format!("target `{}`", spec.target.node));
    lines.push(format!("zone {}", spec.zone.node));
    lines
}

/// `phase N: RANGES CLAUSES -> DATE [as "SUFFIX"] [banner ID]`.
fn phase_line(phase: &PhaseSpec) -> String {
    let mut parts = vec![format!("phase {}:", phase.id.node)];
    if !phase.takes.is_empty() {
        let ranges: Vec<String> = phase.takes.iter().map(|range| date_range(range)).collect();
        parts.push(ranges.join(", "));
    }
    parts.extend(
        phase
            .special
            .iter()
            .map(|name| format!("+ log {}", quote(name.as_str()))),
    );
    parts.extend(
        phase
            .except
            .iter()
            .map(|name| format!("except log {}", quote(name.as_str()))),
    );
    parts.push(format!("-> {}", date(&phase.target)));
    if let Some(suffix) = &phase.suffix {
        parts.push(format!("as {}", quote(suffix)));
    }
    if let Some(banner) = &phase.banner {
        parts.push(format!("banner {}", banner_id(banner, false)));
    }
    parts.join(" ")
}

/// `schedule …` and `from … split …`.
fn generated_lines(spec: &CampaignSpec) -> Vec<String> {
    let schedule = spec
        .schedule
        .as_ref()
        .map(|schedule| schedule_line(schedule));
    let split = spec.split.as_ref().map(|split| split_line(split));
    schedule.into_iter().chain(split).collect()
}

/// One `schedule` line.
fn schedule_line(schedule: &Schedule) -> String {
    let text = match schedule {
        Schedule::Daily { range, per_day: 1 } => format!("daily {}", date_range(range)),
        Schedule::Daily { range, per_day } => format!("daily {} x {per_day}", date_range(range)),
        Schedule::Every { every, range } => {
            format!("every {every} days over {}", date_range(range))
        }
        Schedule::Single(day) => format!("single {}", date(day)),
        Schedule::Dates(days) => {
            let days: Vec<String> = days.iter().map(|day| date(day)).collect();
            format!("dates {}", days.join(", ")).trim_end().to_string()
        }
        Schedule::Rotate {
            banners,
            every,
            range,
        } => {
            let banners: Vec<String> = banners.iter().map(|id| banner_id(id, true)).collect();
            format!(
                "rotate {} every {every} days over {}",
                banners.join(", "),
                date_range(range)
            )
        }
    };
    format!("schedule {text}")
}

/// `from A..B split equal|volume N`.
fn split_line(split: &Split) -> String {
    let kind = match split.kind {
        SplitKind::Equal => "equal".to_string(),
        SplitKind::Volume(rows) => format!("volume {}", grouped(rows)),
    };
    format!("from {} split {kind}", date_range(&split.window))
}

/// `end_time = start_time ± Ns`, and the start-time format when it is not
/// the default.
fn transform_lines(spec: &CampaignSpec) -> Vec<String> {
    let offset = spec.transform.end_offset_secs;
    let sign = if offset < 0 { '-' } else { '+' };
    let mut lines = vec![format!(
        "end_time = start_time {sign} {}s",
        offset.unsigned_abs()
    )];
    let format = &spec.transform.start_time_format;
    if *format != StartTimeFormat::default() {
        lines.push(format!("start_time format {}", quote(format.as_str())));
    }
    lines
}

/// The `check { … }` block, or nothing when every threshold is the default.
fn check_lines(thresholds: &Thresholds) -> Vec<String> {
    let defaults = Thresholds::default();
    let mut entries = Vec::new();
    match thresholds.max_rows_per_phase {
        Some(most) => entries.push(format!(
            "records_per_phase {}..{}",
            grouped(thresholds.min_rows_per_phase),
            grouped(most)
        )),
        None if thresholds.min_rows_per_phase != defaults.min_rows_per_phase => {
            entries.push(format!(
                "records_per_phase >= {}",
                grouped(thresholds.min_rows_per_phase)
            ))
        }
        None => {}
    }
    if let Some(variance) = thresholds.max_variance {
        entries.push(format!("variance <= {}%", percent(variance)));
    }
    if thresholds.max_unreadable_start_time != defaults.max_unreadable_start_time {
        let most = grouped(thresholds.max_unreadable_start_time);
        entries.push(format!("start_time unreadable = {most}"));
    }
    if entries.is_empty() {
        return entries;
    }
    let mut lines = vec!["check {".to_string()];
    lines.extend(entries.into_iter().map(|entry| format!("{INDENT}{entry}")));
    lines.push("}".to_string());
    lines
}

/// `A..B`, or `D` for a one-day range.
fn date_range(range: &DateRange) -> String {
    if range.start() == range.end() {
        date(&range.start())
    } else {
        format!("{}..{}", date(&range.start()), date(&range.end()))
    }
}

/// A date as `YYYY-MM-DD`.
fn date(day: &NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A banner id, bare when it reads back as one token, else quoted. In a
/// rotation list a bare `every` would end the list, so it is quoted too.
fn banner_id(id: &BannerId, in_rotation: bool) -> String {
    let text = id.as_str();
    if text.starts_with('-') || (in_rotation && text == "every") {
        quote(text)
    } else {
        text.to_string()
    }
}

/// A string literal: quotes and backslashes escaped, control characters as
/// `\n`, `\t` or `\u{…}`.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A count with `_` between groups of three digits from 10 000 up.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    if digits.len() <= 4 {
        return digits;
    }
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('_');
        }
        out.push(digit);
    }
    out
}

/// A fraction as a percentage's number (`0.05` → `5`), by moving the
/// decimal point of its shortest exact text two places, so it reads back
/// to the same fraction.
fn percent(fraction: f64) -> String {
    // `-0` reads back as `0`, which is equal.
    let text = if fraction == 0.0 {
        "0".to_string()
    } else {
        fraction.to_string()
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, decimals) = digits.split_once('.').unwrap_or((digits, ""));
    if !whole.chars().all(|c| c.is_ascii_digit()) {
        return text;
    }
    let padded = format!("{decimals:0<2}");
    let (moved, rest) = padded.split_at(2);
    let whole = format!("{whole}{moved}");
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let rest = rest.trim_end_matches('0');
    if rest.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_move_the_point() {
        assert_eq!(percent(0.05), "5");
        assert_eq!(percent(0.025), "2.5");
        assert_eq!(percent(1.0), "100");
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(1e-7), "0.00001");
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(grouped(1000), "1000");
        assert_eq!(grouped(10_000_000), "10_000_000");
        assert_eq!(grouped(500_000), "500_000");
    }

    #[test]
    fn strings_escape_what_they_must() {
        assert_eq!(quote("a\"b\\c\nd\u{7}"), r#""a\"b\\c\nd\u{7}""#);
    }
}
