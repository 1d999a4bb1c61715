//! A small hand-written recursive-descent parser for the PromQL subset of
//! [`expr`](super::expr), with errors that point at a column.

use std::fmt;

use sim_core::SimDuration;

use super::expr::{
    AggOp, AlertExpr, CmpOp, Grouping, MatchOp, Matcher, RangeFunc, Selector, VectorExpr,
};

/// Why an `expr` could not be parsed, and where (1-based, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Line of the problem; 1 unless the expression spans lines.
    pub line: usize,
    /// Column of the problem on that line.
    pub column: usize,
    /// What is wrong, e.g. `unexpected ')'`.
    pub message: String,
}

impl fmt::Display for ExprError {
    /// `unexpected ')' at column 17`, or `… at line 2, column 5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 1 {
            write!(f, "{} at column {}", self.message, self.column)
        } else {
            write!(
                f,
                "{} at line {}, column {}",
                self.message, self.line, self.column
            )
        }
    }
}

impl std::error::Error for ExprError {}

const FUNCTIONS: &str = "sum, avg, min, max, count, rate, increase";

/// Parses an alert condition: `vector CMP number`.
pub fn parse_alert_expr(text: &str) -> Result<AlertExpr, ExprError> {
    let mut p = Parser { text, pos: 0 };
    let vector = p.vector()?;
    p.skip_ws();
    let start = p.pos;
    let Some(op) = p.cmp_op() else {
        return Err(match p.peek() {
            None => p.error_at(
                start,
                "an alert expression must end in a comparison with a number, like `… > 0.05`",
            ),
            Some(_) => p.unexpected(),
        });
    };
    p.skip_ws();
    if p.word_ahead() == Some("bool") {
        return Err(
            p.error("the `bool` modifier is not supported: an alert keeps the elements that pass")
        );
    }
    let threshold = p.number().ok_or_else(|| {
        p.error(format!(
            "expected a number after `{}` (comparing two vectors is not supported)",
            op.symbol()
        ))
    })?;
    p.skip_ws();
    if p.peek().is_some() {
        return Err(p.unexpected());
    }
    Ok(AlertExpr {
        vector,
        op,
        threshold,
    })
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            // PromQL comments run from `#` to the end of the line.
            if trimmed.starts_with('#') {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> ExprError {
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        ExprError {
            line,
            column: before[line_start..].chars().count() + 1,
            message: message.into(),
        }
    }

    fn error(&self, message: impl Into<String>) -> ExprError {
        self.error_at(self.pos, message)
    }

    /// An error naming what stands at the current position.
    fn unexpected(&self) -> ExprError {
        let rest = self.rest();
        match rest.chars().next() {
            None => self.error("unexpected end of expression"),
            Some(c @ ('+' | '-' | '*' | '%' | '^')) => self.error(format!(
                "the operator `{c}` is not supported (only `/` between two vectors, then one comparison)"
            )),
            Some(_) => match self.word_ahead() {
                Some(w @ ("and" | "or" | "unless")) => {
                    self.error(format!("the set operator `{w}` is not supported"))
                }
                Some(w @ ("offset" | "on" | "ignoring" | "group_left" | "group_right")) => self
                    .error(format!(
                        "`{w}` is not supported (divisions match elements with identical labels)"
                    )),
                Some(w) => self.error(format!("unexpected `{w}`")),
                None if rest.starts_with('@') => self.error("the `@` modifier is not supported"),
                None => self.error(format!("unexpected '{}'", rest.chars().next().unwrap_or(' '))),
            },
        }
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), ExprError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else if self.peek().is_none() {
            Err(self.error(format!("unexpected end of expression, expected {what}")))
        } else {
            let mut e = self.unexpected();
            e.message = format!("{}, expected {what}", e.message);
            Err(e)
        }
    }

    /// The identifier (`[a-zA-Z_:][a-zA-Z0-9_:]*`) at the current position, not consumed.
    fn word_ahead(&self) -> Option<&'a str> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_' || first == ':') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        Some(&rest[..len])
    }

    fn vector(&mut self) -> Result<VectorExpr, ExprError> {
        let mut left = self.term()?;
        loop {
            self.skip_ws();
            if !self.eat("/") {
                return Ok(left);
            }
            self.skip_ws();
            if let Some(w @ ("on" | "ignoring" | "group_left" | "group_right")) = self.word_ahead()
            {
                let rest = &self.rest()[w.len()..];
                if rest.trim_start().starts_with('(') {
                    return Err(self.error(format!(
                        "`{w}` is not supported (divisions match elements with identical labels)"
                    )));
                }
            }
            let right = self.term()?;
            left = VectorExpr::Divide(Box::new(left), Box::new(right));
        }
    }

    fn term(&mut self) -> Result<VectorExpr, ExprError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.error(
                "unexpected end of expression, expected a metric name, an aggregation or rate()/increase()",
            )),
            Some('(') => {
                self.pos += 1;
                let inner = self.vector()?;
                self.expect(')', "')'")?;
                Ok(inner)
            }
            Some('{') => Err(self.error("a selector must start with a metric name")),
            Some(c) if c.is_ascii_digit() || c == '.' => Err(self.error(
                "expected a metric name, an aggregation or rate()/increase(), found a number \
                 (the number goes after the comparison)",
            )),
            Some(_) => {
                let Some(word) = self.word_ahead().map(str::to_owned) else {
                    return Err(self.unexpected());
                };
                self.pos += word.len();
                let agg = match word.as_str() {
                    "sum" => Some(AggOp::Sum),
                    "avg" => Some(AggOp::Avg),
                    "min" => Some(AggOp::Min),
                    "max" => Some(AggOp::Max),
                    "count" => Some(AggOp::Count),
                    _ => None,
                };
                let after = self.pos;
                self.skip_ws();
                let next_word = self.word_ahead();
                let calls = self.peek() == Some('(');
                if let Some(op) = agg
                    && (calls || matches!(next_word, Some("by" | "without")))
                {
                    return self.aggregation(op);
                }
                let func = match word.as_str() {
                    "rate" => Some(RangeFunc::Rate),
                    "increase" => Some(RangeFunc::Increase),
                    _ => None,
                };
                if let Some(func) = func
                    && calls
                {
                    return self.range_function(func);
                }
                if calls {
                    return Err(self.error_at(
                        start,
                        format!("unknown or unsupported function `{word}` (supported: {FUNCTIONS})"),
                    ));
                }
                self.pos = after;
                let selector = self.selector_rest(word, start)?;
                self.skip_ws();
                if self.peek() == Some('[') {
                    return Err(self.error(
                        "a range like `[5m]` is only allowed inside rate() or increase()",
                    ));
                }
                Ok(VectorExpr::Selector(selector))
            }
        }
    }

    fn aggregation(&mut self, op: AggOp) -> Result<VectorExpr, ExprError> {
        let before = self.grouping()?;
        self.expect('(', &format!("'(' after `{}`", op.name()))?;
        let inner = self.vector()?;
        self.expect(')', "')'")?;
        let after_start = {
            self.skip_ws();
            self.pos
        };
        let after = self.grouping()?;
        let grouping = match (before, after) {
            (Some(_), Some(_)) => {
                return Err(
                    self.error_at(after_start, "only one `by` or `without` clause is allowed")
                );
            }
            (Some(g), None) | (None, Some(g)) => g,
            (None, None) => Grouping::By(Vec::new()),
        };
        Ok(VectorExpr::Aggregate {
            op,
            grouping,
            inner: Box::new(inner),
        })
    }

    /// An optional `by (l, …)` or `without (l, …)`.
    fn grouping(&mut self) -> Result<Option<Grouping>, ExprError> {
        self.skip_ws();
        let by = match self.word_ahead() {
            Some("by") => true,
            Some("without") => false,
            _ => return Ok(None),
        };
        self.pos += if by { 2 } else { 7 };
        self.expect('(', "'(' and a list of label names")?;
        let mut labels = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(")") {
                break;
            }
            labels.push(self.label_name()?);
            self.skip_ws();
            if self.eat(",") {
                continue;
            }
            self.expect(')', "',' or ')'")?;
            break;
        }
        Ok(Some(if by {
            Grouping::By(labels)
        } else {
            Grouping::Without(labels)
        }))
    }

    fn label_name(&mut self) -> Result<String, ExprError> {
        match self.word_ahead() {
            Some(w) if !w.contains(':') => {
                let w = w.to_owned();
                self.pos += w.len();
                Ok(w)
            }
            _ if self.peek().is_none() => {
                Err(self.error("unexpected end of expression, expected a label name"))
            }
            _ => {
                let mut e = self.unexpected();
                e.message = format!("{}, expected a label name", e.message);
                Err(e)
            }
        }
    }

    fn range_function(&mut self, func: RangeFunc) -> Result<VectorExpr, ExprError> {
        let name = match func {
            RangeFunc::Rate => "rate",
            RangeFunc::Increase => "increase",
        };
        self.expect('(', "'('")?;
        self.skip_ws();
        let start = self.pos;
        let Some(metric) = self.word_ahead().map(str::to_owned) else {
            return Err(self.error(format!(
                "{name}() takes a selector with a range, like `{name}(requests_total[5m])`"
            )));
        };
        self.pos += metric.len();
        let selector = self.selector_rest(metric, start)?;
        self.skip_ws();
        if self.peek() != Some('[') {
            return Err(self.error(format!(
                "{name}() needs a range after the selector, like `[5m]`"
            )));
        }
        self.pos += 1;
        let dur_start = self.pos;
        let Some(len) = self.rest().find(']') else {
            return Err(self.error("unclosed range: expected ']'"));
        };
        let text = self.rest()[..len].trim().to_owned();
        if text.contains(':') {
            return Err(self.error_at(dur_start, "subqueries are not supported"));
        }
        let window = text
            .parse::<SimDuration>()
            .map_err(|e| self.error_at(dur_start, format!("bad range duration: {e}")))?;
        if window == SimDuration::ZERO {
            return Err(self.error_at(dur_start, "the range must be longer than zero"));
        }
        self.pos += len + 1;
        self.expect(')', "')'")?;
        Ok(VectorExpr::Range {
            func,
            selector,
            window,
        })
    }

    /// The rest of a selector whose metric name (starting at `start`) was just read.
    fn selector_rest(&mut self, metric: String, start: usize) -> Result<Selector, ExprError> {
        if matches!(metric.as_str(), "by" | "without" | "bool" | "offset") {
            return Err(self.error_at(start, format!("unexpected `{metric}`")));
        }
        let mut matchers = Vec::new();
        self.skip_ws();
        if self.eat("{") {
            loop {
                self.skip_ws();
                if self.eat("}") {
                    break;
                }
                matchers.push(self.matcher()?);
                self.skip_ws();
                if self.eat(",") {
                    continue;
                }
                self.expect('}', "',' or '}'")?;
                break;
            }
        }
        Ok(Selector { metric, matchers })
    }

    fn matcher(&mut self) -> Result<Matcher, ExprError> {
        let start = self.pos;
        let label = self.label_name()?;
        if label == "__name__" {
            return Err(self.error_at(
                start,
                "put the metric name before '{' instead of matching `__name__`",
            ));
        }
        self.skip_ws();
        let op = if self.eat("=~") {
            MatchOp::Matches
        } else if self.eat("!~") {
            MatchOp::NotMatches
        } else if self.eat("!=") {
            MatchOp::NotEqual
        } else if self.eat("=") {
            MatchOp::Equal
        } else {
            let mut e = self.unexpected();
            e.message = format!("{}, expected one of =, !=, =~, !~", e.message);
            return Err(e);
        };
        self.skip_ws();
        let value_start = self.pos;
        let value = self.string()?;
        if matches!(op, MatchOp::Matches | MatchOp::NotMatches) {
            check_pattern(&value).map_err(|m| self.error_at(value_start, m))?;
        }
        Ok(Matcher { label, op, value })
    }

    /// A quoted string: `"…"` or `'…'` with escapes, or a raw `` `…` ``.
    fn string(&mut self) -> Result<String, ExprError> {
        let start = self.pos;
        let Some(quote @ ('"' | '\'' | '`')) = self.peek() else {
            if self.peek().is_none() {
                return Err(
                    self.error("unexpected end of expression, expected a quoted label value")
                );
            }
            let mut e = self.unexpected();
            e.message = format!("{}, expected a quoted label value", e.message);
            return Err(e);
        };
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.pos += i + 1;
                return Ok(out);
            }
            if c == '\\' && quote != '`' {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '\\' | '"' | '\'' => out.push(e),
                    other => {
                        return Err(
                            self.error_at(self.pos + i, format!("unsupported escape `\\{other}`"))
                        );
                    }
                }
            } else {
                out.push(c);
            }
        }
        Err(self.error_at(start, "unterminated string"))
    }

    fn cmp_op(&mut self) -> Option<CmpOp> {
        for (s, op) in [
            (">=", CmpOp::Ge),
            ("<=", CmpOp::Le),
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            (">", CmpOp::Gt),
            ("<", CmpOp::Lt),
        ] {
            if self.eat(s) {
                return Some(op);
            }
        }
        None
    }

    /// A number: decimal or scientific, optionally signed, or `Inf`/`NaN`.
    fn number(&mut self) -> Option<f64> {
        let rest = self.rest();
        let sign_len = usize::from(rest.starts_with(['+', '-']));
        let body = &rest[sign_len..];
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(body.len());
        // Take the longest prefix that reads as a number (`1e-3`, but not `1-3`).
        let (len, value) = (1..=len).rev().find_map(|n| {
            let word = &body[..n];
            let lower = word.to_ascii_lowercase();
            let v = match lower.as_str() {
                "inf" => Some(f64::INFINITY),
                "nan" => Some(f64::NAN),
                _ if lower.contains("inf") || lower.contains("nan") => None,
                _ => word.parse::<f64>().ok(),
            }?;
            Some((n, v))
        })?;
        self.pos += sign_len + len;
        Some(if rest.starts_with('-') { -value } else { value })
    }
}

