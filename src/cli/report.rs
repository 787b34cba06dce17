//! How the engine commands print what they found and did: the plan's
//! phase table, samples, findings and conflicts, a run's summary, and the
//! ledger, as text for people and as JSON for machines.

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::{Value, json};

use super::render;
use super::session::{Preflight, Prepared};
use crate::exec::facts::{LedgerEntry, PhaseFacts, RollbackReport, RunReport, SampleRow};
use crate::exec::preflight::{Conflict, Finding};
use crate::ir::{Campaign, Mode, Phase};

/// The plan as text: the campaign, the phase table with rows taken, one
/// sample row before and after per phase, then findings and conflicts.
pub fn plan_text(
    prepared: &Prepared,
    engine: &str,
    mode: Mode,
    preflight: &Preflight,
    allow_reuse: bool,
) -> String {
    let campaign = &prepared.campaign;
    let mut out = format!(
        "plan for campaign {} on {engine}, {} mode\n  source  {}\n  target  {}\n  zone    {}\n",
        campaign.name.node,
        mode.as_str(),
        campaign.source.node,
        campaign.target.node,
        campaign.zone.node.name(),
    );
    if let Some(counts) = &prepared.day_counts {
        let rows: u64 = counts.as_map().values().sum();
        out.push_str(&format!(
            "  day counts read from the engine for the volume split: {} days, {rows} rows\n",
            counts.as_map().len()
        ));
    }
    out.push('\n');
    out.push_str(&phase_table(campaign, &preflight.inspection.phases).to_string());
    out.push('\n');
    out.push_str(&samples_text(&preflight.inspection.phases));
    out.push_str(&findings_text(
        &preflight.findings,
        &preflight.conflicts,
        allow_reuse,
    ));
    if let Some(entry) = &preflight.already_applied {
        out.push_str(&format!(
            "note: this plan was already applied as run {} ({}); `apply` would do nothing\n",
            entry.run_id,
            entry.finished_at.as_deref().unwrap_or("time unknown")
        ));
    }
    out
}

fn phase_table(campaign: &Campaign, facts: &[PhaseFacts]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "phase",
        "takes days",
        "special logs",
        "target",
        "banner",
        "log name",
        "rows",
        "data errors",
    ]);
    for phase in &campaign.phases {
        let fact = facts.iter().find(|f| f.phase == phase.id);
        table.add_row([
            phase.id.to_string(),
            lines(phase.takes.iter().map(|r| r.node.to_string())),
            lines(
                phase
                    .special
                    .iter()
                    .map(|s| format!("{:?}", s.node.as_str())),
            ),
            phase.target.node.to_string(),
            phase.banner.to_string(),
            phase.log_name.to_string(),
            fact.map_or("-".into(), |f| f.taken_rows.to_string()),
            fact.map_or("-".into(), |f| f.bad_rows.to_string()),
        ]);
    }
    table
}

fn lines(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("\n")
}

fn samples_text(facts: &[PhaseFacts]) -> String {
    let mut out = String::new();
    for fact in facts {
        if let Some((before, after)) = &fact.sample {
            let columns: Vec<&str> = before.0.iter().map(|(name, _)| name.as_str()).collect();
            out.push_str(&format!(
                "\nphase {} sample ({})\n  before  {}\n  after   {}\n",
                fact.phase,
                columns.join(" | "),
                row_text(before),
                row_text(after)
            ));
        }
    }
    out
}

/// A sample row's values on one line, `|` between columns.
pub fn row_text(row: &SampleRow) -> String {
    row.0
        .iter()
        .map(|(_, value)| value.as_deref().unwrap_or("NULL"))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn findings_text(findings: &[Finding], conflicts: &[Conflict], allow_reuse: bool) -> String {
    let mut out = String::new();
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| !f.blocking);
    for finding in sorted {
        let level = if finding.blocking { "error" } else { "warning" };
        out.push_str(&format!(
            "\n{level}[{}]: {}\n",
            finding.kind, finding.message
        ));
        if let Some(sample) = &finding.sample {
            out.push_str(&format!("  sample: {}\n", row_text(sample)));
        }
    }
    for conflict in conflicts {
        if allow_reuse {
            out.push_str(&format!(
                "\nwarning[reuse]: {} (allowed by --allow-reuse)\n",
                conflict_text(conflict)
            ));
        } else {
            out.push_str(&format!(
                "\nerror[reuse]: {}; pass --allow-reuse to take them again\n",
                conflict_text(conflict)
            ));
        }
    }
    out
}

/// A conflict in words, naming the run and what both claim.
pub fn conflict_text(conflict: &Conflict) -> String {
    if conflict.unreadable_claims {
        return format!(
            "run {} (campaign {}) is applied on the same source, but its ledger row's claims \
             cannot be read, so it may have taken any of these rows",
            conflict.run_id, conflict.campaign
        );
    }
    let mut claimed = Vec::new();
    if !conflict.days.is_empty() {
        claimed.push(format!("on the days {}", conflict.days.join(", ")));
    }
    if !conflict.logs.is_empty() {
        let logs: Vec<String> = conflict.logs.iter().map(|l| format!("{l:?}")).collect();
        claimed.push(format!("of the logs {}", logs.join(", ")));
    }
    format!(
        "run {} (campaign {}) already took rows of the same source {}",
        conflict.run_id,
        conflict.campaign,
        claimed.join(" and ")
    )
}

