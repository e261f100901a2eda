//! Attacks through uploads, each performed for real against the running server on both backends:
//! a read-only user's upload is refused before it is parsed, expansion bombs are refused with the
//! limit named (small limits, so nothing large is allocated whether the defence holds or not), the
//! heavy-request limit answers 503 with `Retry-After`, an expired parse deadline is a clear error,
//! and exports defuse spreadsheet formulas however they are disguised.

use std::io::Write;

use serde_json::Value;
use ward_app::AppSettings;
use ward_core::clock::{Clock, ManualClock, SystemClock};
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{client, test_settings};
use ward_testkit::{TestApp, on_each_backend};

use crate::api::{as_role, with_session};

/// One MiB: the expansion limit the bomb tests run under.
const SMALL: u64 = 1024 * 1024;

fn small_limits() -> AppSettings {
    AppSettings {
        max_expanded_bytes: SMALL,
        ..test_settings()
    }
}

/// A manual clock at the present, for the apps of one test.
fn clock() -> ManualClock {
    ManualClock::new(SystemClock.now())
}

/// An SPDX YAML document whose aliases expand `scalar * 10^levels` bytes from a few hundred.
fn yaml_alias_bomb(scalar: usize, levels: usize) -> String {
    let mut bomb = format!(
        "spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nl0: &l0 \"{}\"\n",
        "x".repeat(scalar)
    );
    for i in 1..=levels {
        let prev = format!("*l{}", i - 1);
        bomb.push_str(&format!("l{i}: &l{i} [{}]\n", [prev.as_str(); 10].join(", ")));
    }
    bomb
}

/// A gzip stream of `mib` MiB of zeros, built from one compressed 64 KiB member repeated.
fn gzip_of_zeros(mib: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&[0u8; 64 * 1024]).unwrap();
    enc.finish().unwrap().repeat(mib * 16)
}

async fn upload_api(
    app: &TestApp,
    session: &(String, String),
    asset: ward_core::AssetId,
    file: &str,
    body: Vec<u8>,
) -> (u16, Option<String>, String) {
    let res = with_session(
        client().post(app.url(&format!("/api/v1/assets/{asset}/sbom?file={file}"))),
        session,
    )
    .body(body)
    .send()
    .await
    .unwrap();
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry, res.text().await.unwrap())
}

