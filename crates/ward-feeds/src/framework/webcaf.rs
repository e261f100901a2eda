//! The WebCAF format: `objectives` > `principles` > `outcomes` > `indicators` > one mapping per
//! column (`not-achieved`, `partially-achieved`, `achieved`) of indicators keyed by a local id, each
//! with a `description` and an `ncsc-index`.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use ward_core::assurance::{Framework, FrameworkFormat, Indicator, Level, Objective, Outcome, Principle};

use super::{Reader, column, text};
use crate::json::at;

pub(super) fn read(r: &mut Reader, top: &[(&str, &Value)], version: &str) -> Framework {
    let mut objectives = Vec::new();
    for (key, value) in r.opt_mapping(top, "", "objectives") {
        let path = at("/objectives", key);
        let Some(m) = r.mapping(value, &path) else {
            continue;
        };
        let code = text(&m, "code").unwrap_or_else(|| key.to_owned());
        let title = r.required(&m, &path, "title", "the objective");
        let mut principles = Vec::new();
        for (pkey, pvalue) in r.opt_mapping(&m, &path, "principles") {
            let ppath = at(&at(&path, "principles"), pkey);
            if let Some(p) = principle(r, pkey, pvalue, &ppath, &code) {
                principles.push(p);
            }
        }
        objectives.push(Objective {
            code,
            title,
            description: text(&m, "description").unwrap_or_default(),
            principles,
        });
    }
    Framework {
        id: "ncsc-caf".into(),
        version: version.to_owned(),
        name: "NCSC Cyber Assessment Framework".into(),
        format: FrameworkFormat::Webcaf,
        objectives,
    }
}

fn principle(r: &mut Reader, key: &str, value: &Value, path: &str, objective: &str) -> Option<Principle> {
    let m = r.mapping(value, path)?;
    let code = text(&m, "code").unwrap_or_else(|| key.to_owned());
    if !code.starts_with(objective) {
        r.error(
            path,
            format!("principle {code} does not belong to objective {objective}"),
        );
    }
    let title = r.required(&m, path, "title", "the principle");
    let mut outcomes = Vec::new();
    for (okey, ovalue) in r.opt_mapping(&m, path, "outcomes") {
        let opath = at(&at(path, "outcomes"), okey);
        if let Some(o) = outcome(r, okey, ovalue, &opath, &code) {
            outcomes.push(o);
        }
    }
    Some(Principle {
        code,
        title,
        description: text(&m, "description").unwrap_or_default(),
        outcomes,
    })
}

fn outcome(r: &mut Reader, key: &str, value: &Value, path: &str, principle: &str) -> Option<Outcome> {
    let m = r.mapping(value, path)?;
    let code = text(&m, "code").unwrap_or_else(|| key.to_owned());
    if !code.starts_with(&format!("{principle}.")) {
        r.error(
            path,
            format!("outcome {code} does not belong to principle {principle}"),
        );
    }
    let title = r.required(&m, path, "title", "the outcome");
    let ipath = at(path, "indicators");
    let mut indicators = Vec::new();
    let mut locals: HashMap<String, Level> = HashMap::new();
    for (ckey, cvalue) in r.opt_mapping(&m, path, "indicators") {
        let cpath = at(&ipath, ckey);
        let Some(level) = column(ckey) else {
            let known: Vec<&str> = Level::ALL.iter().map(|l| (*l).into()).collect();
            r.error(
                &cpath,
                format!("column {ckey:?} is not one of {}", known.join(", ")),
            );
            continue;
        };
        let entries = match cvalue {
            Value::Null => Vec::new(),
            v => r.mapping(v, &cpath).unwrap_or_default(),
        };
        for (position, (local, ivalue)) in entries.into_iter().enumerate() {
            let path = at(&cpath, local);
            let Some(im) = r.mapping(ivalue, &path) else {
                continue;
            };
            let Some(statement) = text(&im, "description") else {
                r.error(&path, "indicator without text (no description)");
                continue;
            };
            if let Some(earlier) = locals.insert(local.to_owned(), level) {
                r.warn(
                    &path,
                    format!("local id {local} is used again (first under {earlier}); both are kept"),
                );
            }
            let index = text(&im, "ncsc-index");
            let fallback = format!("{code}.{}", level.code());
            let id = r.claim(&path, index.as_deref(), &fallback, local, position + 1);
            indicators.push(Indicator {
                id,
                level,
                text: statement,
            });
        }
    }
    if indicators.is_empty() {
        r.error(&ipath, format!("outcome {code} has no indicators"));
    }
    let mut profiles = BTreeMap::new();
    let ppath = at(path, "min_profile_requirement");
    for (name, v) in r.opt_mapping(&m, path, "min_profile_requirement") {
        match v.as_str().and_then(Level::parse_loose) {
            Some(level) => {
                profiles.insert(name.to_owned(), level);
            }
            None => r.warn(at(&ppath, name), "not a status; this profile entry is ignored"),
        }
    }
    Some(Outcome {
        code,
        title,
        description: text(&m, "description").unwrap_or_default(),
        indicators,
        profiles,
    })
}
