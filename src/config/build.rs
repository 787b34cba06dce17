//! From the deserialised sections to a [`CampaignSpec`]: the campaign's
//! identity, its tables, its transform, thresholds and run settings. The
//! dates (phases, schedule, split) are built in `mapping`.

use super::codes;
use super::mapping;
use super::raw::{
    RawCampaign, RawConfig, RawFieldUpdates, RawTable, RawThresholds, RawTransformation,
    RawValidation,
};
use super::tree::Section;
use super::values::{Ctx, head, node_of};
use crate::diag::Diagnostic;
use crate::ir::{
    BannerId, CampaignName, CampaignSpec, RunSettings, Span, Spanned, StartTimeFormat, TableRef,
    ThresholdSpans, Thresholds, Transform, Zone,
};

/// `campaign.execution_mode` values of the design.
pub(crate) const EXECUTION_MODES: &[&str] = &["safe", "dry_run", "production"];

/// `validation.pre_execution` checks of the design (bannerc always runs its own).
const PRE_CHECKS: &[&str] = &[
    "check_source_data_exists",
    "check_target_table_access",
    "verify_no_existing_banner_ids",
    "analyze_record_distribution",
    "validate_date_ranges",
];

/// `validation.post_execution` checks of the design (bannerc always runs its own).
const POST_CHECKS: &[&str] = &[
    "verify_record_counts",
    "sample_data_validation",
    "timestamp_format_check",
    "json_field_validation",
    "banner_id_verification",
];

/// Build the campaign from a document whose root is a mapping. Every
/// section is checked, so one pass reports all the errors it can find.
pub(super) fn campaign(raw: &RawConfig, root: Section, ctx: &mut Ctx) -> Option<CampaignSpec> {
    let identity =
        section(&raw.campaign, root, "campaign", ctx).and_then(|(c, at)| identity(c, at, ctx));
    let source = section(&raw.source, root, "source", ctx).and_then(|(t, at)| table(t, at, ctx));
    let target = section(&raw.target, root, "target", ctx).and_then(|(t, at)| table(t, at, ctx));
    let dates = mapping::dates(raw, root, ctx);
    let transform = optional(&raw.transformation, root, "transformation", ctx, transform);
    let (thresholds, threshold_spans) = match (&raw.validation, root.field("validation")) {
        (Some(validation), Some(at)) => validation_section(validation, at, ctx),
        _ => (Thresholds::default(), ThresholdSpans::default()),
    };
    let settings = settings(raw);
    let (name, banner, zone) = identity?;
    Some(CampaignSpec {
        name,
        banner,
        zone,
        source: source?,
        target: target?,
        phases: dates.phases,
        schedule: dates.schedule,
        split: dates.split,
        transform,
        thresholds,
        threshold_spans,
        settings,
        span: root.span(),
    })
}

/// A required section and its node.
fn section<'r, 't, T>(
    raw: &'r Option<T>,
    root: Section<'t>,
    key: &str,
    ctx: &mut Ctx,
) -> Option<(&'r T, Section<'t>)> {
    let value = ctx.required(raw, root, key)?;
    Some((value, node_of(root, key)))
}

/// An optional section read by `read`, or the default.
fn optional<R, T: Default>(
    raw: &Option<R>,
    root: Section,
    key: &str,
    ctx: &mut Ctx,
    read: impl Fn(&R, Section, &mut Ctx) -> T,
) -> T {
    raw.as_ref()
        .map(|value| read(value, node_of(root, key), ctx))
        .unwrap_or_default()
}

type Identity = (
    Spanned<CampaignName>,
    Option<Spanned<BannerId>>,
    Spanned<Zone>,
);

/// `campaign:`: name, banner, zone; the execution mode is checked here and
/// kept in the settings.
fn identity(raw: &RawCampaign, at: Section, ctx: &mut Ctx) -> Option<Identity> {
    let name = ctx
        .required(&raw.campaign_name, at, "campaign_name")
        .and_then(|name| {
            ctx.named(
                codes::BAD_NAME,
                CampaignName::new(name),
                node_of(at, "campaign_name"),
            )
        });
    let banner = ctx.optional_banner(&raw.banner_id, at);
    let default_zone_span = name.as_ref().map_or(head(at), |name| name.span);
    let zone = zone(raw, at, default_zone_span, ctx);
    if let Some(mode) = &raw.execution_mode {
        ctx.one_of(mode, EXECUTION_MODES, node_of(at, "execution_mode"));
    }
    Some((name?, banner?, zone?))
}

