//! `api_tokens.auth_epoch` moves on every store write that can change whether a token stands, and
//! on nothing else: the owner disabled and enabled again, a grant added and revoked, the token's
//! organisation moved, the token revoked. Writes to another owner move only that owner's tokens;
//! the last-used time, a display name and an organisation's name move nothing. The servers' verdict
//! cache (`ward_app::accounts::verdicts`) is only as immediate as this.

use super::accounts::{grant, token, user};
use super::fixtures::{Fixture, at};
use crate::check_eq;
use std::sync::Arc;
use ward_core::account::ApiToken;
use ward_core::role::Role;
use ward_store::{AuthEpoch, Store};

async fn epoch(store: &Arc<dyn Store>, t: &ApiToken) -> anyhow::Result<AuthEpoch> {
    match store.token_with_epoch(&t.token_hash).await? {
        Some((_, e)) => Ok(e),
        None => anyhow::bail!("token {} not found", t.id),
    }
}

/// The epochs of `mine` and `theirs` before and after `what`: `mine` must move forward (or stay,
/// when `moves` is false); `theirs` must move only when `theirs_moves`.
struct Watch<'a> {
    store: &'a Arc<dyn Store>,
    mine: &'a ApiToken,
    theirs: &'a ApiToken,
    last: (AuthEpoch, AuthEpoch),
}

impl<'a> Watch<'a> {
    async fn new(
        store: &'a Arc<dyn Store>,
        mine: &'a ApiToken,
        theirs: &'a ApiToken,
    ) -> anyhow::Result<Self> {
        let last = (epoch(store, mine).await?, epoch(store, theirs).await?);
        Ok(Self {
            store,
            mine,
            theirs,
            last,
        })
    }

    async fn after(&mut self, what: &str, moves: bool, theirs_moves: bool) -> anyhow::Result<()> {
        let now = (
            epoch(self.store, self.mine).await?,
            epoch(self.store, self.theirs).await?,
        );
        check_eq!(
            now.0 > self.last.0,
            moves,
            "{what}: this token's epoch moved ({:?} -> {:?})",
            self.last.0,
            now.0
        );
        check_eq!(now.0 >= self.last.0, true, "{what}: this token's epoch went back");
        check_eq!(
            now.1 > self.last.1,
            theirs_moves,
            "{what}: another owner's token's epoch moved ({:?} -> {:?})",
            self.last.1,
            now.1
        );
        self.last = now;
        Ok(())
    }
}

/// The whole check.
pub async fn token_epoch_follows_every_write(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "TE");
    let [national, region, icb, a, _b] = fx.small_tree().await?;
    let other_region = fx.org(
        "R2",
        "Other region",
        ward_core::org::OrgKind::Region,
        Some(national.id),
    )?;
    fx.save_orgs(vec![other_region.clone()]).await?;

    let owner = user("epoch-owner")?;
    store
        .create_user_with_grant(&owner, &grant(owner.id, Role::OrgAdmin, a.id, 6), &fx.meta(10))
        .await?;
    let bystander = user("epoch-bystander")?;
    store
        .create_user_with_grant(
            &bystander,
            &grant(bystander.id, Role::OrgAdmin, a.id, 6),
            &fx.meta(10),
        )
        .await?;
    let mine = token(owner.id, a.id, 20);
    let theirs = token(bystander.id, a.id, 20);
    store.create_token(&mine, &fx.meta(20)).await?;
    store.create_token(&theirs, &fx.meta(20)).await?;
    let mut watch = Watch::new(&store, &mine, &theirs).await?;

    store.touch_token(mine.id, at(30)).await?;
    watch.after("last used", false, false).await?;

    let mut u = store.get_user(owner.id).await?;
    u.display_name = "Renamed".into();
    store.update_user(&u, "user.update", &fx.meta(31)).await?;
    watch.after("display name", false, false).await?;
    u.disabled = true;
    store.update_user(&u, "user.disable", &fx.meta(32)).await?;
    watch.after("owner disabled", true, false).await?;
    u.disabled = false;
    store.update_user(&u, "user.enable", &fx.meta(33)).await?;
    watch.after("owner enabled", true, false).await?;

    let extra = grant(owner.id, Role::OrgMember, a.id, 40);
    store.add_grant(&extra, &fx.meta(40)).await?;
    watch.after("grant added", true, false).await?;
    store.revoke_grant(extra.id, &fx.meta(41)).await?;
    watch.after("grant revoked", true, false).await?;

    let mut renamed = region.clone();
    renamed.name = "Renamed region".into();
    fx.save_orgs(vec![renamed]).await?;
    watch.after("organisation renamed", false, false).await?;
    let mut moved = icb.clone();
    moved.parent = Some(other_region.id);
    fx.save_orgs(vec![moved]).await?;
    watch.after("ICB moved to another region", true, true).await?;

    store.revoke_token(mine.id, at(50), &fx.meta(50)).await?;
    watch.after("token revoked", true, false).await?;
    Ok(())
}
