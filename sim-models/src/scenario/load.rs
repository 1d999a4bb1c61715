//! Loading a scenario from YAML, JSON or TOML.
//!
//! A file gives only what differs from its profile. Loading:
//! 1. parses the text to a `serde_json::Value` (empty text is `{}`);
//! 2. reads `profile` (default `production`);
//! 3. deep-merges the file onto the profile's defaults: objects merge key by
//!    key, arrays and scalars replace (an object whose `kind` tag changes
//!    replaces too, so switching a variant drops the old variant's fields);
//! 4. deserializes with `serde_path_to_error`, so a wrong type or an unknown
//!    field names its path (`fleet.resources.cpu_cores: invalid type …`);
//! 5. validates, reporting every problem with its path.

use std::path::Path;

use serde_json::{Map, Value};

use super::config::{Profile, ScenarioConfig, TrafficPatternConfig};
use super::profile::defaults;
use super::validate::problems;
use crate::error::{Format, Problem, Result, ScenarioError};

impl Format {
    /// The format a file's extension names (`.yaml`, `.yml`, `.json`, `.toml`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// Loads, merges onto the profile's defaults and validates a scenario file;
/// the format comes from the extension. A relative `trace` file is resolved
/// against the scenario file's directory.
pub fn load_path(path: impl AsRef<Path>) -> Result<ScenarioConfig> {
    let path = path.as_ref();
    let format = Format::from_path(path).ok_or_else(|| ScenarioError::UnknownFormat {
        file: path.to_path_buf(),
    })?;
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let load = || {
        let mut config = deserialize(parse(&text, format)?)?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut found = Vec::new();
        for (i, region) in config.workload.regions.iter_mut().enumerate() {
            if let TrafficPatternConfig::Trace { file } = &mut region.pattern {
                if file.is_relative() {
                    *file = base.join(&*file);
                }
                if !file.is_file() {
                    found.push(Problem::new(
                        format!("workload.regions[{i}].pattern.file"),
                        format!("no such file: {}", file.display()),
                    ));
                }
            }
        }
        found.extend(problems(&config));
        if found.is_empty() {
            Ok(config)
        } else {
            Err(ScenarioError::invalid(found))
        }
    };
    load().map_err(|e: ScenarioError| e.in_file(path))
}

/// Loads a scenario from text in `format`, merges it onto its profile's
/// defaults and validates it.
pub fn load_str(text: &str, format: Format) -> Result<ScenarioConfig> {
    from_value(parse(text, format)?)
}

/// Merges an already-parsed scenario (e.g. a Python dict) onto its profile's
/// defaults, deserializes and validates it.
pub fn from_value(value: Value) -> Result<ScenarioConfig> {
    let config = deserialize(value)?;
    super::validate::validate(&config)?;
    Ok(config)
}

/// Parses text in `format` to a JSON value; empty text is an empty object.
pub fn parse(text: &str, format: Format) -> Result<Value> {
    let syntax = |line, column, message| ScenarioError::Syntax {
        file: None,
        format,
        line,
        column,
        message,
    };
    let value = match format {
        Format::Yaml => serde_yaml_ng::from_str::<Value>(text).map_err(|e| {
            let at = e.location();
            syntax(
                at.as_ref().map(|l| l.line()),
                at.as_ref().map(|l| l.column()),
                e.to_string(),
            )
        })?,
        Format::Json => serde_json::from_str::<Value>(text)
            .map_err(|e| syntax(Some(e.line()), Some(e.column()), e.to_string()))?,
        Format::Toml => toml::from_str::<Value>(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            let mut message = e.message().trim_end().to_owned();
            if let (Some(l), Some(c)) = (line, column) {
                message.push_str(&format!(" at line {l} column {c}"));
            }
            syntax(line, column, message)
        })?,
    };
    Ok(match value {
        Value::Null => Value::Object(Map::new()),
        v => v,
    })
}

/// Reads `profile`, merges `value` onto that profile's defaults and
/// deserializes the result, naming the path of a wrong type or unknown field.
/// Does not validate.
pub fn deserialize(value: Value) -> Result<ScenarioConfig> {
    let Value::Object(_) = &value else {
        return Err(ScenarioError::invalid(vec![Problem::new(
            ".",
            format!(
                "a scenario must be a mapping of fields, not {}",
                kind_of(&value)
            ),
        )]));
    };
    let profile = match value.get("profile") {
        None => Profile::Production,
        Some(p) => serde_json::from_value::<Profile>(p.clone())
            .map_err(|e| ScenarioError::invalid(vec![Problem::new("profile", e.to_string())]))?,
    };
    let mut merged =
        serde_json::to_value(defaults(profile)).expect("the default scenario serializes to JSON");
    merge(&mut merged, value);
    serde_path_to_error::deserialize::<_, ScenarioConfig>(merged).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        ScenarioError::invalid(vec![Problem::new(path, message)])
    })
}

/// Deep merge: objects merge key by key, everything else in `overlay`
/// replaces what is in `base`. An object whose `kind` differs from the base's
/// replaces it whole (a different enum variant).
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o))
            if o.get("kind").is_none() || o.get("kind") == b.get("kind") =>
        {
            for (key, value) in o {
                match b.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        b.insert(key, value);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

impl ScenarioConfig {
    /// A profile's full default scenario (valid as it is).
    pub fn preset(profile: Profile) -> ScenarioConfig {
        defaults(profile)
    }

    /// Loads a scenario file; see [`load_path`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<ScenarioConfig> {
        load_path(path)
    }

    /// Loads a scenario from text; see [`load_str`].
    pub fn from_text(text: &str, format: Format) -> Result<ScenarioConfig> {
        load_str(text, format)
    }

    /// Checks the scenario; see [`validate`](super::validate::validate).
    pub fn validate(&self) -> Result<()> {
        super::validate::validate(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_recurses_into_objects_and_replaces_the_rest() {
        let mut base = json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        merge(&mut base, json!({"a": {"c": [3]}, "e": true}));
        assert_eq!(base, json!({"a": {"b": 1, "c": [3]}, "d": 1, "e": true}));
    }

    #[test]
    fn a_new_kind_replaces_the_object() {
        let mut base = json!({"kind": "diurnal", "peak_hour": 14.0, "amplitude": 0.5});
        merge(&mut base, json!({"kind": "constant"}));
        assert_eq!(base, json!({"kind": "constant"}));
    }
}
