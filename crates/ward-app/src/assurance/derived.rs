//! Each outcome's derived status, stored with the assessment (issue 8, the national roll-up).
//!
//! The rule is the one WebCAF rule (`ward_engine::assurance::status_of`, through `derive`);
//! [`WebCafRule`] hands it to the store, which applies it to all of an assessment's answers in the
//! same transaction as every change of them (the answer save, the questionnaire, the carry-over
//! from 3.2 to 4.0, which saves through the answer save, and the demo's bulk load) and keeps the
//! result in `assessment_derived_statuses`. The roll-up then reads one status per outcome instead
//! of every answer. An assessment without stored statuses (made before they were kept, restored
//! from a backup, or of a framework version since replaced) is derived from its answers by the
//! roll-up, which stores the result (`App::store_missing_statuses`).

use std::collections::BTreeMap;

use ward_core::AssessmentId;
use ward_core::assurance::{Framework, Level};
use ward_engine::assurance::derive;
use ward_store::assurance::OutcomeRule;

use crate::App;
use crate::actor::Actor;
use crate::error::AppResult;

/// The WebCAF rule over one framework version.
#[derive(Debug, Clone, Copy)]
pub struct WebCafRule<'a>(pub &'a Framework);

impl OutcomeRule for WebCafRule<'_> {
    fn framework(&self) -> (&str, &str) {
        (&self.0.id, &self.0.version)
    }

    fn derive(&self, answers: &BTreeMap<String, bool>) -> Vec<(String, Level)> {
        self.0
            .outcomes()
            .map(|o| (o.code.clone(), derive(o, answers).derived))
            .collect()
    }
}

impl App {
    /// Store the statuses the roll-up derived for assessments that had none stored, so the next
    /// roll-up reads them (audited by the store as one `assessment.derive_statuses` event).
    pub(crate) async fn store_missing_statuses(
        &self,
        actor: &Actor,
        scope: &ward_store::Scope,
        batch: &[(AssessmentId, Vec<(String, Level)>)],
    ) -> AppResult<u64> {
        Ok(self
            .store()
            .store_derived_statuses(scope, batch, &actor.audit(self.now()))
            .await?)
    }
}
