//! Who is calling: a signed-in user acting under one grant, or an API token. Built by `ward-app`
//! only after every check (session valid, MFA done, grant active, token not revoked or expired).

use jiff::Timestamp;
use ward_core::audit::AuditActor;
use ward_core::role::Role;
use ward_core::{GrantId, OrgId, TokenId, UserId};
use ward_store::AuditMeta;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    User(UserId),
    Token(TokenId),
    /// Ward itself: the CLI on the operator's machine, background jobs, the demo loader.
    System(&'static str),
}

/// An authenticated caller acting with one role over one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub principal: Principal,
    pub role: Role,
    pub org: OrgId,
    pub grant: Option<GrantId>,
    /// When the role stops working (incident responders, tokens).
    pub expires_at: Option<Timestamp>,
    pub request_id: Option<String>,
}

impl Actor {
    /// The operator at the command line, with national reach. Never built from a request.
    pub fn system(name: &'static str, national_org: OrgId) -> Self {
        Self {
            principal: Principal::System(name),
            role: Role::NationalAnalyst,
            org: national_org,
            grant: None,
            expires_at: None,
            request_id: None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self.principal {
            Principal::User(u) => Some(u),
            _ => None,
        }
    }

    pub fn is_system(&self) -> bool {
        matches!(self.principal, Principal::System(_))
    }

    pub fn audit_actor(&self) -> AuditActor {
        let principal = match self.principal {
            Principal::User(u) => format!("user:{u}"),
            Principal::Token(t) => format!("token:{t}"),
            Principal::System(n) => format!("system:{n}"),
        };
        AuditActor {
            principal,
            role: Some(self.role),
            acting_org: Some(self.org),
        }
    }

    pub fn audit(&self, at: Timestamp) -> AuditMeta {
        AuditMeta {
            actor: self.audit_actor(),
            at,
            request_id: self.request_id.clone(),
        }
    }
}
