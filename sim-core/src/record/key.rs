//! The identity of a series: a metric name plus sorted labels.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Names one series the Prometheus way, e.g. `requests_total{region="eu"}`.
///
/// Labels are kept sorted by key, so the same metric registered with its labels
/// in a different order is the same series, and outputs are deterministic.
/// Build keys with [`SeriesKey::new`], which does the sorting.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    /// The metric name, e.g. `requests_total` or `latency_seconds`.
    pub name: String,
    /// `(key, value)` pairs, sorted by key, keys unique.
    pub labels: Vec<(String, String)>,
}

impl SeriesKey {
    /// A key with its labels sorted by key, so label order at the call site never matters.
    ///
    /// # Panics
    /// If `name` is empty or a label key appears twice: both are bugs in the
    /// model's code, and the series they would name is ambiguous.
    pub fn new(name: &str, labels: &[(&str, &str)]) -> Self {
        assert!(!name.is_empty(), "a metric needs a name");
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        labels.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(pair) = labels.windows(2).find(|w| w[0].0 == w[1].0) {
            panic!("metric `{name}` has the label `{}` twice", pair[0].0);
        }
        SeriesKey {
            name: name.to_owned(),
            labels,
        }
    }

    /// The value of label `key`, if the series has it; for filtering series in reports.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The labels in Prometheus form without braces, `k="v",k2="v2"` (empty if
    /// none), as written in the `labels` column of the CSV export.
    pub fn labels_text(&self) -> String {
        let mut out = String::new();
        self.write_labels(&mut out)
            .expect("writing to a String cannot fail");
        out
    }

    fn write_labels(&self, out: &mut impl fmt::Write) -> fmt::Result {
        for (i, (k, v)) in self.labels.iter().enumerate() {
            if i > 0 {
                out.write_char(',')?;
            }
            write!(out, "{k}=\"")?;
            // Prometheus' exposition format escapes exactly these three characters.
            for c in v.chars() {
                match c {
                    '\\' => out.write_str("\\\\")?,
                    '"' => out.write_str("\\\"")?,
                    '\n' => out.write_str("\\n")?,
                    c => out.write_char(c)?,
                }
            }
            out.write_char('"')?;
        }
        Ok(())
    }

    /// Serializes the labels as a JSON object (`{"region": "eu"}`), keys in sorted order.
    pub(super) fn labels_map(&self) -> LabelsMap<'_> {
        LabelsMap(&self.labels)
    }
}

impl fmt::Display for SeriesKey {
    /// Prints `name{k="v",k2="v2"}`, or just `name` without labels.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.labels.is_empty() {
            f.write_str("{")?;
            self.write_labels(f)?;
            f.write_str("}")?;
        }
        Ok(())
    }
}

/// Labels as a serde map, so JSON consumers get `{"region": "eu"}` rather than pairs.
pub(super) struct LabelsMap<'a>(&'a [(String, String)]);

impl Serialize for LabelsMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_sorted_so_order_does_not_matter() {
        let a = SeriesKey::new("requests_total", &[("zone", "b"), ("region", "eu")]);
        let b = SeriesKey::new("requests_total", &[("region", "eu"), ("zone", "b")]);
        assert_eq!(a, b);
        assert_eq!(a.labels[0].0, "region");
        assert_eq!(a.label("zone"), Some("b"));
        assert_eq!(a.label("missing"), None);
    }

    #[test]
    fn displays_prometheus_style_with_escapes() {
        let k = SeriesKey::new("errors_total", &[("msg", "a \"b\"\\\nc"), ("code", "500")]);
        assert_eq!(
            k.to_string(),
            r#"errors_total{code="500",msg="a \"b\"\\\nc"}"#
        );
        assert_eq!(SeriesKey::new("up", &[]).to_string(), "up");
        assert_eq!(SeriesKey::new("up", &[]).labels_text(), "");
    }

    #[test]
    #[should_panic(expected = "label `region` twice")]
    fn duplicate_label_keys_are_a_bug() {
        SeriesKey::new("requests_total", &[("region", "eu"), ("region", "us")]);
    }
}
