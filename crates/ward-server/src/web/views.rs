//! Small view models and formatting shared by the page templates: the page chrome (header, switcher,
//! footer), pagination, plain-language labels and number formatting.

use ward_core::org::Organisation;
use ward_core::role::RoleGrant;
use ward_store::Page;

/// Which top-level section a page belongs to (highlighted in the navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Section {
    Overview,
    Orgs,
    Services,
    Assets,
    Exposure,
    Advisories,
    Risks,
    Incidents,
    Exercises,
    Deployments,
    People,
    Suppliers,
    Products,
    Assurance,
    Alerts,
    Import,
    Admin,
    Notices,
    TechAssessments,
    #[strum(serialize = "")]
    None,
}

impl Section {
    /// The name the templates ask for (`orgs`); empty for no section.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// One entry in the organisation switcher.
#[derive(Debug, Clone)]
pub struct RoleOption {
    /// The grant id, sent back by the switcher form.
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Everything the shared layout needs about the signed-in person.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user_name: String,
    pub role_label: &'static str,
    pub org_name: String,
    pub org_id: String,
    /// The session's CSRF token, put in a hidden field on every form that changes something.
    pub csrf: String,
    /// The roles the person may act under; the switcher is shown when there is more than one.
    pub roles: Vec<RoleOption>,
    pub section: Section,
    pub can_read_inventory: bool,
    /// May see exposures and advisories (set by the extractor after `new`).
    pub can_read_exposure: bool,
    /// May see cyber alerts (set by the extractor after `new`).
    pub can_read_alerts: bool,
    /// May see risk registers (set by the extractor after `new`).
    pub can_read_risks: bool,
    /// May see incidents (set by the extractor after `new`).
    pub can_read_incidents: bool,
    /// May see exercises (set by the extractor after `new`).
    pub can_read_exercises: bool,
    /// May see training figures and board accountability (set by the extractor after `new`).
    pub can_read_people: bool,
    pub can_read_deployments: bool,
    /// May dry-run scenarios (national and regional roles; set by the extractor after `new`).
    pub can_run_simulations: bool,
    pub can_import: bool,
    /// May see assessments (set by the extractor after `new`).
    pub can_read_assessments: bool,
    /// May open an administration page: people, tokens or the audit trail.
    pub can_administer: bool,
    /// When the acting role stops working (incident responders), already formatted.
    pub role_expires: Option<String>,
    /// How many of the person's notices are unread (set by the extractor after `new`).
    pub unread_notices: u64,
    /// May see technology assessment requests (set by the extractor after `new`).
    pub can_read_tech_assessments: bool,
}

impl Chrome {
    /// Build from the person's active grants and the organisations they are for.
    pub fn new(
        user_name: &str,
        csrf: &str,
        acting: &RoleGrant,
        roles: &[(RoleGrant, Organisation)],
        can_read_inventory: bool,
        can_import: bool,
    ) -> Self {
        let org_name = roles
            .iter()
            .find(|(g, _)| g.id == acting.id)
            .map_or_else(|| "your organisation".to_owned(), |(_, o)| o.name.clone());
        Self {
            user_name: user_name.to_owned(),
            role_label: acting.role.label(),
            org_name,
            org_id: acting.org.to_string(),
            csrf: csrf.to_owned(),
            roles: roles
                .iter()
                .map(|(g, o)| RoleOption {
                    value: g.id.to_string(),
                    label: format!("{} – {}", g.role.label(), o.name),
                    selected: g.id == acting.id,
                })
                .collect(),
            section: Section::None,
            can_read_inventory,
            can_read_exposure: false,
            can_read_assessments: false,
            can_administer: false,
            can_read_alerts: false,
            can_read_risks: false,
            can_read_incidents: false,
            can_read_exercises: false,
            can_read_people: false,
            can_read_tech_assessments: false,
            can_read_deployments: false,
            can_run_simulations: false,
            can_import,
            role_expires: acting
                .expires_at
                .map(|e| e.strftime("%e %B %Y at %H:%M UTC").to_string()),
            unread_notices: 0,
        }
    }

    /// The same chrome with `section` highlighted.
    pub fn at(mut self, section: Section) -> Self {
        self.section = section;
        self
    }

    /// Whether the navigation link `name` (`overview`, `orgs`, `services`, `assets`, `import`) is
    /// the current section.
    pub fn here(&self, name: &str) -> bool {
        self.section.name() == name
    }

