use super::*;
use strum::IntoEnumIterator;

fn ts(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap()
}

fn plan() -> ExercisePlan {
    ExercisePlan {
        title: "  Pathology drill  ".into(),
        scenario: "synnovis-2024".into(),
        kind: None,
        orgs: vec![
            OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            OrgId::from_uuid(uuid::Uuid::from_u128(1)),
            OrgId::from_uuid(uuid::Uuid::from_u128(2)),
        ],
        facilitator: UserId::from_uuid(uuid::Uuid::from_u128(9)),
        planned_for: jiff::civil::date(2026, 3, 4),
        participants: vec![Participant {
            number: 0,
            name: "Ada".into(),
            role: ExerciseRole::ClinicalLead,
            account: Some(UserId::from_uuid(uuid::Uuid::from_u128(5))),
        }],
    }
}

fn exercise(status: ExerciseStatus) -> Exercise {
    let p = plan().validate().unwrap();
    Exercise {
        id: ExerciseId::from_uuid(uuid::Uuid::from_u128(7)),
        title: p.title,
        scenario: p.scenario,
        kind: p.kind,
        orgs: p.orgs,
        facilitator: p.facilitator,
        planned_for: p.planned_for,
        participants: p.participants,
        status,
        started_at: None,
        completed_at: None,
        debrief: Debrief::default(),
        created_by: p.facilitator,
        created_at: ts(0),
        updated_at: ts(0),
    }
}

#[test]
fn the_library_holds_the_six_scenarios_with_injects_aimed_at_their_roles() {
    let lib = library();
    let ids: Vec<&str> = lib.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "wannacry-2017",
            "advanced-2022",
            "synnovis-2024",
            "regional-ddos",
            "insider",
            "medical-device"
        ]
    );
    for s in &lib {
        assert!(s.objectives.len() >= 3, "{}", s.id);
        assert!(s.injects.len() >= 4, "{}", s.id);
        assert_eq!(s.injects[0].offset_minutes, 0, "{}", s.id);
        for w in s.injects.windows(2) {
            assert!(
                w[0].offset_minutes < w[1].offset_minutes,
                "{} injects out of time order",
                s.id
            );
        }
        for (i, inj) in s.injects.iter().enumerate() {
            assert!(
                s.roles.contains(&inj.target),
                "{} inject {} aims at a role not taking part",
                s.id,
                i + 1
            );
            assert!(!inj.text.is_empty() && !inj.expected.is_empty());
        }
    }
}

#[test]
fn the_first_three_scenarios_share_the_simulations_names() {
    for name in ["wannacry-2017", "advanced-2022", "synnovis-2024"] {
        assert_eq!(ScenarioId::parse_field("scenario", name).unwrap().as_str(), name);
    }
}

#[test]
fn a_plan_is_normalised_and_takes_the_scenarios_kind() {
    let p = plan().validate().unwrap();
    assert_eq!(p.title, "Pathology drill");
    assert_eq!(p.scenario, ScenarioId::Synnovis2024);
    assert_eq!(p.kind, ExerciseKind::StressTest);
    assert_eq!(p.orgs.len(), 2);
    assert!(p.orgs[0] < p.orgs[1]);
}

#[test]
fn bad_plans_name_each_field() {
    let mut p = plan();
    p.title = " ".into();
    p.scenario = "zombies-2030".into();
    p.orgs.clear();
    let fields: Vec<String> = p.validate().unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["title", "scenario", "orgs"]);

    let e = ScenarioId::parse_field("scenario", "zombies-2030").unwrap_err();
    assert!(e.message.contains("synnovis-2024"), "{}", e.message);

    let mut p = plan();
    p.participants.push(Participant {
        number: 0,
        name: "".into(),
        role: ExerciseRole::HumanResources,
        account: None,
    });
    let fields: Vec<String> = p.validate().unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["participants[1].name", "participants[1].role"]);
}

#[test]
fn an_account_takes_part_once_and_guests_need_no_account() {
    let mut p = plan();
    let again = p.participants[0].clone();
    p.participants.push(Participant {
        number: 0,
        name: "Grace".into(),
        role: ExerciseRole::IncidentLead,
        account: None,
    });
    let ok = p.clone().validate().unwrap();
    assert_eq!(ok.participants[1].account, None);
    p.participants.push(again);
    let fields: Vec<String> = p.validate().unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["participants[2].account"]);
}

#[test]
fn exercises_go_planned_running_completed_and_never_back() {
    let e = exercise(ExerciseStatus::Planned);
    assert!(e.check_running("release").is_err());
    let running = e.moved(ExerciseStatus::Running, ts(10)).unwrap();
    assert_eq!(running.started_at, Some(ts(10)));
    assert!(running.check_running("release").is_ok());
    assert!(running.check_completed("debrief").is_err());
    let done = running.moved(ExerciseStatus::Completed, ts(20)).unwrap();
    assert_eq!(done.completed_at, Some(ts(20)));
    assert!(done.check_completed("debrief").is_ok());
    for (from, to) in [
        (&e, ExerciseStatus::Completed),
        (&e, ExerciseStatus::Planned),
        (&done, ExerciseStatus::Running),
        (&done, ExerciseStatus::Completed),
        (&running, ExerciseStatus::Running),
    ] {
        assert!(from.moved(to, ts(30)).is_err(), "{:?} -> {to:?}", from.status);
    }
}

#[test]
fn injects_are_numbered_from_one() {
    let s = ScenarioId::Insider.scenario();
    assert_eq!(s.inject("inject", 1).unwrap(), &s.injects[0]);
    let n = u32::try_from(s.injects.len()).unwrap();
    assert!(s.inject("inject", n).is_ok());
    for bad in [0, n + 1] {
        assert_eq!(s.inject("inject", bad).unwrap_err().field, "inject");
    }
}

#[test]
fn an_action_needs_an_owner_and_a_due_date() {
    let input = ActionInput {
        org: OrgId::from_uuid(uuid::Uuid::from_u128(1)),
        lesson: "Test the paper blood protocol".into(),
        owner: None,
        due: None,
        status: None,
        risk: Some(RiskId::from_uuid(uuid::Uuid::from_u128(3))),
        raise_risk: true,
    };
    let fields: Vec<String> = input
        .clone()
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["owner", "due", "raise_risk"]);
    let ok = ActionInput {
        owner: Some(UserId::from_uuid(uuid::Uuid::from_u128(4))),
        due: Some(jiff::civil::date(2026, 5, 1)),
        raise_risk: false,
        ..input
    }
    .validate()
    .unwrap();
    assert_eq!(ok.status, ActionStatus::Open);
}

#[test]
fn labels_are_words_and_names_read_back() {
    for r in ExerciseRole::iter() {
        assert!(!r.label().contains('_'));
        assert_eq!(r.as_str().parse::<ExerciseRole>().unwrap(), r);
    }
    for s in ActionStatus::iter() {
        assert_eq!(s.as_str().parse::<ActionStatus>().unwrap(), s);
    }
}
