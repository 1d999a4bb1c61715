//! Trace replay from a scenario file, end to end: the shipped example runs
//! and follows its trace, and a trace with a bad row is an error naming the
//! scenario field, the file, the line and the column.

use std::ops::ControlFlow;

use sim_models::run::run_scenario;
use sim_models::scenario::ScenarioConfig;

#[test]
fn shipped_trace_scenario_follows_its_trace() {
    let path = format!(
        "{}/../scenarios/trace-replay.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let sc = ScenarioConfig::from_path(&path).expect("loads");
    let (report, _) = run_scenario(&sc, 1, |_| ControlFlow::Continue(())).expect("runs");
    // ∫ rate dt over the hour: 200·600 + 450·600 + 1200·300 + 800·900 + 300·1200.
    let expected = 200.0 * 600.0 + 450.0 * 600.0 + 1200.0 * 300.0 + 800.0 * 900.0 + 300.0 * 1200.0;
    let arrivals = report.conservation.totals.arrivals as f64;
    println!("arrivals {arrivals}, expected {expected}");
    assert!(
        (arrivals - expected).abs() < 4.0 * expected.sqrt(),
        "{arrivals} vs {expected}"
    );
    assert!(report.conservation.holds);
}

#[test]
fn a_bad_trace_row_names_field_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("devops-sim-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.csv"), "time,rate\n0s,10\n1m,-3\n").unwrap();
    std::fs::write(
        dir.join("scenario.yaml"),
        "workload:\n  regions:\n    - name: us-east-1\n      rps: 1.0\n      pattern: { kind: trace, file: bad.csv }\n",
    )
    .unwrap();
    let sc =
        ScenarioConfig::from_path(dir.join("scenario.yaml")).expect("the file itself is valid");
    let err = run_scenario(&sc, 1, |_| ControlFlow::Continue(()))
        .expect_err("a bad row fails")
        .to_string();
    for part in [
        "workload.regions[0].pattern.file",
        "bad.csv",
        "line 3",
        "rate",
    ] {
        assert!(err.contains(part), "{part} missing from: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
