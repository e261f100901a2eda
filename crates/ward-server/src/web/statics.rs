//! Static assets compiled into the binary and served from `/static/...` with long cache lifetimes.
//! Pages link to them with a content hash in the query string, so a new build is fetched at once.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

const CSS: &str = include_str!("../../static/ward.css");
const ICON: &str = include_str!("../../static/favicon.svg");
const SIMULATION_JS: &str = include_str!("../../static/simulation.js");

/// A file we serve: its bytes and content type.
struct Asset {
    body: &'static str,
    content_type: &'static str,
}

fn find(name: &str) -> Option<Asset> {
    match name {
        "ward.css" => Some(Asset {
            body: CSS,
            content_type: "text/css; charset=utf-8",
        }),
        "favicon.svg" => Some(Asset {
            body: ICON,
            content_type: "image/svg+xml",
        }),
        "simulation.js" => Some(Asset {
            body: SIMULATION_JS,
            content_type: "text/javascript; charset=utf-8",
        }),
        _ => None,
    }
}

/// 64-bit FNV-1a, enough to tell one build's file from another's.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

static CSS_HREF: LazyLock<String> =
    LazyLock::new(|| format!("/static/ward.css?v={}", fingerprint(CSS.as_bytes())));
static ICON_HREF: LazyLock<String> =
    LazyLock::new(|| format!("/static/favicon.svg?v={}", fingerprint(ICON.as_bytes())));

static SIMULATION_JS_HREF: LazyLock<String> = LazyLock::new(|| {
    format!(
        "/static/simulation.js?v={}",
        fingerprint(SIMULATION_JS.as_bytes())
    )
});

/// The dry-run page's progress script's address, with its fingerprint.
pub(super) fn simulation_js_href() -> &'static str {
    SIMULATION_JS_HREF.as_str()
}

/// The stylesheet's address, with its fingerprint.
pub(super) fn css_href() -> &'static str {
    CSS_HREF.as_str()
}

/// The icon's address, with its fingerprint.
pub(super) fn icon_href() -> &'static str {
    ICON_HREF.as_str()
}

/// `GET /static/{file}`.
pub(super) async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = find(&file) else {
        return super::not_found_page();
    };
    let mut res = asset.body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_differ_by_content() {
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
        assert_eq!(fingerprint(CSS.as_bytes()).len(), 16);
        assert!(css_href().starts_with("/static/ward.css?v="));
    }
}
