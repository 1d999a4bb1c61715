//! Alert rules and Alertmanager against hand-computed timelines: `for`
//! durations, blips that never fire, resolution, rate(), aggregation `by`,
//! grouping and the group_wait / group_interval / repeat_interval timers,
//! delivery delays, and rule files shaped like Prometheus' own.

use sim_core::record::Recorder;
use sim_core::{SimDuration, SimRng, SimTime};
use sim_models::alerting::{
    AlertState, Alerting, AlertingConfig, Labels, Notification, NotifyReason, RuleFileConfig,
    Transition,
};

fn secs(s: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs(s)
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn config(yaml: &str) -> AlertingConfig {
    serde_yaml_ng::from_str(yaml).expect("test config parses")
}

/// A scrape loop like the world's: every `scrape`, set the metrics, sample,
/// evaluate; Alertmanager flushes whenever it asks to, in time order.
struct Harness {
    rec: Recorder,
    alerting: Alerting,
    rng: SimRng,
    scrape: SimDuration,
    next_scrape: SimTime,
    transitions: Vec<Transition>,
}

impl Harness {
    fn new(config: &AlertingConfig, scrape: SimDuration) -> Self {
        Harness {
            rec: Recorder::new(),
            alerting: Alerting::new(config).expect("valid config"),
            rng: SimRng::stream(7, "alerting"),
            scrape,
            next_scrape: SimTime::ZERO,
            transitions: Vec::new(),
        }
    }

    /// Runs every scrape up to and including `end`; `set` updates the metrics before each.
    fn run_until(&mut self, end: SimTime, mut set: impl FnMut(&mut Recorder, SimTime)) {
        while self.next_scrape <= end {
            let now = self.next_scrape;
            while let Some(f) = self.alerting.next_flush().filter(|&f| f < now) {
                self.alerting.flush(f, &mut self.rng);
            }
            set(&mut self.rec, now);
            self.rec.sample(now);
            self.transitions
                .extend(self.alerting.evaluate(now, &self.rec));
            if self.alerting.next_flush().is_some_and(|f| f <= now) {
                self.alerting.flush(now, &mut self.rng);
            }
            self.next_scrape = now + self.scrape;
        }
        while let Some(f) = self.alerting.next_flush().filter(|&f| f <= end) {
            self.alerting.flush(f, &mut self.rng);
        }
    }

    fn notifications(&self) -> &[Notification] {
        self.alerting.notifications()
    }
}

const CPU_RULE: &str = r#"
evaluation_interval: 1m
groups:
  - name: capacity
    rules:
      - alert: HighCpu
        expr: cpu_utilisation_ratio > 0.9
        for: 2m
"#;

/// CPU high from `from` (inclusive) to `to` (exclusive), in seconds.
fn cpu_high(from: u64, to: u64) -> impl FnMut(&mut Recorder, SimTime) {
    move |rec, now| {
        let g = rec.gauge("cpu_utilisation_ratio", &[("region", "eu")]);
        let s = now.since_start().as_nanos() / 1_000_000_000;
        rec.set(g, if (from..to).contains(&s) { 0.95 } else { 0.5 });
    }
}

#[test]
fn for_2m_fires_at_the_first_evaluation_2m_after_the_condition_was_seen() {
    // Scrapes every 15 s, evaluations every minute. CPU goes high at 70 s;
    // the 75 s scrape sees it, the 120 s evaluation makes the alert pending,
    // and it fires at the first evaluation ≥ 120 s + 2 m = 240 s.
    let mut h = Harness::new(&config(CPU_RULE), SimDuration::from_secs(15));
    h.run_until(secs(239), cpu_high(70, 10_000));
    let alert = &h.alerting.alerts()[0];
    assert_eq!(alert.active_at, secs(120));
    assert_eq!(alert.state(), AlertState::Pending);
    h.run_until(secs(600), cpu_high(70, 10_000));
    let alert = &h.alerting.alerts()[0];
    assert_eq!(alert.fired_at, Some(secs(240)));
    assert!(
        alert.fired_at.unwrap() >= secs(70 + 120),
        "never before T + for"
    );
    assert_eq!(alert.time_to_fire(), Some(SimDuration::from_mins(2)));
    assert_eq!(
        alert.labels,
        labels(&[("alertname", "HighCpu"), ("region", "eu")])
    );
    assert_eq!(alert.value, 0.95);
    let states: Vec<(SimTime, AlertState, AlertState)> =
        h.transitions.iter().map(|t| (t.at, t.from, t.to)).collect();
    assert_eq!(
        states,
        [
            (secs(120), AlertState::Inactive, AlertState::Pending),
            (secs(240), AlertState::Pending, AlertState::Firing),
        ]
    );
}

#[test]
fn with_evaluation_every_scrape_the_alert_fires_exactly_2m_after_activation() {
    let cfg = config(&CPU_RULE.replace("evaluation_interval: 1m", "evaluation_interval: 15s"));
    let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
    h.run_until(secs(600), cpu_high(70, 10_000));
    let alert = &h.alerting.alerts()[0];
    assert_eq!(alert.active_at, secs(75));
    assert_eq!(alert.fired_at, Some(secs(195)));
}

#[test]
fn a_blip_shorter_than_for_never_fires() {
    // High from 60 s to 150 s: seen by the evaluations at 60 s and 120 s only.
    let mut h = Harness::new(&config(CPU_RULE), SimDuration::from_secs(15));
    h.run_until(secs(3600), cpu_high(60, 150));
    let alerts = h.alerting.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].active_at, secs(60));
    assert_eq!(alerts[0].fired_at, None);
    assert_eq!(
        alerts[0].ended_at,
        Some(secs(180)),
        "cleared at the first evaluation without it"
    );
    assert_eq!(alerts[0].state(), AlertState::Inactive);
    assert!(h.notifications().is_empty());
    assert_eq!(
        h.alerting.next_flush(),
        None,
        "Alertmanager never heard of it"
    );
}

