//! A small stand-in for NCSC CAF 4.0 with every outcome the care provider questionnaire asks
//! about (two achieved, one partially-achieved and one not-achieved indicator each, under their
//! own objective and principle), for tests that must not depend on the real file in
//! `../shared/data`.

use ward_core::questionnaire::{FRAMEWORK, QUESTIONS, VERSION};

/// The stand-in as a WebCAF YAML document.
pub fn framework_yaml() -> String {
    let mut outcomes: Vec<&str> = QUESTIONS.iter().map(|q| q.outcome).collect();
    outcomes.sort_unstable();
    let mut yaml = String::from("objectives:\n");
    let (mut objective, mut principle) = (String::new(), String::new());
    for o in outcomes {
        let (obj, pri) = (&o[..1], &o[..2]);
        if obj != objective {
            objective = obj.to_owned();
            yaml.push_str(&format!(
                "  {obj}:\n    title: Objective {obj}\n    principles:\n"
            ));
            principle.clear();
        }
        if pri != principle {
            principle = pri.to_owned();
            yaml.push_str(&format!(
                "      {pri}:\n        title: Principle {pri}\n        outcomes:\n"
            ));
        }
        yaml.push_str(&format!(
            "          {o}:\n            title: Outcome {o}\n            indicators:\n\
             \x20             not-achieved:\n\
             \x20               {o}.1:\n                  description: Nobody does it.\n                  ncsc-index: {o}.NA.1\n\
             \x20             partially-achieved:\n\
             \x20               {o}.2:\n                  description: Some of it is done.\n                  ncsc-index: {o}.PA.1\n\
             \x20             achieved:\n\
             \x20               {o}.3:\n                  description: It is done.\n                  ncsc-index: {o}.A.1\n\
             \x20               {o}.4:\n                  description: It is checked.\n                  ncsc-index: {o}.A.2\n"
        ));
    }
    yaml
}

/// Load the stand-in as the questionnaire's framework and version (the same content twice
/// changes nothing).
pub async fn load_framework(app: &ward_app::App, national: ward_core::OrgId) {
    let actor = ward_app::Actor::system("test", national);
    let f = app
        .import_framework(
            &actor,
            "caf-4.0.yaml",
            framework_yaml().into_bytes(),
            Some(VERSION.into()),
        )
        .await
        .unwrap();
    assert_eq!(f.framework, FRAMEWORK);
}