/// The asset page's SBOM form, sent as a browser would (multipart, CSRF token first).
async fn upload_web(
    app: &TestApp,
    session: &(String, String),
    asset: ward_core::AssetId,
    file: &str,
    data: &[u8],
) -> (u16, String) {
    let boundary = "----ward-attack-boundary-51c3";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n",
        session.1
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = client()
        .post(app.url(&format!("/assets/{asset}/sbom")))
        .header("cookie", format!("ward_session={}", session.0))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn error_code(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[tokio::test]
async fn an_auditors_sbom_upload_is_refused_before_it_is_parsed() {
    for app in on_each_backend(&clock(), small_limits(), ServerSettings::default()).await {
        let auditor = as_role(&app, Role::Auditor).await;
        let vpn = app.world.trust_assets[1];
        // The auditor may read the asset, so only the write check can refuse these. Each body would be
        // a parse error or a limit error if it were parsed; the answer must be the permission error.
        for (file, body) in [
            ("broken.cdx.json", b"{\"bomFormat\": \"CycloneDX\", ".to_vec()),
            ("bomb.spdx.yaml", yaml_alias_bomb(1024, 4).into_bytes()),
            ("zeros.csv.gz", gzip_of_zeros(2)),
        ] {
            let (status, _, text) = upload_api(&app, &auditor, vpn, file, body.clone()).await;
            assert!(status == 403 || status == 404, "{file}: {status} {text}");
            assert!(!text.contains(file), "{file}: the file was read: {text}");
            let (status, page) = upload_web(&app, &auditor, vpn, file, &body).await;
            assert!(status == 403 || status == 404, "{file}: web {status}");
            assert!(!page.contains(file), "{file}: the file was read: {page}");
        }
        // Imports are refused before parsing too.
        for path in [
            "/api/v1/assets/import?format=csv",
            "/api/v1/orgs/import?format=csv",
        ] {
            let res = with_session(client().post(app.url(path)), &auditor)
                .body("not,a\n\"csv")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 403, "{path}");
        }
    }
}

#[tokio::test]
async fn an_org_members_yaml_alias_bomb_is_refused_with_the_limit_named() {
    for app in on_each_backend(&clock(), small_limits(), ServerSettings::default()).await {
        let member = as_role(&app, Role::OrgMember).await;
        let vpn = app.world.trust_assets[1];
        // ~10 MiB once expanded against a 1 MiB limit, from under 2 KB; 11,000 nodes.
        let bomb = yaml_alias_bomb(1024, 4);
        assert!(bomb.len() < 2_000);
        let (status, _, text) =
            upload_api(&app, &member, vpn, "bomb.spdx.yaml", bomb.clone().into_bytes()).await;
        assert_eq!(status, 413, "{text}");
        assert_eq!(error_code(&text), "payload_too_large", "{text}");
        assert!(
            text.contains("bomb.spdx.yaml") && text.contains("expanded bytes"),
            "{text}"
        );
        let (status, page) = upload_web(&app, &member, vpn, "bomb.spdx.yaml", bomb.as_bytes()).await;
        assert_eq!(status, 413, "{page}");
        assert!(page.contains("expanded bytes"), "{page}");
        // The asset's software did not change.
        let system = ward_app::Actor::system("attack test", app.world.national);
        let asset = app.app.asset(&system, vpn).await.unwrap();
        assert!(
            asset
                .software
                .iter()
                .all(|s| s.source != ward_core::asset::SoftwareSource::Sbom)
        );
    }
}

#[tokio::test]
async fn an_org_members_gzip_bomb_is_refused_with_the_limit_named() {
    for app in on_each_backend(&clock(), small_limits(), ServerSettings::default()).await {
        let member = as_role(&app, Role::OrgMember).await;
        let vpn = app.world.trust_assets[1];
        // 2 MiB of zeros against a 1 MiB limit, from 3 KB.
        let bomb = gzip_of_zeros(2);
        let (status, _, text) = upload_api(&app, &member, vpn, "zeros.cdx.json.gz", bomb.clone()).await;
        assert_eq!(status, 413, "{text}");
        assert!(
            text.contains("zeros.cdx.json.gz") && text.contains("expanded bytes"),
            "{text}"
        );
        // Named as a feed, it is not read as one: an SBOM upload parses SBOM formats only.
        let (status, _, text) = upload_api(&app, &member, vpn, "zeros.csv.gz", bomb.clone()).await;
        assert!(status == 413 || status == 422, "{status} {text}");
        assert!(!text.contains("EPSS"), "{text}");
        let scores = b"cve,epss,percentile\nCVE-2021-44228,0.9,0.9\n".to_vec();
        let (status, _, text) = upload_api(&app, &member, vpn, "scores.csv", scores).await;
        assert_eq!(status, 422, "{text}");
        assert!(text.contains("not an SBOM"), "{text}");
        let (status, page) = upload_web(&app, &member, vpn, "zeros.cdx.json.gz", &bomb).await;
        assert_eq!(status, 413, "{page}");
    }
}

#[tokio::test]
async fn a_heavy_request_beyond_the_limit_gets_503_with_retry_after() {
    let one_at_a_time = AppSettings {
        max_concurrent_heavy_requests: 1,
        ..test_settings()
    };
    for app in on_each_backend(&clock(), one_at_a_time, ServerSettings::default()).await {
        let member = as_role(&app, Role::OrgMember).await;
        let vpn = app.world.trust_assets[1];
        let sbom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}"#.to_vec();
        // Another heavy request is in flight: the test holds the only permit.
        let held = app.app.heavy_permit().unwrap();
        let (status, retry, text) = upload_api(&app, &member, vpn, "a.cdx.json", sbom.clone()).await;
        assert_eq!(status, 503, "{text}");
        assert_eq!(error_code(&text), "busy", "{text}");
        assert!(retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| s > 0)));
        let (status, page) = upload_web(&app, &member, vpn, "a.cdx.json", &sbom).await;
        assert_eq!(status, 503, "{page}");
        assert!(page.contains("busy"), "{page}");
        for (path, body) in [
            (
                "/api/v1/assets/import?format=csv",
                "org_code,asset_name,kind,internet_facing,services\n",
            ),
            ("/api/v1/orgs/import?format=csv", "code\n"),
        ] {
            let res = with_session(client().post(app.url(path)), &member)
                .body(body)
                .send()
                .await
                .unwrap();
            // The member may import assets; org imports are refused by role first.
            let want = if path.contains("orgs") { 403 } else { 503 };
            assert_eq!(res.status().as_u16(), want, "{path}");
        }
        let res = with_session(
            client().get(app.url("/api/v1/exposures/export?format=csv")),
            &member,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 503);
        // Once the permit is back, the same upload goes through.
        drop(held);
        let (status, _, text) = upload_api(&app, &member, vpn, "a.cdx.json", sbom).await;
        assert_eq!(status, 200, "{text}");
    }
}

