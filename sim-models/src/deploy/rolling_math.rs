//! Kubernetes Deployment `RollingUpdate` arithmetic: how many pods a rollout
//! may add above, and take away below, the desired replica count.
//!
//! Rules reproduced (Kubernetes documentation, *Deployments*, "Max Surge" and
//! "Max Unavailable"; the controller's `ResolveFenceposts`, `MaxSurge` and
//! `MaxUnavailable` in `pkg/controller/deployment/util/deployment_util.go`):
//!
//! 1. Each value is an absolute number of pods or a percentage of the
//!    desired replicas (default 25 % each).
//! 2. A percentage `maxSurge` is rounded **up**, a percentage
//!    `maxUnavailable` **down**.
//! 3. If both resolve to 0 (a small Deployment, percentages rounding down),
//!    `maxUnavailable` becomes 1, so the rollout can still make progress.
//! 4. `maxUnavailable` never exceeds the desired replicas, and is 0 when the
//!    Deployment wants no replicas.
//! 5. Both written as 0 (`0` or `"0%"`) is invalid; the API server rejects it.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Problem, Result, ScenarioError, field_path};

/// Kubernetes' `IntOrString` as used by `maxSurge` and `maxUnavailable`: an
/// absolute count (`3`) or a percentage of the desired replicas (`"25%"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrPercent {
    /// An absolute number of pods.
    Int(u32),
    /// A percentage of the desired replicas (may exceed 100 for `maxSurge`).
    Percent(u32),
}

impl IntOrPercent {
    /// The value as written, whatever its unit: `0` and `"0%"` both give 0.
    pub const fn raw(self) -> u32 {
        match self {
            IntOrPercent::Int(v) | IntOrPercent::Percent(v) => v,
        }
    }

    /// Resolves against `total` pods: a percentage is rounded up when
    /// `round_up`, else down (`intstr.GetScaledValueFromIntOrPercent`).
    pub fn scaled(self, total: u32, round_up: bool) -> u32 {
        match self {
            IntOrPercent::Int(v) => v,
            IntOrPercent::Percent(p) => {
                let product = u64::from(p) * u64::from(total);
                let value = if round_up {
                    product.div_ceil(100)
                } else {
                    product / 100
                };
                u32::try_from(value).unwrap_or(u32::MAX)
            }
        }
    }
}

impl fmt::Display for IntOrPercent {
    /// `3` or `25%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(v) => write!(f, "{v}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl Serialize for IntOrPercent {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            IntOrPercent::Int(v) => s.serialize_u32(*v),
            IntOrPercent::Percent(_) => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(IntOrPercentVisitor)
    }
}

struct IntOrPercentVisitor;

impl Visitor<'_> for IntOrPercentVisitor {
    type Value = IntOrPercent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative whole number of pods or a percentage such as \"25%\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<IntOrPercent, E> {
        u32::try_from(v)
            .map(IntOrPercent::Int)
            .map_err(|_| E::custom(format!("{v} pods is too many")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<IntOrPercent, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::custom(format!("must be ≥ 0 (got {v})"))),
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<IntOrPercent, E> {
        let number = text.strip_suffix('%').ok_or_else(|| {
            E::custom(format!(
                "expected a percentage such as \"25%\" or a bare count (got {text:?})"
            ))
        })?;
        number
            .parse::<u32>()
            .map(IntOrPercent::Percent)
            .map_err(|_| E::custom(format!("invalid percentage {text:?}")))
    }
}

impl JsonSchema for IntOrPercent {
    fn schema_name() -> Cow<'static, str> {
        "IntOrPercent".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number of pods, or a percentage of the desired replicas (\"25%\").",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+%$" }
            ]
        })
    }
}

/// Kubernetes' default `maxSurge` and `maxUnavailable`: 25 %.
pub const DEFAULT_MAX_SURGE: IntOrPercent = IntOrPercent::Percent(25);
/// Kubernetes' default `maxUnavailable`: 25 %.
pub const DEFAULT_MAX_UNAVAILABLE: IntOrPercent = IntOrPercent::Percent(25);