/// The plan as one JSON document.
pub fn plan_json(
    prepared: &Prepared,
    engine: &str,
    mode: Mode,
    preflight: &Preflight,
    ok: bool,
) -> Value {
    let campaign = &prepared.campaign;
    let phases: Vec<Value> = campaign
        .phases
        .iter()
        .map(|phase| {
            phase_json(
                phase,
                preflight
                    .inspection
                    .phases
                    .iter()
                    .find(|f| f.phase == phase.id),
            )
        })
        .collect();
    json!({
        "ok": ok,
        "campaign": campaign.name.node.as_str(),
        "engine": engine,
        "mode": mode.as_str(),
        "plan_hash": crate::lower::plan_hash(campaign),
        "zone": campaign.zone.node.name(),
        "source": campaign.source.node.to_string(),
        "target": campaign.target.node.to_string(),
        "rows": preflight.inspection.phases.iter().map(|p| p.taken_rows).sum::<u64>(),
        "phases": phases,
        "findings": preflight.findings,
        "conflicts": preflight.conflicts,
        "already_applied": preflight.already_applied.as_ref().map(|e| &e.run_id),
        "day_counts": prepared.day_counts.as_ref().map(day_counts_json),
        "diagnostics": render::json(&prepared.loaded.text, &prepared.diagnostics),
    })
}

fn day_counts_json(counts: &crate::plan::DayCounts) -> Value {
    let days = counts
        .as_map()
        .iter()
        .map(|(day, rows)| (day.to_string(), json!(rows)));
    Value::Object(days.collect())
}

fn phase_json(phase: &Phase, fact: Option<&PhaseFacts>) -> Value {
    json!({
        "id": phase.id,
        "takes": phase.takes.iter().map(|r| r.node).collect::<Vec<_>>(),
        "special": phase.special.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
        "except": phase.except.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
        "target": phase.target.node.to_string(),
        "banner": phase.banner.as_str(),
        "log_name": phase.log_name.as_str(),
        "expected_rows": phase.expected_rows,
        "taken_rows": fact.map(|f| f.taken_rows),
        "unreadable_rows": fact.map(|f| f.unreadable_rows),
        "null_timestamp_rows": fact.map(|f| f.null_timestamp_rows),
        "bad_rows": fact.map(|f| f.bad_rows),
        "sample": fact.and_then(|f| f.sample.as_ref()).map(|(before, after)| {
            json!({"before": before, "after": after})
        }),
    })
}

/// A run's summary as text.
pub fn run_text(report: &RunReport, target: &str) -> String {
    let entry = &report.entry;
    let mut out = format!(
        "applied run {} ({} mode): {} rows inserted into {target} in {:.1}s\n",
        entry.run_id,
        entry.mode,
        entry.total_rows(),
        report.elapsed_ms as f64 / 1000.0
    );
    for count in &entry.phase_counts {
        out.push_str(&format!(
            "  phase {}: {} rows as {}\n",
            count.phase,
            count.taken_rows,
            count.log_name.as_deref().unwrap_or("?")
        ));
    }
    if let Some(backup) = &entry.backup_table {
        out.push_str(&format!(
            "  staging was relabeled in place; its backup is {backup}\n"
        ));
    }
    out.push_str(&format!(
        "  recorded in {}; undo with `bannerc rollback {}`\n",
        entry.ledger, entry.run_id
    ));
    out
}

/// A rollback's summary as text.
pub fn rollback_text(report: &RollbackReport) -> String {
    let mut out = format!(
        "rolled back run {}: {} rows deleted from the target",
        report.run_id, report.deleted_rows
    );
    if report.restored_rows > 0 {
        out.push_str(&format!(
            ", {} staging rows restored from the backup",
            report.restored_rows
        ));
    }
    out.push_str(&format!(" in {:.1}s\n", report.elapsed_ms as f64 / 1000.0));
    out
}

/// The ledger as a table, newest first.
pub fn history_text(entries: &[LedgerEntry]) -> String {
    if entries.is_empty() {
        return "no runs recorded yet\n".into();
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "run",
        "campaign",
        "mode",
        "status",
        "rows",
        "started",
        "source → target",
    ]);
    for entry in entries {
        table.add_row([
            entry.run_id.clone(),
            entry.campaign.clone(),
            entry.mode.clone(),
            entry.status.clone(),
            entry.total_rows().to_string(),
            entry.started_at.clone().unwrap_or_default(),
            format!("{}\n→ {}", entry.source_table, entry.target_table),
        ]);
    }
    format!("{table}\n")
}
