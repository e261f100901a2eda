//! Bar charts drawn by the server as SVG (no script), for the organisation pages: one horizontal
//! bar per row scaled to the largest, an optional marked part of each bar (known-exploited), an
//! optional link per bar. Each chart has a title and a description for screen readers, and its
//! numbers are also in a table beneath it (`chart.html`). The drawing scales to the width it is
//! given (a 390 px phone included): each label sits above its bar, so long names never squeeze
//! the bars.

use ward_app::exposure::pictures::OrgPictures;
use ward_app::risks::heat::HeatCounts;
use ward_core::risk::{Consequence, Likelihood, RiskGrade};

use super::views::thousands;

/// The drawing's width in SVG units.
const WIDTH: u32 = 400;
/// The longest bar (room is left for the number after it).
const BAR_MAX: u32 = 320;
const BAR_H: u32 = 14;
/// One row: a label line, then the bar.
const ROW_H: u32 = 40;
const LEGEND_H: u32 = 26;
/// Longest label drawn (the table has the whole name).
const LABEL_CHARS: usize = 52;

/// One bar as drawn, and its row in the table.
#[derive(Debug, Clone)]
pub(crate) struct ChartBar {
    /// As drawn (shortened when long).
    pub(crate) label: String,
    /// In the table.
    pub(crate) full_label: String,
    pub(crate) href: Option<String>,
    pub(crate) value: String,
    /// The marked part's number, when the chart marks part of each bar.
    pub(crate) marked: Option<String>,
    pub(crate) label_y: u32,
    pub(crate) bar_y: u32,
    pub(crate) width: u32,
    pub(crate) marked_width: u32,
    pub(crate) value_x: u32,
    pub(crate) value_y: u32,
}

/// One chart.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// Unique on the page; the heading, title and description ids derive from it.
    pub(crate) id: &'static str,
    pub(crate) heading: &'static str,
    /// Says what the bars are (also the SVG title).
    pub(crate) title: String,
    /// Every figure in words (the SVG description).
    pub(crate) desc: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// The table's first column heading ("Severity").
    pub(crate) first: &'static str,
    /// The table's number heading ("Open exposures").
    pub(crate) counted: &'static str,
    /// What the marked part of a bar is ("Known to be exploited"), when bars have one.
    pub(crate) marked_legend: Option<&'static str>,
    pub(crate) legend_y: u32,
    pub(crate) bars: Vec<ChartBar>,
    /// What is left out ("12 other organisations with 40 between them").
    pub(crate) note: Option<String>,
    /// Shown instead when there is nothing to draw.
    pub(crate) empty: &'static str,
}

/// A row to draw: label, link, number and marked part.
pub(crate) struct Row {
    pub(crate) label: String,
    pub(crate) href: Option<String>,
    pub(crate) value: u64,
    pub(crate) marked: Option<u64>,
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= LABEL_CHARS {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Bar `value` of the largest `max`, in SVG units (a non-zero value always shows).
fn scale(value: u64, max: u64) -> u32 {
    if value == 0 || max == 0 {
        return 0;
    }
    let w = (value.saturating_mul(u64::from(BAR_MAX))).div_ceil(max);
    u32::try_from(w).unwrap_or(BAR_MAX).clamp(2, BAR_MAX)
}

/// The headings, labels and words of one chart, before layout.
pub(crate) struct Spec {
    pub(crate) id: &'static str,
    pub(crate) heading: &'static str,
    pub(crate) title: String,
    pub(crate) first: &'static str,
    pub(crate) counted: &'static str,
    pub(crate) marked_legend: Option<&'static str>,
    pub(crate) note: Option<String>,
    pub(crate) empty: &'static str,
}

/// Lay out `rows` (in the order given). A chart whose rows are all zero draws nothing.
pub(crate) fn bar_chart(spec: Spec, rows: Vec<Row>) -> Chart {
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0);
    let legend = spec.marked_legend.is_some() && max > 0;
    let top = if legend { LEGEND_H } else { 0 };
    let bars: Vec<ChartBar> = if max == 0 {
        Vec::new()
    } else {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let y = top + ROW_H * i as u32;
                let width = scale(r.value, max);
                ChartBar {
                    label: shorten(&r.label),
                    full_label: r.label.clone(),
                    href: r.href.clone(),
                    value: thousands(r.value),
                    marked: r.marked.map(thousands),
                    label_y: y + 14,
                    bar_y: y + 20,
                    width,
                    marked_width: r.marked.map_or(0, |m| scale(m.min(r.value), max).min(width)),
                    value_x: width + 6,
                    value_y: y + 20 + BAR_H - 2,
                }
            })
            .collect()
    };
    let words: Vec<String> = rows
        .iter()
        .map(|r| match (r.marked, spec.marked_legend) {
            (Some(m), Some(what)) if m > 0 => format!(
                "{}: {} ({} {})",
                r.label,
                thousands(r.value),
                thousands(m),
                what.to_lowercase()
            ),
            _ => format!("{}: {}", r.label, thousands(r.value)),
        })
        .collect();
    let mut desc = words.join("; ");
    if let Some(n) = &spec.note {
        desc.push_str("; and ");
        desc.push_str(n);
    }
    desc.push('.');
    Chart {
        id: spec.id,
        heading: spec.heading,
        title: spec.title,
        desc,
        width: WIDTH,
        height: top + ROW_H * bars.len() as u32 + 4,
        first: spec.first,
        counted: spec.counted,
        marked_legend: spec.marked_legend.filter(|_| legend),
        legend_y: 4,
        bars,
        note: spec.note,
        empty: spec.empty,
    }
}

