//! The PromQL subset an alert's `expr` may use, as a syntax tree that prints
//! back to canonical PromQL.
//!
//! ```text
//! alert   := vector CMP number
//! vector  := term ('/' term)*
//! term    := AGG [by|without (l, …)] '(' vector ')' [by|without (l, …)]
//!          | (rate|increase) '(' selector '[' duration ']' ')'
//!          | selector
//!          | '(' vector ')'
//! selector:= metric_name ['{' label (=|!=|=~|!~) "value", … '}']
//! AGG     := sum | avg | min | max | count
//! CMP     := > | >= | < | <= | == | !=
//! ```

use std::fmt;

use sim_core::SimDuration;

/// A whole alert condition: `vector CMP threshold`. Every output element of
/// `vector` whose value passes the comparison is an active alert.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertExpr {
    /// The vector compared.
    pub vector: VectorExpr,
    /// The comparison.
    pub op: CmpOp,
    /// The number compared with.
    pub threshold: f64,
}

/// An expression whose value is an instant vector (labels → value).
#[derive(Clone, Debug, PartialEq)]
pub enum VectorExpr {
    /// The latest sample of every matching series.
    Selector(Selector),
    /// `rate(sel[window])` or `increase(sel[window])` over counters.
    Range {
        /// Which function.
        func: RangeFunc,
        /// The series.
        selector: Selector,
        /// How far back the range reaches (> 0).
        window: SimDuration,
    },
    /// `op by (…) (inner)`.
    Aggregate {
        /// Which aggregation.
        op: AggOp,
        /// Which labels the output keeps.
        grouping: Grouping,
        /// What is aggregated.
        inner: Box<VectorExpr>,
    },
    /// `left / right`, matching elements with identical label sets.
    Divide(Box<VectorExpr>, Box<VectorExpr>),
}

/// `metric_name{label="value", …}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// The metric name.
    pub metric: String,
    /// Label matchers, all of which must hold.
    pub matchers: Vec<Matcher>,
}

/// One `label op "value"` inside a selector's braces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    /// The label name.
    pub label: String,
    /// How the value is compared.
    pub op: MatchOp,
    /// The value (for `=~`/`!~`, the pattern).
    pub value: String,
}

/// A label matcher's operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    /// `=`: equal.
    Equal,
    /// `!=`: not equal.
    NotEqual,
    /// `=~`: the pattern matches the whole value.
    Matches,
    /// `!~`: the pattern does not match the whole value.
    NotMatches,
}

impl Matcher {
    /// Whether a series whose label has `value` (`""` when absent, as in
    /// Prometheus) passes.
    pub fn accepts(&self, value: &str) -> bool {
        match self.op {
            MatchOp::Equal => value == self.value,
            MatchOp::NotEqual => value != self.value,
            MatchOp::Matches => pattern_matches(&self.value, value),
            MatchOp::NotMatches => !pattern_matches(&self.value, value),
        }
    }
}

/// Full-match of the supported patterns: `.*`, `.+`, or alternatives of
/// literal characters where `.` stands for any one character (the parser
/// refuses everything else).
fn pattern_matches(pattern: &str, value: &str) -> bool {
    match pattern {
        ".*" => true,
        ".+" => !value.is_empty(),
        _ => pattern.split('|').any(|alt| {
            alt.chars().count() == value.chars().count()
                && alt
                    .chars()
                    .zip(value.chars())
                    .all(|(p, c)| p == '.' || p == c)
        }),
    }
}

/// The functions over a range of samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeFunc {
    /// Per-second increase over the window.
    Rate,
    /// Increase over the window.
    Increase,
}

/// The aggregation operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggOp {
    /// Sum of the values.
    Sum,
    /// Arithmetic mean.
    Avg,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Number of elements.
    Count,
}

/// Which labels an aggregation keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// Only these (`by (…)`; none at all for a bare `sum(…)`).
    By(Vec<String>),
    /// All but these (`without (…)`).
    Without(Vec<String>),
}

