//! Explicit phases (`phase N: …`): each written phase becomes one [`Phase`].

use crate::diag::Diagnostic;
use crate::ir::{CampaignSpec, LogName, Phase, PhaseSpec};

use super::codes;

/// The phases as written, in written order, each with its banner and log name.
pub(super) fn phases(spec: &CampaignSpec) -> Result<Vec<Phase>, Vec<Diagnostic>> {
    super::collect(spec.phases.iter().map(|written| phase(spec, written)))
}

/// One written phase.
fn phase(spec: &CampaignSpec, written: &PhaseSpec) -> Result<Phase, Diagnostic> {
    let banner = written
        .banner
        .as_ref()
        .or(spec.banner.as_ref())
        .ok_or_else(|| {
            Diagnostic::error(
                codes::NO_BANNER,
                format!("phase {} has no banner", written.id.node),
                written.span,
            )
            .with_label_message("which banner does this phase show?")
            .with_hint("add `banner N` to the campaign, or to this phase")
        })?;

    let suffix = match &written.suffix {
        Some(suffix) => suffix.node.clone(),
        None => written.target.node.to_string(),
    };
    let name_span = written
        .suffix
        .as_ref()
        .map_or(written.span, |suffix| suffix.span);
    let log_name = LogName::output(&banner.node, &suffix)
        .map_err(|error| Diagnostic::from_name_error(codes::BAD_LOG_NAME, error, name_span))?;

    Ok(Phase {
        id: written.id.node,
        takes: written.takes.clone(),
        special: written.special.clone(),
        except: written.except.clone(),
        target: written.target.clone(),
        banner: banner.node.clone(),
        suffix,
        log_name,
        expected_rows: None,
        span: written.span,
    })
}
