//! Continuous evidence: beside an assessment's claims, what Ward's own facts suggest
//! (`ward_engine::assurance::evidence` holds the rules), and the national view of the
//! organisations whose claims and facts disagree most.
//!
//! The facts of an assessment are shown to whoever may read the assessment: they are counts about
//! the same organisation (its assets, unsupported software, open known-exploited exposures,
//! exercises completed), never the records behind them.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use ward_core::assurance::{AssessmentHead, AssessmentKind, Framework, Level};
use ward_core::exercise::ExerciseStatus;
use ward_core::{AssessmentId, OrgId};
use ward_engine::assurance::evidence::{
    OrgFacts, Suggestion, SupplyFacts, TrainingFacts, rank_disagreement, suggest,
};
use ward_store::Scope;
use ward_store::exercises::ExerciseFilter;

use super::assessments::{AssessmentView, view as assessment_view};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;

/// What the facts suggest beside one assessment's claims.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    pub assessment: AssessmentId,
    pub org: OrgId,
    #[schema(value_type = Object)]
    pub facts: OrgFacts,
    /// One per outcome Ward offers evidence for, in framework order.
    #[schema(value_type = Vec<Object>)]
    pub suggestions: Vec<Suggestion>,
}

/// One organisation in the national view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DisagreementRow {
    pub org: OrgId,
    pub org_name: String,
    /// The assessment whose claims were compared (the organisation's latest).
    pub assessment: AssessmentId,
    pub year: i32,
    pub kind: AssessmentKind,
    /// Steps by which claims stand above the facts, summed over outcomes.
    pub above: u32,
    /// Steps by which claims stand below the facts.
    pub below: u32,
    /// The outcomes that disagree.
    pub outcomes: Vec<String>,
}

fn claims(v: &AssessmentView) -> BTreeMap<String, Level> {
    v.outcomes.iter().map(|o| (o.code.clone(), o.status)).collect()
}

impl App {
    /// The facts of `orgs`: counts from the exposure index and completed exercises of the last 12
    /// months (those each organisation took part in). The caller has decided the organisations
    /// may be read.
    async fn org_facts(&self, orgs: &[OrgId]) -> AppResult<HashMap<OrgId, OrgFacts>> {
        let index = self.exposure_index().await?;
        let exposure = index.exposure_facts(orgs);
        let since = self.now() - jiff::SignedDuration::from_hours(24 * 365);
        let filter = ExerciseFilter {
            org: None,
            status: Some(ExerciseStatus::Completed),
            completed_since: Some(since),
        };
        let mut exercises: HashMap<OrgId, u64> = HashMap::new();
        for e in self.store().list_exercises(&Scope::All, &filter).await? {
            for o in e.orgs {
                *exercises.entry(o).or_default() += 1;
            }
        }
        // Training from each organisation's imported record (one read per organisation).
        let mut training: HashMap<OrgId, TrainingFacts> = HashMap::new();
        for &o in orgs {
            let figures = self.training_completion_of(o).await?;
            if !figures.courses.is_empty() {
                let t = training.entry(o).or_default();
                for c in &figures.courses {
                    t.required += c.people;
                    t.current += c.current;
                }
            }
        }
        let supply = self.supply_facts(orgs).await?;
        Ok(orgs
            .iter()
            .map(|o| {
                let x = exposure.get(o).copied().unwrap_or_default();
                let facts = OrgFacts {
                    assets: x.assets,
                    assets_with_software: x.assets_with_software,
                    unsupported: x.unsupported,
                    open_kev: x.open_kev,
                    oldest_kev_listed: x.oldest_kev_listed,
                    exercises_last_year: Some(exercises.get(o).copied().unwrap_or(0)),
                    training: training.get(o).copied(),
                    supply: Some(supply.get(o).copied().unwrap_or_default()),
                };
                (*o, facts)
            })
            .collect())
    }

