//! Every authorisation decision in Ward is made here, from the actor's role and place in the hierarchy.
//!
//! A decision yields the [`Scope`] the store must confine the operation to, so a handler cannot
//! forget to filter: it has no scope to pass until the actor is allowed.

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use jiff::Timestamp;
use strum::VariantArray;
use ward_core::OrgId;
use ward_core::role::Role;
use ward_store::{Scope, Store};

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// See organisations, the hierarchy and overviews.
    ReadOrgs,
    /// Load or change reference data about organisations (ODS imports).
    ImportOrgs,
    /// See services, assets and dependencies.
    ReadInventory,
    /// Add, change or remove services, assets and dependencies; import assets.
    WriteInventory,
    /// Publish or change a supplier's products.
    WriteProducts,
    /// Confirm (or reject) that a listed product is its supplier's: what lets a supplier's VEX
    /// statements about it apply across the sector.
    ConfirmProducts,
    /// Add users and grant them roles.
    ManageUsers,
    /// Issue and revoke API tokens.
    ManageTokens,
    /// Read the audit trail.
    ReadAudit,
    /// Check the whole audit chain.
    VerifyAudit,
    /// Import or sync global vulnerability feeds (advisories, KEV, EPSS, feed VEX, end-of-life data).
    ImportFeeds,
    /// See exposures (which assets are affected by which advisories) and advisories.
    ReadExposure,
    /// Say whether the organisation's assets are affected by a vulnerability (VEX statements).
    StateVex,
    /// Read assurance frameworks (reference data, the same for everyone).
    ReadFrameworks,
    /// Load assurance frameworks (CAF versions, Cyber Essentials).
    ImportFrameworks,
    /// See assessments against frameworks.
    ReadAssessments,
    /// Start, answer and submit the organisation's assessments.
    WriteAssessments,
    /// Publish profiles (minimum standards) for a category of organisation.
    PublishProfiles,
    /// Sign off and publish the organisation's assessments (its senior information risk owner's
    /// decision, taken by an organisation admin).
    SignOffAssessments,
    /// Issue cyber alerts to the organisations exposed (national: the sector; regional: the region).
    IssueAlerts,
    /// See alerts and the records of the organisations in the footprint.
    ReadAlerts,
    /// Answer an alert for the organisation: acknowledge, applicability, updates, close.
    RespondAlerts,
    /// See what losing a supplier, a product, an organisation or a service would stop or degrade
    /// (the blast radius), within the caller's footprint.
    ReadImpact,
    /// See risk registers (and the risk vocabulary).
    ReadRisks,
    /// Record and edit the organisation's risks, raise risks from exposures.
    WriteRisks,
    /// Approve a risk's acceptance (never one's own: `Risk::check_approver`).
    ApproveRisks,
    /// Add entries to the sector's risk vocabulary.
    ManageRiskVocabulary,
    /// See incidents and their timelines (the organisation, its ICB and region, the national team).
    ReadIncidents,
    /// Record and edit the organisation's incidents and add to their timelines.
    WriteIncidents,
    /// See notification deliveries that gave up, and queue them again (national team; an
    /// organisation's admins for their organisation and those beneath it).
    ReplayDeliveries,
    /// See exercises, their scenarios, consoles, debriefs and actions (the organisations taking
    /// part, their ICB and region, the national team; auditors as CAF D1.c evidence).
    ReadExercises,
    /// Plan exercises and run them: release injects, record responses and decisions, debrief,
    /// keep the actions (an organisation's admin, a regional lead, the national team).
    WriteExercises,
    /// Deploy responders to an organisation for one of its incidents, and end deployments early
    /// (the national team anywhere, a regional lead within its region).
    DeployResponders,
    /// See who is deployed where and who is free (the capacity view).
    ReadDeployments,
    /// Approve an organisation's improvement plan, moving it to Approaching Standards (the
    /// national team anywhere, a regional lead within its region; never the organisation itself).
    ApproveImprovementPlans,
    /// See which organisations' assessment claims disagree most with Ward's own facts (the
    /// national team, a regional lead within its region).
    ReadAssuranceOverview,
    /// See training requirements, completion figures and named board members (an organisation's
    /// own people, its ICB and region, the national team, auditors).
    ReadPeople,
    /// Import the organisation's training record and name its accountable board members (its
    /// admins).
    WritePeople,
    /// Add or change the training each role requires (the national team).
    ManageTrainingRequirements,
    /// Open sector-wide (coordinated) incidents, link local incidents under them and write their
    /// shared timelines (the national team anywhere, a regional lead within its region).
    CoordinateIncidents,
    /// See the critical supplier register: the national team all of it, everyone else the
    /// suppliers their footprint depends on (a supplier contact its own record only).
    ReadSuppliers,
    /// Keep the register: suppliers' assurance records and anyone's certificates (national).
    ManageSuppliers,
    /// Record the organisation's own certificates (Cyber Essentials, CE Plus, ISO 27001).
    RecordCertificates,
    /// Read and mark one's own in-app notices and choose how one is told (every role; only ever
    /// one's own, see `crate::notices`).
    ReadNotices,
    /// Run dry-run simulations over the sector's dependency graph (the national team, figures for
    /// the sector; a regional lead, figures for its region).
    RunSimulations,
    /// Publish an advisory about the supplier's own confirmed products (its supplier contacts).
    PublishSupplierAdvisories,
    /// See suppliers' advisories and their progress: a supplier contact its own, in aggregate
    /// (names only of organisations that agreed); the national team every one, embargoed too.
    ReadSupplierAdvisories,
    /// Release an embargoed supplier advisory before its date (the national team).
    ReleaseSupplierAdvisories,
    /// Choose whether suppliers may see the organisation's name in their advisories' progress
    /// (the organisation's own admins).
    SetNamingConsent,
    /// See an organisation's board pack (page and PDF): its own admins and members, its ICB,
    /// region and the national team, auditors. Every reader also holds each read the pack gathers
    /// (`board_pack_readers_hold_every_read_the_pack_gathers`).
    ReadBoardPack,
    /// See technology assessment requests, their findings and remediation plans: the requesting
    /// organisation's admins and members, a regional lead within its region, the national team.
    ReadTechAssessments,
    /// Ask the national service to assess a technology for the organisation, and keep the
    /// remediation plan of its own requests (its admins and members).
    RequestTechAssessments,
    /// Triage, decline, assess and close technology assessments and record their findings (the
    /// national team).
    AssessTechnology,
    /// See the assurance roll-up: organisations by standing and outcome statuses per area (the
    /// national team the sector, a regional lead or an auditor within their footprint).
    ReadAssuranceRollup,
}

