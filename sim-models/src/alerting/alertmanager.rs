//! Alertmanager's dispatcher for one route: aggregation groups with their
//! timers, and the notification log that decides whether a flush notifies.
//!
//! Reproduced from `dispatch/dispatch.go` (`aggrGroup.run`) and
//! `notify/notify.go` (`DedupStage.needsUpdate`, `RetryStage`); the rules are
//! listed in the [module documentation](super), item 5.
//!
//! Alerts reach Alertmanager the moment a rule evaluation produces them; the
//! `resolve_timeout` is not modelled, as Prometheus always sets an end time.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sim_core::{SimDuration, SimTime};

use super::Labels;
use super::config::AlertmanagerConfig;
use super::rule::AlertRecord;

/// An alert as Prometheus sends it to Alertmanager and as a notification lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotifiedAlert {
    /// The alert's labels, including `alertname`.
    pub labels: Labels,
    /// Its annotations.
    pub annotations: Labels,
    /// When it started firing.
    pub starts_at: SimTime,
    /// When it was resolved, if it was.
    pub ends_at: Option<SimTime>,
}

impl NotifiedAlert {
    pub(crate) fn of(r: &AlertRecord) -> Self {
        NotifiedAlert {
            labels: r.labels.clone(),
            annotations: r.annotations.clone(),
            starts_at: r.fired_at.unwrap_or(r.active_at),
            ends_at: r.resolved_at(),
        }
    }

    fn resolved_by(&self, now: SimTime) -> bool {
        self.ends_at.is_some_and(|e| e <= now)
    }
}

/// Why a flush notified (Alertmanager's `NotifyReason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyReason {
    /// The group's first notification (or the first since all its alerts resolved).
    FirstNotification,
    /// An alert fires that the last notification did not list as firing.
    NewAlertsInGroup,
    /// An alert resolved that the last notification did not list (with `send_resolved`).
    NewResolvedAlerts,
    /// Every alert of the group resolved.
    AllAlertsResolved,
    /// Nothing changed for longer than `repeat_interval`.
    RepeatIntervalElapsed,
}

/// What a flush hands to the receiver.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Dispatch {
    pub(crate) group_labels: Labels,
    pub(crate) reason: NotifyReason,
    pub(crate) firing: Vec<NotifiedAlert>,
    pub(crate) resolved: Vec<NotifiedAlert>,
}

#[derive(Clone, Debug)]
enum GroupBy {
    Labels(Vec<String>),
    /// `group_by: ['...']`.
    All,
}

#[derive(Clone, Debug)]
struct AggrGroup {
    alerts: BTreeMap<Labels, NotifiedAlert>,
    next_flush: SimTime,
}

/// The notification log's entry for a group: what it last notified.
#[derive(Clone, Debug)]
struct LogEntry {
    firing: BTreeSet<Labels>,
    resolved: BTreeSet<Labels>,
    at: SimTime,
}

/// The dispatcher and notification log.
#[derive(Clone, Debug)]
pub(crate) struct Alertmanager {
    group_by: GroupBy,
    group_wait: SimDuration,
    group_interval: SimDuration,
    repeat_interval: SimDuration,
    send_resolved: bool,
    groups: BTreeMap<Labels, AggrGroup>,
    log: BTreeMap<Labels, LogEntry>,
}

impl Alertmanager {
    pub(crate) fn new(config: &AlertmanagerConfig) -> Self {
        let group_by = if config.group_by.iter().any(|l| l == "...") {
            GroupBy::All
        } else {
            GroupBy::Labels(config.group_by.clone())
        };
        Alertmanager {
            group_by,
            group_wait: config.group_wait,
            group_interval: config.group_interval,
            repeat_interval: config.repeat_interval,
            send_resolved: config.receiver.send_resolved(),
            groups: BTreeMap::new(),
            log: BTreeMap::new(),
        }
    }

