//! An exposure as people read it: one table row with the reasons it ranks where it does, the
//! organisation (and the one it is part of), the fix to move to, and the timescale to act in.

use ward_app::exposure::timescales::Timescale;
use ward_app::exposure::{ExposureView, FactorKind, VexOrigin};

/// An exposure as a table row.
#[derive(Debug, Clone)]
pub(crate) struct ExposureRow {
    pub priority: String,
    pub level: &'static str,
    pub advisory: String,
    pub cve: String,
    pub summary: String,
    pub asset: String,
    pub asset_name: String,
    pub org_name: String,
    /// The organisation it is part of (its ICB or region), when the person can see it.
    pub part_of: String,
    /// The software as people name it; the identifiers stay in `purl` and `cpe`.
    pub software_name: String,
    pub purl: String,
    pub cpe: String,
    /// "Upgrade to 2.15.0 or later", when the advisory names a fixed version above the installed one.
    pub advice: String,
    /// When to act ("Remediate by 21 Dec 2026 (alert: Log4Shell)"), once timescales are known.
    pub timescale: String,
    /// Which of the alert's clocks have run out ("Acknowledgement, Remediation"); empty when none.
    pub overdue: String,
    pub status: &'static str,
    pub open: bool,
    /// Short reasons: "Known exploited (due 24 Dec 2021)", "Reachable from the internet", ...
    pub reasons: Vec<String>,
    pub statement: Option<String>,
}

pub(crate) fn level(score: f64) -> &'static str {
    match score {
        s if s >= 70.0 => "5",
        s if s >= 50.0 => "4",
        s if s >= 30.0 => "3",
        s if s >= 15.0 => "2",
        _ => "1",
    }
}

impl From<&ExposureView> for ExposureRow {
    fn from(e: &ExposureView) -> Self {
        let mut reasons = Vec::new();
        if let Some(due) = e.kev_due {
            // CISA's date binds US federal agencies, not the NHS: shown as a fact, not a deadline.
            reasons.push(format!(
                "Known to be exploited (in CISA's catalogue; its US federal deadline was {})",
                due.strftime("%-d %b %Y")
            ));
        } else if e
            .factors
            .iter()
            .any(|f| f.name == FactorKind::Kev && f.value > 0.0)
        {
            reasons.push("Known to be exploited".to_owned());
        }
        if e.factors
            .iter()
            .any(|f| f.name == FactorKind::Ransomware && f.value > 0.0)
        {
            reasons.push("Used by ransomware".to_owned());
        }
        if e.internet_facing {
            reasons.push("Reachable from the internet".to_owned());
        }
        if let Some(i) = &e.impact {
            // Name the path that carries the harm: the service using the asset, and the services
            // depending on it up to the one that would do the harm.
            let through = if i.path.len() > 1 {
                format!(" (this asset supports {})", i.path.join(", which supports "))
            } else {
                String::new()
            };
            reasons.push(format!(
                "{} harm ({}) if {} stops{through}",
                i.consequence_label, i.consequence, i.service_name
            ));
        }
        if let Some(u) = &e.unsupported {
            reasons.push(match u.eol {
                Some(d) => format!("Unsupported since {}", d.strftime("%-d %b %Y")),
                None => "Unsupported".to_owned(),
            });
        }
        if let Some(f) = e
            .factors
            .iter()
            .find(|f| f.name == FactorKind::Epss && f.value >= 0.1)
        {
            reasons.push(format!(
                "{:.0}% chance of exploitation within 30 days (EPSS)",
                f.value * 100.0
            ));
        }
        Self {
            priority: format!("{:.0}", e.priority),
            level: level(e.priority),
            cve: e
                .aliases
                .iter()
                .find(|a| a.starts_with("CVE-"))
                .cloned()
                .unwrap_or_default(),
            advisory: e.advisory.clone(),
            summary: e.summary.clone().unwrap_or_default(),
            asset: e.asset.to_string(),
            asset_name: e.asset_name.clone(),
            org_name: e.org.name.clone(),
            part_of: e.part_of.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            software_name: e.software_name.clone(),
            purl: e.purl.clone().unwrap_or_default(),
            cpe: e.cpe.clone().unwrap_or_default(),
            advice: e
                .upgrade_to
                .as_ref()
                .map(|v| format!("Upgrade to {v} or later"))
                .unwrap_or_default(),
            timescale: String::new(),
            overdue: String::new(),
            status: e.status.label(),
            open: e.status.needs_action(),
            reasons,
            statement: e.statement.as_ref().map(|s| {
                let name = s.org_name.as_deref().unwrap_or("an organisation");
                let who = match s.origin {
                    VexOrigin::Supplier => format!("Supplier statement by {name}"),
                    VexOrigin::Organisation => format!("Statement by {name}"),
                    VexOrigin::Csaf | VexOrigin::CycloneDx => format!("Published statement ({})", s.source),
                };
                match (&s.justification, &s.detail) {
                    (Some(j), Some(d)) => format!("{who}: {} – {d}", j.label()),
                    (Some(j), None) => format!("{who}: {}", j.label()),
                    (None, Some(d)) => format!("{who}: {d}"),
                    (None, None) => format!("{who} says {}", s.status.label().to_lowercase()),
                }
            }),
        }
    }
}

fn day(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y").to_string()
}

impl ExposureRow {
    /// Adds the NHS timescale: the alert's clocks for the organisation, or Ward's default.
    pub(crate) fn with_timescale(mut self, t: &Timescale) -> Self {
        match t {
            Timescale::Alert(a) if a.closed => {
                self.timescale = format!("Alert \u{201c}{}\u{201d} closed by the organisation", a.title);
            }
            Timescale::Alert(a) => {
                self.timescale = format!(
                    "Acknowledge by {}, first update by {}, remediate by {} (alert \u{201c}{}\u{201d}, {})",
                    day(a.acknowledge_by),
                    day(a.first_update_by),
                    day(a.remediate_by),
                    a.title,
                    a.severity.label().to_lowercase()
                );
                self.overdue = a.overdue.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ");
            }
            Timescale::Default {
                severity,
                remediate_days,
                first_seen,
                remediate_by,
                overdue,
            } => {
                let severity = severity.label().to_lowercase();
                self.timescale = match (first_seen, remediate_by) {
                    (Some(seen), Some(by)) => format!(
                        "No alert yet: remediate by {} ({remediate_days} days from when Ward first saw it here, {}; Ward\u{2019}s allowance for a {severity} vulnerability)",
                        day(*by),
                        day(*seen)
                    ),
                    _ => format!(
                        "No alert yet: remediate within {remediate_days} days, Ward\u{2019}s allowance for a {severity} vulnerability"
                    ),
                };
                if *overdue {
                    self.overdue = ward_core::alert::Clock::Remediate.label().to_owned();
                }
            }
        }
        self
    }
}

/// One line of the priority legend: what raises the score and by up to how many points.
pub(crate) struct LegendLine {
    pub what: &'static str,
    pub points: String,
}

/// The priority legend for the weights in force (the score is their sum, 0 to 100 by default).
pub(crate) fn legend(weights: &ward_app::exposure::PriorityWeights) -> Vec<LegendLine> {
    use strum::IntoEnumIterator;
    FactorKind::iter()
        .map(|k| LegendLine {
            what: k.legend(),
            points: format!("{:.0}", weights.of(k)),
        })
        .collect()
}