impl Action {
    pub const ALL: [Action; 54] = [
        Self::ReadOrgs,
        Self::ImportOrgs,
        Self::ReadInventory,
        Self::WriteInventory,
        Self::WriteProducts,
        Self::ConfirmProducts,
        Self::ManageUsers,
        Self::ManageTokens,
        Self::ReadAudit,
        Self::VerifyAudit,
        Self::ImportFeeds,
        Self::ReadExposure,
        Self::StateVex,
        Self::ReadFrameworks,
        Self::ImportFrameworks,
        Self::ReadAssessments,
        Self::WriteAssessments,
        Self::SignOffAssessments,
        Self::PublishProfiles,
        Self::IssueAlerts,
        Self::ReadAlerts,
        Self::RespondAlerts,
        Self::ReadImpact,
        Self::ReadRisks,
        Self::WriteRisks,
        Self::ApproveRisks,
        Self::ManageRiskVocabulary,
        Self::ReadIncidents,
        Self::WriteIncidents,
        Self::ReplayDeliveries,
        Self::ReadExercises,
        Self::WriteExercises,
        Self::DeployResponders,
        Self::ReadDeployments,
        Self::ApproveImprovementPlans,
        Self::ReadAssuranceOverview,
        Self::ReadPeople,
        Self::WritePeople,
        Self::ManageTrainingRequirements,
        Self::CoordinateIncidents,
        Self::ReadSuppliers,
        Self::ManageSuppliers,
        Self::RecordCertificates,
        Self::ReadNotices,
        Self::RunSimulations,
        Self::PublishSupplierAdvisories,
        Self::ReadSupplierAdvisories,
        Self::ReleaseSupplierAdvisories,
        Self::SetNamingConsent,
        Self::ReadBoardPack,
        Self::ReadTechAssessments,
        Self::RequestTechAssessments,
        Self::AssessTechnology,
        Self::ReadAssuranceRollup,
    ];
}

