//! [`Alerting`]: the rule groups, Alertmanager and the receiver together, with
//! the few verbs the world needs and the history the report reads.

use std::collections::BTreeMap;

use sim_core::record::Recorder;
use sim_core::{SimDuration, SimRng, SimTime};

use super::alertmanager::Alertmanager;
use super::config::{AlertingConfig, ReceiverConfig, is_label_name};
use super::notification::{Notification, Receiver};
use super::parse::parse_alert_expr;
use super::rule::{AlertRecord, AlertRule, Transition};
use super::template::Template;
use crate::error::{Problem, Result, ScenarioError, field_path};

/// Where the alerting section sits in a scenario; [`Alerting::new`] names
/// problems under it.
pub const SCENARIO_PATH: &str = "monitoring.alerting";

/// Prometheus' rule evaluation plus Alertmanager, driven by the simulation.
///
/// The world calls [`evaluate`](Self::evaluate) after a scrape (it evaluates
/// only the groups that are due) and [`flush`](Self::flush) once the clock
/// reaches [`next_flush`](Self::next_flush) — after `evaluate` when both fall
/// at the same instant, so a `group_wait` of zero flushes at once.
/// [`next_wakeup`](Self::next_wakeup) is the earlier of the two times.
#[derive(Clone, Debug)]
pub struct Alerting {
    groups: Vec<RuleGroup>,
    alertmanager: Alertmanager,
    receiver: Receiver,
    history: Vec<AlertRecord>,
    notifications: Vec<Notification>,
}

#[derive(Clone, Debug)]
pub(crate) struct RuleGroup {
    name: String,
    interval: SimDuration,
    next_eval: SimTime,
    rules: Vec<AlertRule>,
}

impl Alerting {
    /// Checks and compiles the configuration; every problem is reported, with
    /// paths under [`SCENARIO_PATH`], e.g.
    /// `monitoring.alerting.groups[0].rules[1].expr: unexpected ')' at column 17`.
    pub fn new(config: &AlertingConfig) -> Result<Alerting> {
        let mut problems = Vec::new();
        let groups = compile(config, SCENARIO_PATH, &mut problems);
        ScenarioError::check(problems)?;
        Ok(Alerting {
            groups,
            alertmanager: Alertmanager::new(&config.alertmanager),
            receiver: Receiver::new(&config.alertmanager.receiver),
            history: Vec::new(),
            notifications: Vec::new(),
        })
    }

    /// Evaluates every rule group due at `now` against the latest samples in
    /// `recorder`, hands firing and just-resolved alerts to Alertmanager, and
    /// returns the state changes in rule order. Groups run on a grid of
    /// their interval from time zero; a group is due once `now` reaches its
    /// next grid point, and is then evaluated at `now`.
    pub fn evaluate(&mut self, now: SimTime, recorder: &Recorder) -> Vec<Transition> {
        let mut transitions = Vec::new();
        for group in &mut self.groups {
            if group.next_eval > now {
                continue;
            }
            let step = group.interval.as_nanos();
            group.next_eval = SimTime::from_nanos(
                (now.as_nanos() / step)
                    .saturating_add(1)
                    .saturating_mul(step),
            );
            for rule in &mut group.rules {
                let alerts = rule.eval(
                    &group.name,
                    now,
                    recorder,
                    &mut self.history,
                    &mut transitions,
                );
                self.alertmanager.receive(now, alerts);
            }
        }
        transitions
    }

    /// Flushes the Alertmanager groups due at `now` and returns the
    /// notifications sent, each with its delivery delay drawn from `rng`
    /// (a fixed delay draws nothing). They are also kept for
    /// [`notifications`](Self::notifications).
    pub fn flush(&mut self, now: SimTime, rng: &mut SimRng) -> Vec<Notification> {
        let sent: Vec<Notification> = self
            .alertmanager
            .flush(now)
            .into_iter()
            .map(|d| self.receiver.deliver(now, d, rng))
            .collect();
        self.notifications.extend(sent.iter().cloned());
        sent
    }

    /// When the next rule group is due, if there is any group.
    pub fn next_evaluation(&self) -> Option<SimTime> {
        self.groups.iter().map(|g| g.next_eval).min()
    }

    /// When Alertmanager next flushes a group, if it holds any alert.
    pub fn next_flush(&self) -> Option<SimTime> {
        self.alertmanager.next_flush()
    }

