//! Alerting in the loop: after each scrape the rule groups that are due are
//! evaluated on the freshly sampled series — a group whose interval is not a
//! multiple of the scrape interval runs at the first scrape at or after its
//! due time, as evaluating between scrapes would see nothing new — and
//! Alertmanager flushes its groups at the times it asks for. State changes and notifications go to the
//! event log; the report reads the engine's history.

use sim_core::{Context, SimTime};

use super::{Event, MonitorEvent, World};
use crate::alerting::{AlertRecord, Alerting, AlertingConfig, Notification};
use crate::error::Result;

impl World {
    /// Evaluates `config`'s rules from now on; call before the run.
    pub fn enable_alerting(&mut self, config: &AlertingConfig) -> Result<()> {
        self.alerting = Some(Alerting::new(config)?);
        Ok(())
    }

    /// Right after a scrape at `now`.
    pub(crate) fn evaluate_alerts(&mut self, cx: &mut Context<'_, Event>) {
        let now = cx.now();
        let Some(alerting) = &mut self.alerting else {
            return;
        };
        for t in alerting.evaluate(now, &self.recorder) {
            self.log.log(now, "alert", |r| {
                r.field("alertname", t.alertname.as_str())
                    .field("from", format!("{:?}", t.from).to_lowercase())
                    .field("to", format!("{:?}", t.to).to_lowercase())
                    .field("value", t.value);
                for (k, v) in &t.labels {
                    if k != "alertname" {
                        r.field(format!("label_{k}"), v.as_str());
                    }
                }
            });
        }
        self.schedule_alert_flush(cx);
        self.watch_completed_rollouts(cx);
    }

    /// Alertmanager's flush, at the time it asked for.
    pub(crate) fn flush_alerts(&mut self, cx: &mut Context<'_, Event>) {
        let now = cx.now();
        if self.alert_flush_at != Some(now) {
            return; // superseded by an earlier flush time
        }
        self.alert_flush_at = None;
        let Some(alerting) = &mut self.alerting else {
            return;
        };
        for n in alerting.flush(now, &mut self.alert_rng) {
            self.log.log(now, "notification", |r| {
                r.field("subject", n.subject.as_str())
                    .field("to", n.to.as_deref().unwrap_or("log"))
                    .field("delivered_at_s", n.delivered_at.as_secs_f64());
            });
        }
        self.schedule_alert_flush(cx);
    }

    fn schedule_alert_flush(&mut self, cx: &mut Context<'_, Event>) {
        let next = self.alerting.as_ref().and_then(Alerting::next_flush);
        if let Some(t) = next
            && self.alert_flush_at.is_none_or(|s| t < s)
        {
            let t: SimTime = t.max(cx.now());
            self.alert_flush_at = Some(t);
            cx.schedule_at(t, MonitorEvent::AlertFlush.into())
                .expect("not in the past");
        }
    }

    /// Every alert instance so far (pending, firing, resolved).
    pub fn alerts(&self) -> &[AlertRecord] {
        self.alerting.as_ref().map_or(&[], |a| a.alerts())
    }

    /// Every notification Alertmanager sent.
    pub fn notifications(&self) -> &[Notification] {
        self.alerting.as_ref().map_or(&[], |a| a.notifications())
    }
}
