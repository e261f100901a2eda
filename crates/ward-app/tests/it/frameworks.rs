//! Framework imports through the app: the real files, importing twice, broken files refused whole,
//! and the permission checked before any parsing.

use ward_app::Actor;
use ward_app::error::AppError;
use ward_core::role::Role;
use ward_store::assurance::FrameworkPut;

use crate::support::{app_over, operator, shared_data};

/// A signed-in user holding `role` (not Ward itself, which may do anything).
fn as_role(role: Role) -> Actor {
    let mut a = operator();
    a.principal = ward_app::actor::Principal::User(ward_core::UserId::from_uuid(uuid::Uuid::now_v7()));
    a.role = role;
    a
}

#[tokio::test]
async fn real_frameworks_import_once_and_list() {
    let Some(dir) = shared_data("frameworks") else {
        return;
    };
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let op = operator();
    let mut expected = Vec::new();
    for (name, outcomes, indicators, warnings) in [
        ("webcaf-caf-3.2.yaml", 39, 449, 0),
        ("webcaf-caf-4.0.yaml", 41, 555, 4),
        ("ncsc-caf-4.0.yaml", 41, 225, 0),
        ("cyber_essentials.yaml", 0, 100, 0),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let got = app
            .import_framework(&op, name, bytes.clone(), None)
            .await
            .unwrap();
        assert_eq!(got.result, FrameworkPut::Created, "{name}");
        if outcomes > 0 {
            assert_eq!(got.outcomes, outcomes, "{name}");
        }
        assert_eq!(got.indicators, indicators, "{name}");
        assert_eq!(got.warnings.len(), warnings, "{name}: {:?}", got.warnings);
        let again = app.import_framework(&op, name, bytes, None).await.unwrap();
        assert_eq!(again.result, FrameworkPut::Unchanged, "{name} twice");
        expected.push((got.framework, got.version));
    }
    let listed: Vec<(String, String)> = app
        .frameworks(&as_role(Role::OrgMember))
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.version))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    let caf = app
        .framework(&as_role(Role::Auditor), "ncsc-caf", "4.0")
        .await
        .unwrap();
    assert!(caf.indicators().any(|(_, i)| i.id == "B2.b.PA.3#B2.b.8"));
}

#[tokio::test]
async fn a_broken_file_is_refused_whole_and_nothing_is_stored() {
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let broken = "objectives:\n  A:\n    title: Risk\n    principles:\n      A1:\n        title: Gov\n        outcomes:\n          B1.a:\n            title: x\n            indicators:\n              achieved:\n                B1.a.1: {ncsc-index: B1.a.A.1}\n              sometimes: {}\n";
    let err = app
        .import_framework(&operator(), "caf-1.0.yaml", broken.as_bytes().to_vec(), None)
        .await
        .unwrap_err();
    let AppError::Invalid(problems) = err else {
        panic!("{err}")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a",
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a/indicators/achieved/B1.a.1",
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a/indicators/sometimes",
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a/indicators",
        ]
    );
    assert!(app.frameworks(&operator()).await.unwrap().is_empty());
}

/// The attack: an organisation admin uploads an alias bomb as a framework. Refused as forbidden,
/// before a byte of it is parsed (a parse would have failed on size instead).
#[tokio::test]
async fn only_national_roles_import_and_permission_comes_before_parsing() {
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    for role in [
        Role::OrgAdmin,
        Role::RegionalLead,
        Role::Auditor,
        Role::SupplierContact,
        Role::OrgMember,
    ] {
        let err = app
            .import_framework(&as_role(role), "bomb-1.0.yaml", bomb.clone().into_bytes(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{role:?}: {err}");
    }
    let err = app
        .import_framework(
            &as_role(Role::NationalAnalyst),
            "bomb-1.0.yaml",
            bomb.into_bytes(),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::TooLarge { .. }), "{err}");
}
