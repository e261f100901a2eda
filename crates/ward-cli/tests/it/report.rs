//! `ward report board-pack`: a PDF made by the binary itself, and clear refusals.

use std::process::{Command, Output};

fn ward(dir: &std::path::Path, args: &[&str]) -> Output {
    let url = format!("sqlite://{}", dir.join("ward.db").display());
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

#[test]
fn a_board_pack_is_written_as_pdf_and_bad_requests_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let orgs = dir.path().join("orgs.csv");
    std::fs::write(
        &orgs,
        "code,name,kind,parent_code\nX26,NHS England,national_body,\nY56,London,region,X26\n\
         QMF,North East London ICB,icb,Y56\nRJZ,Riverside Hospitals,nhs_trust,QMF\n",
    )
    .unwrap();
    let o = ward(
        dir.path(),
        &["orgs", "import", "--format", "csv", orgs.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));

    let out = dir.path().join("pack.pdf");
    let o = ward(
        dir.path(),
        &[
            "--json",
            "report",
            "board-pack",
            "--org",
            "RJZ",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["org"], "RJZ", "{v}");
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"), "a PDF trailer");
    assert_eq!(v["bytes"].as_u64(), Some(pdf.len() as u64));

    let o = ward(
        dir.path(),
        &[
            "report",
            "board-pack",
            "--org",
            "NOPE1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("no organisation has the code or identifier 'NOPE1'"),
        "{}",
        text(&o)
    );

    let nowhere = dir.path().join("missing-folder").join("pack.pdf");
    let o = ward(
        dir.path(),
        &[
            "report",
            "board-pack",
            "--org",
            "RJZ",
            "--out",
            nowhere.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
    let o = ward(
        dir.path(),
        &[
            "report",
            "board-pack",
            "--org",
            "RJZ",
            "--out",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("is a folder"), "{}", text(&o));
}

/// The demo with assessments shows every standing in the national roll-up: Standards Not Met,
/// Not Met with a plan, Approaching (the plan approved by the region), Met and Exceeded (a
/// current Cyber Essentials Plus certificate), each on some organisations.
#[test]
fn the_demo_assurance_rollup_shows_every_standing() {
    let Some(framework) = ward_testkit::skip::shared_data("frameworks/webcaf-caf-4.0.yaml") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let o = ward(
        dir.path(),
        &["demo", "--no-serve", "--assurance", framework.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("improvement plans"), "{err}");
    let o = ward(dir.path(), &["--json", "report", "assurance-rollup"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let by = &v["total"]["standing"]["by_standing"];
    for standing in ["not-met", "not-met-with-plan", "approaching", "met", "exceeded"] {
        assert!(
            by[standing].as_u64().unwrap_or(0) > 0,
            "no organisation {standing}: {by}"
        );
    }
}
