//! Assurance: frameworks as versioned data, and assessments against them (later: profiles,
//! evidence, risks).
//!
//! Frameworks are reference data every organisation reads; only national roles (and Ward itself,
//! from the command line) load them. A file is checked for that permission before it is parsed,
//! and parsed off the async workers within the upload limits and deadline.

pub mod assessments;
pub mod derived;
pub mod evidence;
pub mod export;
pub mod files;
pub mod improvement;
pub mod profiles;
pub mod questionnaire;
pub mod rollup;
pub mod signoff;

use serde::Serialize;
use ward_core::assurance::{Framework, FrameworkFormat};
use ward_feeds::{FeedError, Problem, parse_framework};
use ward_store::assurance::{FrameworkPut, FrameworkSummary};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult, FieldProblem};

/// What importing one framework file did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FrameworkImported {
    /// The framework's identifier (`ncsc-caf`).
    pub framework: String,
    pub version: String,
    pub name: String,
    pub format: FrameworkFormat,
    /// How many contributing outcomes.
    pub outcomes: usize,
    /// How many indicator statements, all columns together.
    pub indicators: usize,
    /// Created, replaced, or unchanged (the same content was already held).
    pub result: FrameworkPut,
    /// Imperfections of the file that were kept (a repeated or missing identifier), each naming
    /// its place in the file and the identifier the indicator got.
    pub warnings: Vec<FieldProblem>,
}

fn problem(p: &Problem) -> FieldProblem {
    FieldProblem {
        path: format!("{}:{}", p.file, p.path),
        message: p.reason.clone(),
    }
}

impl App {
    /// Load a framework file (WebCAF or CISO Assistant YAML). A broken file is refused whole
    /// with every problem and its path; nothing of it is stored.
    pub async fn import_framework(
        &self,
        actor: &Actor,
        file: &str,
        bytes: Vec<u8>,
        version: Option<String>,
    ) -> AppResult<FrameworkImported> {
        authorise(actor, Action::ImportFrameworks, self.now())?;
        let permit = self.heavy_permit()?;
        let name = file.to_owned();
        let doc = self
            .parse_off_workers(&permit, file, move |limits| {
                let text = std::str::from_utf8(&bytes)
                    .map_err(|e| AppError::invalid(name.clone(), format!("not UTF-8 text: {e}")))?;
                parse_framework(&name, text, limits, version.as_deref()).map_err(|e| match e {
                    FeedError::Rejected { problems, .. } => {
                        AppError::Invalid(problems.iter().map(problem).collect())
                    }
                    other => crate::heavy::feed_error(other),
                })
            })
            .await?;
        let framework = doc.value;
        let result = self
            .store()
            .put_framework(&framework, &actor.audit(self.now()))
            .await?;
        Ok(FrameworkImported {
            outcomes: framework.outcomes().count(),
            indicators: framework.indicators().count(),
            framework: framework.id,
            version: framework.version,
            name: framework.name,
            format: framework.format,
            result,
            warnings: doc.problems.iter().map(problem).collect(),
        })
    }

    /// Every loaded framework version.
    pub async fn frameworks(&self, actor: &Actor) -> AppResult<Vec<FrameworkSummary>> {
        authorise(actor, Action::ReadFrameworks, self.now())?;
        Ok(self.store().list_frameworks().await?)
    }

    /// One loaded framework version whole.
    pub async fn framework(&self, actor: &Actor, id: &str, version: &str) -> AppResult<Framework> {
        authorise(actor, Action::ReadFrameworks, self.now())?;
        self.store()
            .get_framework(id, version)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("framework {id} {version}")))
    }
}
