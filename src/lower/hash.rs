//! The plan hash: a SHA-256 of the campaign's canonical meaning. Two
//! campaigns with the same hash take the same rows and write the same rows,
//! whatever their source text or front end, and whatever the mode.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::ir::Campaign;

/// The hex SHA-256 of the campaign's canonical JSON.
pub fn plan_hash(campaign: &Campaign) -> String {
    let phases: Vec<serde_json::Value> = campaign
        .phases
        .iter()
        .map(|phase| {
            json!({
                "id": phase.id,
                "takes": phase.takes.iter().map(|r| r.node).collect::<Vec<_>>(),
                "special": phase.special.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
                "except": phase.except.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(),
                "target": phase.target.node.to_string(),
                "banner": phase.banner.as_str(),
                "log_name": phase.log_name.as_str(),
                "expected_rows": phase.expected_rows,
            })
        })
        .collect();
    let canonical = json!({
        "format": 1,
        "campaign": campaign.name.node.as_str(),
        "zone": campaign.zone.node.name(),
        "source": campaign.source.node.to_string(),
        "target": campaign.target.node.to_string(),
        "phases": phases,
        "transform": campaign.transform,
        "thresholds": campaign.thresholds,
    });
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}