/// The pods a rolling update of `replicas` desired pods may run above the
/// count (`surge`) and keep unavailable below it (`unavailable`).
///
/// Follows the module's rules 1–4: the pair of Kubernetes'
/// `MaxSurge(deployment)` and `MaxUnavailable(deployment)`. Returns an
/// error naming `max_unavailable` when both are written as 0 (rule 5).
///
/// ```
/// use sim_models::deploy::{IntOrPercent, resolve_surge_unavailable};
///
/// let quarter = IntOrPercent::Percent(25);
/// // 10 replicas: 2.5 surge rounds up to 3, 2.5 unavailable down to 2.
/// assert_eq!(resolve_surge_unavailable(10, quarter, quarter).unwrap(), (3, 2));
/// ```
pub fn resolve_surge_unavailable(
    replicas: u32,
    max_surge: IntOrPercent,
    max_unavailable: IntOrPercent,
) -> Result<(u32, u32)> {
    if let Some(problem) = both_zero_problem("", max_surge, max_unavailable) {
        return Err(ScenarioError::invalid(vec![problem]));
    }
    let surge = max_surge.scaled(replicas, true);
    let mut unavailable = max_unavailable.scaled(replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    if replicas == 0 {
        unavailable = 0;
    }
    Ok((surge, unavailable.min(replicas)))
}

/// The API server's rule that `maxSurge` and `maxUnavailable` may not both
/// be 0, as a problem at `prefix.max_unavailable`.
pub(crate) fn both_zero_problem(
    prefix: &str,
    max_surge: IntOrPercent,
    max_unavailable: IntOrPercent,
) -> Option<Problem> {
    (max_surge.raw() == 0 && max_unavailable.raw() == 0).then(|| {
        Problem::new(
            field_path(prefix, "max_unavailable"),
            "may not be 0 when max_surge is 0",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use IntOrPercent::{Int, Percent};

    /// Expected `(surge, unavailable)` for replicas 1..=20, worked out by
    /// hand from the documented rules (not with the code's formula).
    fn check_table(surge: IntOrPercent, unavailable: IntOrPercent, expected: [(u32, u32); 20]) {
        for (i, want) in expected.iter().enumerate() {
            let replicas = i as u32 + 1;
            let got = resolve_surge_unavailable(replicas, surge, unavailable).unwrap();
            assert_eq!(
                got, *want,
                "replicas {replicas}, maxSurge {surge}, maxUnavailable {unavailable}"
            );
        }
    }

    #[test]
    fn defaults_quarter_up_and_quarter_down() {
        // surge = ⌈n/4⌉, unavailable = ⌊n/4⌋; n ≤ 3 keeps 0 unavailable
        // because surge is already ≥ 1.
        check_table(
            DEFAULT_MAX_SURGE,
            DEFAULT_MAX_UNAVAILABLE,
            [
                (1, 0),
                (1, 0),
                (1, 0),
                (1, 1),
                (2, 1),
                (2, 1),
                (2, 1),
                (2, 2),
                (3, 2),
                (3, 2),
                (3, 2),
                (3, 3),
                (4, 3),
                (4, 3),
                (4, 3),
                (4, 4),
                (5, 4),
                (5, 4),
                (5, 4),
                (5, 5),
            ],
        );
    }

    #[test]
    fn ten_percent_surge_no_unavailable() {
        // ⌈0.1 n⌉: 1 up to 10 replicas, 2 from 11 to 20.
        let mut want = [(1, 0); 20];
        for w in &mut want[10..] {
            *w = (2, 0);
        }
        check_table(Percent(10), Int(0), want);
    }

    #[test]
    fn no_surge_ten_percent_unavailable_hits_the_fencepost() {
        // ⌊0.1 n⌋ is 0 below 10 replicas: both 0, so unavailable becomes 1.
        let mut want = [(0, 1); 20];
        want[19] = (0, 2);
        check_table(Int(0), Percent(10), want);
    }

    #[test]
    fn thirty_percent_each() {
        check_table(
            Percent(30),
            Percent(30),
            [
                (1, 0), // 0.3
                (1, 0), // 0.6
                (1, 0), // 0.9
                (2, 1), // 1.2
                (2, 1), // 1.5
                (2, 1), // 1.8
                (3, 2), // 2.1
                (3, 2), // 2.4
                (3, 2), // 2.7
                (3, 3), // 3.0
                (4, 3), // 3.3
                (4, 3), // 3.6
                (4, 3), // 3.9
                (5, 4), // 4.2
                (5, 4), // 4.5
                (5, 4), // 4.8
                (6, 5), // 5.1
                (6, 5), // 5.4
                (6, 5), // 5.7
                (6, 6), // 6.0
            ],
        );
    }

    #[test]
    fn one_surge_zero_unavailable() {
        check_table(Int(1), Int(0), [(1, 0); 20]);
    }

    #[test]
    fn counts_are_capped_and_zero_replicas_allow_nothing_unavailable() {
        assert_eq!(
            resolve_surge_unavailable(3, Int(5), Int(5)).unwrap(),
            (5, 3)
        );
        assert_eq!(
            resolve_surge_unavailable(4, Percent(200), Percent(100)).unwrap(),
            (8, 4)
        );
        assert_eq!(
            resolve_surge_unavailable(0, Int(0), Int(1)).unwrap(),
            (0, 0)
        );
        assert_eq!(
            resolve_surge_unavailable(0, DEFAULT_MAX_SURGE, DEFAULT_MAX_UNAVAILABLE).unwrap(),
            (0, 0)
        );
    }

    #[test]
    fn both_zero_is_rejected() {
        for (s, u) in [(Int(0), Int(0)), (Percent(0), Int(0)), (Int(0), Percent(0))] {
            let err = resolve_surge_unavailable(10, s, u).unwrap_err();
            assert_eq!(err.problems()[0].path, "max_unavailable");
        }
    }

    #[test]
    fn serde_accepts_counts_and_percentages() {
        let v: Vec<IntOrPercent> = serde_json::from_str(r#"[3, "25%", "10%", 0]"#).unwrap();
        assert_eq!(v, [Int(3), Percent(25), Percent(10), Int(0)]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"[3,"25%","10%",0]"#);
        let y: IntOrPercent = serde_yaml_ng::from_str("30%").unwrap();
        assert_eq!(y, Percent(30));
        for bad in [r#""3""#, "-1", r#""x%""#, "1.5", r#""-5%""#, r#"" 10 %""#] {
            assert!(
                serde_json::from_str::<IntOrPercent>(bad).is_err(),
                "{bad} should be refused"
            );
        }
    }

    fn int_or_percent() -> impl Strategy<Value = IntOrPercent> {
        prop_oneof![(0u32..50).prop_map(Int), (0u32..=200).prop_map(Percent)]
    }

    proptest! {
        #[test]
        fn resolved_counts_are_sane(
            replicas in 0u32..2000,
            surge in int_or_percent(),
            unavailable in int_or_percent(),
        ) {
            let result = resolve_surge_unavailable(replicas, surge, unavailable);
            if surge.raw() == 0 && unavailable.raw() == 0 {
                prop_assert!(result.is_err());
            } else {
                let (s, u) = result.unwrap();
                prop_assert!(u <= replicas);
                if replicas > 0 {
                    prop_assert!(s > 0 || u > 0, "both 0 for {replicas} replicas");
                } else {
                    prop_assert_eq!(u, 0);
                }
            }
        }
    }
}