#[test]
fn the_alert_resolves_at_the_first_evaluation_after_the_condition_stops() {
    // High from 60 s to 500 s: fires at 180 s; the 480 s evaluation still sees
    // it high; the 540 s one does not.
    let mut h = Harness::new(&config(CPU_RULE), SimDuration::from_secs(15));
    h.run_until(secs(1200), cpu_high(60, 500));
    let alert = &h.alerting.alerts()[0];
    assert_eq!(alert.fired_at, Some(secs(180)));
    assert_eq!(alert.resolved_at(), Some(secs(540)));
    // When the condition returns, it is a new instance with its own `for`.
    h.run_until(secs(2400), cpu_high(1500, 10_000));
    let second = &h.alerting.alerts()[1];
    assert_eq!(second.active_at, secs(1500));
    assert_eq!(second.fired_at, Some(secs(1620)));
}

#[test]
fn keep_firing_for_holds_a_resolved_condition() {
    let cfg = config(&CPU_RULE.replace("for: 2m", "for: 2m\n        keep_firing_for: 3m"));
    let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
    h.run_until(secs(1200), cpu_high(60, 500));
    // The condition is last seen at 480 s; absent from 540 s; kept while
    // now − 540 s < 3 m, so resolved at 720 s.
    assert_eq!(h.alerting.alerts()[0].resolved_at(), Some(secs(720)));
}

#[test]
fn for_zero_fires_at_once_and_rate_matches_a_hand_computation() {
    // 15 s scrapes; per scrape 90 succeeded + 10 failed in eu, 100 succeeded in us.
    // rate over 1m = (4 scrapes × 10) / 60 s; ratio = 40 / 400 = 0.1 in eu.
    let cfg = config(
        r#"
evaluation_interval: 15s
groups:
  - name: availability
    rules:
      - alert: HighErrorRatio
        expr: |
          sum by (region) (rate(requests_total{outcome=~"failed|timed_out"}[1m]))
            / sum by (region) (rate(requests_total[1m])) > 0.05
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.region }}: {{ $value | humanizePercentage }} of requests fail"
"#,
    );
    let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
    h.run_until(secs(120), |rec, now| {
        if now == SimTime::ZERO {
            for (region, outcome) in [
                ("eu", "succeeded"),
                ("eu", "failed"),
                ("us", "succeeded"),
                ("us", "failed"),
            ] {
                rec.counter(
                    "requests_total",
                    &[("region", region), ("outcome", outcome)],
                );
            }
            return;
        }
        for (region, outcome, n) in [
            ("eu", "succeeded", 90.0),
            ("eu", "failed", 10.0),
            ("us", "succeeded", 100.0),
        ] {
            let c = rec.counter(
                "requests_total",
                &[("region", region), ("outcome", outcome)],
            );
            rec.add(c, n);
        }
    });
    let alerts = h.alerting.alerts();
    assert_eq!(alerts.len(), 1, "only eu errs");
    let eu = &alerts[0];
    assert_eq!(
        eu.labels,
        labels(&[
            ("alertname", "HighErrorRatio"),
            ("region", "eu"),
            ("severity", "page")
        ])
    );
    // Two samples in reach at 15 s already: 10 failed of 100 over the 1m window.
    assert_eq!(eu.active_at, secs(15));
    assert_eq!(eu.fired_at, Some(secs(15)), "for: 0 fires at once");
    assert!((eu.value - 0.1).abs() < 1e-12, "{}", eu.value);
    assert_eq!(eu.annotations["summary"], "eu: 10% of requests fail");
}