/// `campaign.zone` (or `timezone`), UTC when neither is given.
fn zone(
    raw: &RawCampaign,
    at: Section,
    default_span: Span,
    ctx: &mut Ctx,
) -> Option<Spanned<Zone>> {
    let (key, name) = match (&raw.zone, &raw.timezone) {
        (Some(_), Some(_)) => {
            let message = format!("{}: give either `zone` or `timezone`, not both", at.path());
            let second = node_of(at, "timezone");
            let diagnostic = Diagnostic::error(codes::CONFLICTING_KEYS, message, second.span())
                .with_label(node_of(at, "zone").span(), "the zone is also given here");
            ctx.error(diagnostic);
            return None;
        }
        (Some(name), None) => ("zone", name),
        (None, Some(name)) => ("timezone", name),
        (None, None) => return Some(Spanned::new(Zone::default(), default_span)),
    };
    ctx.named(codes::BAD_ZONE, Zone::parse(name), node_of(at, key))
}

/// `source:` or `target:`: three parts that make one BigQuery table.
fn table(raw: &RawTable, at: Section, ctx: &mut Ctx) -> Option<Spanned<TableRef>> {
    if let Some(database) = &raw.database {
        ctx.one_of(database, &["bigquery"], node_of(at, "database"))?;
    }
    let project = ctx.required(&raw.project_id, at, "project_id");
    let dataset = ctx.required(&raw.dataset, at, "dataset");
    let table = ctx.required(&raw.table, at, "table");
    let (project, dataset, table) = (project?, dataset?, table?);
    // Each part is checked in a table name that is valid elsewhere, so the
    // error points at the part that is wrong.
    let parts = [
        ("project_id", project, format!("{project}.d.t")),
        ("dataset", dataset, format!("p.{dataset}.t")),
        ("table", table, format!("p.d.{table}")),
    ];
    let mut valid = true;
    for (key, part, probe) in parts {
        valid &= table_part(key, part, &probe, at, ctx);
    }
    let joined = format!("{project}.{dataset}.{table}");
    valid
        .then(|| ctx.named(codes::BAD_TABLE, TableRef::parse(&joined), at))
        .flatten()
}

fn table_part(key: &str, part: &str, probe: &str, at: Section, ctx: &mut Ctx) -> bool {
    let node = node_of(at, key);
    if part.contains('.') {
        let message = format!("{}: `{}` contains a `.`", node.path(), part.escape_debug());
        let hint = "give the project, the dataset and the table under their own keys";
        ctx.error(Diagnostic::error(codes::BAD_TABLE, message, node.span()).with_hint(hint));
        return false;
    }
    ctx.named(codes::BAD_TABLE, TableRef::parse(probe), node)
        .is_some()
}

/// `transformation:`.
fn transform(raw: &RawTransformation, at: Section, ctx: &mut Ctx) -> Transform {
    let mut transform = Transform::default();
    if raw.preserve_time_component == Some(false) {
        let node = node_of(at, "preserve_time_component");
        let message = format!("{}: must be true", node.path());
        let hint = "a moved row always keeps its time of day; remove the key or write `true`";
        ctx.error(Diagnostic::error(codes::UNSUPPORTED, message, node.span()).with_hint(hint));
    }
    if let Some(offset) = raw.end_time_offset_seconds {
        transform.end_offset_secs = offset;
        if offset < 0 {
            let node = node_of(at, "end_time_offset_seconds");
            let message = format!("{}: `{offset}` is negative", node.path());
            let hint = "end_time is start_time plus this many seconds; write 0 or more";
            ctx.error(Diagnostic::error(codes::OUT_OF_RANGE, message, node.span()).with_hint(hint));
        }
    }
    let updates = (&raw.json_field_updates, at.field("json_field_updates"));
    if let (Some(updates), Some(node)) = updates
        && let Some(format) = field_updates(updates, node, ctx)
    {
        transform.start_time_format = format;
    }
    transform
}

/// `transformation.json_field_updates:`; returns the start-time format if given.
fn field_updates(raw: &RawFieldUpdates, at: Section, ctx: &mut Ctx) -> Option<StartTimeFormat> {
    if let Some(source) = &raw.end_time_source {
        let why = "end_time is always start_time plus end_time_offset_seconds";
        supported(
            source,
            &["calculated"],
            &["fixed"],
            why,
            node_of(at, "end_time_source"),
            ctx,
        );
    }
    if let Some(source) = &raw.timestamp_get_source {
        let why = "timestamp_get is always the start time in Unix seconds";
        let node = node_of(at, "timestamp_get_source");
        supported(source, &["unix_seconds"], &["epoch_ms"], why, node, ctx);
    }
    let format = raw.start_time_format.as_ref()?;
    let node = node_of(at, "start_time_format");
    ctx.named(codes::BAD_FORMAT, StartTimeFormat::new(format), node)
        .map(|format| format.node)
}