/// The scope `role` at `org` has for `action`, or None when the role may not do it at all.
pub fn scope_for(role: Role, org: OrgId, action: Action) -> Option<Scope> {
    use Action::*;
    use Role::*;
    let own_subtree = Some(Scope::subtree(org));
    match (role, action) {
        // Reference data: every role reads it whole.
        (_, ReadFrameworks) => Some(Scope::All),
        // Everyone reads their own notices; the use cases confine them to the person.
        (_, ReadNotices) => Some(Scope::Orgs(vec![org])),
        (NationalAnalyst, PublishProfiles | ManageRiskVocabulary) => Some(Scope::All),
        (
            NationalAnalyst,
            WriteInventory | StateVex | WriteAssessments | SignOffAssessments | RespondAlerts | WriteRisks
            | ApproveRisks | WriteIncidents,
        ) => None,
        // An organisation's own admins keep its training record and name its board.
        (NationalAnalyst, WritePeople) => None,
        // A supplier speaks for itself; an organisation decides whether suppliers may name it.
        (NationalAnalyst, PublishSupplierAdvisories | SetNamingConsent) => None,
        // An organisation asks for its own technology assessments; the national team assesses.
        (NationalAnalyst, RequestTechAssessments) => None,
        (NationalAnalyst, _) => Some(Scope::All),

        (
            RegionalLead,
            ReadOrgs | ReadInventory | ReadExposure | ReadAudit | ManageUsers | ReadAssessments | ReadAlerts
            | ReadImpact | ReadRisks | ReadIncidents | ReadExercises | DeployResponders | ReadDeployments
            | ReadSuppliers,
        ) => own_subtree,
        // A regional team plans and runs exercises for organisations in its region.
        (RegionalLead, WriteExercises) => own_subtree,
        // A regional team issues alerts to its own region only.
        (RegionalLead, IssueAlerts) => own_subtree,
        // A regional team approves improvement plans and compares claims with facts in its region.
        (RegionalLead, ApproveImprovementPlans | ReadAssuranceOverview) => own_subtree,
        (RegionalLead, ReadPeople) => own_subtree,
        (RegionalLead | OrgAdmin | OrgMember | Auditor, ReadBoardPack) => own_subtree,
        // A regional team coordinates sector-wide incidents within its region.
        (RegionalLead, CoordinateIncidents) => own_subtree,
        // A regional team's dry runs count what happens in its region.
        (RegionalLead, RunSimulations) => own_subtree,
        (RegionalLead, ReadTechAssessments) => own_subtree,
        (RegionalLead | Auditor, ReadAssuranceRollup) => own_subtree,
        (RegionalLead, _) => None,

        (
            OrgAdmin,
            ReadOrgs | ReadInventory | WriteInventory | ReadExposure | StateVex | ManageUsers | ManageTokens
            | ReadAudit | ReadAssessments | WriteAssessments | SignOffAssessments | ReadAlerts
            | RespondAlerts | ReadImpact | ReadRisks | WriteRisks | ApproveRisks | ReadIncidents
            | WriteIncidents | ReplayDeliveries | ReadExercises | WriteExercises | ReadSuppliers
            | RecordCertificates,
        ) => own_subtree,
        (OrgAdmin, ReadPeople | WritePeople) => own_subtree,
        (OrgAdmin, SetNamingConsent) => Some(Scope::Orgs(vec![org])),
        (OrgAdmin, ReadTechAssessments | RequestTechAssessments) => own_subtree,
        // An admin may make an auditor, who reads the roll-up, so the admin reads it too (its own subtree).
        (OrgAdmin, ReadAssuranceRollup) => own_subtree,
        (OrgAdmin, _) => None,

        (
            OrgMember | IncidentResponder,
            ReadOrgs | ReadInventory | WriteInventory | ReadExposure | StateVex | ReadAssessments
            | ReadAlerts | RespondAlerts | ReadImpact | ReadRisks | ReadIncidents | WriteIncidents
            | ReadExercises | ReadSuppliers,
        ) => own_subtree,
        (OrgMember, WriteAssessments | WriteRisks) => own_subtree,
        (OrgMember, ReadPeople) => own_subtree,
        (OrgMember, ReadTechAssessments | RequestTechAssessments) => own_subtree,
        (OrgMember | IncidentResponder, _) => None,

        (
            Auditor,
            ReadOrgs | ReadInventory | ReadExposure | ReadAudit | ReadAssessments | ReadAlerts | ReadImpact
            | ReadRisks | ReadExercises | ReadSuppliers,
        ) => own_subtree,
        (Auditor, ReadPeople) => own_subtree,
        (Auditor, _) => None,

        // A supplier answers its own organisation's supplier assessment and sees nobody else's.
        (
            SupplierContact,
            ReadOrgs
            | WriteProducts
            | StateVex
            | ReadAssessments
            | WriteAssessments
            | SignOffAssessments
            | ReadSuppliers
            | PublishSupplierAdvisories
            | ReadSupplierAdvisories,
        ) => Some(Scope::Orgs(vec![org])),
        (SupplierContact, _) => None,
    }
}