#[test]
fn rate_equals_the_increase_over_the_window_divided_by_its_length() {
    let cfg = config(
        r#"
evaluation_interval: 30s
groups:
  - name: load
    rules:
      - alert: Busy
        expr: rate(requests_total[2m]) > 0
"#,
    );
    let mut h = Harness::new(&cfg, SimDuration::from_secs(30));
    // The counter rises by 30, 60, 90, … per 30 s scrape: 30·k at scrape k.
    h.run_until(secs(300), |rec, now| {
        let c = rec.counter("requests_total", &[]);
        let k = now.since_start().as_nanos() / 30_000_000_000;
        rec.add(c, 30.0 * k as f64);
    });
    // At 300 s (k = 10) the window reaches back to 180 s (k = 6): the increase
    // is 30·(7 + 8 + 9 + 10) = 1020 over 120 s.
    assert_eq!(h.alerting.alerts()[0].value, 1020.0 / 120.0);
}

#[test]
fn aggregation_by_keeps_only_the_grouping_labels() {
    let cfg = config(
        r#"
evaluation_interval: 15s
groups:
  - name: capacity
    labels: {team: platform}
    rules:
      - alert: RegionHot
        expr: avg by (region) (instance_cpu_utilisation_ratio) > 0.8
        labels: {severity: warning}
"#,
    );
    let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
    h.run_until(secs(0), |rec, _| {
        for (region, instance, v) in [
            ("eu", "eu-0", 0.9),
            ("eu", "eu-1", 0.8),
            ("us", "us-0", 0.95),
            ("us", "us-1", 0.5),
        ] {
            let g = rec.gauge(
                "instance_cpu_utilisation_ratio",
                &[("region", region), ("instance", instance)],
            );
            rec.set(g, v);
        }
    });
    let alerts = h.alerting.alerts();
    assert_eq!(alerts.len(), 1, "eu averages 0.85, us 0.725");
    assert_eq!(
        alerts[0].labels,
        labels(&[
            ("alertname", "RegionHot"),
            ("region", "eu"),
            ("severity", "warning"),
            ("team", "platform")
        ])
    );
    assert!((alerts[0].value - 0.85).abs() < 1e-12);
}

const GROUPED: &str = r#"
evaluation_interval: 15s
groups:
  - name: capacity
    rules:
      - alert: HighCpu
        expr: cpu_utilisation_ratio > 0.9
alertmanager:
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
  receiver:
    kind: email
    to: oncall@example.org
    delivery_delay: 45s
"#;

/// eu is hot from 60 s, us from `us_from`; both until `until`.
fn two_regions(us_from: u64, until: u64) -> impl FnMut(&mut Recorder, SimTime) {
    move |rec, now| {
        let s = now.since_start().as_nanos() / 1_000_000_000;
        for (region, from) in [("eu", 60), ("us", us_from)] {
            let g = rec.gauge("cpu_utilisation_ratio", &[("region", region)]);
            rec.set(
                g,
                if (from..until).contains(&s) {
                    0.95
                } else {
                    0.5
                },
            );
        }
    }
}

