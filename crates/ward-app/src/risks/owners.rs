//! Who may own a risk of an organisation: the accounts that may write its register (the rule the
//! risk's own check applies, `App::checked_details`), offered by name on the forms that name an
//! owner, so nobody types an account identifier.

use ward_core::OrgId;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise_on};
use crate::error::AppResult;
use crate::incident_tasks::TaskOwner;

impl App {
    /// The people who may own a risk of `org`, by name, for callers who may read its register.
    pub async fn risk_owners(&self, actor: &Actor, org: OrgId) -> AppResult<Vec<TaskOwner>> {
        authorise_on(self.store(), actor, Action::ReadRisks, org, self.now()).await?;
        let mut out = self.accounts_that_may(Action::WriteRisks, org).await?;
        out.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(out)
    }
}
