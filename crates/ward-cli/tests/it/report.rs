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
