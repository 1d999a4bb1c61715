//! Alerting: Prometheus alert rules evaluated on the recorded series, and an
//! Alertmanager that groups their alerts into notifications (email, with a
//! delivery delay). Pure and deterministic; the world drives it through
//! [`Alerting`] and the report reads its history.
//!
//! # Rules reproduced
//!
//! Sources: Prometheus documentation, *Alerting rules* and *Querying*
//! (<https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/>),
//! and `rules/alerting.go`; Alertmanager documentation, *Configuration*
//! (<https://prometheus.io/docs/alerting/latest/configuration/>), and
//! `dispatch/dispatch.go`, `notify/notify.go`, `config/notifiers.go`.
//!
//! 1. **Rule files**: `groups: [{name, interval?, labels?, rules: [{alert,
//!    expr, for?, keep_firing_for?, labels?, annotations?}]}]`; other fields
//!    are refused with their path, recording rules (`record:`) with a clear
//!    message. Label and annotation values may use `{{ $labels.x }}` and
//!    `{{ $value }}` (also piped through `| humanize` or
//!    `| humanizePercentage`).
//! 2. **Expressions**: the PromQL subset of [`expr`]: instant selectors with
//!    `=`, `!=` and simple `=~`/`!~` patterns, `rate`/`increase` over a
//!    range, `sum`/`avg`/`min`/`max`/`count` with `by`/`without`, `/` between
//!    vectors with identical label sets, and one comparison with a number.
//!    How they are computed from sampled series, and where that differs from
//!    Prometheus (no extrapolation in `rate`), is in [`eval`].
//! 3. **Alert states**: each output element is an instance keyed by its
//!    labels (output labels + group labels + rule labels + `alertname`). New
//!    → pending with `activeAt = now`; pending → firing at the first
//!    evaluation with `now − activeAt ≥ for` (at once for `for: 0`); absent
//!    → a pending instance is dropped, a firing one resolved, unless it fired
//!    and `keep_firing_for` has not yet passed since the condition stopped.
//!    A later return of the condition is a new instance.
//! 4. **Evaluation**: every group on its `interval` (default the global
//!    `evaluation_interval`, 1m), on a grid from time zero.
//! 5. **Alertmanager** (one route, one receiver): an alert goes to the group
//!    named by its values of the `group_by` labels; a new group first flushes
//!    `group_wait` after it was created, then every `group_interval` after
//!    each flush, until it holds no alert. At a flush the group notifies when
//!    it has never notified and something fires; something fires that the
//!    last notification did not list as firing; nothing fires but the last
//!    notification listed firing alerts; `send_resolved` is on and an alert
//!    resolved that the last notification did not list; or the last
//!    notification is strictly more than `repeat_interval` old (so with the
//!    defaults a repeat goes out 4h05m after the previous one, at the first
//!    flush past 4 h). Without `send_resolved` (the email default) resolved
//!    alerts are left out, and a notification with nothing firing is not
//!    sent. After each flush resolved alerts leave the group; an empty group
//!    is deleted, so the next alert for it waits `group_wait` again. Each
//!    notification carries Alertmanager's default subject and is delivered
//!    after the receiver's delay, drawn from the [`SimRng`](sim_core::SimRng)
//!    given to [`Alerting::flush`].
//!
//! Deviations: alerts reach Alertmanager at the evaluation that produces
//! them, with no network delay, and Prometheus' resend cadence
//! (`--rules.alert.resend-delay`) and Alertmanager's `resolve_timeout` have no
//! effect here; no inhibition, silences or sub-routes.
//!
//! ```
//! use sim_core::record::Recorder;
//! use sim_core::{SimDuration, SimRng, SimTime};
//! use sim_models::alerting::{Alerting, AlertingConfig, RuleFileConfig};
//!
//! let rules = RuleFileConfig::from_yaml(r#"
//! groups:
//!   - name: capacity
//!     rules:
//!       - alert: HighCpu
//!         expr: max by (region) (cpu_utilisation_ratio) > 0.9
//!         for: 2m
//! "#).unwrap();
//! let mut alerting = Alerting::new(&AlertingConfig::from_rule_file(rules)).unwrap();
//!
//! let mut rec = Recorder::new();
//! let cpu = rec.gauge("cpu_utilisation_ratio", &[("region", "eu")]);
//! rec.set(cpu, 0.95);
//! for minute in 0..=2 {
//!     let now = SimTime::ZERO + SimDuration::from_mins(minute);
//!     rec.sample(now);
//!     alerting.evaluate(now, &rec);
//! }
//! let alert = &alerting.alerts()[0];
//! assert_eq!(alert.time_to_fire(), Some(SimDuration::from_mins(2)));
//! // Alertmanager's new group waits group_wait (30 s) before notifying.
//! let first = alerting.next_flush().unwrap();
//! assert_eq!(first, SimTime::ZERO + SimDuration::from_secs(150));
//! let mut rng = SimRng::stream(7, "alerting");
//! let sent = alerting.flush(first, &mut rng);
//! assert_eq!(sent[0].subject, "[FIRING:1] (HighCpu eu)");
//! ```

use std::collections::BTreeMap;

mod alertmanager;
mod config;
mod engine;
pub mod eval;
pub mod expr;
mod notification;
mod parse;
mod rule;
mod template;

pub use alertmanager::{NotifiedAlert, NotifyReason};
pub use config::{
    AlertingConfig, AlertmanagerConfig, DelayConfig, ReceiverConfig, RuleConfig, RuleFileConfig,
    RuleGroupConfig,
};
pub use engine::{Alerting, SCENARIO_PATH};
pub use notification::Notification;
pub use parse::{ExprError, parse_alert_expr};
pub use rule::{AlertRecord, AlertState, Transition};

/// A label set: name → value, in name order.
pub type Labels = BTreeMap<String, String>;
