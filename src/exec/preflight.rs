//! Deciding whether a run may go ahead, from the facts an engine read: the
//! pre-flight checks of SEMANTICS.md on the data as it is, the ledger's
//! "already applied" and "Across runs" rules, and the warnings that need
//! data. Engine-independent, so every engine refuses the same runs.

use chrono::NaiveDate;
use serde::Serialize;

use super::facts::{Inspection, LedgerEntry, SampleRow, TableFacts};
use crate::ir::{Campaign, DateRange, Mode, Zone};
use crate::lower::duckdb::zone;
use crate::lower::ledger::Claims;

/// One result of the pre-flight checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name, e.g. `missing_table`, `records_per_phase`.
    pub kind: &'static str,
    /// Whether it stops the run (otherwise it is a warning).
    pub blocking: bool,
    pub message: String,
    /// A row that shows the problem, when there is one.
    pub sample: Option<SampleRow>,
}

impl Finding {
    fn error(kind: &'static str, message: String) -> Finding {
        Finding {
            kind,
            blocking: true,
            message,
            sample: None,
        }
    }

    /// A finding that is reported and does not stop the run.
    pub fn warning(kind: &'static str, message: String) -> Finding {
        Finding {
            kind,
            blocking: false,
            message,
            sample: None,
        }
    }
}

/// Whether any finding stops the run.
pub fn blocks(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.blocking)
}

/// Whether both tables exist with the log-export layout and the same
/// columns, so that the data can be counted at all.
pub fn schema_ok(facts: &Inspection) -> bool {
    tables(facts).is_empty()
}

/// Every pre-flight finding for `campaign` in `mode` on `facts`.
pub fn judge(campaign: &Campaign, mode: Mode, facts: &Inspection) -> Vec<Finding> {
    let mut findings = tables(facts);
    findings.extend(reserved_columns(&facts.source, mode));
    if blocks(&findings) {
        return findings;
    }
    own_rows(facts, mode, &mut findings);
    thresholds(campaign, facts, &mut findings);
    data_errors(campaign, facts, &mut findings);
    if facts.specials_on_other_days > 0 {
        findings.push(Finding::warning(
            "special_rows_on_other_days",
            format!(
                "{} special-source rows have a date inside another phase's days; they go to their special phase",
                facts.specials_on_other_days
            ),
        ));
    }
    findings
}

/// The columns every staging and target table needs, with the types allowed.
const REQUIRED: &[(&str, &[&str])] = &[
    ("timestamp", &["TIMESTAMP WITH TIME ZONE", "TIMESTAMP"]),
    ("logName", &["VARCHAR"]),
];

/// The `jsonPayload` fields a campaign writes, with the types allowed.
const PAYLOAD: &[(&str, &[&str])] = &[
    ("start_time", &["VARCHAR"]),
    ("end_time", &["VARCHAR"]),
    // Not INTEGER: Unix seconds pass 32 bits in 2038, and target dates may be later.
    ("timestamp_get", &["BIGINT", "HUGEINT"]),
    ("banner_id", &["VARCHAR"]),
];

/// Both tables exist, have the Cloud Logging layout, and the same columns.
fn tables(facts: &Inspection) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (role, table) in [("source", &facts.source), ("target", &facts.target)] {
        if table.is_view {
            findings.push(Finding::error(
                "not_a_table",
                format!(
                    "the {role} {} ({}) is a view; bannerc reads and writes tables only",
                    table.table, table.engine_name
                ),
            ));
        } else if table.columns.is_none() {
            findings.push(Finding::error(
                "missing_table",
                format!(
                    "the {role} table {} ({}) does not exist",
                    table.table, table.engine_name
                ),
            ));
        } else {
            findings.extend(layout(role, table));
        }
    }
    if findings.is_empty() && !same_columns(&facts.source, &facts.target) {
        findings.push(Finding::error(
            "schema_mismatch",
            schema_difference(&facts.source, &facts.target),
        ));
    }
    findings
}

/// Columns whose names the run's SQL uses for its own helpers: a staging
/// column of that name would be read in their place (and, in fused mode,
/// its value lost). Refused rather than renamed around.
fn reserved_columns(source: &TableFacts, mode: Mode) -> Vec<Finding> {
    let columns = source.columns.as_deref().unwrap_or_default();
    columns
        .iter()
        .filter(|c| {
            c.name.to_ascii_lowercase().starts_with("bannerc_")
                || (mode == Mode::InPlace && c.name.eq_ignore_ascii_case("rowid"))
        })
        .map(|c| {
            Finding::error(
                "reserved_column",
                format!(
                    "the source table {} has a column `{}`, a name bannerc's SQL keeps for \
                     itself (`bannerc_*`, and `rowid` in in-place mode); rename the column to \
                     run this campaign",
                    source.table, c.name
                ),
            )
        })
        .collect()
}

