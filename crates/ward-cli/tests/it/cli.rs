use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use ward_testkit::skip::shared_data;

struct Db {
    dir: tempfile::TempDir,
}

impl Db {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn url(&self) -> String {
        format!("sqlite://{}", self.path().display())
    }
    fn path(&self) -> PathBuf {
        self.dir.path().join("ward.db")
    }
    fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
    /// Give `other` this database's instance key, as an operator restoring elsewhere must.
    fn share_key_with(&self, other: &Db) {
        std::fs::copy(
            self.dir.path().join("instance.key"),
            other.dir.path().join("instance.key"),
        )
        .unwrap();
    }
    fn ward(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ward"))
            .args(args)
            .env("WARD_DATABASE_URL", self.url())
            .env_remove("WARD_CONFIG")
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const ORGS_CSV: &str = "code,name,kind,parent_code\nX26,NHS England,national_body,\nY56,London,region,X26\nQMF,North East London ICB,icb,Y56\nRJZ,Riverside Hospitals,nhs_trust,QMF\n";

#[test]
fn config_print_default_is_valid_toml() {
    let db = Db::new();
    let o = db.ward(&["config", "print-default"]);
    assert!(o.status.success(), "{}", text(&o));
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(s.contains("database_url = \"sqlite://ward-data/ward.db\""), "{s}");
}

#[test]
fn completions_are_printed() {
    let db = Db::new();
    let o = db.ward(&["completions", "bash"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("ward"));
}

#[test]
fn org_import_is_atomic_and_names_line_and_column() {
    let db = Db::new();
    let good = db.file("orgs.csv", ORGS_CSV);
    let o = db.ward(&[
        "--json",
        "orgs",
        "import",
        "--format",
        "csv",
        good.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inserted"], 4);

    let bad = db.file(
        "bad.csv",
        "code,name,kind\nRAL,Royal Free,nhs_trust\nRAP,North Middlesex,hospital\n",
    );
    let o = db.ward(&["orgs", "import", "--format", "csv", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("bad.csv:3:3"), "{}", text(&o));
    // RAL, on the good line, was not stored either.
    let list = db.ward(&["--json", "users", "list"]);
    assert!(list.status.success(), "{}", text(&list));
    let again = db.file("check.csv", "code,name,kind\nRAL,Royal Free,nhs_trust\n");
    let o = db.ward(&[
        "--json",
        "orgs",
        "import",
        "--format",
        "csv",
        again.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inserted"], 1, "RAL was not stored by the failed import");
}

#[test]
fn real_ods_extracts_import_with_closed_organisations_kept() {
    let Some(etr) = shared_data("ods/etr.csv") else {
        return;
    };
    let Some(gp) = shared_data("ods/epraccur.csv") else {
        return;
    };
    let db = Db::new();
    let o = db.ward(&[
        "--json",
        "orgs",
        "import",
        "--format",
        "ods-trusts",
        etr.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = std::fs::read_to_string(&etr).unwrap().lines().count() as u64;
    assert_eq!(v["records"], rows);
    assert_eq!(v["inserted"], rows);
    assert!(
        v["placeholders"].as_u64().unwrap() > 0,
        "regions and areas created as parents"
    );
    let o = db.ward(&[
        "--json",
        "orgs",
        "import",
        "--format",
        "ods-gp",
        gp.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["records"].as_u64().unwrap(), 14357);
    // Importing the same file again changes nothing.
    let o = db.ward(&[
        "--json",
        "orgs",
        "import",
        "--format",
        "ods-trusts",
        etr.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inserted"], 0);
    assert_eq!(v["unchanged"], rows);
}

#[test]
fn asset_import_reports_unknown_services_and_stores_nothing() {
    let db = Db::new();
    let orgs = db.file("orgs.csv", ORGS_CSV);
    assert!(
        db.ward(&["orgs", "import", "--format", "csv", orgs.to_str().unwrap()])
            .status
            .success()
    );
    let assets = db.file(
        "assets.csv",
        "org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe\n\
         RJZ,LIMS,server,lims01,no,,log4j-core,Apache,2.14.1,pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1,\n\
         RJZ,PACS,server,pacs01,no,Radiology,,,,,\n",
    );
    let o = db.ward(&["assets", "import", "--format", "csv", assets.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("service 'Radiology' does not exist in RJZ"),
        "{}",
        text(&o)
    );
    let fixed = db.file(
        "fixed.csv",
        "org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe\n\
         RJZ,LIMS,server,lims01,no,,log4j-core,Apache,2.14.1,pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1,\n",
    );
    let o = db.ward(&[
        "--json",
        "assets",
        "import",
        "--format",
        "csv",
        fixed.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inserted"], 1);
}

#[test]
fn users_tokens_and_audit_verify() {
    let db = Db::new();
    let orgs = db.file("orgs.csv", ORGS_CSV);
    assert!(
        db.ward(&["orgs", "import", "--format", "csv", orgs.to_str().unwrap()])
            .status
            .success()
    );
    let o = db.ward(&[
        "--json",
        "users",
        "add",
        "lead@trust.example",
        "--name",
        "Ada Lead",
        "--role",
        "org_admin",
        "--org",
        "RJZ",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["password"].as_str().unwrap().len() >= 20);
    // A responder grant must expire.
    let o = db.ward(&[
        "users",
        "grant",
        "lead@trust.example",
        "--role",
        "incident_responder",
        "--org",
        "RJZ",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let o = db.ward(&[
        "--json",
        "tokens",
        "issue",
        "--name",
        "sccm sync",
        "--owner",
        "lead@trust.example",
        "--role",
        "org_member",
        "--org",
        "RJZ",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["token"].as_str().unwrap().starts_with("ward_"));
    let o = db.ward(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("audit chain intact"));
}

#[tokio::test]
async fn a_row_edited_in_the_database_breaks_audit_verify() {
    let db = Db::new();
    let orgs = db.file("orgs.csv", ORGS_CSV);
    assert!(
        db.ward(&["orgs", "import", "--format", "csv", orgs.to_str().unwrap()])
            .status
            .success()
    );
    assert!(db.ward(&["audit", "verify"]).status.success());
    {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(db.path())
            .connect()
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET action = 'org.delete' WHERE seq = 2")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let o = db.ward(&["--json", "audit", "verify"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let first_line = String::from_utf8_lossy(&o.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let v: serde_json::Value = serde_json::from_str(&first_line).unwrap();
    assert_eq!(v["first_break_seq"], 2);
    assert_eq!(v["checked"], 1);
}

#[test]
fn backup_restores_into_an_empty_database() {
    let db = Db::new();
    let orgs = db.file("orgs.csv", ORGS_CSV);
    assert!(
        db.ward(&["orgs", "import", "--format", "csv", orgs.to_str().unwrap()])
            .status
            .success()
    );
    let snap = db.dir.path().join("snap.jsonl");
    let o = db.ward(&["backup", snap.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    // Refuses to overwrite.
    assert!(!db.ward(&["backup", snap.to_str().unwrap()]).status.success());
    // Under another instance key the backup is refused, naming both keys.
    let stranger = Db::new();
    let o = stranger.ward(&["restore", snap.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("different instance key"), "{}", text(&o));
    let other = Db::new();
    db.share_key_with(&other);
    let o = other.ward(&["--json", "restore", snap.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tables"]["organisations"], 4);
    // Restoring twice is refused: the database is no longer empty.
    assert!(!other.ward(&["restore", snap.to_str().unwrap()]).status.success());
}

#[test]
fn small_demo_loads_and_prints_one_login_per_role() {
    let db = Db::new();
    let url = db.url();
    let o = db.ward(&["--database-url", &url, "demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for role in [
        "national_analyst",
        "regional_lead",
        "org_admin",
        "org_member",
        "auditor",
        "supplier_contact",
        "incident_responder",
    ] {
        assert!(out.contains(role), "no login for {role}:\n{out}");
    }
    // The store accounts for every item of the demo's threat data.
    let t = ward_demo::threats();
    let summary = format!(
        "Threat data: {} advisories, {} KEV, {} EPSS (illustrative), {} EOL products.",
        t.advisories.len(),
        t.kev.len(),
        t.epss.len(),
        t.eol.len()
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&summary), "expected {summary:?} in:\n{err}");
    // The member's organisation has risks raised from its top exposures, and they roll up.
    assert!(err.contains("Risk register: 3 risks raised"), "{err}");
    let o = db.ward(&["--json", "risks", "rollup"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total: u64 = v["totals"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(total, 3, "{v}");
    assert_eq!(v["nation"].as_array().map(Vec::len), Some(1), "{v}");
    // So does its training record: 44 people, the nation's staff figure is the organisation's.
    assert!(err.contains("People: a training record of 44 people"), "{err}");
    // And closed incidents with their times, so the recovery metrics have medians and a trend.
    assert!(err.contains("Incidents: 10 closed incidents"), "{err}");
    // And exercises: one completed (with its times, so the metrics count it) and one planned.
    assert!(
        err.contains("Exercises: 1 completed today with its debrief (CAF D1.c evidence) and 1 planned"),
        "{err}"
    );
    let o = db.ward(&["--json", "incidents", "metrics", "--by", "supplier"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"]["incidents"], 10, "{v}");
    assert_eq!(v["total"]["exercises"], 1, "{v}");
    assert_eq!(
        v["total"]["recover"]["count"], 11,
        "the incidents' and the exercise's: {v}"
    );
    assert!(v["total"]["recover"]["p90_minutes"].is_u64(), "{v}");
    assert_eq!(
        v["groups"][0]["figures"]["incidents"], 3,
        "the pathology supplier's: {v}"
    );
    assert!(v["trend"].as_array().is_some_and(|t| t.len() >= 5), "{v}");
    let o = db.ward(&["incidents", "metrics", "--by", "region", "--csv"]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(csv.starts_with("row,code,name,incidents,exercises,"), "{csv}");
    assert!(csv.contains("\ntotal,,Total,10,1,"), "{csv}");
    let o = db.ward(&["incidents", "metrics", "--by", "planet"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let o = db.ward(&["--json", "training", "rollup"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let staff = |doc: &serde_json::Value| {
        doc["courses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["role"] == "staff")
            .cloned()
    };
    let nation = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["org"]["kind"] == "national_body")
        .unwrap();
    assert_eq!(staff(nation), staff(&v["orgs"][0]), "{v}");
    assert_eq!(staff(nation).unwrap()["people"], 40, "{v}");
    let o = db.ward(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Runs `ward serve` with `args` and returns its output once it exits, or fails the test if it is
/// still running after a generous bound (a liveness bound, not a speed assertion).
fn serve_until_exit(db: &Db, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("serve")
        .args(args)
        .env("WARD_DATABASE_URL", db.url())
        .env_remove("WARD_CONFIG")
        .current_dir(db.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(120)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
            panic!(
                "`ward serve {}` kept running although it cannot serve",
                args.join(" ")
            );
        }
    }
}

#[test]
fn serve_exits_1_when_the_http_or_metrics_port_is_taken() {
    let db = Db::new();
    assert!(db.ward(&["migrate"]).status.success());
    // Occupy a port, then ask `ward serve` for it, once for HTTP and once for metrics.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    for (args, what) in [
        (
            ["--listen", port.as_str(), "--metrics-listen", "127.0.0.1:0"],
            "HTTP",
        ),
        (
            ["--listen", "127.0.0.1:0", "--metrics-listen", port.as_str()],
            "metrics",
        ),
    ] {
        let mut args = args.to_vec();
        args.extend(["--workers", "1"]);
        let o = serve_until_exit(&db, &args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{what} port taken: {out}");
        assert!(out.contains(&port), "{what}: the error names the address:\n{out}");
        assert!(out.contains("in use"), "{what}: the error says why:\n{out}");
    }
    drop(taken);
}

/// Run SQL on the database file directly, as someone with access to it could.
async fn tamper_sqlite(path: &Path, sql: &str) -> u64 {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap()
        .rows_affected()
}

fn db_with_an_admin() -> Db {
    let db = Db::new();
    let orgs = db.file("orgs.csv", ORGS_CSV);
    let o = db.ward(&["orgs", "import", "--format", "csv", orgs.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = db.ward(&[
        "users",
        "add",
        "lead@trust.example",
        "--name",
        "Ada Lead",
        "--role",
        "org_admin",
        "--org",
        "RJZ",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    db
}

#[tokio::test]
async fn cutting_the_tail_of_the_audit_trail_breaks_audit_verify() {
    let db = db_with_an_admin();
    assert!(db.ward(&["audit", "verify"]).status.success());
    let cut = tamper_sqlite(
        &db.path(),
        "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 2 FROM audit_log)",
    )
    .await;
    assert_eq!(cut, 2);
    let o = db.ward(&["audit", "verify"]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "truncation went unnoticed: {}",
        text(&o)
    );
}

#[tokio::test]
async fn a_backup_edited_to_grant_national_analyst_does_not_restore() {
    let db = db_with_an_admin();
    let snap = db.dir.path().join("snap.jsonl");
    let o = db.ward(&["backup", snap.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let original = std::fs::read_to_string(&snap).unwrap();
    let tampered: String = original
        .lines()
        .map(|l| {
            if l.contains("\"table\":\"role_grants\"") {
                l.replace("\"org_admin\"", "\"national_analyst\"")
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(tampered, original);
    let edited = db.file("edited.jsonl", &tampered);
    let other = Db::new();
    db.share_key_with(&other);
    let o = other.ward(&["restore", edited.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "a tampered backup restored: {}",
        text(&o)
    );
    assert!(text(&o).contains("MAC does not match"), "{}", text(&o));
    let o = other.ward(&["--json", "users", "list"]);
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("lead@trust.example"),
        "nothing is stored from a refused backup"
    );
}

#[cfg(unix)]
#[test]
fn backups_the_database_and_its_folder_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let db = Db::new();
    let o = db.ward(&["--database-url", "sqlite://ward-data/ward.db", "migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    let data = db.dir.path().join("ward-data");
    assert_eq!(mode(&data), 0o700, "data directory");
    for name in ["ward.db", "ward.db-wal", "ward.db-shm"] {
        let p = data.join(name);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{name}");
        }
    }
    let snap = db.dir.path().join("snap.jsonl");
    let o = db.ward(&[
        "--database-url",
        "sqlite://ward-data/ward.db",
        "backup",
        snap.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&snap), 0o600, "backup file");
}

#[tokio::test]
async fn audit_verify_keeps_checkpoints_that_catch_a_replayed_head() {
    let db = db_with_an_admin();
    let o = db.ward(&["audit", "checkpoint"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("ward-audit-checkpoint v1"), "{}", text(&o));
    let saved = tamper_sqlite(&db.path(), "CREATE TABLE saved_head AS SELECT * FROM audit_head").await;
    assert_eq!(saved, 0);
    let o = db.ward(&[
        "tokens",
        "issue",
        "--name",
        "sync",
        "--owner",
        "lead@trust.example",
        "--role",
        "org_member",
        "--org",
        "RJZ",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = db.ward(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let checkpoints = std::fs::read_to_string(db.dir.path().join("ward.db.audit-checkpoints")).unwrap();
    assert_eq!(checkpoints.lines().count(), 2, "{checkpoints}");
    // Cut the newest records and put the saved head row back.
    tamper_sqlite(
        &db.path(),
        "DELETE FROM audit_log WHERE seq > (SELECT seq FROM saved_head); \
         DELETE FROM audit_head; INSERT INTO audit_head SELECT * FROM saved_head; DROP TABLE saved_head;",
    )
    .await;
    let o = db.ward(&["audit", "verify"]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "a replayed head went unnoticed: {}",
        text(&o)
    );
    assert!(text(&o).contains("checkpoint"), "{}", text(&o));
}

#[test]
fn alerts_issue_reaches_the_demo_organisations_exposed_to_log4shell() {
    let db = Db::new();
    let url = db.url();
    let o = db.ward(&["--database-url", &url, "demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = db.ward(&[
        "--json",
        "alerts",
        "issue",
        "--advisory",
        "CVE-2021-44228",
        "--severity",
        "critical",
        "--title",
        "Log4Shell",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let issued: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = issued["alert"].as_str().expect("the alert's id").to_owned();
    let orgs = issued["organisations"].as_u64().unwrap();
    let assets = issued["assets"].as_u64().unwrap();
    assert!(orgs > 0, "the demo is exposed to Log4Shell: {issued}");
    assert!(
        assets >= orgs,
        "every organisation has an affected asset: {issued}"
    );
    assert_eq!(issued["policy"]["acknowledge_hours"], 48, "{issued}");

    // An advisory Ward does not know: refused with the id named, nothing stored.
    let o = db.ward(&[
        "alerts",
        "issue",
        "--advisory",
        "CVE-2021-44228",
        "--advisory",
        "CVE-2099-0001",
        "--severity",
        "high",
        "--title",
        "Unknown",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("CVE-2099-0001"), "{}", text(&o));

    let o = db.ward(&["--json", "alerts", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let alerts = list["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{list}");
    assert_eq!(alerts[0]["alert"]["id"], id.as_str());
    assert_eq!(alerts[0]["organisations"], orgs);
    assert_eq!(alerts[0]["assets"], assets);
    assert_eq!(alerts[0]["acknowledged"], 0);

    // The response figures: the nation's row counts every record the alert made, none answered.
    let o = db.ward(&["--json", "alerts", "figures"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["figures"].as_array().unwrap();
    let nation = rows
        .iter()
        .find(|r| r["level"] == "nation")
        .expect("a nation row");
    assert_eq!(nation["figures"]["records"], orgs, "{nation}");
    assert_eq!(nation["figures"]["open"], orgs, "{nation}");
    assert_eq!(nation["figures"]["acknowledged_within_48h"], 0, "{nation}");
    let o = db.ward(&["alerts", "figures", "--csv"]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        csv.lines().count(),
        rows.len() + 1,
        "a header and a line per row: {csv}"
    );
    let o = db.ward(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn risks_list_and_rollup_print_json_for_scripts() {
    let db = db_with_an_admin();
    let o = db.ward(&["--json", "risks", "list", "--org", "RJZ"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["org"], "RJZ");
    assert_eq!(v["risks"], serde_json::json!([]));
    let o = db.ward(&["--json", "risks", "rollup"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["totals"],
        serde_json::json!({"low": 0, "moderate": 0, "high": 0, "extreme": 0})
    );
    for level in ["organisations", "icbs", "regions", "nation"] {
        assert_eq!(v[level], serde_json::json!([]), "{level}");
    }
    let o = db.ward(&["risks", "list", "--org", "ZZZ9"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("no organisation ZZZ9"), "{}", text(&o));
}

#[test]
fn assessments_export_and_disagreements_answer_scripts() {
    let db = db_with_an_admin();
    let o = db.ward(&["--json", "assessments", "disagreements"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v, serde_json::json!([]), "no assessments, no disagreement");
    let o = db.ward(&["assessments", "export", "0190a1b2-0000-7000-8000-000000000001"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("assessment"), "{}", text(&o));
    let o = db.ward(&["assessments", "export", "not-an-id"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let o = db.ward(&[
        "assessments",
        "export",
        "0190a1b2-0000-7000-8000-000000000001",
        "--format",
        "xlsx",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("not csv or json"), "{}", text(&o));
}

#[test]
fn training_import_is_atomic_and_names_line_and_column() {
    let db = db_with_an_admin();
    let bad = db.file(
        "bad.csv",
        "person_ref,role,course,completed_on\nE1,staff,data-security-awareness,2026-01-01\nE2,matron,,\n",
    );
    let o = db.ward(&["training", "import", bad.to_str().unwrap(), "--org", "RJZ"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("bad.csv:3:2"), "{}", text(&o));
    let o = db.ward(&["--json", "training", "rollup"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["orgs"], serde_json::json!([]), "nothing stored");

    let good = db.file(
        "good.csv",
        "person_ref,role,course,completed_on\nE1,staff,data-security-awareness,2026-01-01\nE2,staff,,\n",
    );
    let o = db.ward(&[
        "--json",
        "training",
        "import",
        good.to_str().unwrap(),
        "--org",
        "RJZ",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["rows"].as_u64(), v["people"].as_u64()),
        (Some(2), Some(2)),
        "{v}"
    );
    let o = db.ward(&["--json", "training", "rollup"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["orgs"][0]["org"]["code"], "RJZ", "{v}");
    let o = db.ward(&["training", "import", good.to_str().unwrap(), "--org", "ZZZ9"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
}
