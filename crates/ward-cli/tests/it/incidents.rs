//! `ward incidents report` and `ward incidents list`: a report in the name of an account, refused
//! input naming the option (exit 3, nothing stored), and the list for scripts with the reporting
//! clocks.

use std::process::{Command, Output};

const ORGS_CSV: &str = "code,name,kind,parent_code\nX26,NHS England,national_body,\nY56,London,region,X26\nQMF,North East London ICB,icb,Y56\nRJZ,Riverside Hospitals,nhs_trust,QMF\n";

fn ward(dir: &std::path::Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .env("WARD_DATABASE_URL", url)
        .env_remove("WARD_CONFIG")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", text(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

#[test]
fn incidents_are_reported_in_an_accounts_name_and_listed_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ward.db").display());
    let orgs = dir.path().join("orgs.csv");
    std::fs::write(&orgs, ORGS_CSV).unwrap();
    let o = ward(
        dir.path(),
        &url,
        &["orgs", "import", "--format", "csv", orgs.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = ward(
        dir.path(),
        &url,
        &[
            "users",
            "add",
            "member@trust.example",
            "--name",
            "Mo Member",
            "--role",
            "org_member",
            "--org",
            "RJZ",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let trust = "RJZ".to_owned();
    let report = |extra: &[&str]| {
        let mut args = vec![
            "--json",
            "incidents",
            "report",
            "--org",
            trust.as_str(),
            "--reporter",
            "member@trust.example",
            "--title",
            "Worm on the trust network",
            "--severity",
            "high",
            "--category",
            "4",
        ];
        args.extend_from_slice(extra);
        ward(dir.path(), &url, &args)
    };

    // Refused input names the option and stores nothing.
    for (extra, named) in [
        (&["--detected-at", "yesterday"][..], "--detected-at"),
        (
            &["--detected-at", "2026-06-03T09:00", "--patient-harm", "9"][..],
            "--patient-harm",
        ),
        (&["--detected-at", "2026-10-25T01:30"][..], "--detected-at"),
    ] {
        let o = report(extra);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert!(text(&o).contains(named), "{}", text(&o));
    }
    let o = report(&[
        "--detected-at",
        "2026-06-03T09:00",
        "--reported-at",
        "2026-06-03T08:00",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("reported_at"),
        "the app's rule names the field: {}",
        text(&o)
    );
    let listed = json(&ward(dir.path(), &url, &["--json", "incidents", "list"]));
    assert_eq!(listed["incidents"].as_array().unwrap().len(), 0, "nothing stored");

    // London time in, UTC stored; the list shows it with its clocks.
    let made = json(&report(&["--detected-at", "2026-06-03T09:00", "--no-ico"]));
    assert_eq!(made["incident"]["details"]["detected_at"], "2026-06-03T08:00:00Z");
    assert_eq!(made["org_code"], trust.as_str());
    let listed = json(&ward(
        dir.path(),
        &url,
        &["--json", "incidents", "list", "--org", &trust, "--status", "open"],
    ));
    let list = listed["incidents"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{listed}");
    assert_eq!(
        list[0]["incident"]["details"]["title"],
        "Worm on the trust network"
    );
    assert_eq!(list[0]["clocks"].as_array().unwrap().len(), 3);
    assert_eq!(list[0]["clocks"][2]["applies"], false, "--no-ico");
    let people = ward(dir.path(), &url, &["incidents", "list"]);
    assert!(text(&people).contains("1 incident(s)"), "{}", text(&people));
    let audit = ward(dir.path(), &url, &["audit", "verify"]);
    assert!(audit.status.success(), "{}", text(&audit));
}
