//! The small part of Prometheus' label and annotation templating that alert
//! rules use most: `{{ $labels.name }}`, `{{ $value }}` (also spelled
//! `.Labels.name` and `.Value`), optionally piped through `humanize` or
//! `humanizePercentage`. Anything else inside `{{ }}` is refused when the rule
//! is loaded, rather than printed wrong.

use super::Labels;

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Template(Vec<Part>);

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Label(String),
    Value(Format),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    /// Shortest form that reads back to the same number.
    Plain,
    /// SI prefix and four significant digits: `1.234k`.
    Humanize,
    /// Times 100, four significant digits and `%`.
    Percentage,
}

impl Template {
    /// Parses `text`; the error says which action is not supported.
    pub(crate) fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| "unclosed `{{` in template".to_owned())?;
            parts.push(action(after[..close].trim())?);
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template(parts))
    }

    /// The text for one alert: its sample's labels and value.
    pub(crate) fn expand(&self, labels: &Labels, value: f64) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                // A missing label expands to nothing (Prometheus' `missingkey=zero`).
                Part::Label(name) => out.push_str(labels.get(name).map_or("", String::as_str)),
                Part::Value(Format::Plain) => out.push_str(&value.to_string()),
                Part::Value(Format::Humanize) => out.push_str(&humanize(value)),
                Part::Value(Format::Percentage) => {
                    out.push_str(&format!("{}%", significant4(value * 100.0)));
                }
            }
        }
        out
    }
}

fn action(inner: &str) -> Result<Part, String> {
    let (head, pipe) = match inner.split_once('|') {
        Some((h, p)) => (h.trim(), Some(p.trim())),
        None => (inner, None),
    };
    let unsupported = || {
        format!(
            "template action `{{{{ {inner} }}}}` is not supported \
             (only $labels.<name>, $value, $value | humanize, $value | humanizePercentage)"
        )
    };
    let label = head
        .strip_prefix("$labels.")
        .or_else(|| head.strip_prefix(".Labels."));
    if let Some(name) = label {
        if pipe.is_some()
            || name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(unsupported());
        }
        return Ok(Part::Label(name.to_owned()));
    }
    if head != "$value" && head != ".Value" {
        return Err(unsupported());
    }
    match pipe {
        None => Ok(Part::Value(Format::Plain)),
        Some("humanize") => Ok(Part::Value(Format::Humanize)),
        Some("humanizePercentage") => Ok(Part::Value(Format::Percentage)),
        Some(_) => Err(unsupported()),
    }
}

/// Prometheus' `humanize`: an SI prefix and `%.4g`.
fn humanize(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return significant4(v);
    }
    let (mut x, mut i) = (v, 0usize);
    if v.abs() >= 1.0 {
        const UP: [&str; 9] = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"];
        while x.abs() >= 1000.0 && i + 1 < UP.len() {
            x /= 1000.0;
            i += 1;
        }
        format!("{}{}", significant4(x), UP[i])
    } else {
        const DOWN: [&str; 9] = ["", "m", "u", "n", "p", "f", "a", "z", "y"];
        while x.abs() < 1.0 && i + 1 < DOWN.len() {
            x *= 1000.0;
            i += 1;
        }
        format!("{}{}", significant4(x), DOWN[i])
    }
}

/// Go's `%.4g`: four significant digits, trailing zeros dropped.
fn significant4(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let sci = format!("{v:.3e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    if !(-4..4).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa.to_owned()), exp.abs())
    } else {
        let decimals = usize::try_from(3 - exp).unwrap_or(0);
        trim(format!("{v:.decimals$}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_labels_and_values() {
        let t = Template::parse("{{ $labels.region }} error ratio {{ $value | humanizePercentage }} ({{.Value}}, {{ $labels.missing }})").unwrap();
        let labels = Labels::from([("region".into(), "eu".into())]);
        assert_eq!(t.expand(&labels, 0.0734), "eu error ratio 7.34% (0.0734, )");
        let plain = Template::parse("no actions").unwrap();
        assert_eq!(plain.expand(&labels, 1.0), "no actions");
    }

    #[test]
    fn humanizes_like_prometheus() {
        assert_eq!(humanize(1234.0), "1.234k");
        assert_eq!(humanize(2_500_000.0), "2.5M");
        assert_eq!(humanize(0.0123), "12.3m");
        assert_eq!(humanize(12.0), "12");
        assert_eq!(significant4(123456.0), "1.235e+05");
        assert_eq!(significant4(0.00001234), "1.234e-05");
        assert_eq!(significant4(0.5), "0.5");
    }

    #[test]
    fn refuses_what_it_cannot_expand() {
        let e = Template::parse("{{ template \"x\" . }}").unwrap_err();
        assert!(e.contains("is not supported"), "{e}");
        assert!(Template::parse("{{ $value | printf \"%.2f\" }}").is_err());
        assert_eq!(
            Template::parse("{{ $labels.x").unwrap_err(),
            "unclosed `{{` in template"
        );
    }
}
