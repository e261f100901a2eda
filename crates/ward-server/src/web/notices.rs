//! `/notices`: the signed-in person's own notices (mark one or all read) and
//! `/notices/preferences`: how they are told of each topic. The same use cases as the API.

use super::views::{Chrome, Section};
use super::{PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use std::collections::BTreeMap;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::notices::PreferencesChange;
use ward_core::NoticeId;
use ward_core::notice::{Channel, NoticeTopic};

struct NoticeLine {
    id: String,
    title: String,
    body: String,
    link: String,
    topic: &'static str,
    when: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    chrome: Option<Chrome>,
    title: String,
    unread: u64,
    rows: Vec<NoticeLine>,
}

struct ChannelOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

struct TopicLine {
    name: &'static str,
    label: &'static str,
    options: Vec<ChannelOption>,
}

#[derive(Template)]
#[template(path = "notice_preferences.html")]
struct PreferencesPage {
    chrome: Option<Chrome>,
    title: String,
    topics: Vec<TopicLine>,
    saved: bool,
}

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%e %b %Y %H:%M UTC").to_string().trim().to_owned()
}

/// `GET /notices`.
pub(super) async fn notices(State(s): State<AppState>, page: Signed) -> PageResult {
    let fail = page.fail();
    let list = s.app.notices(&page.actor).await.map_err(&fail)?;
    let view = NoticesPage {
        chrome: chrome_at(&page, Section::Notices),
        title: "Notices".into(),
        unread: list.unread,
        rows: list
            .notices
            .into_iter()
            .map(|n| NoticeLine {
                id: n.id.to_string(),
                title: n.title,
                body: n.body,
                link: n.link,
                topic: n.topic.label(),
                when: when(n.created_at),
                unread: n.read_at.is_none(),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /notices/{id}/read`.
pub(super) async fn read(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id: NoticeId = id
        .parse()
        .map_err(|_| AppError::NotFound("notice".into()))
        .map_err(&fail)?;
    s.app.mark_notice_read(&page.actor, id).await.map_err(&fail)?;
    Ok(Redirect::to("/notices").into_response())
}

/// `POST /notices/read-all`.
pub(super) async fn read_all(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    s.app
        .mark_all_notices_read(&page.actor)
        .await
        .map_err(page.fail())?;
    Ok(Redirect::to("/notices").into_response())
}

fn preferences_page(page: &Signed, prefs: &ward_core::notice::Preferences, saved: bool) -> PreferencesPage {
    PreferencesPage {
        chrome: chrome_at(page, Section::Notices),
        title: "How you are told".into(),
        topics: NoticeTopic::iter()
            .map(|t| TopicLine {
                name: t.as_str(),
                label: t.label(),
                options: Channel::iter()
                    .map(|c| ChannelOption {
                        value: c.as_str(),
                        label: c.label(),
                        selected: prefs.channel(t) == c,
                    })
                    .collect(),
            })
            .collect(),
        saved,
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /notices/preferences`.
pub(super) async fn preferences(
    State(s): State<AppState>,
    page: Signed,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let prefs = s.app.notice_preferences(&page.actor).await.map_err(page.fail())?;
    let view = preferences_page(&page, &prefs, q.saved.is_some());
    Ok(render(StatusCode::OK, &view))
}

/// `POST /notices/preferences`: one field per topic, named by the topic, valued by the channel.
pub(super) async fn save_preferences(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<BTreeMap<String, String>>,
) -> PageResult {
    page.check_csrf(&s, form.get("csrf").map_or("", String::as_str))?;
    let fail = page.fail();
    let mut change = PreferencesChange::default();
    for topic in NoticeTopic::iter() {
        let Some(value) = form.get(topic.as_str()) else {
            continue;
        };
        let channel: Channel = value
            .parse()
            .map_err(|_| AppError::invalid(topic.as_str(), "is not a way Ward tells people"))
            .map_err(&fail)?;
        change.channels.insert(topic, channel);
    }
    s.app
        .set_notice_preferences(&page.actor, change)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to("/notices/preferences?saved=1").into_response())
}