/// Decide whether the actor may perform `action`; returns the scope to confine it to.
pub fn authorise(actor: &Actor, action: Action, now: Timestamp) -> AppResult<Scope> {
    if actor.expires_at.is_some_and(|e| now >= e) {
        return Err(AppError::Unauthenticated);
    }
    // Ward itself (the operator's CLI, jobs, the demo loader) owns the database; the server never
    // builds a system actor from a request.
    if actor.is_system() {
        return Ok(Scope::All);
    }
    scope_for(actor.role, actor.org, action)
        .ok_or_else(|| AppError::forbidden(format!("your role ({}) does not allow this", actor.role.label())))
}

/// Whether `target` lies inside `scope` in the current hierarchy.
pub async fn scope_contains(store: &dyn Store, scope: &Scope, target: OrgId) -> AppResult<bool> {
    Ok(match scope {
        Scope::All => true,
        Scope::Orgs(orgs) => orgs.contains(&target),
        Scope::Subtrees(roots) => {
            if roots.contains(&target) {
                true
            } else {
                let ancestors = store.org_ancestors(target).await?;
                ancestors.iter().any(|a| roots.contains(a))
            }
        }
    })
}

/// Authorise `action` on one organisation's data: allowed only when `target` is inside the scope.
/// A target outside the scope is reported as not found, so its existence does not leak.
pub async fn authorise_on(
    store: &dyn Store,
    actor: &Actor,
    action: Action,
    target: OrgId,
    now: Timestamp,
) -> AppResult<Scope> {
    let scope = authorise(actor, action, now)?;
    if scope_contains(store, &scope, target).await? {
        Ok(scope)
    } else {
        Err(AppError::NotFound("organisation".into()))
    }
}

/// Which roles an actor may hand out (to users or tokens).
pub fn grantable_roles_for(actor: &Actor) -> &'static [Role] {
    if actor.is_system() {
        Role::VARIANTS
    } else {
        grantable_roles(actor.role)
    }
}