#[test]
fn alertmanager_waits_batches_and_repeats() {
    let mut h = Harness::new(&config(GROUPED), SimDuration::from_secs(15));
    h.run_until(secs(3 * 3600), two_regions(120, 100_000));
    let n = h.notifications();
    // eu fires at 60 s: the new group's first flush is 30 s later.
    assert_eq!(n[0].sent_at, secs(90));
    assert_eq!(n[0].reason, NotifyReason::FirstNotification);
    assert_eq!(n[0].firing.len(), 1);
    assert_eq!(n[0].firing[0].starts_at, secs(60));
    assert_eq!(n[0].group_labels, labels(&[("alertname", "HighCpu")]));
    assert_eq!(n[0].subject, "[FIRING:1] HighCpu (eu)");
    assert_eq!(n[0].to.as_deref(), Some("oncall@example.org"));
    assert_eq!(n[0].delivered_at, secs(90 + 45));
    // us fires at 120 s, in the same group: batched into the next flush, 5 m later.
    assert_eq!(n[1].sent_at, secs(90 + 300));
    assert_eq!(n[1].reason, NotifyReason::NewAlertsInGroup);
    assert_eq!(n[1].firing.len(), 2);
    assert_eq!(n[1].subject, "[FIRING:2] HighCpu");
    // Then nothing changes: the repeat goes out at the first flush strictly
    // more than 1 h after 390 s, i.e. 390 s + 65 m.
    assert_eq!(n[2].sent_at, secs(390 + 65 * 60));
    assert_eq!(n[2].reason, NotifyReason::RepeatIntervalElapsed);
    assert_eq!(n[3].sent_at, secs(390 + 130 * 60));
    assert_eq!(n.len(), 4);
}

#[test]
fn resolved_alerts_are_emailed_only_with_send_resolved() {
    for send_resolved in [false, true] {
        let cfg = config(&GROUPED.replace(
            "delivery_delay: 45s",
            &format!("delivery_delay: 45s\n    send_resolved: {send_resolved}"),
        ));
        let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
        // Both hot 60 s–600 s: resolved by the 600 s evaluation.
        h.run_until(secs(3600), two_regions(60, 600));
        let n = h.notifications();
        assert_eq!(n[0].sent_at, secs(90));
        assert_eq!(n[0].firing.len(), 2);
        if send_resolved {
            // Flushes at 90 s + k·5 m: the first after 600 s is 690 s.
            assert_eq!(n.len(), 2);
            assert_eq!(n[1].sent_at, secs(690));
            assert_eq!(n[1].reason, NotifyReason::AllAlertsResolved);
            assert_eq!(n[1].resolved.len(), 2);
            assert!(n[1].firing.is_empty());
            assert_eq!(n[1].subject, "[RESOLVED] HighCpu");
            assert_eq!(n[1].resolved[0].ends_at, Some(secs(600)));
        } else {
            assert_eq!(n.len(), 1, "email's default: no resolved notifications");
        }
        assert_eq!(
            h.alerting.next_flush(),
            None,
            "the group is gone once resolved and flushed"
        );
    }
}

#[test]
fn group_by_splits_groups_and_random_delays_are_reproducible() {
    let cfg = config(
        &GROUPED
            .replace("group_by: [alertname]", "group_by: [region]")
            .replace(
                "delivery_delay: 45s",
                "delivery_delay: {kind: exponential, mean: 20}",
            ),
    );
    let run = || {
        let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
        h.run_until(secs(600), two_regions(120, 100_000));
        h.notifications().to_vec()
    };
    let n = run();
    // One group per region, each with its own group_wait.
    assert_eq!(n.len(), 2);
    assert_eq!((n[0].sent_at, n[1].sent_at), (secs(90), secs(150)));
    assert_eq!(n[1].group_labels, labels(&[("region", "us")]));
    assert_eq!(n[1].subject, "[FIRING:1] us (HighCpu)");
    let delays: Vec<SimDuration> = n.iter().map(|x| x.delivered_at - x.sent_at).collect();
    assert!(delays.iter().all(|d| *d > SimDuration::ZERO));
    assert_ne!(delays[0], delays[1]);
    assert_eq!(run(), n, "same seed, same notifications");
}

/// The example of Prometheus' *Alerting rules* page, with its second group
/// from the *Templating* section, on our metric names.
const PROMETHEUS_DOCS_RULE_FILE: &str = r#"
groups:
- name: example
  labels:
    team: myteam
  rules:
  - alert: HighRequestLatency
    expr: request_duration_window_seconds{quantile="0.5"} > 0.5
    for: 10m
    keep_firing_for: 5m
    labels:
      severity: page
    annotations:
      summary: High request latency

- name: example-templates
  rules:

  # Alert for any region that has no ready instance for >5 minutes.
  - alert: InstanceDown
    expr: instances_ready == 0
    for: 5m
    labels:
      severity: page
    annotations:
      summary: "Region {{ $labels.region }} down"
      description: "{{ $labels.region }} has had no ready instance for more than 5 minutes."

  # Alert for any region that has a median request latency >1s.
  - alert: APIHighRequestLatency
    expr: request_duration_window_seconds{quantile="0.5"} > 1
    for: 10m
    annotations:
      summary: "High request latency on {{ $labels.region }}"
      description: "{{ $labels.region }} has a median request latency above 1s (current value: {{ $value }}s)"