/// Accepts `.*`, `.+`, or `|`-separated alternatives of literal characters
/// and `.`: there is no regular-expression engine among our dependencies.
fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern == ".*" || pattern == ".+" {
        return Ok(());
    }
    match pattern.chars().find(|c| "\\+*?()[]{}^$".contains(*c)) {
        None => Ok(()),
        Some(c) => Err(format!(
            "regular expressions are limited to `.*`, `.+` and alternatives like \"failed|timed_out\" \
             (`.` matches any one character); `{c}` is not supported"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_alert_expr(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_and_prints_back_canonically() {
        for (input, canonical) in [
            ("up == 0", "up == 0"),
            (
                r#"cpu_utilisation_ratio{region="eu-west-1"}>0.8"#,
                r#"cpu_utilisation_ratio{region="eu-west-1"} > 0.8"#,
            ),
            (
                "sum by(region)(rate(requests_total{outcome=~'failed|timed_out'}[5m])) / sum by (region) (rate(requests_total[5m])) > 0.05",
                r#"sum by (region) (rate(requests_total{outcome=~"failed|timed_out"}[5m])) / sum by (region) (rate(requests_total[5m])) > 0.05"#,
            ),
            (
                "max(instance_cpu_utilisation_ratio) without (instance) >= 1e-1",
                "max without (instance) (instance_cpu_utilisation_ratio) >= 0.1",
            ),
            (
                "(increase(requests_total{outcome!=\"succeeded\"}[1h30m])) < +Inf",
                r#"increase(requests_total{outcome!="succeeded"}[1h30m]) < +Inf"#,
            ),
            (
                "count(instances_ready) != -2",
                "count(instances_ready) != -2",
            ),
            ("a / (b / c) <= 1", "a / (b / c) <= 1"),
            ("(a / b) / c <= 1", "a / b / c <= 1"),
        ] {
            let parsed = parse_alert_expr(input).unwrap();
            assert_eq!(parsed.to_string(), canonical, "{input}");
            assert_eq!(parse_alert_expr(canonical).unwrap(), parsed, "{canonical}");
        }
    }

    #[test]
    fn the_tree_has_the_expected_shape() {
        let e = parse_alert_expr("avg without (instance) (instance_memory_bytes) > 1e9").unwrap();
        assert_eq!(e.op, CmpOp::Gt);
        assert_eq!(e.threshold, 1e9);
        let VectorExpr::Aggregate {
            op,
            grouping,
            inner,
        } = e.vector
        else {
            panic!("not an aggregation");
        };
        assert_eq!(op, AggOp::Avg);
        assert_eq!(grouping, Grouping::Without(vec!["instance".into()]));
        assert_eq!(
            *inner,
            VectorExpr::Selector(Selector {
                metric: "instance_memory_bytes".into(),
                matchers: vec![],
            })
        );
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(
            err("sum(requests_total)) > 1"),
            "unexpected ')' at column 20"
        );
        assert_eq!(
            err("sum(rate(requests_total[5m]) > 1"),
            "unexpected '>', expected ')' at column 30"
        );
        assert_eq!(
            err("requests_total"),
            "an alert expression must end in a comparison with a number, like `… > 0.05` at column 15"
        );
        assert_eq!(
            err("histogram_quantile(0.99, x) > 1"),
            "unknown or unsupported function `histogram_quantile` (supported: sum, avg, min, max, count, rate, increase) at column 1"
        );
        assert_eq!(
            err("requests_total{outcome=~\"fail.*\"} > 1"),
            "regular expressions are limited to `.*`, `.+` and alternatives like \"failed|timed_out\" \
             (`.` matches any one character); `*` is not supported at column 25"
        );
        assert_eq!(
            err("rate(requests_total) > 1"),
            "rate() needs a range after the selector, like `[5m]` at column 20"
        );
        assert_eq!(
            err("requests_total[5m] > 1"),
            "a range like `[5m]` is only allowed inside rate() or increase() at column 15"
        );
        assert_eq!(
            err("a + b > 1"),
            "the operator `+` is not supported (only `/` between two vectors, then one comparison) at column 3"
        );
        assert_eq!(
            err("a > b"),
            "expected a number after `>` (comparing two vectors is not supported) at column 5"
        );
        assert_eq!(
            err("a > 1 and b"),
            "the set operator `and` is not supported at column 7"
        );
        assert_eq!(err("a{x=\"1} > 1"), "unterminated string at column 5");
        assert_eq!(
            err("rate(x[5q]) > 1").split(':').next(),
            Some("bad range duration")
        );
        assert_eq!(
            err("sum by (region) (a) by (zone) > 1"),
            "only one `by` or `without` clause is allowed at column 21"
        );
        assert_eq!(
            err("sum(\n  a\n)) > 1"),
            "unexpected ')' at line 3, column 2"
        );
        assert_eq!(
            err("a > bool 1"),
            "the `bool` modifier is not supported: an alert keeps the elements that pass at column 5"
        );
        assert_eq!(
            err(""),
            "unexpected end of expression, expected a metric name, an aggregation or rate()/increase() at column 1"
        );
    }

    #[test]
    fn multiline_rule_file_expressions_parse() {
        let text = "sum by (region) (\n  rate(requests_total{outcome=\"failed\"}[5m])  # errors\n)\n  > 1\n";
        let e = parse_alert_expr(text).unwrap();
        assert_eq!(
            e.to_string(),
            r#"sum by (region) (rate(requests_total{outcome="failed"}[5m])) > 1"#
        );
    }
}
