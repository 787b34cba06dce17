//! The configuration as serde reads it: one struct per section of the
//! original design's YAML, every key optional so that the front end can
//! report all missing keys at once, with their paths and places.
//!
//! Values that need a span to be judged (dates, names, enumerated words) stay
//! text here; the build step validates them where it can point at them.

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of sections")]
pub(super) struct RawConfig {
    pub campaign: Option<RawCampaign>,
    pub source: Option<RawTable>,
    pub target: Option<RawTable>,
    pub frequency_requirement: Option<RawFrequency>,
    pub date_mapping: Option<RawDateMapping>,
    pub transformation: Option<RawTransformation>,
    pub validation: Option<RawValidation>,
    pub execution: Option<FreeForm>,
    pub logging: Option<FreeForm>,
    pub notification: Option<FreeForm>,
}

/// `campaign:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of campaign keys")]
pub(super) struct RawCampaign {
    /// A string or a number; YAML scalars are read as their text.
    pub banner_id: Option<String>,
    pub campaign_name: Option<String>,
    pub description: Option<String>,
    pub execution_mode: Option<String>,
    /// An extension of the design: the campaign's IANA zone.
    pub zone: Option<String>,
    /// Another spelling of `zone`.
    pub timezone: Option<String>,
}

/// `source:` and `target:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping with project_id, dataset and table")]
pub(super) struct RawTable {
    pub database: Option<String>,
    pub project_id: Option<String>,
    pub dataset: Option<String>,
    pub table: Option<String>,
    /// Accepted and type-checked only: backups are the in-place lowering's
    /// concern, not the campaign's.
    #[allow(dead_code)]
    pub backup_required: Option<bool>,
    /// Accepted and type-checked only, like `backup_required`.
    #[allow(dead_code)]
    pub backup_table_suffix: Option<String>,
}

/// `frequency_requirement:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping with a `type`")]
pub(super) struct RawFrequency {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub banner_count_per_day: Option<u32>,
    pub interval_days: Option<u32>,
    pub frequency_days: Option<u32>,
    pub date: Option<String>,
    pub target_date: Option<String>,
    pub target_dates: Option<Vec<String>>,
    pub banner_sequence: Option<Vec<String>>,
    pub rotation_frequency_days: Option<u32>,
}

/// `date_mapping:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping with a strategy or phases")]
pub(super) struct RawDateMapping {
    pub strategy: Option<String>,
    pub records_per_banner: Option<u64>,
    pub source_data_start: Option<String>,
    pub source_data_end: Option<String>,
    pub split_method: Option<String>,
    pub phases: Option<Vec<RawPhase>>,
}

/// One entry of `date_mapping.phases`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of phase keys")]
pub(super) struct RawPhase {
    pub phase_id: Option<u32>,
    pub source_start: Option<String>,
    pub source_end: Option<String>,
    pub target_date: Option<String>,
    pub logname_suffix: Option<String>,
    pub exclude_lognames: Option<Vec<String>>,
    pub special_source: Option<LogNames>,
    pub banner_id: Option<String>,
}

/// `transformation:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of transformation keys")]
pub(super) struct RawTransformation {
    pub preserve_time_component: Option<bool>,
    pub end_time_offset_seconds: Option<i64>,
    pub json_field_updates: Option<RawFieldUpdates>,
}

/// `transformation.json_field_updates:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of JSON field keys")]
pub(super) struct RawFieldUpdates {
    pub start_time_format: Option<String>,
    pub end_time_source: Option<String>,
    pub timestamp_get_source: Option<String>,
}

/// `validation:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of validation keys")]
pub(super) struct RawValidation {
    pub pre_execution: Option<Vec<String>>,
    pub post_execution: Option<Vec<String>>,
    pub thresholds: Option<RawThresholds>,
}

/// `validation.thresholds:`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a mapping of thresholds")]
pub(super) struct RawThresholds {
    pub min_records_per_phase: Option<u64>,
    pub max_records_per_phase: Option<u64>,
    pub max_variance_from_expected: Option<f64>,
}

/// One log name or a list of them (`special_source: "x"` or `["x", "y"]`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct LogNames(pub Vec<String>);

impl<'de> Deserialize<'de> for LogNames {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LogNamesVisitor)
    }
}

struct LogNamesVisitor;

impl<'de> Visitor<'de> for LogNamesVisitor {
    type Value = LogNames;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a log name or a list of log names")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<LogNames, E> {
        Ok(LogNames(vec![name.to_string()]))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<LogNames, E> {
        Ok(LogNames(vec![number.to_string()]))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<LogNames, E> {
        Ok(LogNames(vec![number.to_string()]))
    }

    fn visit_unit<E: de::Error>(self) -> Result<LogNames, E> {
        Ok(LogNames::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<LogNames, A::Error> {
        let mut names = Vec::new();
        while let Some(name) = items.next_element::<String>()? {
            names.push(name);
        }
        Ok(LogNames(names))
    }
}

/// A section bannerc keeps without reading (`execution`, `logging`,
/// `notification`). Any YAML is accepted: tags are dropped, keys that are
/// not text are written as JSON, and numbers JSON cannot hold become text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FreeForm(pub serde_json::Value);

impl<'de> Deserialize<'de> for FreeForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_norway::Value::deserialize(deserializer).map(|value| FreeForm(to_json(value)))
    }
}

/// YAML as JSON. The depth is bounded by serde_norway's recursion limit.
fn to_json(value: serde_norway::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    use serde_norway::Value as Yaml;
    match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(flag) => Json::Bool(flag),
        Yaml::Number(number) => number_to_json(&number),
        Yaml::String(text) => Json::String(text),
        Yaml::Sequence(items) => Json::Array(items.into_iter().map(to_json).collect()),
        Yaml::Mapping(entries) => {
            let entries = entries
                .into_iter()
                .map(|(key, value)| (key_text(key), to_json(value)));
            Json::Object(entries.collect())
        }
        Yaml::Tagged(tagged) => to_json(tagged.value),
    }
}

fn number_to_json(number: &serde_norway::Number) -> serde_json::Value {
    if let Some(whole) = number.as_u64() {
        return whole.into();
    }
    if let Some(whole) = number.as_i64() {
        return whole.into();
    }
    let finite = number.as_f64().and_then(serde_json::Number::from_f64);
    finite.map_or_else(
        || serde_json::Value::String(number.to_string()),
        serde_json::Value::Number,
    )
}

fn key_text(key: serde_norway::Value) -> String {
    match to_json(key) {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}