/// Which roles a role may hand out. Below the national team (the root of trust, which appoints
/// everyone), a role only hands out roles that can do nothing it cannot do itself.
pub fn grantable_roles(granter: Role) -> &'static [Role] {
    use Role::*;
    match granter {
        NationalAnalyst => Role::VARIANTS,
        // A regional lead reads its region and manages users, but writes nothing: handing out a
        // role that writes (org admin, member, responder) would let it create an account that does
        // what it may not, and sign in as that account with the initial password it is shown.
        RegionalLead => &[Auditor],
        OrgAdmin => &[OrgAdmin, OrgMember, Auditor],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn org() -> OrgId {
        OrgId::from_uuid(uuid::Uuid::nil())
    }

    #[test]
    fn below_the_national_team_nobody_hands_out_more_than_they_hold() {
        let actions = |r: Role| -> Vec<Action> {
            Action::ALL
                .into_iter()
                .filter(|a| scope_for(r, org(), *a).is_some())
                .collect()
        };
        for granter in Role::iter().filter(|r| *r != Role::NationalAnalyst) {
            let held = actions(granter);
            for granted in grantable_roles(granter) {
                for a in actions(*granted) {
                    assert!(
                        held.contains(&a),
                        "{granter:?} hands out {granted:?}, which may {a:?}"
                    );
                }
            }
        }
        assert_eq!(grantable_roles(Role::RegionalLead), &[Role::Auditor]);
    }

    #[test]
    fn only_some_roles_write_inventory() {
        let writers: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org(), Action::WriteInventory).is_some())
            .collect();
        assert_eq!(
            writers,
            vec![Role::OrgAdmin, Role::OrgMember, Role::IncidentResponder]
        );
    }

    #[test]
    fn auditors_and_suppliers_never_write_inventory_or_manage_users() {
        for role in [Role::Auditor, Role::SupplierContact] {
            for a in [
                Action::WriteInventory,
                Action::ManageUsers,
                Action::ManageTokens,
                Action::ImportOrgs,
                Action::ImportFeeds,
            ] {
                assert!(scope_for(role, org(), a).is_none(), "{role:?} {a:?}");
            }
        }
    }

    #[test]
    fn only_organisations_write_their_risks_and_only_admins_approve() {
        let can = |a: Action| -> Vec<Role> {
            Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect()
        };
        assert_eq!(can(Action::WriteRisks), vec![Role::OrgAdmin, Role::OrgMember]);
        assert_eq!(can(Action::ApproveRisks), vec![Role::OrgAdmin]);
        assert_eq!(can(Action::ManageRiskVocabulary), vec![Role::NationalAnalyst]);
        assert_eq!(
            can(Action::WriteIncidents),
            vec![Role::OrgAdmin, Role::OrgMember, Role::IncidentResponder]
        );
        assert!(!can(Action::ReadIncidents).contains(&Role::Auditor));
        assert!(!can(Action::ReadIncidents).contains(&Role::SupplierContact));
        assert!(can(Action::ReadIncidents).contains(&Role::RegionalLead));
        assert!(!can(Action::ReadRisks).contains(&Role::SupplierContact));
        assert!(can(Action::ReadRisks).contains(&Role::Auditor));
    }

    #[test]
    fn exercises_are_planned_by_admins_and_regional_and_national_teams() {
        let can = |a: Action| -> Vec<Role> {
            Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect()
        };
        assert_eq!(
            can(Action::WriteExercises),
            vec![Role::NationalAnalyst, Role::RegionalLead, Role::OrgAdmin]
        );
        assert_eq!(
            scope_for(Role::RegionalLead, org(), Action::WriteExercises),
            Some(Scope::subtree(org()))
        );
        let readers = can(Action::ReadExercises);
        assert!(readers.contains(&Role::Auditor));
        assert!(!readers.contains(&Role::SupplierContact));
    }

    #[test]
    fn only_national_and_regional_teams_approve_plans_and_compare_claims() {
        for a in [Action::ApproveImprovementPlans, Action::ReadAssuranceOverview] {
            let who: Vec<Role> = Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect();
            assert_eq!(who, vec![Role::NationalAnalyst, Role::RegionalLead], "{a:?}");
            assert_eq!(
                scope_for(Role::RegionalLead, org(), a),
                Some(Scope::subtree(org()))
            );
        }
    }

    #[test]
    fn training_records_are_kept_by_admins_and_requirements_set_nationally() {
        let can = |a: Action| -> Vec<Role> {
            Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect()
        };
        assert_eq!(can(Action::WritePeople), vec![Role::OrgAdmin]);
        assert_eq!(
            can(Action::ManageTrainingRequirements),
            vec![Role::NationalAnalyst]
        );
        let readers = can(Action::ReadPeople);
        assert!(readers.contains(&Role::Auditor) && readers.contains(&Role::OrgMember));
        assert!(!readers.contains(&Role::SupplierContact) && !readers.contains(&Role::IncidentResponder));
    }

    #[test]
    fn board_pack_readers_hold_every_read_the_pack_gathers() {
        let readers: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org(), Action::ReadBoardPack).is_some())
            .collect();
        assert_eq!(
            readers,
            vec![
                Role::NationalAnalyst,
                Role::RegionalLead,
                Role::OrgAdmin,
                Role::OrgMember,
                Role::Auditor
            ]
        );
        for r in readers {
            for a in [
                Action::ReadAssessments,
                Action::ReadRisks,
                Action::ReadExposure,
                Action::ReadAlerts,
                Action::ReadPeople,
            ] {
                assert_eq!(
                    scope_for(r, org(), a),
                    scope_for(r, org(), Action::ReadBoardPack),
                    "{r:?} {a:?}"
                );
            }
        }
    }

    #[test]
    fn technology_assessments_are_asked_for_by_organisations_and_assessed_nationally() {
        let can = |a: Action| -> Vec<Role> {
            Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect()
        };
        assert_eq!(
            can(Action::ReadTechAssessments),
            vec![
                Role::NationalAnalyst,
                Role::RegionalLead,
                Role::OrgAdmin,
                Role::OrgMember
            ]
        );
        assert_eq!(
            can(Action::RequestTechAssessments),
            vec![Role::OrgAdmin, Role::OrgMember]
        );
        assert_eq!(can(Action::AssessTechnology), vec![Role::NationalAnalyst]);
        assert_eq!(
            scope_for(Role::RegionalLead, org(), Action::ReadTechAssessments),
            Some(Scope::subtree(org()))
        );
    }

    #[test]
    fn only_national_analysts_confirm_products() {
        let confirmers: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org(), Action::ConfirmProducts).is_some())
            .collect();
        assert_eq!(confirmers, vec![Role::NationalAnalyst]);
    }

    #[test]
    fn only_national_and_regional_teams_issue_alerts() {
        let issuers: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org(), Action::IssueAlerts).is_some())
            .collect();
        assert_eq!(issuers, vec![Role::NationalAnalyst, Role::RegionalLead]);
        assert_eq!(
            scope_for(Role::RegionalLead, org(), Action::IssueAlerts),
            Some(Scope::subtree(org()))
        );
        assert!(scope_for(Role::NationalAnalyst, org(), Action::RespondAlerts).is_none());
        assert!(scope_for(Role::SupplierContact, org(), Action::ReadAlerts).is_none());
    }

    #[test]
    fn only_the_national_team_and_organisation_admins_replay_deliveries() {
        let replayers: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org(), Action::ReplayDeliveries).is_some())
            .collect();
        assert_eq!(replayers, vec![Role::NationalAnalyst, Role::OrgAdmin]);
        assert_eq!(
            scope_for(Role::OrgAdmin, org(), Action::ReplayDeliveries),
            Some(Scope::subtree(org()))
        );
    }

    #[test]
    fn only_national_and_regional_teams_deploy_responders() {
        for a in [Action::DeployResponders, Action::ReadDeployments] {
            let who: Vec<Role> = Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect();
            assert_eq!(who, vec![Role::NationalAnalyst, Role::RegionalLead], "{a:?}");
        }
        assert_eq!(
            scope_for(Role::RegionalLead, org(), Action::DeployResponders),
            Some(Scope::subtree(org()))
        );
    }

    #[test]
    fn the_national_team_keeps_the_supplier_register_and_admins_their_certificates() {
        let can = |a: Action| -> Vec<Role> {
            Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect()
        };
        assert_eq!(can(Action::ManageSuppliers), vec![Role::NationalAnalyst]);
        assert_eq!(
            can(Action::RecordCertificates),
            vec![Role::NationalAnalyst, Role::OrgAdmin]
        );
        assert_eq!(can(Action::ReadSuppliers).len(), Role::iter().count());
        assert_eq!(
            scope_for(Role::SupplierContact, org(), Action::ReadSuppliers),
            Some(Scope::Orgs(vec![org()]))
        );
        assert_eq!(
            scope_for(Role::OrgAdmin, org(), Action::RecordCertificates),
            Some(Scope::subtree(org()))
        );
    }

    #[test]
    fn suppliers_publish_for_themselves_and_organisations_choose_naming_for_themselves() {
        let can = |a: Action| -> Vec<Role> {
            Role::iter()
                .filter(|r| scope_for(*r, org(), a).is_some())
                .collect()
        };
        assert_eq!(
            can(Action::PublishSupplierAdvisories),
            vec![Role::SupplierContact]
        );
        assert_eq!(
            scope_for(Role::SupplierContact, org(), Action::PublishSupplierAdvisories),
            Some(Scope::Orgs(vec![org()]))
        );
        assert_eq!(
            can(Action::ReadSupplierAdvisories),
            vec![Role::NationalAnalyst, Role::SupplierContact]
        );
        assert_eq!(
            scope_for(Role::SupplierContact, org(), Action::ReadSupplierAdvisories),
            Some(Scope::Orgs(vec![org()]))
        );
        assert_eq!(
            can(Action::ReleaseSupplierAdvisories),
            vec![Role::NationalAnalyst]
        );
        assert_eq!(can(Action::SetNamingConsent), vec![Role::OrgAdmin]);
        assert_eq!(
            scope_for(Role::OrgAdmin, org(), Action::SetNamingConsent),
            Some(Scope::Orgs(vec![org()])),
            "its own organisation, not those beneath it"
        );
    }

    #[test]
    fn only_national_analysts_import_feeds() {
        let importers: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org(), Action::ImportFeeds).is_some())
            .collect();
        assert_eq!(importers, vec![Role::NationalAnalyst]);
        assert_eq!(
            scope_for(Role::NationalAnalyst, org(), Action::ImportFeeds),
            Some(Scope::All)
        );
    }

    #[test]
    fn suppliers_see_only_their_own_organisation() {
        assert_eq!(
            scope_for(Role::SupplierContact, org(), Action::ReadOrgs),
            Some(Scope::Orgs(vec![org()]))
        );
        assert!(scope_for(Role::SupplierContact, org(), Action::ReadInventory).is_none());
    }

    #[test]
    fn expired_actors_are_unauthenticated() {
        let now = Timestamp::from_second(1_000).unwrap();
        let actor = Actor {
            principal: crate::actor::Principal::System("t"),
            role: Role::IncidentResponder,
            org: org(),
            grant: None,
            expires_at: Some(now),
            request_id: None,
        };
        assert!(matches!(
            authorise(&actor, Action::ReadOrgs, now),
            Err(AppError::Unauthenticated)
        ));
    }
}