#[tokio::test]
async fn a_parse_past_its_deadline_stops_with_a_clear_error() {
    let no_time = AppSettings {
        parse_timeout: jiff::SignedDuration::ZERO,
        ..test_settings()
    };
    for app in on_each_backend(&clock(), no_time, ServerSettings::default()).await {
        let member = as_role(&app, Role::OrgMember).await;
        let vpn = app.world.trust_assets[1];
        let sbom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}"#.to_vec();
        let (status, _, text) = upload_api(&app, &member, vpn, "slow.cdx.json", sbom).await;
        assert_eq!(status, 503, "{text}");
        assert_eq!(error_code(&text), "timed_out", "{text}");
        assert!(text.contains("slow.cdx.json"), "{text}");
        let csv = "org_code,asset_name,kind,internet_facing,services\n";
        let res = with_session(
            client().post(app.url("/api/v1/assets/import?format=csv&file=slow.csv")),
            &member,
        )
        .body(csv)
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 503);
    }
}

/// Whether a spreadsheet would evaluate a cell: its first character after any blanks and control
/// characters starts a formula, or it starts with a TAB or CR itself.
fn evaluable(cell: &str) -> bool {
    cell.starts_with(['\t', '\r'])
        || cell
            .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
            .starts_with(['=', '+', '-', '@'])
}

#[tokio::test]
async fn formulas_disguised_behind_blanks_do_not_survive_the_csv_export() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let system = ward_app::Actor::system("attack test", app.world.national);
        let lims = app.world.trust_assets[0];
        let member = as_role(&app, Role::OrgMember).await;
        for name in [
            "\t=HYPERLINK(\"http://evil.example/\",\"click\")",
            "\r=HYPERLINK(\"http://evil.example/\")",
            " \u{b}@SUM(1+1)*cmd|' /C calc'!A0",
            "\n-2+3",
            "\u{a0}+1",
        ] {
            let mut asset = app.app.asset(&system, lims).await.unwrap();
            asset.name = name.to_owned();
            app.app.update_asset(&system, &asset).await.unwrap();
            let res = with_session(
                client().get(app.url("/api/v1/exposures/export?format=csv")),
                &member,
            )
            .send()
            .await
            .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            let body = res.text().await.unwrap();
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(body.as_bytes());
            let mut rows = 0;
            for record in reader.records() {
                let record = record.unwrap();
                rows += 1;
                for cell in record.iter() {
                    assert!(!evaluable(cell), "{name:?}: a spreadsheet would run {cell:?}");
                }
            }
            assert!(
                rows > 0,
                "the LIMS server is exposed, so the export has rows: {body}"
            );
            assert!(body.contains("HYPERLINK") || body.contains("SUM") || body.contains("+"));
        }
    }
}

/// Send a request head announcing a 60 MB body, then only a few bytes of it, and read the answer.
/// A server that reads the body before deciding would wait for the rest; one that decides from the
/// head answers at once. The 30-second bound only turns a hang into a failure.
async fn head_only_upload(app: &TestApp, path: &str, extra_headers: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\n{extra_headers}Content-Length: 60000000\r\n\
         Connection: close\r\n\r\n{{\"bomFormat\"",
        app.addr
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(30), tcp.read(&mut buf))
        .await
        .expect("the server waited for the body instead of refusing from the request head")
        .unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test]
async fn a_caller_who_may_not_upload_is_refused_before_the_body_is_read() {
    for app in on_each_backend(&clock(), small_limits(), ServerSettings::default()).await {
        let auditor = as_role(&app, Role::Auditor).await;
        let member = as_role(&app, Role::OrgMember).await;
        let asset = app.world.trust_assets[1];
        let cookie =
            |s: &(String, String)| format!("Cookie: ward_session={}\r\nX-CSRF-Token: {}\r\n", s.0, s.1);
        for path in [
            format!("/api/v1/assets/{asset}/sbom?file=a.cdx.json"),
            "/api/v1/assets/import?format=csv".to_owned(),
        ] {
            let answer = head_only_upload(&app, &path, &cookie(&auditor)).await;
            assert!(answer.starts_with("HTTP/1.1 403"), "{path}: {answer}");
        }
        // Organisation imports are for the national team only: a member is refused from the head too.
        let answer = head_only_upload(&app, "/api/v1/orgs/import?format=csv", &cookie(&member)).await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    }
}
