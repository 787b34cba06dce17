//! Well-formedness: the four rules of SEMANTICS.md as errors, its warnings,
//! and the operation graph that orders a run.

mod graph;
mod rules;
mod warnings;

pub use graph::{AccessNode, CycleError, OpGraph, order_accesses};
pub use rules::well_formed;
pub use warnings::warnings;

use crate::diag::{Diagnostic, Severity};
use crate::ir::Campaign;

/// Run every compile-time check: errors first, then warnings. With
/// `deny_warnings`, warnings are reported as errors.
pub fn check(campaign: &Campaign, deny_warnings: bool) -> Vec<Diagnostic> {
    let mut diagnostics = well_formed(campaign);
    diagnostics.extend(campaign.expansion_warnings.iter().cloned());
    diagnostics.extend(warnings(campaign));
    if deny_warnings {
        for diagnostic in &mut diagnostics {
            diagnostic.severity = Severity::Error;
        }
    }
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
    diagnostics
}