/// The organisation page's three pictures, from the figures the application counted.
pub(crate) fn org_charts(p: &OrgPictures, org_name: &str, org_code: &str) -> Vec<Chart> {
    let code = super::views::encode(org_code);
    let mut charts = vec![bar_chart(
        Spec {
            id: "chart-severity",
            heading: "Exposure by severity",
            title: format!("Open exposures at {org_name} by CVSS severity band"),
            first: "Severity",
            counted: "Open exposures",
            marked_legend: Some("Known to be exploited"),
            note: None,
            empty: "Nothing needs security action here.",
        },
        p.by_severity
            .iter()
            .map(|s| Row {
                label: s.band.label().to_owned(),
                href: Some(format!("/exposures?org={code}&severity={}", s.band.as_str())),
                value: s.open,
                marked: Some(s.kev),
            })
            .collect(),
    )];
    if let Some(c) = &p.compared {
        let note = (c.rest_orgs > 0).then(|| {
            format!(
                "{} other organisation{} with {} between them",
                thousands(c.rest_orgs),
                if c.rest_orgs == 1 { "" } else { "s" },
                thousands(c.rest_critical_high)
            )
        });
        charts.push(bar_chart(
            Spec {
                id: "chart-compared",
                heading: "Organisations compared",
                title: format!("Open critical and high exposures of the organisations beneath {org_name}"),
                first: "Organisation",
                counted: "Critical and high",
                marked_legend: Some("Known to be exploited"),
                note,
                empty: "No organisation beneath has critical or high exposure open.",
            },
            c.shown
                .iter()
                .map(|o| Row {
                    label: format!("{} ({})", o.org.name, o.org.code),
                    href: Some(format!("/orgs/{}", o.org.id)),
                    value: o.critical_high,
                    marked: Some(o.kev),
                })
                .collect(),
        ));
    }
    let (rest_products, rest_assets) = p.unsupported_rest;
    let note = (rest_products > 0).then(|| {
        format!(
            "{} other product{} on {} asset{}",
            thousands(rest_products),
            if rest_products == 1 { "" } else { "s" },
            thousands(rest_assets),
            if rest_assets == 1 { "" } else { "s" }
        )
    });
    charts.push(bar_chart(
        Spec {
            id: "chart-unsupported",
            heading: "Unsupported software by product",
            title: format!("Assets at {org_name} running unsupported releases, by product"),
            first: "Product",
            counted: "Assets",
            marked_legend: None,
            note,
            empty: "No asset here runs software past its end of security support.",
        },
        p.unsupported
            .iter()
            .map(|u| Row {
                label: u.product.clone(),
                href: None,
                value: u.assets,
                marked: None,
            })
            .collect(),
    ));
    charts
}

/// One cell of the 5x5 heat map, in the drawing's units (400 by 270, y down): the page's SVG and
/// the board pack's PDF both draw these.
#[derive(Debug, Clone)]
pub(crate) struct HeatCell {
    pub x: u32,
    pub y: u32,
    pub count: u32,
    pub grade: RiskGrade,
    pub label: String,
}

/// A heat map cell's size in the drawing's units.
pub(crate) const HEAT_CELL_W: u32 = 62;
pub(crate) const HEAT_CELL_H: u32 = 42;

