//! The published JSON Schema of scenario files (`scenarios/scenario.schema.json`),
//! for editors.
//!
//! It is generated from the serde types. Because a file gives only what
//! differs from its profile, fields of the top-level sections (objects that
//! are merged onto the defaults) are not required; items of lists (regions,
//! classes, versions, spikes) replace the defaults whole and keep their
//! required fields.

use std::collections::BTreeSet;

use serde_json::Value;

use super::config::ScenarioConfig;

/// The JSON Schema (draft 2020-12) of a scenario file.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(ScenarioConfig).to_value();
    let mut seen = BTreeSet::new();
    relax(&mut schema, None, &mut seen);
    if let Value::Object(root) = &mut schema {
        root.insert(
            "description".into(),
            Value::String(
                "A devops-sim scenario. Every field left out takes the default of `profile` \
                 (development, production or experimental; default production)."
                    .into(),
            ),
        );
    }
    schema
}

/// Drops `required` from the object at `def` (the root when `None`) and from
/// every definition it reaches through properties (not through list items).
fn relax(schema: &mut Value, def: Option<&str>, seen: &mut BTreeSet<String>) {
    let node = match def {
        None => Some(&mut *schema),
        Some(name) => schema.pointer_mut(&format!("/$defs/{name}")),
    };
    let Some(Value::Object(node)) = node else {
        return;
    };
    node.remove("required");
    let mut refs = Vec::new();
    if let Some(Value::Object(props)) = node.get("properties") {
        for prop in props.values() {
            collect_refs(prop, &mut refs);
        }
    }
    for name in refs {
        if seen.insert(name.clone()) {
            relax(schema, Some(&name), seen);
        }
    }
}

/// `$ref`s of a property schema, looking through `anyOf`/`oneOf`/`allOf`
/// (e.g. an `Option`) but not into `items`.
fn collect_refs(prop: &Value, out: &mut Vec<String>) {
    let Value::Object(obj) = prop else { return };
    if let Some(Value::String(r)) = obj.get("$ref")
        && let Some(name) = r.strip_prefix("#/$defs/")
    {
        out.push(name.to_owned());
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(alts)) = obj.get(key) {
            for alt in alts {
                collect_refs(alt, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA_FILE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/scenario.schema.json"
    );

    /// The committed schema equals the generated one; `UPDATE_SCHEMA=1`
    /// rewrites the file.
    #[test]
    fn committed_schema_is_current() {
        let mut text = serde_json::to_string_pretty(&json_schema()).expect("schema serializes");
        text.push('\n');
        if std::env::var("UPDATE_SCHEMA").as_deref() == Ok("1") {
            std::fs::write(SCHEMA_FILE, &text).expect("write the schema file");
        }
        let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
        assert!(
            committed == text,
            "{SCHEMA_FILE} is out of date: run `UPDATE_SCHEMA=1 cargo test -p sim-models schema`"
        );
    }

    #[test]
    fn sections_are_optional_but_list_items_are_not() {
        let schema = json_schema();
        assert!(schema.get("required").is_none());
        assert!(schema.pointer("/$defs/FleetConfig/required").is_none());
        assert!(schema.pointer("/$defs/VersionConfig/required").is_some());
    }
}