/// A design option that bannerc knows but implements only some values of.
fn supported(text: &str, ok: &[&str], refused: &[&str], why: &str, node: Section, ctx: &mut Ctx) {
    let known: Vec<&str> = ok.iter().chain(refused).copied().collect();
    if ctx
        .one_of(text, &known, node)
        .is_some_and(|word| refused.contains(&word))
    {
        let message = format!("{}: `{text}` is not supported", node.path());
        let hint = format!("{why}; write `{}` or remove the key", ok.join("` or `"));
        ctx.error(Diagnostic::error(codes::UNSUPPORTED, message, node.span()).with_hint(hint));
    }
}

/// `validation:`: the design's check lists are checked for typos; the
/// thresholds are read.
fn validation_section(
    raw: &RawValidation,
    at: Section,
    ctx: &mut Ctx,
) -> (Thresholds, ThresholdSpans) {
    for (key, names, known) in [
        ("pre_execution", &raw.pre_execution, PRE_CHECKS),
        ("post_execution", &raw.post_execution, POST_CHECKS),
    ] {
        let list = node_of(at, key);
        for (index, name) in names.iter().flatten().enumerate() {
            ctx.one_of(name, known, list.item(index).unwrap_or(list));
        }
    }
    match (&raw.thresholds, at.field("thresholds")) {
        (Some(thresholds), Some(node)) => self::thresholds(thresholds, node, ctx),
        _ => (Thresholds::default(), ThresholdSpans::default()),
    }
}

/// `validation.thresholds:`, with SEMANTICS.md's defaults for what is not given.
fn thresholds(raw: &RawThresholds, at: Section, ctx: &mut Ctx) -> (Thresholds, ThresholdSpans) {
    let mut thresholds = Thresholds::default();
    if let Some(min) = raw.min_records_per_phase {
        thresholds.min_rows_per_phase = min;
    }
    thresholds.max_rows_per_phase = raw.max_records_per_phase;
    if let (Some(min), Some(max)) = (raw.min_records_per_phase, raw.max_records_per_phase)
        && min > max
    {
        let low = node_of(at, "min_records_per_phase");
        let high = node_of(at, "max_records_per_phase");
        let message = format!("{}: {max} is less than the minimum {min}", high.path());
        let diagnostic = Diagnostic::error(codes::OUT_OF_RANGE, message, high.span())
            .with_label(low.span(), "the minimum is given here");
        ctx.error(diagnostic);
    }
    if let Some(variance) = raw.max_variance_from_expected {
        thresholds.max_variance = Some(variance);
        variance_in_range(variance, node_of(at, "max_variance_from_expected"), ctx);
    }
    // Each threshold's whole entry, key and value.
    let entry = |key: &str| {
        at.children()
            .find(|entry| entry.key() == Some(key))
            .map(|entry| {
                entry
                    .key_span()
                    .map_or(entry.span(), |key| key.join(entry.span()))
            })
    };
    let spans = ThresholdSpans {
        rows_per_phase: entry("min_records_per_phase").or_else(|| entry("max_records_per_phase")),
        variance: entry("max_variance_from_expected"),
        unreadable: None,
    };
    (thresholds, spans)
}

fn variance_in_range(variance: f64, node: Section, ctx: &mut Ctx) {
    if (0.0..=1.0).contains(&variance) {
        return;
    }
    let message = format!(
        "{}: `{variance}` is not a fraction between 0 and 1",
        node.path()
    );
    let hint = "the variance is a fraction of the expected count: write 0.05 for 5%";
    ctx.error(Diagnostic::error(codes::OUT_OF_RANGE, message, node.span()).with_hint(hint));
}

/// The run settings the file carries, kept as written.
fn settings(raw: &RawConfig) -> RunSettings {
    let campaign = raw.campaign.as_ref();
    RunSettings {
        execution_mode: campaign.and_then(|c| c.execution_mode.clone()),
        execution: raw.execution.as_ref().map(|free| free.0.clone()),
        logging: raw.logging.as_ref().map(|free| free.0.clone()),
        notification: raw.notification.as_ref().map(|free| free.0.clone()),
        description: campaign.and_then(|c| c.description.clone()),
    }
}