"#;

#[test]
fn a_rule_file_shaped_like_prometheus_docs_parses_and_runs() {
    let file = RuleFileConfig::from_yaml(PROMETHEUS_DOCS_RULE_FILE).unwrap();
    assert_eq!(file.groups.len(), 2);
    assert_eq!(file.groups[0].rules[0].hold, SimDuration::from_mins(10));
    assert_eq!(
        file.groups[0].rules[0].keep_firing_for,
        SimDuration::from_mins(5)
    );
    let mut cfg = AlertingConfig::from_rule_file(file);
    cfg.evaluation_interval = SimDuration::from_secs(15);
    let mut h = Harness::new(&cfg, SimDuration::from_secs(15));
    h.run_until(secs(600), |rec, now| {
        let ready = rec.gauge("instances_ready", &[("region", "eu-west-1")]);
        let up = now < secs(60);
        rec.set(ready, if up { 3.0 } else { 0.0 });
        let p50 = rec.gauge(
            "request_duration_window_seconds",
            &[("region", "eu-west-1"), ("quantile", "0.5")],
        );
        rec.set(p50, 0.2);
    });
    let down = &h.alerting.alerts()[0];
    assert_eq!(down.alertname, "InstanceDown");
    assert_eq!(down.fired_at, Some(secs(60 + 300)));
    assert_eq!(down.annotations["summary"], "Region eu-west-1 down");
    assert_eq!(h.notifications()[0].sent_at, secs(360 + 30));
}

#[test]
fn the_scenario_section_embeds_the_rule_file_groups() {
    let text = format!(
        "evaluation_interval: 15s\n{}alertmanager:\n  receiver: {{kind: email, to: ops@example.org}}\n",
        PROMETHEUS_DOCS_RULE_FILE.trim_start()
    );
    let cfg: AlertingConfig = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(cfg.groups.len(), 2);
    assert!(cfg.problems("monitoring.alerting").is_empty());
}

#[test]
fn problems_name_the_field_path_and_the_column() {
    let cfg = config(
        r#"
evaluation_interval: 0s
groups:
  - name: a
    rules:
      - alert: Fine
        expr: up == 0
      - alert: Broken
        expr: sum(cpu_ratio{})) > 1
      - record: job:requests:rate5m
        expr: sum(rate(requests_total[5m]))
      - alert: Bad Name
        expr: up == 0
        annotations:
          summary: "{{ template \"x\" . }}"
  - name: a
    interval: 0s
    rules: []
alertmanager:
  group_by: [region, "not a label"]
  repeat_interval: 0s
  receiver: {kind: email, to: nobody}
"#,
    );
    let err = Alerting::new(&cfg).unwrap_err();
    let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "monitoring.alerting.evaluation_interval: must be > 0",
            "monitoring.alerting.groups[0].rules[1].expr: unexpected ')' at column 17",
            "monitoring.alerting.groups[0].rules[2].record: recording rules are not supported: only alerting rules (`alert:`) are evaluated",
            "monitoring.alerting.groups[0].rules[3].alert: `Bad Name` is not a valid alert name (letters, digits and _, not starting with a digit)",
            "monitoring.alerting.groups[0].rules[3].annotations.summary: template action `{{ template \"x\" . }}` is not supported (only $labels.<name>, $value, $value | humanize, $value | humanizePercentage)",
            "monitoring.alerting.groups[1].name: `a` is already the name of groups[0]",
            "monitoring.alerting.groups[1].interval: must be > 0",
            "monitoring.alerting.alertmanager.group_by[1]: `not a label` is not a label name (or `...` for all labels)",
            "monitoring.alerting.alertmanager.repeat_interval: must be > 0",
            "monitoring.alerting.alertmanager.receiver.to: `nobody` is not an email address",
        ]
    );
    assert_eq!(cfg.problems("").len(), lines.len());
    assert!(cfg.problems("")[0].path == "evaluation_interval");
}

#[test]
fn unsupported_rule_fields_are_refused_with_their_path() {
    let err = RuleFileConfig::from_yaml("groups:\n- name: g\n  query_offset: 1m\n  rules: []\n")
        .unwrap_err();
    assert_eq!(err.problems()[0].path, "groups[0].query_offset");
    assert!(
        err.to_string().contains("unknown field `query_offset`"),
        "{err}"
    );
}
