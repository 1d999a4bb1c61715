//! Alerts and notifications in the report: which alerts fired, how long
//! after their condition began (Prometheus' `activeAt`, the first evaluation
//! that saw it), when they resolved, and what Alertmanager sent.

use std::collections::BTreeMap;

use serde::Serialize;
use sim_core::SimTime;

use crate::alerting::{AlertRecord, Notification};

/// One alert that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiredAlert {
    /// The rule's name.
    pub alertname: String,
    /// Its labels, `alertname` left out.
    pub labels: BTreeMap<String, String>,
    /// When its condition was first seen to hold.
    pub condition_began: SimTime,
    /// When it fired.
    pub fired_at: SimTime,
    /// From the condition beginning to firing (≥ the rule's `for`).
    pub time_to_fire_seconds: f64,
    /// When it resolved, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<SimTime>,
}

/// Alerting over the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AlertsReport {
    /// Alerts that fired, in the order their conditions began.
    pub fired: Vec<FiredAlert>,
    /// Alerts whose condition cleared before their `for` ran out.
    pub pending_only: usize,
    /// Notifications sent.
    pub notifications: Vec<SentNotification>,
}

/// One notification.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SentNotification {
    /// When Alertmanager sent it.
    pub sent_at: SimTime,
    /// When it reached the recipient.
    pub delivered_at: SimTime,
    /// The address (`log` for the log receiver).
    pub to: String,
    /// The subject line.
    pub subject: String,
}

impl AlertsReport {
    /// From the engine's history.
    pub fn new(alerts: &[AlertRecord], notifications: &[Notification]) -> Self {
        let fired = alerts
            .iter()
            .filter_map(|a| {
                let fired_at = a.fired_at?;
                Some(FiredAlert {
                    alertname: a.alertname.clone(),
                    labels: a
                        .labels
                        .iter()
                        .filter(|(k, _)| *k != "alertname")
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    condition_began: a.active_at,
                    fired_at,
                    time_to_fire_seconds: (fired_at - a.active_at).as_secs_f64(),
                    resolved_at: a.resolved_at(),
                })
            })
            .collect::<Vec<_>>();
        AlertsReport {
            pending_only: alerts.iter().filter(|a| a.fired_at.is_none()).count(),
            fired,
            notifications: notifications
                .iter()
                .map(|n| SentNotification {
                    sent_at: n.sent_at,
                    delivered_at: n.delivered_at,
                    to: n.to.clone().unwrap_or_else(|| "log".into()),
                    subject: n.subject.clone(),
                })
                .collect(),
        }
    }
}
