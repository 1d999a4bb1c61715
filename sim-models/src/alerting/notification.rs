//! What the receiver does with a flush: a notification with Alertmanager's
//! default subject, delivered after the receiver's delay.

use serde::Serialize;
use sim_core::{SimRng, SimTime};

use super::Labels;
use super::alertmanager::{Dispatch, NotifiedAlert, NotifyReason};
use super::config::{DelayConfig, ReceiverConfig};

/// One notification sent by Alertmanager.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notification {
    /// When Alertmanager sent it (a group flush).
    pub sent_at: SimTime,
    /// When it reached the recipient: `sent_at` plus the delivery delay.
    pub delivered_at: SimTime,
    /// The email address, or `None` for the log receiver.
    pub to: Option<String>,
    /// The group's labels (its values of `group_by`).
    pub group_labels: Labels,
    /// Why the group notified.
    pub reason: NotifyReason,
    /// The firing alerts.
    pub firing: Vec<NotifiedAlert>,
    /// The resolved alerts (always empty without `send_resolved`).
    pub resolved: Vec<NotifiedAlert>,
    /// Alertmanager's default subject, e.g. `[FIRING:2] HighErrorRatio (page)`.
    pub subject: String,
}

/// The configured receiver.
#[derive(Clone, Debug)]
pub(crate) struct Receiver {
    to: Option<String>,
    delay: DelayConfig,
}

impl Receiver {
    pub(crate) fn new(config: &ReceiverConfig) -> Self {
        match config {
            ReceiverConfig::Log { .. } => Receiver {
                to: None,
                delay: DelayConfig::default(),
            },
            ReceiverConfig::Email {
                to, delivery_delay, ..
            } => Receiver {
                to: Some(to.clone()),
                delay: delivery_delay.clone(),
            },
        }
    }

    pub(crate) fn deliver(&self, now: SimTime, d: Dispatch, rng: &mut SimRng) -> Notification {
        Notification {
            sent_at: now,
            delivered_at: now + self.delay.sample(rng),
            to: self.to.clone(),
            subject: subject(&d.group_labels, &d.firing, &d.resolved),
            group_labels: d.group_labels,
            reason: d.reason,
            firing: d.firing,
            resolved: d.resolved,
        }
    }
}

/// Alertmanager's `__subject` template: `[FIRING:n]` or `[RESOLVED]`, the
/// group label values, then in parentheses the values of the other labels
/// all alerts share; labels in name order with `alertname` first. (Where a
/// part is empty the template leaves a double or trailing space; here the
/// parts are joined by single spaces.)
fn subject(group: &Labels, firing: &[NotifiedAlert], resolved: &[NotifiedAlert]) -> String {
    let status = if firing.is_empty() {
        "RESOLVED".to_owned()
    } else {
        format!("FIRING:{}", firing.len())
    };
    let mut all = firing.iter().chain(resolved);
    let mut common: Labels = all.next().map(|a| a.labels.clone()).unwrap_or_default();
    for a in all {
        common.retain(|k, v| a.labels.get(k) == Some(v));
    }
    common.retain(|k, _| !group.contains_key(k));
    let mut parts = vec![format!("[{status}]")];
    parts.extend(sorted_values(group).into_iter().map(str::to_owned));
    if !common.is_empty() {
        parts.push(format!("({})", sorted_values(&common).join(" ")));
    }
    parts.join(" ")
}

/// Values in label-name order, `alertname` first (Alertmanager's `SortedPairs`).
fn sorted_values(labels: &Labels) -> Vec<&str> {
    let first = labels.get("alertname").map(String::as_str);
    first
        .into_iter()
        .chain(
            labels
                .iter()
                .filter(|(k, _)| *k != "alertname")
                .map(|(_, v)| v.as_str()),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::SimDuration;

    fn alert(pairs: &[(&str, &str)]) -> NotifiedAlert {
        NotifiedAlert {
            labels: pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect(),
            annotations: Labels::new(),
            starts_at: SimTime::ZERO,
            ends_at: None,
        }
    }

    #[test]
    fn subjects_follow_the_default_template() {
        let a = alert(&[
            ("alertname", "HighCpu"),
            ("region", "eu"),
            ("severity", "page"),
        ]);
        let b = alert(&[
            ("alertname", "HighCpu"),
            ("region", "us"),
            ("severity", "page"),
        ]);
        let group = Labels::from([("alertname".into(), "HighCpu".into())]);
        assert_eq!(
            subject(&group, &[a.clone(), b.clone()], &[]),
            "[FIRING:2] HighCpu (page)"
        );
        assert_eq!(
            subject(&group, &[], std::slice::from_ref(&a)),
            "[RESOLVED] HighCpu (eu page)"
        );
        let by_region = Labels::from([("region".into(), "eu".into())]);
        assert_eq!(
            subject(&by_region, std::slice::from_ref(&a), &[]),
            "[FIRING:1] eu (HighCpu page)"
        );
        let all = a.labels.clone();
        assert_eq!(subject(&all, &[a], &[]), "[FIRING:1] HighCpu eu page");
    }

    #[test]
    fn delivery_adds_the_sampled_delay() {
        let r = Receiver::new(&ReceiverConfig::Email {
            to: "oncall@example.org".into(),
            send_resolved: false,
            delivery_delay: DelayConfig::Fixed(SimDuration::from_secs(45)),
        });
        let now = SimTime::ZERO + SimDuration::from_mins(3);
        let d = Dispatch {
            group_labels: Labels::new(),
            reason: NotifyReason::FirstNotification,
            firing: vec![alert(&[("alertname", "A")])],
            resolved: vec![],
        };
        let n = r.deliver(now, d, &mut SimRng::from_u64(3));
        assert_eq!(n.delivered_at - n.sent_at, SimDuration::from_secs(45));
        assert_eq!(n.to.as_deref(), Some("oncall@example.org"));
        assert_eq!(n.subject, "[FIRING:1] (A)");
    }
}