/// The heat map of current scores: likelihood across, consequence (worst domain) up.
pub(crate) fn heat_map(counts: &HeatCounts) -> Vec<HeatCell> {
    let mut cells = Vec::new();
    for c in 1..=5u8 {
        for l in 1..=5u8 {
            let (score, grade) = ward_core::risk::score(
                Consequence::new(c).unwrap_or(Consequence::NEGLIGIBLE),
                Likelihood::new(l).unwrap_or(Likelihood::RARE),
            );
            let count = counts[usize::from(c) - 1][usize::from(l) - 1];
            cells.push(HeatCell {
                x: 60 + u32::from(l - 1) * 64,
                y: 10 + u32::from(5 - c) * 44,
                count,
                grade,
                label: format!("{count} risk(s), consequence {c} by likelihood {l}, score {score}"),
            });
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, value: u64, marked: Option<u64>) -> Row {
        Row {
            label: label.to_owned(),
            href: None,
            value,
            marked,
        }
    }

    fn spec() -> Spec {
        Spec {
            id: "c",
            heading: "h",
            title: "t".into(),
            first: "f",
            counted: "n",
            marked_legend: Some("Known to be exploited"),
            note: Some("2 others".into()),
            empty: "nothing",
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_say_every_figure() {
        let c = bar_chart(
            spec(),
            vec![
                row("Critical", 1200, Some(300)),
                row("High", 600, Some(0)),
                row("Low", 0, None),
            ],
        );
        let widths: Vec<(u32, u32)> = c.bars.iter().map(|b| (b.width, b.marked_width)).collect();
        assert_eq!(widths, vec![(BAR_MAX, 80), (160, 0), (0, 0)]);
        assert_eq!(
            c.desc,
            "Critical: 1,200 (300 known to be exploited); High: 600; Low: 0; and 2 others."
        );
        assert_eq!(c.height, LEGEND_H + 3 * ROW_H + 4);
        assert!(c.bars.iter().all(|b| b.value_x + 40 <= WIDTH), "numbers fit");
    }

    #[test]
    fn a_tiny_share_still_shows_and_nothing_draws_nothing() {
        let c = bar_chart(spec(), vec![row("a", 100_000, None), row("b", 1, None)]);
        assert_eq!(c.bars[1].width, 2);
        let none = bar_chart(spec(), vec![row("a", 0, Some(0))]);
        assert!(none.bars.is_empty() && none.marked_legend.is_none());
        let long = "x".repeat(80);
        let c = bar_chart(spec(), vec![row(&long, 3, None)]);
        assert_eq!(c.bars[0].label.chars().count(), LABEL_CHARS);
        assert_eq!(c.bars[0].full_label, long);
    }
}

/// One part of a progress bar: what it counts, how many, and where it is drawn (in percent of
/// the bar, which is drawn 100 units wide and stretched to fit).
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) label: &'static str,
    /// A class of the stylesheet's progress colours (`seg-done`, ...).
    pub(crate) class: &'static str,
    pub(crate) count: u64,
    pub(crate) x: u32,
    pub(crate) width: u32,
}

/// A bar of `total` split into `parts` (label, class, count), left to right; the rest of the bar
/// is the track. Parts that add up past the total are cut at its end.
pub(crate) fn progress_bar(total: u64, parts: &[(&'static str, &'static str, u64)]) -> Vec<Segment> {
    let mut x = 0u32;
    let mut used = 0u64;
    let mut out = Vec::with_capacity(parts.len());
    for &(label, class, count) in parts {
        let count = count.min(total.saturating_sub(used));
        used += count;
        let end = used
            .saturating_mul(100)
            .checked_div(total)
            .map_or(0, |e| u32::try_from(e).unwrap_or(100));
        out.push(Segment {
            label,
            class,
            count,
            x,
            width: end.saturating_sub(x),
        });
        x = end;
    }
    out
}

#[cfg(test)]
mod progress_tests {
    use super::*;

    #[test]
    fn segments_follow_each_other_and_stop_at_the_total() {
        let s = progress_bar(4, &[("a", "seg-a", 1), ("b", "seg-b", 2), ("c", "seg-c", 5)]);
        assert_eq!((s[0].x, s[0].width), (0, 25));
        assert_eq!((s[1].x, s[1].width), (25, 50));
        assert_eq!((s[2].x, s[2].width, s[2].count), (75, 25, 1));
        assert!(progress_bar(0, &[("a", "seg-a", 3)]).iter().all(|s| s.width == 0));
    }
}
