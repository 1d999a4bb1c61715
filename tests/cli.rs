//! The command line as a user meets it: run, validate, and clear errors.

use std::process::Command;

fn devops_sim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_devops-sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

#[test]
fn run_prints_the_report_and_writes_outputs() {
    let dir = std::env::temp_dir().join(format!("devops-sim-cli-{}", std::process::id()));
    let (code, stdout, stderr) = devops_sim(&[
        "run",
        "--duration",
        "2m",
        "--seed",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("conservation:") && stdout.contains("holds"),
        "{stdout}"
    );
    for file in ["report.json", "metrics.csv", "metrics.om", "events.ndjson"] {
        assert!(dir.join(file).exists(), "{file} missing");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["seed"], 3);
    assert_eq!(report["conservation"]["holds"], true);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_refuses_development_settings_for_production() {
    let (code, stdout, _) = devops_sim(&[
        "validate",
        "scenarios/development.yaml",
        "--target",
        "production",
    ]);
    assert_eq!(code, 1);
    for field in [
        "security.tls",
        "security.cors_open",
        "security.plaintext_credentials",
        "fleet.debugger_port",
    ] {
        assert!(stdout.contains(field), "{field} not listed:\n{stdout}");
    }
    let (code, stdout, _) = devops_sim(&[
        "validate",
        "scenarios/production.yaml",
        "--target",
        "production",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let (code, _, _) = devops_sim(&[
        "validate",
        "scenarios/experimental.yaml",
        "--target",
        "production",
    ]);
    assert_eq!(
        code, 1,
        "experimental flags without validation must not pass"
    );
}

#[test]
fn bad_input_is_a_clear_error() {
    let (code, _, stderr) = devops_sim(&["run", "no/such/file.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such/file.yaml"), "{stderr}");
    let (code, _, stderr) = devops_sim(&["run", "--duration", "soon"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("duration"), "{stderr}");
}