fn layout(role: &str, table: &TableFacts) -> Vec<Finding> {
    let columns = table.columns.as_deref().unwrap_or_default();
    let mut problems = Vec::new();
    for (name, allowed) in REQUIRED {
        // Both engines match column and field names without case.
        match columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
            None => problems.push(format!("no column `{name}`")),
            Some(c) if !allowed.contains(&c.kind.as_str()) => problems.push(format!(
                "`{name}` is {} (expected {})",
                c.kind,
                allowed.join(" or ")
            )),
            Some(_) => {}
        }
    }
    if !columns
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case("jsonPayload"))
    {
        problems.push("no column `jsonPayload`".into());
    } else {
        for (name, allowed) in PAYLOAD {
            let field = table
                .payload_fields
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name));
            match field {
                None => problems.push(format!("`jsonPayload` has no field `{name}`")),
                Some(c) if !allowed.contains(&c.kind.as_str()) => problems.push(format!(
                    "`jsonPayload.{name}` is {} (expected {})",
                    c.kind,
                    allowed.join(" or ")
                )),
                Some(_) => {}
            }
        }
    }
    problems
        .into_iter()
        .map(|problem| {
            Finding::error(
                "schema_layout",
                format!(
                    "the {role} table {} is not a log export: {problem}",
                    table.table
                ),
            )
        })
        .collect()
}

/// The same columns in the same order with the same types; names match
/// without case, as both engines match them.
fn same_columns(source: &TableFacts, target: &TableFacts) -> bool {
    let (left, right) = (
        source.columns.as_deref().unwrap_or_default(),
        target.columns.as_deref().unwrap_or_default(),
    );
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .all(|(a, b)| a.name.eq_ignore_ascii_case(&b.name) && a.kind == b.kind)
}

fn schema_difference(source: &TableFacts, target: &TableFacts) -> String {
    let (left, right) = (
        source.columns.as_deref().unwrap_or_default(),
        target.columns.as_deref().unwrap_or_default(),
    );
    let first = left
        .iter()
        .zip(right)
        .position(|(a, b)| !a.name.eq_ignore_ascii_case(&b.name) || a.kind != b.kind)
        .unwrap_or(left.len().min(right.len()));
    let describe = |columns: &[super::facts::Column]| {
        columns.get(first).map_or_else(
            || "nothing".to_string(),
            |c| format!("`{}` {}", c.name, c.kind),
        )
    };
    format!(
        "the source {} and the target {} have different columns ({} and {} columns); column {} is {} in the \
         source and {} in the target",
        source.table,
        target.table,
        left.len(),
        right.len(),
        first + 1,
        describe(left),
        describe(right)
    )
}

fn own_rows(facts: &Inspection, mode: Mode, findings: &mut Vec<Finding>) {
    let list = |rows: &[(String, u64)]| {
        rows.iter()
            .map(|(name, count)| format!("{count} named {name:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !facts.target_own.is_empty() {
        findings.push(Finding::error(
            "target_has_own_rows",
            format!(
                "the target already holds rows with this campaign's log names ({}); inserting again would \
                 duplicate them",
                list(&facts.target_own)
            ),
        ));
    }
    if mode == Mode::InPlace && !facts.staging_own.is_empty() {
        findings.push(Finding::warning(
            "staging_has_own_rows",
            format!(
                "the staging table already holds rows with this campaign's log names ({}); no \
                 phase takes them, and in-place mode leaves them as they are and does not insert \
                 them",
                list(&facts.staging_own)
            ),
        ));
    }
}

fn thresholds(campaign: &Campaign, facts: &Inspection, findings: &mut Vec<Finding>) {
    let limits = &campaign.thresholds;
    for phase in &facts.phases {
        let taken = phase.taken_rows;
        if taken < limits.min_rows_per_phase
            || limits.max_rows_per_phase.is_some_and(|max| taken > max)
        {
            let bound = match limits.max_rows_per_phase {
                Some(max) => format!("between {} and {max}", limits.min_rows_per_phase),
                None => format!("at least {}", limits.min_rows_per_phase),
            };
            findings.push(Finding::error(
                "records_per_phase",
                format!(
                    "phase {} takes {taken} rows; records_per_phase requires {bound}",
                    phase.phase
                ),
            ));
        }
        let expected = campaign
            .phases
            .iter()
            .find(|p| p.id == phase.phase)
            .and_then(|p| p.expected_rows);
        if let (Some(variance), Some(expected)) = (limits.max_variance, expected) {
            let distance = (taken as f64 - expected as f64).abs();
            if distance > variance * expected as f64 {
                findings.push(Finding::error(
                    "variance",
                    format!(
                        "phase {} takes {taken} rows, more than {}% from its expected {expected}",
                        phase.phase,
                        variance * 100.0
                    ),
                ));
            }
        }
    }
}

fn data_errors(campaign: &Campaign, facts: &Inspection, findings: &mut Vec<Finding>) {
    let unreadable: u64 = facts.phases.iter().map(|p| p.unreadable_rows).sum();
    let null_timestamps: u64 = facts.phases.iter().map(|p| p.null_timestamp_rows).sum();
    // A row with both faults is one bad row.
    let total: u64 = facts.phases.iter().map(|p| p.bad_rows).sum();
    if total == 0 {
        return;
    }
    let allowed = campaign.thresholds.max_unreadable_start_time;
    let per_phase: Vec<String> = facts
        .phases
        .iter()
        .filter(|p| p.unreadable_rows + p.null_timestamp_rows > 0)
        .map(|p| {
            format!(
                "phase {}: {} + {}",
                p.phase, p.unreadable_rows, p.null_timestamp_rows
            )
        })
        .collect();
    let message = format!(
        "{unreadable} taken rows have a NULL or unreadable start_time (format {:?}) and {null_timestamps} \
         special-source rows have a NULL timestamp ({}): {total} rows in all, at most {allowed} allowed",
        campaign.transform.start_time_format.as_str(),
        per_phase.join(", ")
    );
    let mut finding = if total > allowed {
        Finding::error("data_errors", message)
    } else {
        // Let through, they are still moved and relabeled; what cannot be
        // derived is written as NULL.
        let message = format!(
            "{message}; they are still taken: an unreadable start_time is written as NULL \
             start_time, end_time and timestamp_get, and a missing timestamp stays NULL"
        );
        Finding::warning("data_errors", message)
    };
    finding.sample = facts.bad_row.clone();
    findings.push(finding);
}

/// The applied run of this very plan, if there is one.
pub fn already_applied<'a>(plan_hash: &str, history: &'a [LedgerEntry]) -> Option<&'a LedgerEntry> {
    history
        .iter()
        .find(|entry| entry.plan_hash == plan_hash && entry.is_applied())
}