    /// For each of `orgs`, the suppliers it depends on (the supplier register) and how many of
    /// them are assured: the supply-chain charter attested and a current Cyber Essentials Plus or
    /// ISO 27001 certificate.
    async fn supply_facts(&self, orgs: &[OrgId]) -> AppResult<HashMap<OrgId, SupplyFacts>> {
        use ward_core::certificate::CertificateKind;
        let register = self.supplier_register_index().await?;
        let depends = register.suppliers_of(orgs);
        if depends.is_empty() {
            return Ok(HashMap::new());
        }
        let today = self.today();
        let attested: std::collections::HashSet<OrgId> = self
            .store()
            .list_supplier_assurance(&Scope::All)
            .await?
            .into_iter()
            .filter(|a| a.charter_attested_on.is_some())
            .map(|a| a.supplier)
            .collect();
        let certified: std::collections::HashSet<OrgId> = self
            .store()
            .list_certificates(&Scope::All)
            .await?
            .into_iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    CertificateKind::CyberEssentialsPlus | CertificateKind::Iso27001
                ) && c.is_current_on(today)
            })
            .map(|c| c.org)
            .collect();
        Ok(depends
            .into_iter()
            .map(|(org, suppliers)| {
                let assured = suppliers
                    .iter()
                    .filter(|s| attested.contains(s) && certified.contains(s))
                    .count() as u64;
                (
                    org,
                    SupplyFacts {
                        suppliers: suppliers.len() as u64,
                        assured,
                    },
                )
            })
            .collect())
    }

    /// What Ward's facts suggest beside one assessment's claims (anyone who may read it).
    pub async fn assessment_evidence(&self, actor: &Actor, id: AssessmentId) -> AppResult<EvidenceView> {
        let v = self.assessment(actor, id).await?;
        let org = v.assessment.head.org;
        let facts = self.org_facts(&[org]).await?.remove(&org).unwrap_or_default();
        Ok(EvidenceView {
            assessment: id,
            org,
            suggestions: suggest(&facts, &claims(&v), self.today()),
            facts,
        })
    }

    /// The organisations in the caller's footprint whose latest assessment's claims disagree
    /// most with the facts, most first (national team; regional leads within their region).
    pub async fn claim_disagreements(&self, actor: &Actor) -> AppResult<Vec<DisagreementRow>> {
        let scope = authorise(actor, Action::ReadAssuranceOverview, self.now())?;
        let heads = self.store().list_assessments(&scope).await?;
        let key = |h: &AssessmentHead| (h.year, h.kind == AssessmentKind::Final, h.created_at);
        let mut latest: BTreeMap<OrgId, &AssessmentHead> = BTreeMap::new();
        for h in &heads {
            if latest.get(&h.org).is_none_or(|cur| key(h) > key(cur)) {
                latest.insert(h.org, h);
            }
        }
        let orgs: Vec<OrgId> = latest.keys().copied().collect();
        let facts = self.org_facts(&orgs).await?;
        let today = self.today();
        let mut frameworks: HashMap<(String, String), Framework> = HashMap::new();
        let mut compared = Vec::new();
        for (org, h) in &latest {
            let fk = (h.framework.clone(), h.version.clone());
            if !frameworks.contains_key(&fk) {
                let f = self.framework_of(&h.framework, &h.version).await?;
                frameworks.insert(fk.clone(), f);
            }
            let Some(f) = frameworks.get(&fk) else { continue };
            let a = self.store().get_assessment(&scope, h.id).await?;
            let v = assessment_view(f, a);
            let f = facts.get(org).cloned().unwrap_or_default();
            compared.push((*org, suggest(&f, &claims(&v), today)));
        }
        let ranked = rank_disagreement(compared);
        let names = self.org_labels(actor, ranked.iter().map(|(o, _)| *o)).await?;
        Ok(ranked
            .into_iter()
            .filter_map(|(org, d)| {
                let h = latest.get(&org)?;
                Some(DisagreementRow {
                    org,
                    org_name: names.get(&org).cloned().unwrap_or_default(),
                    assessment: h.id,
                    year: h.year,
                    kind: h.kind,
                    above: d.above,
                    below: d.below,
                    outcomes: d.outcomes.iter().map(|s| (*s).to_owned()).collect(),
                })
            })
            .collect())
    }
}
