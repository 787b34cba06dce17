//! Unknown keys: every key of a campaign section must be one the front end
//! reads. The known keys are taken from the serde structs themselves, so the
//! list can never drift from what is deserialised.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::codes;
use super::raw::{
    RawCampaign, RawConfig, RawDateMapping, RawFieldUpdates, RawFrequency, RawPhase, RawTable,
    RawThresholds, RawTransformation, RawValidation,
};
use super::tree::{Section, Shape, SpanTree};
use crate::diag::Diagnostic;
use crate::diag::suggest;

/// Report every unknown key in the sections the front end reads. The
/// `execution`, `logging` and `notification` sections are free-form.
pub(super) fn check_unknown_keys(tree: &SpanTree, diags: &mut Vec<Diagnostic>) {
    let Some(root) = tree.root() else { return };
    for (pattern, known) in schema() {
        for section in resolve(root, pattern) {
            check_section(section, known, diags);
        }
    }
}

/// Report every key written twice in one mapping, anywhere in the document;
/// returns whether there was one.
pub(super) fn check_duplicate_keys(tree: &SpanTree, diags: &mut Vec<Diagnostic>) -> bool {
    let before = diags.len();
    for map in tree
        .sections()
        .filter(|section| section.shape() == Shape::Map)
    {
        let mut seen: HashMap<&str, Section> = HashMap::new();
        for entry in map.children() {
            let Some(key) = entry.key() else { continue };
            let Some(first) = seen.get(key) else {
                seen.insert(key, entry);
                continue;
            };
            let message = format!("{}: the key `{key}` is written twice", entry.path());
            let span = entry.key_span().unwrap_or(entry.span());
            let first_span = first.key_span().unwrap_or(first.span());
            let diagnostic = Diagnostic::error(codes::DUPLICATE_KEY, message, span)
                .with_label(first_span, "first written here")
                .with_hint("keep one of the two");
            diags.push(diagnostic);
        }
    }
    diags.len() > before
}

/// Which mappings are checked, by key path (`*` is every item of a list).
fn schema() -> [(&'static [&'static str], &'static [&'static str]); 11] {
    [
        (&[], fields_of::<RawConfig>()),
        (&["campaign"], fields_of::<RawCampaign>()),
        (&["source"], fields_of::<RawTable>()),
        (&["target"], fields_of::<RawTable>()),
        (&["frequency_requirement"], fields_of::<RawFrequency>()),
        (&["date_mapping"], fields_of::<RawDateMapping>()),
        (&["date_mapping", "phases", "*"], fields_of::<RawPhase>()),
        (&["transformation"], fields_of::<RawTransformation>()),
        (
            &["transformation", "json_field_updates"],
            fields_of::<RawFieldUpdates>(),
        ),
        (&["validation"], fields_of::<RawValidation>()),
        (&["validation", "thresholds"], fields_of::<RawThresholds>()),
    ]
}

/// The nodes a pattern names.
fn resolve<'t>(root: Section<'t>, pattern: &[&str]) -> Vec<Section<'t>> {
    let mut found = vec![root];
    for step in pattern {
        found = found
            .iter()
            .flat_map(|section| match *step {
                "*" if section.shape() == Shape::List => section.children().collect(),
                "*" => vec![],
                key => section.field(key).into_iter().collect(),
            })
            .collect();
    }
    found
}

fn check_section(section: Section, known: &[&str], diags: &mut Vec<Diagnostic>) {
    if section.shape() != Shape::Map {
        return;
    }
    for entry in section.children() {
        let Some(key) = entry.key() else { continue };
        if known.contains(&key) {
            continue;
        }
        let span = entry.key_span().unwrap_or(entry.span());
        let what = if section.path().is_empty() {
            "section"
        } else {
            "key"
        };
        let message = format!("{}: unknown {what} `{key}`", entry.path());
        let hint = match suggest(key, known) {
            Some(close) => format!("did you mean `{close}`?"),
            None if key == "<<" => "merge keys are not supported here; write the keys out".into(),
            None => format!("the known keys here are: {}", known.join(", ")),
        };
        diags.push(Diagnostic::error(codes::UNKNOWN_KEY, message, span).with_hint(hint));
    }
}

/// The field names serde's derive declares for `T`.
pub(super) fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The probe always fails on purpose: it only records what it was asked for.
    let _ = T::deserialize(FieldProbe {
        fields: &mut fields,
    });
    fields
}

/// A deserializer that records the fields a struct asks for, then stops.
struct FieldProbe<'a> {
    fields: &'a mut &'static [&'static str],
}

impl<'de> Deserializer<'de> for FieldProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only structs are probed"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.fields = fields;
        Err(de::Error::custom("probe finished"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reads_the_declared_fields() {
        let fields = fields_of::<RawThresholds>();
        assert_eq!(
            fields,
            [
                "min_records_per_phase",
                "max_records_per_phase",
                "max_variance_from_expected"
            ]
        );
        assert!(fields_of::<RawFrequency>().contains(&"type"));
    }

    #[test]
    fn suggestions_are_close_words_only() {
        let known = ["campaign_name", "banner_id", "zone"];
        assert_eq!(suggest("campain_name", &known), Some("campaign_name"));
        assert_eq!(suggest("Banner_ID", &known), Some("banner_id"));
        assert_eq!(suggest("frobnicate", &known), None);
    }
}