/// An applied run whose claimed rows the campaign would take again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub run_id: String,
    pub campaign: String,
    /// Overlapping days, as `A..B` in the new campaign's zone.
    pub days: Vec<String>,
    /// Logs whose rows both would take: special logs both claim, a special
    /// log of one whose rows the other took by date, or the reverse.
    pub logs: Vec<String>,
    /// The run's claims cannot be read (a damaged ledger row): it may have
    /// taken any row of the source, so the campaign is refused all the same.
    pub unreadable_claims: bool,
}

/// The applied, not rolled-back runs on the same source whose claims
/// intersect the campaign's (SEMANTICS.md, "Across runs"). `same_table`
/// says whether a ledger's source table is the campaign's source (DuckDB
/// compares `dataset.table`, as it drops the project).
///
/// A row is claimed by a date rule or by a special rule, so four pairs are
/// compared: days with days, special logs with special logs, and each
/// side's special logs with the other's days (a special log of the output
/// form is never taken by date, nor one that every phase with days
/// excludes; a log only some phases exclude counts as taken). Claims that
/// cannot be read refuse too.
pub fn reuse_conflicts(
    campaign: &Campaign,
    history: &[LedgerEntry],
    same_table: impl Fn(&str) -> bool,
) -> Vec<Conflict> {
    history
        .iter()
        .filter(|entry| entry.is_applied() && same_table(&entry.source_table))
        .filter_map(|entry| {
            let conflict = |days, logs, unreadable_claims| Conflict {
                run_id: entry.run_id.clone(),
                campaign: entry.campaign.clone(),
                days,
                logs,
                unreadable_claims,
            };
            let Some(theirs) = entry.claims.as_ref().filter(|c| readable(c)) else {
                return Some(conflict(Vec::new(), Vec::new(), true));
            };
            let days = overlapping_days(campaign, theirs);
            let mut logs = shared_logs(campaign, theirs);
            logs.extend(relabeled_in_staging(campaign, entry));
            logs.sort();
            logs.dedup();
            (!days.is_empty() || !logs.is_empty()).then(|| conflict(days, logs, false))
        })
        .collect()
}

/// The campaign's special logs that name an in-place run's output: that
/// run left its taken rows in staging under those names, so taking them
/// again (the language allows it on purpose) is reuse all the same.
fn relabeled_in_staging(campaign: &Campaign, entry: &LedgerEntry) -> Vec<String> {
    if entry.mode != crate::ir::Mode::InPlace.as_str() {
        return Vec::new();
    }
    let outputs: Vec<&str> = entry
        .phase_counts
        .iter()
        .filter_map(|count| count.log_name.as_deref())
        .collect();
    campaign
        .phases
        .iter()
        .flat_map(|phase| &phase.special)
        .map(|special| special.node.as_str())
        .filter(|name| outputs.contains(name))
        .map(str::to_string)
        .collect()
}