/// The comparison operators (filtering, without `bool`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// `value op threshold`; false whenever either side is NaN, as in PromQL.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            CmpOp::Gt => value > threshold,
            CmpOp::Ge => value >= threshold,
            CmpOp::Lt => value < threshold,
            CmpOp::Le => value <= threshold,
            CmpOp::Eq => value == threshold,
            CmpOp::Ne => value != threshold,
        }
    }

    /// The operator's PromQL spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

impl AggOp {
    /// The operator's PromQL name.
    pub fn name(self) -> &'static str {
        match self {
            AggOp::Sum => "sum",
            AggOp::Avg => "avg",
            AggOp::Min => "min",
            AggOp::Max => "max",
            AggOp::Count => "count",
        }
    }
}

impl fmt::Display for AlertExpr {
    /// Canonical PromQL, e.g. `sum by (region) (rate(requests_total[5m])) > 10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.vector, self.op.symbol())?;
        write_number(f, self.threshold)
    }
}

fn write_number(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("NaN")
    } else if x == f64::INFINITY {
        f.write_str("+Inf")
    } else if x == f64::NEG_INFINITY {
        f.write_str("-Inf")
    } else {
        write!(f, "{x}")
    }
}

impl fmt::Display for VectorExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VectorExpr::Selector(s) => write!(f, "{s}"),
            VectorExpr::Range {
                func,
                selector,
                window,
            } => {
                let name = match func {
                    RangeFunc::Rate => "rate",
                    RangeFunc::Increase => "increase",
                };
                write!(f, "{name}({selector}[{window}])")
            }
            VectorExpr::Aggregate {
                op,
                grouping,
                inner,
            } => {
                f.write_str(op.name())?;
                match grouping {
                    Grouping::By(labels) if labels.is_empty() => {}
                    Grouping::By(labels) => write!(f, " by ({}) ", labels.join(", "))?,
                    Grouping::Without(labels) => write!(f, " without ({}) ", labels.join(", "))?,
                }
                write!(f, "({inner})")
            }
            VectorExpr::Divide(left, right) => {
                // `/` is left-associative: only a division on the right needs parentheses.
                if matches!(**right, VectorExpr::Divide(..)) {
                    write!(f, "{left} / ({right})")
                } else {
                    write!(f, "{left} / {right}")
                }
            }
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.metric)?;
        if !self.matchers.is_empty() {
            f.write_str("{")?;
            for (i, m) in self.matchers.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                let op = match m.op {
                    MatchOp::Equal => "=",
                    MatchOp::NotEqual => "!=",
                    MatchOp::Matches => "=~",
                    MatchOp::NotMatches => "!~",
                };
                write!(f, "{}{op}\"", m.label)?;
                for c in m.value.chars() {
                    match c {
                        '\\' => f.write_str("\\\\")?,
                        '"' => f.write_str("\\\"")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")?;
            }
            f.write_str("}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(op: MatchOp, value: &str) -> Matcher {
        Matcher {
            label: "outcome".into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn matchers_follow_prometheus_semantics() {
        assert!(m(MatchOp::Equal, "failed").accepts("failed"));
        assert!(m(MatchOp::Equal, "").accepts(""), "absent label is \"\"");
        assert!(m(MatchOp::NotEqual, "failed").accepts("succeeded"));
        let alt = m(MatchOp::Matches, "failed|timed_out");
        assert!(alt.accepts("failed") && alt.accepts("timed_out"));
        assert!(!alt.accepts("failed_x"), "patterns are anchored");
        assert!(m(MatchOp::Matches, "0.9.").accepts("0.95"));
        assert!(m(MatchOp::Matches, ".*").accepts(""));
        assert!(!m(MatchOp::Matches, ".+").accepts(""));
        assert!(m(MatchOp::NotMatches, "failed|rejected").accepts("succeeded"));
    }

    #[test]
    fn comparisons_are_false_on_nan() {
        for op in [CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le, CmpOp::Eq] {
            assert!(!op.holds(f64::NAN, 1.0));
        }
        assert!(CmpOp::Ne.holds(f64::NAN, 1.0));
        assert!(CmpOp::Ge.holds(2.0, 2.0) && !CmpOp::Gt.holds(2.0, 2.0));
    }
}
