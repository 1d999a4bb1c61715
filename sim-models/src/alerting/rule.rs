//! One alerting rule's state machine, as Prometheus' rule manager runs it
//! (`rules/alerting.go`, `AlertingRule.Eval`): each output element of the
//! expression is an alert instance, pending until it has been active for
//! `for`, then firing until the element disappears (plus `keep_firing_for`).

use std::collections::BTreeMap;

use serde::Serialize;
use sim_core::record::Recorder;
use sim_core::{SimDuration, SimTime};

use super::Labels;
use super::alertmanager::NotifiedAlert;
use super::expr::AlertExpr;
use super::template::Template;

/// Where an alert instance stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Not active: before it began, or after it was resolved or cleared.
    Inactive,
    /// The condition holds, not yet for `for`.
    Pending,
    /// The condition has held for `for`; Alertmanager is told.
    Firing,
}

/// One alert instance's life, for the report: from the evaluation that first
/// saw the condition to the one that saw it end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertRecord {
    /// The rule group.
    pub group: String,
    /// The rule's `alert` name.
    pub alertname: String,
    /// The alert's labels (output labels, group and rule labels, `alertname`).
    pub labels: Labels,
    /// The annotations as last expanded.
    pub annotations: Labels,
    /// When the condition was first seen to hold (Prometheus' `activeAt`).
    pub active_at: SimTime,
    /// When it started firing, if it did.
    pub fired_at: Option<SimTime>,
    /// When it stopped being active: resolved if it fired, cleared if it was pending.
    pub ended_at: Option<SimTime>,
    /// The expression's value at the latest evaluation that saw the condition hold.
    pub value: f64,
}

impl AlertRecord {
    /// The state now.
    pub fn state(&self) -> AlertState {
        match (self.fired_at, self.ended_at) {
            (_, Some(_)) => AlertState::Inactive,
            (Some(_), None) => AlertState::Firing,
            (None, None) => AlertState::Pending,
        }
    }

    /// When a firing alert was resolved.
    pub fn resolved_at(&self) -> Option<SimTime> {
        self.fired_at.and(self.ended_at)
    }

    /// From the condition beginning to the alert firing (≥ the rule's `for`).
    pub fn time_to_fire(&self) -> Option<SimDuration> {
        self.fired_at.map(|f| f - self.active_at)
    }
}

/// A change of state at one evaluation, for the event log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    /// The evaluation time.
    pub at: SimTime,
    /// Index of the instance in [`Alerting::alerts`](super::Alerting::alerts).
    pub alert: usize,
    /// The rule's `alert` name.
    pub alertname: String,
    /// The instance's labels.
    pub labels: Labels,
    /// The state before.
    pub from: AlertState,
    /// The state after.
    pub to: AlertState,
    /// The expression's value (the last one seen, for an alert that ended).
    pub value: f64,
}

/// A compiled rule and its active instances.
#[derive(Clone, Debug)]
pub(crate) struct AlertRule {
    pub(crate) name: String,
    pub(crate) expr: AlertExpr,
    pub(crate) hold: SimDuration,
    pub(crate) keep_firing_for: SimDuration,
    /// Group labels overlaid with the rule's labels.
    pub(crate) labels: Vec<(String, Template)>,
    pub(crate) annotations: Vec<(String, Template)>,
    pub(crate) active: BTreeMap<Labels, Active>,
}

/// An instance that is pending or firing.
#[derive(Clone, Debug)]
pub(crate) struct Active {
    /// Index into the history.
    record: usize,
    keep_firing_since: Option<SimTime>,
}

impl AlertRule {
    /// One evaluation at `now`: updates the instances, appends new ones to
    /// `history`, reports transitions, and returns what Prometheus would send
    /// to Alertmanager: every firing alert and the ones just resolved.
    pub(crate) fn eval(
        &mut self,
        group: &str,
        now: SimTime,
        recorder: &Recorder,
        history: &mut Vec<AlertRecord>,
        transitions: &mut Vec<Transition>,
    ) -> Vec<NotifiedAlert> {
        let mut seen = Vec::new();
        for (sample_labels, value) in self.expr.eval(now, recorder) {
            let mut labels = sample_labels.clone();
            for (k, t) in &self.labels {
                labels.insert(k.clone(), t.expand(&sample_labels, value));
            }
            labels.insert("alertname".into(), self.name.clone());
            let annotations: Labels = self
                .annotations
                .iter()
                .map(|(k, t)| (k.clone(), t.expand(&sample_labels, value)))
                .collect();
            if let Some(a) = self.active.get(&labels) {
                let r = &mut history[a.record];
                r.value = value;
                r.annotations = annotations;
            } else {
                history.push(AlertRecord {
                    group: group.to_owned(),
                    alertname: self.name.clone(),
                    labels: labels.clone(),
                    annotations,
                    active_at: now,
                    fired_at: None,
                    ended_at: None,
                    value,
                });
                let record = history.len() - 1;
                transitions.push(transition(
                    now,
                    record,
                    &history[record],
                    AlertState::Inactive,
                ));
                self.active.insert(
                    labels.clone(),
                    Active {
                        record,
                        keep_firing_since: None,
                    },
                );
            }
            seen.push(labels);
        }

        seen.sort();
        let mut out = Vec::new();
        self.active.retain(|labels, a| {
            let r = &mut history[a.record];
            let holds = seen.binary_search(labels).is_ok();
            if holds {
                a.keep_firing_since = None;
            } else {
                let keep = r.fired_at.is_some() && self.keep_firing_for > SimDuration::ZERO && {
                    let since = *a.keep_firing_since.get_or_insert(now);
                    now - since < self.keep_firing_for
                };
                if !keep {
                    let from = r.state();
                    r.ended_at = Some(now);
                    transitions.push(transition(now, a.record, r, from));
                    if from == AlertState::Firing {
                        out.push(NotifiedAlert::of(r));
                    }
                    return false;
                }
            }
            if r.fired_at.is_none() && now - r.active_at >= self.hold {
                r.fired_at = Some(now);
                transitions.push(transition(now, a.record, r, AlertState::Pending));
            }
            if r.fired_at.is_some() {
                out.push(NotifiedAlert::of(r));
            }
            true
        });
        out
    }
}

fn transition(at: SimTime, alert: usize, r: &AlertRecord, from: AlertState) -> Transition {
    Transition {
        at,
        alert,
        alertname: r.alertname.clone(),
        labels: r.labels.clone(),
        from,
        to: r.state(),
        value: r.value,
    }
}