/// Whether every part of a run's claims parses.
fn readable(claims: &Claims) -> bool {
    Zone::parse(&claims.zone).is_ok()
        && claims.days.iter().all(|[start, end]| {
            matches!(
                (start.parse::<NaiveDate>(), end.parse::<NaiveDate>()),
                (Ok(a), Ok(b)) if DateRange::new(a, b).is_ok()
            )
        })
}

/// The logs whose rows both the campaign and the other run take.
fn shared_logs(campaign: &Campaign, theirs: &Claims) -> Vec<String> {
    let mine: Vec<&str> = campaign
        .phases
        .iter()
        .flat_map(|p| p.special.iter().map(|s| s.node.as_str()))
        .collect();
    let by_date = |name: &str| !crate::ir::is_output_form(name);
    // Their date rule took every log but theirs, outputs and the logs all
    // their phases with days excluded.
    let taken_by_their_days = |name: &str| {
        !theirs.days.is_empty()
            && by_date(name)
            && !theirs.special.iter().any(|s| s == name)
            && !theirs.excluded.iter().any(|x| x == name)
    };
    // Our date rule takes a log unless it is ours, an output, or excluded
    // by every phase that has days.
    let taken_by_my_days = |name: &str| {
        by_date(name)
            && !mine.contains(&name)
            && campaign
                .phases
                .iter()
                .any(|p| !p.takes.is_empty() && !p.except.iter().any(|x| x.node.as_str() == name))
    };
    let mut logs: Vec<String> = mine
        .iter()
        .filter(|name| theirs.special.iter().any(|s| s == *name) || taken_by_their_days(name))
        .map(|name| name.to_string())
        .chain(
            theirs
                .special
                .iter()
                .filter(|name| taken_by_my_days(name))
                .cloned(),
        )
        .collect();
    logs.sort();
    logs.dedup();
    logs
}

/// The campaign's days (as ranges in its zone) that share an instant with
/// a day the other run claimed in its own zone.
fn overlapping_days(campaign: &Campaign, theirs: &Claims) -> Vec<String> {
    let zone = &campaign.zone.node;
    let Ok(their_zone) = Zone::parse(&theirs.zone) else {
        return Vec::new();
    };
    let their_ranges: Vec<DateRange> = theirs
        .days
        .iter()
        .filter_map(|[start, end]| DateRange::new(start.parse().ok()?, end.parse().ok()?).ok())
        .collect();
    let mut overlaps = Vec::new();
    for range in campaign
        .phases
        .iter()
        .flat_map(|p| p.takes.iter().map(|r| r.node))
    {
        for other in &their_ranges {
            if let Some(shared) = shared_days(&range, zone, other, &their_zone) {
                overlaps.push(shared.to_string());
            }
        }
    }
    overlaps.sort();
    overlaps.dedup();
    overlaps
}

/// The days of `mine` (in `zone`) that overlap `other` (in `other_zone`).
fn shared_days(
    mine: &DateRange,
    zone: &Zone,
    other: &DateRange,
    other_zone: &Zone,
) -> Option<DateRange> {
    if zone.name() == other_zone.name() {
        let start = mine.start().max(other.start());
        let end = mine.end().min(other.end());
        return DateRange::new(start, end).ok();
    }
    let (their_start, their_end) = zone::day_bounds(other, other_zone);
    let days: Vec<_> = mine
        .iter_days()
        .filter(|day| {
            let (start, end) = zone::day_bounds(&DateRange::day(*day), zone);
            end.is_none_or(|end| end > their_start)
                && their_end.is_none_or(|their_end| start < their_end)
        })
        .collect();
    DateRange::new(*days.first()?, *days.last()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: &str, b: &str) -> DateRange {
        DateRange::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
    }

    #[test]
    fn shared_days_in_one_zone_are_the_intersection() {
        let utc = Zone::default();
        let shared = shared_days(
            &range("2025-04-01", "2025-04-10"),
            &utc,
            &range("2025-04-08", "2025-04-20"),
            &utc,
        );
        assert_eq!(shared, Some(range("2025-04-08", "2025-04-10")));
        assert_eq!(
            shared_days(
                &range("2025-04-01", "2025-04-07"),
                &utc,
                &range("2025-04-08", "2025-04-20"),
                &utc
            ),
            None
        );
    }

    #[test]
    fn shared_days_across_zones_compare_instants() {
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        let utc = Zone::default();
        // Kolkata's 2025-04-08 starts at 2025-04-07 18:30 UTC: UTC's 04-07 overlaps it.
        let shared = shared_days(
            &range("2025-04-01", "2025-04-07"),
            &utc,
            &range("2025-04-08", "2025-04-20"),
            &kolkata,
        );
        assert_eq!(shared, Some(range("2025-04-07", "2025-04-07")));
    }
}