    pub fn has_switcher(&self) -> bool {
        self.roles.len() > 1
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Percent-encode a query-string value (everything but unreserved characters).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string from pairs, leaving out empty values: `?q=lims&kind=server`.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Where a list page is, with links to the neighbouring pages.
#[derive(Debug, Clone)]
pub struct Pager {
    /// "Showing 1–50 of 1,234" or "Nothing matches".
    pub summary: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `path` and `filters` rebuild the current search; offset and limit are added per link.
    pub fn new<T>(page: &Page<T>, path: &str, filters: &[(&str, &str)]) -> Self {
        let shown = page.items.len() as u64;
        // A total the store stopped counting at reads "10,000+".
        let total = if page.total_is_lower_bound {
            format!("{}+", thousands(page.total))
        } else {
            thousands(page.total)
        };
        let summary = if page.total == 0 {
            "Nothing matches".to_owned()
        } else if shown == 0 {
            format!("No more results (there are {total} in all)")
        } else {
            format!(
                "Showing {}–{} of {total}",
                thousands(page.offset + 1),
                thousands(page.offset + shown),
            )
        };
        let limit = u64::from(page.limit.max(1));
        let link = |offset: u64| {
            let offset = offset.to_string();
            let limit = limit.to_string();
            let mut pairs: Vec<(&str, &str)> = filters.to_vec();
            if offset != "0" {
                pairs.push(("offset", &offset));
            }
            if limit != "50" {
                pairs.push(("limit", &limit));
            }
            format!("{path}{}", query_string(&pairs))
        };
        let prev = (page.offset > 0).then(|| link(page.offset.saturating_sub(limit)));
        let more = page.offset + shown < page.total || (page.total_is_lower_bound && shown == limit);
        let next = (more && shown > 0).then(|| link(page.offset + limit));
        Self { summary, prev, next }
    }
}

/// A row in a small bar chart: label, count, and bar width in the chart's units (0 to 100).
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub count: String,
    pub width: u64,
}

/// Bars for counts keyed by label, scaled to the largest.
pub fn bars(counts: impl IntoIterator<Item = (String, u64)>) -> Vec<Bar> {
    let rows: Vec<(String, u64)> = counts.into_iter().collect();
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    rows.into_iter()
        .map(|(label, n)| Bar {
            label,
            count: thousands(n),
            width: (n * 100).div_ceil(max),
        })
        .collect()
}

/// An organisation as a table row or link.
#[derive(Debug, Clone)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub status: String,
}

impl From<&Organisation> for OrgRow {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            code: o.code.to_string(),
            kind: o.kind.label(),
            status: o.closed.map_or_else(
                || "Open".to_owned(),
                |d| format!("Closed {}", d.strftime("%e %b %Y")),
            ),
        }
    }
}

/// A filter option in a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// Options for `items`, with an "any" option first and `current` selected.
    pub fn list<'a>(
        any: &str,
        current: &str,
        items: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<Self> {
        let mut out = vec![Self {
            value: String::new(),
            label: any.to_owned(),
            selected: current.is_empty(),
        }];
        out.extend(items.into_iter().map(|(v, l)| Self {
            value: v.to_owned(),
            label: l.to_owned(),
            selected: v == current,
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn query_strings_skip_empty_values_and_encode() {
        assert_eq!(query_string(&[("q", ""), ("kind", "")]), "");
        assert_eq!(
            query_string(&[("q", "a b&c"), ("kind", "server")]),
            "?q=a%20b%26c&kind=server"
        );
    }

    fn page(offset: u64, shown: usize, total: u64) -> Page<u8> {
        Page {
            items: vec![0; shown],
            total,
            total_is_lower_bound: false,
            offset,
            limit: 50,
        }
    }

    #[test]
    fn a_lower_bound_total_reads_as_at_least() {
        let mut p = page(0, 50, 10_000);
        p.total_is_lower_bound = true;
        let pager = Pager::new(&p, "/assets", &[("q", "x")]);
        assert_eq!(pager.summary, "Showing 1–50 of 10,000+");
        assert_eq!(pager.next.as_deref(), Some("/assets?q=x&offset=50"));
        // On the page that reaches the counted total there may still be more.
        let mut last = page(9_950, 50, 10_000);
        last.total_is_lower_bound = true;
        assert!(Pager::new(&last, "/assets", &[]).next.is_some());
        assert!(
            Pager::new(&page(9_950, 50, 10_000), "/assets", &[])
                .next
                .is_none()
        );
    }

    #[test]
    fn pager_links_and_summary() {
        let p = Pager::new(&page(0, 50, 1234), "/assets", &[("q", "x")]);
        assert_eq!(p.summary, "Showing 1–50 of 1,234");
        assert_eq!(p.prev, None);
        assert_eq!(p.next.as_deref(), Some("/assets?q=x&offset=50"));
        let p = Pager::new(&page(1200, 34, 1234), "/assets", &[]);
        assert_eq!(p.summary, "Showing 1,201–1,234 of 1,234");
        assert_eq!(p.prev.as_deref(), Some("/assets?offset=1150"));
        assert_eq!(p.next, None);
        let p = Pager::new(&page(0, 0, 0), "/assets", &[]);
        assert_eq!(p.summary, "Nothing matches");
        assert!(p.prev.is_none() && p.next.is_none());
    }

    #[test]
    fn bars_scale_to_the_largest() {
        let b = bars([("a".to_owned(), 10), ("b".to_owned(), 5), ("c".to_owned(), 0)]);
        assert_eq!(b.iter().map(|x| x.width).collect::<Vec<_>>(), vec![100, 50, 0]);
    }
}
