//! The ledger of runs (`bannerc_runs`, beside the target): its columns and
//! the claims a run records so that later runs never reuse its rows.

use serde::{Deserialize, Serialize};

use crate::ir::{Campaign, DateRange};

pub use crate::ir::LEDGER_TABLE;

/// The ledger's columns, in order, with their BigQuery types.
pub const COLUMNS: &[(&str, &str)] = &[
    ("run_id", "STRING"),
    ("plan_hash", "STRING"),
    ("campaign", "STRING"),
    ("source_table", "STRING"),
    ("target_table", "STRING"),
    ("mode", "STRING"),
    ("status", "STRING"),
    ("phase_counts", "STRING"),
    ("claims", "STRING"),
    ("backup_table", "STRING"),
    ("started_at", "TIMESTAMP"),
    ("finished_at", "TIMESTAMP"),
    ("rolled_back_at", "TIMESTAMP"),
];

/// The status of an applied run.
pub const STATUS_APPLIED: &str = "applied";
/// The status of a run that was rolled back.
pub const STATUS_ROLLED_BACK: &str = "rolled_back";

/// The source rows a run used: its source table, days (with the zone they
/// are days in) and special logs (SEMANTICS.md, "Across runs"), and the
/// logs that every phase with days excludes (its date rule took none of
/// their rows; written only when there are some).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub source: String,
    pub zone: String,
    pub days: Vec<[String; 2]>,
    pub special: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<String>,
}

impl Claims {
    /// The claims of a campaign.
    pub fn of(campaign: &Campaign) -> Claims {
        let mut days: Vec<DateRange> = campaign
            .phases
            .iter()
            .flat_map(|p| p.takes.iter().map(|r| r.node))
            .collect();
        days.sort();
        let mut special: Vec<String> = campaign
            .phases
            .iter()
            .flat_map(|p| p.special.iter().map(|s| s.node.as_str().to_string()))
            .collect();
        special.sort();
        let mut with_days = campaign.phases.iter().filter(|p| !p.takes.is_empty());
        let mut excluded: Vec<String> = with_days
            .next()
            .map(|first| {
                first
                    .except
                    .iter()
                    .map(|x| x.node.as_str().to_string())
                    .collect()
            })
            .unwrap_or_default();
        for phase in with_days {
            excluded.retain(|name| phase.except.iter().any(|x| x.node.as_str() == name));
        }
        excluded.sort();
        excluded.dedup();
        Claims {
            source: campaign.source.node.to_string(),
            zone: campaign.zone.node.name().to_string(),
            days: days
                .iter()
                .map(|r| [r.start().to_string(), r.end().to_string()])
                .collect(),
            special,
            excluded,
        }
    }

    /// The claims as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
