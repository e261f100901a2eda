//! The records the authorisation walk acts on: one disposable record per call, so a write that
//! succeeds never changes what the next call sees.

use serde_json::json;
use ward_core::exercise::ExerciseStatus;
use ward_core::role::Role;
use ward_testkit::TestApp;

/// An exercise action as the API takes it, owned by the trust's member.
pub(super) fn exercise_action(app: &TestApp, org: ward_core::OrgId, n: usize) -> serde_json::Value {
    json!({
        "org": org, "lesson": format!("Walk lesson {n}"), "owner": app.world.users[&Role::OrgMember].id,
        "due": "2026-09-30", "status": "in_progress"
    })
}

/// An exercise of `org` written straight to the store and moved to `status` (running with inject
/// 1 released; completed with one action), planned by the trust's admin.
pub(super) async fn disposable_exercise(
    app: &TestApp,
    org: ward_core::OrgId,
    status: ExerciseStatus,
    n: usize,
) -> (ward_core::ExerciseId, Option<ward_core::ExerciseActionId>) {
    use ward_core::exercise::{ActionStatus, Debrief, Exercise, ExerciseAction, ExerciseKind, ScenarioId};
    let now = app.app.now();
    let by = app.world.users[&Role::OrgAdmin].id;
    let id = ward_core::ExerciseId::from_uuid(uuid::Uuid::now_v7());
    let exercise = Exercise {
        id,
        title: format!("Walk exercise {n}"),
        scenario: ScenarioId::Synnovis2024,
        kind: ExerciseKind::Tabletop,
        orgs: vec![org],
        facilitator: by,
        planned_for: jiff::civil::date(2026, 7, 1),
        participants: vec![],
        status: ExerciseStatus::Planned,
        started_at: None,
        completed_at: None,
        debrief: Debrief::default(),
        created_by: by,
        created_at: now,
        updated_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    let (all, meta) = (ward_store::Scope::All, actor.audit(now));
    app.store.create_exercise(&all, &exercise, &meta).await.unwrap();
    if status == ExerciseStatus::Planned {
        return (id, None);
    }
    app.store
        .move_exercise(&all, id, ExerciseStatus::Running, &meta)
        .await
        .unwrap();
    app.store.release_inject(&all, id, 1, by, &meta).await.unwrap();
    if status == ExerciseStatus::Running {
        return (id, None);
    }
    app.store
        .move_exercise(&all, id, ExerciseStatus::Completed, &meta)
        .await
        .unwrap();
    let action = ExerciseAction {
        id: ward_core::ExerciseActionId::from_uuid(uuid::Uuid::now_v7()),
        exercise: id,
        org,
        lesson: format!("Walk lesson {n}"),
        owner: by,
        due: jiff::civil::date(2026, 9, 30),
        status: ActionStatus::Open,
        risk: None,
        created_at: now,
        updated_at: now,
    };
    app.store
        .add_exercise_action(&all, &action, None, &meta)
        .await
        .unwrap();
    (id, Some(action.id))
}

/// An incident's details as the API takes them.
pub(super) fn incident_details(n: usize) -> serde_json::Value {
    json!({
        "title": format!("Walk incident {n}"), "category": "significant", "severity": "high",
        "tlp": "AMBER", "status": "open", "patient_harm": 2, "detected_at": "2026-06-03T08:00:00Z"
    })
}

/// An incident of `org` written straight to the store, created by the trust's member.
pub(super) async fn disposable_incident(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> ward_core::IncidentId {
    use ward_core::incident::Incident;
    let id = ward_core::IncidentId::from_uuid(uuid::Uuid::now_v7());
    let now = app.app.now();
    let incident = Incident {
        id,
        org,
        details: serde_json::from_value(incident_details(n)).unwrap(),
        created_by: app.world.users[&Role::OrgMember].id,
        created_at: now,
        updated_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .create_incident(&ward_store::Scope::All, &incident, &actor.audit(now))
        .await
        .unwrap();
    id
}

/// An active deployment of the trust's member to an incident of `org`, written straight to the store.
pub(super) async fn disposable_deployment(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> ward_core::DeploymentId {
    use ward_core::deployment::Deployment;
    let incident = disposable_incident(app, org, n).await;
    let now = app.app.now();
    let ends = now + jiff::SignedDuration::from_hours(24);
    let responder = app.world.users[&Role::OrgMember].id;
    let grant = ward_core::role::RoleGrant {
        id: ward_core::GrantId::from_uuid(uuid::Uuid::now_v7()),
        user: responder,
        role: Role::IncidentResponder,
        org,
        created_at: now,
        expires_at: Some(ends),
        granted_by: None,
    };
    let d = Deployment {
        id: ward_core::DeploymentId::from_uuid(uuid::Uuid::now_v7()),
        incident,
        org,
        responder,
        grant: grant.id,
        starts_at: now,
        ends_at: ends,
        ended_at: None,
        deployed_by: None,
        created_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .create_deployment(&ward_store::Scope::All, &d, &grant, &actor.audit(now))
        .await
        .unwrap();
    d.id
}

/// A risk's details as the API takes them, owned by `owner`.
pub(super) fn risk_details(owner: ward_core::UserId, n: usize) -> serde_json::Value {
    json!({
        "title": format!("Walk risk {n}"), "source": "external-criminal", "event": "malware-ransomware",
        "consequence": "service-disruption",
        "inherent": {"likelihood": 4, "consequences": {"patient_safety": 4}},
        "current": {"likelihood": 3, "consequences": {"patient_safety": 4}},
        "target": {"likelihood": 2, "consequences": {"patient_safety": 3}},
        "owner": owner, "review_date": "2027-01-31", "treatment": "reduce"
    })
}

/// A risk of `org` written straight to the store, owned by the trust's member; treated by
/// acceptance (awaiting approval) when `accept`.
pub(super) async fn disposable_risk(
    app: &TestApp,
    org: ward_core::OrgId,
    accept: bool,
    n: usize,
) -> ward_core::RiskId {
    use ward_core::risk::register::{Risk, RiskDetails, Treatment};
    let owner = app.world.users[&Role::OrgMember].id;
    let mut details: RiskDetails = serde_json::from_value(risk_details(owner, n)).unwrap();
    if accept {
        details.treatment = Treatment::Accept;
    }
    let id = ward_core::RiskId::from_uuid(uuid::Uuid::now_v7());
    let now = app.app.now();
    let risk = Risk {
        id,
        org,
        details,
        acceptance: None,
        created_at: now,
        updated_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .create_risk(&ward_store::Scope::All, &risk, &actor.audit(now))
        .await
        .unwrap();
    id
}

/// An alert reaching `org` only, stored directly (so each call has a record of its own).
pub(super) async fn disposable_alert(app: &TestApp, org: ward_core::OrgId, n: usize) -> ward_core::AlertId {
    use ward_core::alert::{Alert, ClockSettings, Recipient, Severity, TargetReason};
    let now = app.app.now();
    let alert = Alert {
        id: ward_core::AlertId::from_uuid(uuid::Uuid::now_v7()),
        severity: Severity::High,
        title: format!("Walk alert {n}"),
        summary: String::new(),
        advisories: vec![app.world.advisory.to_owned()],
        actions: vec![],
        references: vec![],
        tlp: ward_core::tlp::Tlp::Amber,
        issuer: app.world.national,
        area: None,
        issued_by: "system:walk".into(),
        issued_at: now,
        policy: ClockSettings::default().high,
        kev_due: None,
    };
    let r = Recipient::new(&alert, org, TargetReason::Added, vec![], now);
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .create_alert(&ward_store::Scope::All, &alert, &[r], &actor.audit(now))
        .await
        .unwrap();
    alert.id
}

/// A delivery to `org` that gave up, for call `n`.
pub(super) async fn disposable_dead_delivery(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> ward_core::JobId {
    let alert = disposable_alert(app, org, n).await;
    let dead = ward_core::job::DeadDelivery {
        job: ward_core::JobId::from_uuid(uuid::Uuid::now_v7()),
        kind: ward_core::job::JobKind::NotifyWebhook,
        about: ward_core::job::DeliveryAbout::Alert,
        alert: Some(alert),
        org,
        recipient: "the organisation's webhook".into(),
        payload: json!({"alert": alert, "org": org}),
        error: "the receiver answered 500".into(),
        attempts: 5,
        died_at: app.app.now(),
        replayed_at: None,
        replayed_by: None,
        replay_job: None,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .record_dead_delivery(&dead, &actor.audit(app.app.now()))
        .await
        .unwrap();
    dead.job
}

/// A framework version of its own for call `n` (so each assessment is the first of its kind).
pub(super) async fn walk_framework(app: &TestApp, n: usize) -> String {
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.app
        .import_framework(
            &actor,
            "walk.yaml",
            SMALL_FRAMEWORK.into(),
            Some(format!("a-{n}")),
        )
        .await
        .unwrap()
        .version
}

/// A draft assessment of `org`, every indicator answered.
pub(super) async fn disposable_assessment(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> ward_core::AssessmentId {
    let actor = ward_app::Actor::system("walk", app.world.national);
    let version = walk_framework(app, n).await;
    let head = app
        .app
        .start_assessment(
            &actor,
            ward_app::assurance::assessments::NewAssessment {
                org,
                framework: "ncsc-caf".into(),
                version,
                year: 2026,
                kind: ward_core::assurance::AssessmentKind::Final,
            },
        )
        .await
        .unwrap();
    let answers = [(
        "A1.a.A.1".to_owned(),
        ward_core::assurance::Answer {
            value: Some(true),
            comment: String::new(),
            evidence: vec![],
        },
    )]
    .into();
    app.app.answer_assessment(&actor, head.id, answers).await.unwrap();
    head.id
}

/// A framework file in the WebCAF format, one outcome.
pub(super) const SMALL_FRAMEWORK: &str = "objectives:
  A:
    title: Managing risk
    principles:
      A1:
        title: Governance
        outcomes:
          A1.a:
            title: Board direction
            indicators:
              achieved:
                A1.a.1:
                  description: The board owns it.
                  ncsc-index: A1.a.A.1
";

pub(super) async fn disposable_product(
    app: &TestApp,
    supplier: ward_core::OrgId,
    n: usize,
) -> ward_core::ProductId {
    let actor = ward_app::Actor::system("walk", app.world.national);
    let id = ward_core::ProductId::from_uuid(uuid::Uuid::now_v7());
    let p = ward_core::supplier::Product {
        id,
        supplier,
        name: format!("Disposable product {n}"),
        category: ward_core::supplier::ProductCategory::Other,
        cpe: None,
        status: ward_core::supplier::ProductStatus::Unconfirmed,
    };
    app.app.upsert_products(&actor, &[p]).await.unwrap();
    id
}

pub(super) async fn disposable_asset(app: &TestApp, org: ward_core::OrgId, n: usize) -> ward_core::AssetId {
    let actor = ward_app::Actor::system("walk", app.world.national);
    let id = ward_core::AssetId::from_uuid(uuid::Uuid::now_v7());
    let a = ward_core::asset::Asset {
        id,
        org,
        name: format!("Disposable {n}"),
        kind: ward_core::asset::AssetKind::EndUserDevice,
        hostname: None,
        internet_facing: false,
        services: vec![],
        software: vec![],
    };
    app.app.create_assets(&actor, &[a]).await.unwrap();
    id
}

pub(super) async fn disposable_user(app: &TestApp, org: ward_core::OrgId, n: usize) -> ward_core::UserId {
    let actor = ward_app::Actor::system("walk", app.world.national);
    let kind = app
        .store
        .get_org(&ward_store::Scope::All, org)
        .await
        .unwrap()
        .kind;
    // A role that fits every kind of organisation the walk targets (Role::check_grant).
    let role = if kind == ward_core::org::OrgKind::Supplier {
        Role::SupplierContact
    } else {
        Role::Auditor
    };
    let (u, _, _) = app
        .app
        .create_user(
            &actor,
            ward_app::accounts::users::NewUser {
                email: format!("disposable{n}@test.ward.example"),
                display_name: "Disposable".into(),
                password: None,
            },
            role,
            org,
            None,
        )
        .await
        .unwrap();
    u.id
}

pub(super) async fn disposable_token(
    app: &TestApp,
    owner: ward_core::UserId,
    org: ward_core::OrgId,
    n: usize,
) -> ward_core::TokenId {
    let actor = ward_app::Actor::system("walk", app.world.national);
    let kind = app
        .store
        .get_org(&ward_store::Scope::All, org)
        .await
        .unwrap()
        .kind;
    let role = if kind == ward_core::org::OrgKind::Supplier {
        Role::SupplierContact
    } else {
        Role::Auditor
    };
    let t = app
        .app
        .issue_token(
            &actor,
            ward_app::accounts::tokens::NewToken {
                name: format!("t{n}"),
                role,
                org,
                days: 3,
                owner: Some(owner),
            },
        )
        .await
        .unwrap();
    t.token.id
}

/// A draft assessment of `org` below its minimum standard (A1.a answered not true against a
/// published target of Achieved), with one improvement action addressing A1.a: ready to approve.
pub(super) async fn disposable_plan(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> (ward_core::AssessmentId, ward_core::ImprovementActionId) {
    let actor = ward_app::Actor::system("walk", app.world.national);
    let version = walk_framework(app, n + 200_000).await;
    app.app
        .publish_profile(
            &actor,
            ward_app::assurance::profiles::ProfileDraft {
                framework: "ncsc-caf".into(),
                framework_version: version.clone(),
                category: ward_core::assurance::ProfileCategory::TrustsAndIcbs,
                effective_from: jiff::civil::date(2020, 1, 1),
                targets: [("A1.a".to_owned(), ward_core::assurance::Level::Achieved)].into(),
            },
        )
        .await
        .unwrap();
    let head = app
        .app
        .start_assessment(
            &actor,
            ward_app::assurance::assessments::NewAssessment {
                org,
                framework: "ncsc-caf".into(),
                version,
                year: 2026,
                kind: ward_core::assurance::AssessmentKind::Final,
            },
        )
        .await
        .unwrap();
    let answers = [(
        "A1.a.A.1".to_owned(),
        ward_core::assurance::Answer {
            value: Some(false),
            comment: String::new(),
            evidence: vec![],
        },
    )]
    .into();
    app.app.answer_assessment(&actor, head.id, answers).await.unwrap();
    let view = app
        .app
        .add_plan_action(
            &actor,
            head.id,
            ward_app::assurance::improvement::NewPlanAction {
                title: format!("Walk action {n}"),
                owner: "Walk owner".into(),
                due: jiff::civil::date(2026, 12, 31),
                outcomes: vec!["A1.a".into()],
            },
        )
        .await
        .unwrap();
    (head.id, view.plan.actions[0].action.id)
}

/// The path and body of a task route on a fresh incident of `org`: adding a task owned by the
/// trust's member (`POST`), or marking done a task written straight to the store (`PUT`).
pub(super) async fn task_call(
    app: &TestApp,
    method: &str,
    org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let incident = disposable_incident(app, org, n).await;
    let owner = app.world.users[&Role::OrgMember].id;
    if method == "POST" {
        let body = json!({"title": format!("Walk task {n}"), "owner": owner, "due_on": "2026-06-05"});
        return (
            format!("/api/v1/incidents/{incident}/tasks"),
            Some((body.to_string(), "application/json")),
        );
    }
    let now = app.app.now();
    let task = ward_core::incident_task::IncidentTask {
        id: ward_core::IncidentTaskId::from_uuid(uuid::Uuid::now_v7()),
        incident,
        org,
        title: format!("Walk task {n}"),
        owner,
        due_on: jiff::civil::date(2026, 6, 5),
        done_at: None,
        done_by: None,
        created_by: owner,
        created_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .add_incident_task(&ward_store::Scope::All, &task, &actor.audit(now))
        .await
        .unwrap();
    (
        format!("/api/v1/incidents/{incident}/tasks/{}", task.id),
        Some((json!({"done": true}).to_string(), "application/json")),
    )
}

/// The path and body of a coordinated-incident route. The coordinated incident (written straight
/// to the store) has `area` as its coordinating organisation (the role's own, or the foreign
/// trust) and a local incident of `local` (the trust, or the foreign trust) under it; a link adds
/// another incident of `local`.
pub(super) async fn coordinated_call(
    app: &TestApp,
    route: (&str, &str),
    area: ward_core::OrgId,
    local: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    use ward_core::coordinated::CoordinatedIncident;
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    if route == ("POST", "/api/v1/coordinated-incidents") {
        return (
            "/api/v1/coordinated-incidents".into(),
            j(json!({"title": format!("Walk coordinated {n}"), "area": area})),
        );
    }
    if route.1 == "/api/v1/coordinated-incidents" {
        return ("/api/v1/coordinated-incidents".into(), None);
    }
    let now = app.app.now();
    let actor = ward_app::Actor::system("walk", app.world.national);
    let c = CoordinatedIncident {
        id: ward_core::CoordinatedIncidentId::from_uuid(uuid::Uuid::now_v7()),
        area,
        title: format!("Walk coordinated {n}"),
        summary: String::new(),
        created_by: app.world.users[&Role::OrgMember].id,
        created_at: now,
    };
    let all = ward_store::Scope::All;
    app.store
        .create_coordinated(&all, &c, &actor.audit(now))
        .await
        .unwrap();
    let member = disposable_incident(app, local, n).await;
    app.store
        .link_to_coordinated(&all, c.id, member, &actor.audit(now))
        .await
        .unwrap();
    let id = c.id;
    match route.1 {
        "/api/v1/coordinated-incidents/{id}/incidents" => (
            format!("/api/v1/coordinated-incidents/{id}/incidents"),
            j(json!({"incident": disposable_incident(app, local, n).await})),
        ),
        "/api/v1/coordinated-incidents/{id}/timeline" => (
            format!("/api/v1/coordinated-incidents/{id}/timeline"),
            j(json!({"at": "2026-06-03T09:15:00+01:00[Europe/London]", "text": format!("Walk entry {n}")})),
        ),
        _ => (format!("/api/v1/coordinated-incidents/{id}"), None),
    }
}

/// The path and body of the incident-response routes (tasks, links, coordinated incidents): `org`
/// is the role's own organisation or the foreign trust, `local` the trust or the foreign trust.
pub(super) async fn incident_response_call(
    app: &TestApp,
    route: (&str, &str),
    org: ward_core::OrgId,
    local: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    if route.1.starts_with("/api/v1/coordinated-incidents") {
        return coordinated_call(app, route, org, local, n).await;
    }
    if route.1.ends_with("/links") {
        let body = json!({"risks": [], "alerts": []}).to_string();
        return (
            format!(
                "/api/v1/incidents/{}/links",
                disposable_incident(app, local, n).await
            ),
            Some((body, "application/json")),
        );
    }
    task_call(app, route.0, local, n).await
}

/// The incident-response routes: tasks, links, coordinated incidents and figures.
pub(super) fn is_incident_response(path: &str) -> bool {
    path.starts_with("/api/v1/coordinated-incidents")
        || path.contains("/tasks")
        || path.ends_with("/links")
        || path == "/api/v1/incidents/figures"
}

/// Whether `role` may call an incident-response route on its own organisation (`own`) or the
/// foreign trust. Tasks and links: the organisation's writers, on its own incidents. Sector-wide
/// incidents and figures: whoever reads incidents sees those touching their footprint (lists are
/// filtered); the national team coordinates anywhere, a regional lead within its region.
pub(super) fn incident_response_allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    let national = role == NationalAnalyst;
    let reader = !matches!(role, Auditor | SupplierContact);
    match route {
        ("GET", "/api/v1/coordinated-incidents" | "/api/v1/incidents/figures") => reader,
        ("GET", "/api/v1/coordinated-incidents/{id}") => reader && (own || national),
        ("POST", p) if p.starts_with("/api/v1/coordinated-incidents") => {
            national || (role == RegionalLead && own)
        }
        _ => matches!(role, OrgAdmin | OrgMember | IncidentResponder) && own,
    }
}

/// A Cyber Essentials certificate of `org` written straight to the store.
pub(super) async fn disposable_certificate(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> ward_core::CertificateId {
    use ward_core::certificate::{Certificate, CertificateKind};
    let now = app.app.now();
    let c = Certificate {
        id: ward_core::CertificateId::from_uuid(uuid::Uuid::now_v7()),
        org,
        kind: CertificateKind::CyberEssentials,
        reference: Some(format!("Disposable {n}")),
        issued_on: jiff::civil::date(2026, 1, 1),
        expires_on: jiff::civil::date(2026, 12, 31),
        recorded_by: None,
        recorded_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .add_certificate(&ward_store::Scope::All, &c, &actor.audit(now))
        .await
        .unwrap();
    c.id
}

/// The request for a supplier register route (the register itself and certificates): the
/// supplier for the caller's own target, the foreign trust (no supplier) otherwise.
pub(super) async fn supplier_request(
    app: &TestApp,
    route: (&str, &str),
    own: bool,
    write_org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let w = &app.world;
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    let s = if own { w.supplier } else { w.foreign_trust };
    match route {
        ("PUT", "/api/v1/suppliers/{id}/assurance") => (
            format!("/api/v1/suppliers/{s}/assurance"),
            j(
                json!({"dspt_status": "standards_met", "charter_attested_on": "2026-03-01",
                     "charter_attested_by": format!("Walk {n}")}),
            ),
        ),
        ("POST", "/api/v1/certificates") => (
            "/api/v1/certificates".into(),
            j(
                json!({"org": write_org, "kind": "cyber_essentials_plus", "issued_on": "2026-01-01",
                     "expires_on": "2026-12-31", "reference": format!("W{n}")}),
            ),
        ),
        ("DELETE", "/api/v1/certificates/{id}") => (
            format!(
                "/api/v1/certificates/{}",
                disposable_certificate(app, write_org, n).await
            ),
            None,
        ),
        ("GET", "/api/v1/suppliers/{id}") => (format!("/api/v1/suppliers/{s}"), None),
        (_, p) => (p.to_owned(), None),
    }
}