    /// The earlier of [`next_evaluation`](Self::next_evaluation) and
    /// [`next_flush`](Self::next_flush).
    pub fn next_wakeup(&self) -> Option<SimTime> {
        match (self.next_evaluation(), self.next_flush()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Every alert instance so far, in the order they became active; an
    /// instance's index is the `alert` of its [`Transition`]s.
    pub fn alerts(&self) -> &[AlertRecord] {
        &self.history
    }

    /// Every notification sent so far, in order.
    pub fn notifications(&self) -> &[Notification] {
        &self.notifications
    }
}

/// Checks `config`, pushing each problem (paths under `prefix`), and returns
/// the compiled groups (meaningful only when no problem was found).
pub(crate) fn compile(
    config: &AlertingConfig,
    prefix: &str,
    problems: &mut Vec<Problem>,
) -> Vec<RuleGroup> {
    let at = |field: &str| field_path(prefix, field);
    let mut push = |path: String, message: String| problems.push(Problem::new(path, message));
    if config.evaluation_interval == SimDuration::ZERO {
        push(at("evaluation_interval"), "must be > 0".into());
    }
    let mut names = BTreeMap::new();
    let mut groups = Vec::new();
    for (i, g) in config.groups.iter().enumerate() {
        let gp = format!("groups[{i}]");
        if g.name.trim().is_empty() {
            push(at(&format!("{gp}.name")), "must not be empty".into());
        } else if let Some(first) = names.get(g.name.as_str()) {
            push(
                at(&format!("{gp}.name")),
                format!("`{}` is already the name of groups[{first}]", g.name),
            );
        } else {
            names.insert(g.name.as_str(), i);
        }
        if g.interval == Some(SimDuration::ZERO) {
            push(at(&format!("{gp}.interval")), "must be > 0".into());
        }
        let group_labels = templates(&g.labels, &at(&format!("{gp}.labels")), &mut push);
        let mut rules = Vec::new();
        for (j, r) in g.rules.iter().enumerate() {
            let rp = format!("{gp}.rules[{j}]");
            if r.record.is_some() {
                push(
                    at(&format!("{rp}.record")),
                    "recording rules are not supported: only alerting rules (`alert:`) are evaluated".into(),
                );
                continue;
            }
            if r.alert.is_empty() {
                push(
                    at(&format!("{rp}.alert")),
                    "is required: the alert's name".into(),
                );
            } else if !is_label_name(&r.alert) {
                push(
                    at(&format!("{rp}.alert")),
                    format!(
                        "`{}` is not a valid alert name (letters, digits and _, not starting with a digit)",
                        r.alert
                    ),
                );
            }
            let expr = parse_alert_expr(&r.expr)
                .map_err(|e| push(at(&format!("{rp}.expr")), e.to_string()));
            let mut labels: BTreeMap<String, Template> = group_labels.iter().cloned().collect();
            labels.extend(templates(
                &r.labels,
                &at(&format!("{rp}.labels")),
                &mut push,
            ));
            let annotations =
                templates(&r.annotations, &at(&format!("{rp}.annotations")), &mut push);
            if let Ok(expr) = expr {
                rules.push(AlertRule {
                    name: r.alert.clone(),
                    expr,
                    hold: r.hold,
                    keep_firing_for: r.keep_firing_for,
                    labels: labels.into_iter().collect(),
                    annotations,
                    active: BTreeMap::new(),
                });
            }
        }
        groups.push(RuleGroup {
            name: g.name.clone(),
            interval: g.interval.unwrap_or(config.evaluation_interval),
            next_eval: SimTime::ZERO,
            rules,
        });
    }

    let am = &config.alertmanager;
    for (i, l) in am.group_by.iter().enumerate() {
        if l != "..." && !is_label_name(l) {
            push(
                at(&format!("alertmanager.group_by[{i}]")),
                format!("`{l}` is not a label name (or `...` for all labels)"),
            );
        }
    }
    for (field, d) in [
        ("group_interval", am.group_interval),
        ("repeat_interval", am.repeat_interval),
    ] {
        if d == SimDuration::ZERO {
            push(at(&format!("alertmanager.{field}")), "must be > 0".into());
        }
    }
    if let ReceiverConfig::Email { to, .. } = &am.receiver
        && !to.contains('@')
    {
        push(
            at("alertmanager.receiver.to"),
            format!("`{to}` is not an email address"),
        );
    }
    groups
}

/// Parses each value as a template, checking names; problems at `path.<name>`.
fn templates(
    map: &BTreeMap<String, String>,
    path: &str,
    push: &mut impl FnMut(String, String),
) -> Vec<(String, Template)> {
    let mut out = Vec::new();
    for (name, text) in map {
        if !is_label_name(name) {
            push(
                format!("{path}.{name}"),
                format!("`{name}` is not a valid label name"),
            );
        }
        match Template::parse(text) {
            Ok(t) => out.push((name.clone(), t)),
            Err(e) => push(format!("{path}.{name}"), e),
        }
    }
    out
}
