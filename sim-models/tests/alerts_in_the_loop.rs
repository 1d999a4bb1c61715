//! Alerting driven by a run: pods left pending by a slow node provisioner
//! raise a `for: 2m` alert no earlier than 2 min after they start waiting,
//! and it resolves once the node arrives; the email notification arrives
//! after its delivery delay.

use sim_core::{SimDuration, SimTime, Simulation};
use sim_models::alerting::RuleFileConfig;
use sim_models::report::RunReport;
use sim_models::run::build_world;
use sim_models::scenario::{Profile, ScenarioConfig};
use sim_models::world::{Event, FleetEvent};

const RULES: &str = r#"
groups:
  - name: capacity
    rules:
      - alert: PodsPending
        expr: max by (region) (instances_pending) > 0
        for: 2m
"#;

#[test]
fn a_for_2m_alert_fires_after_2m_and_resolves_when_the_condition_ends() {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.duration = SimDuration::from_mins(10);
    sc.fleet.autoscaling.enabled = false;
    sc.fleet.nodes.provision_delay = SimDuration::from_mins(5);
    sc.monitoring.alerting.groups = RuleFileConfig::from_yaml(RULES).unwrap().groups;
    let mut sim = Simulation::new(build_world(&sc, 2).unwrap(), 2);
    // 12 pods fill the 3 nodes; 8 more wait from 62 s until a node is ready
    // at 362 s (two nodes, both asked for at 62 s).
    let scale = Event::Fleet(FleetEvent::ScaleTo {
        region: 0,
        replicas: 20,
    });
    let (began, node_ready) = (62.0, 362.0);
    sim.schedule_at(SimTime::ZERO + SimDuration::from_secs(62), scale)
        .unwrap();
    let end = sim.run_until(SimTime::ZERO + sc.duration);
    let report = RunReport::new(&sc, 2, sim.model(), end.now, sim.events_handled());

    let fired = &report.alerts.fired;
    assert_eq!(fired.len(), 1, "{fired:?}");
    let a = &fired[0];
    assert_eq!(a.alertname, "PodsPending");
    let fired_at = a.fired_at.as_secs_f64();
    // Evaluated every 15 s right after the scrape: the condition is first
    // seen at 75 s, so it fires at the first evaluation ≥ 195 s.
    assert!(fired_at >= began + 120.0, "fired at {fired_at} s");
    assert_eq!(fired_at, 195.0);
    assert_eq!(a.time_to_fire_seconds, 120.0);
    let resolved = a.resolved_at.expect("resolved").as_secs_f64();
    assert!(
        (node_ready..node_ready + 15.0).contains(&resolved),
        "resolved at {resolved} s"
    );
    // Production mails on-call: firing then resolved, each after a delay.
    let mails = &report.alerts.notifications;
    assert_eq!(mails.len(), 2, "{mails:?}");
    for m in mails {
        assert_eq!(m.to, "oncall@example.com");
        assert!(m.delivered_at > m.sent_at);
    }
    assert!(mails[0].subject.starts_with("[FIRING:1]"));
    assert!(mails[1].subject.starts_with("[RESOLVED]"));
    // group_wait: the first notification 30 s after the alert fired.
    assert_eq!(mails[0].sent_at.as_secs_f64(), fired_at + 30.0);
}