    fn group_key(&self, labels: &Labels) -> Labels {
        match &self.group_by {
            GroupBy::All => labels.clone(),
            GroupBy::Labels(names) => labels
                .iter()
                .filter(|(k, _)| names.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Takes alerts from a rule evaluation at `now`.
    pub(crate) fn receive(&mut self, now: SimTime, alerts: Vec<NotifiedAlert>) {
        let first_flush = now + self.group_wait;
        for alert in alerts {
            let key = self.group_key(&alert.labels);
            let group = self.groups.entry(key).or_insert_with(|| AggrGroup {
                alerts: BTreeMap::new(),
                next_flush: first_flush,
            });
            group.alerts.insert(alert.labels.clone(), alert);
        }
    }

    /// When the next group flushes, if any group exists.
    pub(crate) fn next_flush(&self) -> Option<SimTime> {
        self.groups.values().map(|g| g.next_flush).min()
    }

    /// Flushes every group due at `now`, in group-label order.
    pub(crate) fn flush(&mut self, now: SimTime) -> Vec<Dispatch> {
        let due: Vec<Labels> = self
            .groups
            .iter()
            .filter(|(_, g)| g.next_flush <= now)
            .map(|(k, _)| k.clone())
            .collect();
        let mut out = Vec::new();
        for key in due {
            let Some(group) = self.groups.get_mut(&key) else {
                continue;
            };
            group.next_flush = now + self.group_interval;
            let (resolved, firing): (Vec<NotifiedAlert>, Vec<NotifiedAlert>) = group
                .alerts
                .values()
                .cloned()
                .partition(|a| a.resolved_by(now));
            let firing_set: BTreeSet<Labels> = firing.iter().map(|a| a.labels.clone()).collect();
            let resolved_set: BTreeSet<Labels> =
                resolved.iter().map(|a| a.labels.clone()).collect();
            if let Some(reason) = needs_update(
                self.log.get(&key),
                &firing_set,
                &resolved_set,
                now,
                self.send_resolved,
                self.repeat_interval,
            ) {
                if self.send_resolved || !firing.is_empty() {
                    out.push(Dispatch {
                        group_labels: key.clone(),
                        reason,
                        firing,
                        resolved: if self.send_resolved {
                            resolved
                        } else {
                            Vec::new()
                        },
                    });
                }
                self.log.insert(
                    key.clone(),
                    LogEntry {
                        firing: firing_set,
                        resolved: resolved_set,
                        at: now,
                    },
                );
            }
            group.alerts.retain(|_, a| !a.resolved_by(now));
            if group.alerts.is_empty() {
                self.groups.remove(&key);
            }
        }
        out
    }
}

/// Whether a flush notifies, and why (`DedupStage.needsUpdate`).
fn needs_update(
    entry: Option<&LogEntry>,
    firing: &BTreeSet<Labels>,
    resolved: &BTreeSet<Labels>,
    now: SimTime,
    send_resolved: bool,
    repeat_interval: SimDuration,
) -> Option<NotifyReason> {
    let Some(entry) = entry else {
        return (!firing.is_empty()).then_some(NotifyReason::FirstNotification);
    };
    if !firing.is_subset(&entry.firing) {
        return Some(if entry.firing.is_empty() {
            NotifyReason::FirstNotification
        } else {
            NotifyReason::NewAlertsInGroup
        });
    }
    if firing.is_empty() {
        return (!entry.firing.is_empty()).then_some(NotifyReason::AllAlertsResolved);
    }
    if send_resolved && !resolved.is_subset(&entry.resolved) {
        return Some(NotifyReason::NewResolvedAlerts);
    }
    (now - entry.at > repeat_interval).then_some(NotifyReason::RepeatIntervalElapsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::ReceiverConfig;

    fn t(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    fn alert(name: &str, starts: u64, ends: Option<u64>) -> NotifiedAlert {
        NotifiedAlert {
            labels: Labels::from([("alertname".into(), name.into())]),
            annotations: Labels::new(),
            starts_at: t(starts),
            ends_at: ends.map(t),
        }
    }

    fn am(send_resolved: bool) -> Alertmanager {
        Alertmanager::new(&AlertmanagerConfig {
            group_by: vec![],
            receiver: ReceiverConfig::Log { send_resolved },
            ..AlertmanagerConfig::default()
        })
    }

    #[test]
    fn an_alert_resolved_before_the_first_flush_is_never_notified() {
        let mut m = am(true);
        m.receive(t(0), vec![alert("A", 0, None)]);
        m.receive(t(10), vec![alert("A", 0, Some(10))]);
        assert_eq!(m.next_flush(), Some(t(30)));
        assert!(m.flush(t(30)).is_empty());
        assert_eq!(m.next_flush(), None, "the empty group is gone");
    }

    #[test]
    fn without_send_resolved_all_resolved_is_logged_but_not_sent() {
        for send_resolved in [false, true] {
            let mut m = am(send_resolved);
            m.receive(t(0), vec![alert("A", 0, None)]);
            assert_eq!(m.flush(t(30)).len(), 1);
            m.receive(t(60), vec![alert("A", 0, Some(60))]);
            let sent = m.flush(t(330));
            if send_resolved {
                assert_eq!(sent.len(), 1);
                assert_eq!(sent[0].reason, NotifyReason::AllAlertsResolved);
                assert_eq!(sent[0].resolved.len(), 1);
            } else {
                assert!(sent.is_empty());
            }
            // A new alert afterwards opens a new group and is a first notification again.
            m.receive(t(400), vec![alert("A", 400, None)]);
            assert_eq!(m.next_flush(), Some(t(430)));
            let again = m.flush(t(430));
            assert_eq!(again[0].reason, NotifyReason::FirstNotification);
        }
    }

    #[test]
    fn a_partly_resolved_group_notifies_only_with_send_resolved() {
        for send_resolved in [false, true] {
            let mut m = am(send_resolved);
            m.receive(t(0), vec![alert("A", 0, None), alert("B", 0, None)]);
            assert_eq!(m.flush(t(30))[0].firing.len(), 2);
            m.receive(t(60), vec![alert("A", 0, Some(60)), alert("B", 0, None)]);
            let sent = m.flush(t(330));
            assert_eq!(sent.len(), usize::from(send_resolved));
            if send_resolved {
                assert_eq!(sent[0].reason, NotifyReason::NewResolvedAlerts);
                assert_eq!((sent[0].firing.len(), sent[0].resolved.len()), (1, 1));
            }
        }
    }
}
