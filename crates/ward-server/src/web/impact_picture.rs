//! The picture of a blast radius: the affected part of the dependency graph as an SVG drawn by
//! the server (no script).
//!
//! Services are grouped by their distance from the loss, their name and what happens to them
//! ("Pathology, stopped, 2 organisations"), so a supplier used by a thousand practices is one box
//! rather than a thousand. Columns run from the loss (left) to the furthest service (right); each
//! column keeps its busiest groups and folds the rest into one "other services" box. An arrow
//! joins two boxes when a service in the right one depends on something in the left one.

use std::collections::{BTreeMap, BTreeSet};

use ward_app::impact::Effect;
use ward_app::impact::ImpactView;

use super::views::thousands;

/// Columns drawn at most (deeper services join the last).
const MAX_COLUMNS: usize = 5;
/// Boxes per column at most (the rest fold into one).
const MAX_ROWS: usize = 7;
const BOX_W: u32 = 250;
const BOX_H: u32 = 46;
const GAP_X: u32 = 70;
const GAP_Y: u32 = 14;
const PAD: u32 = 8;

/// One box.
#[derive(Debug, Clone)]
pub(crate) struct PictureNode {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) w: u32,
    pub(crate) h: u32,
    /// `impact-lost`, `impact-stopped` or `impact-degraded`.
    pub(crate) class: &'static str,
    pub(crate) title: String,
    pub(crate) detail: String,
    /// The text's baseline positions.
    pub(crate) tx: u32,
    pub(crate) ty1: u32,
    pub(crate) ty2: u32,
}

/// One arrow, as an SVG path.
#[derive(Debug, Clone)]
pub(crate) struct PictureEdge {
    pub(crate) d: String,
}

/// The whole picture.
#[derive(Debug, Clone, Default)]
pub(crate) struct Picture {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) nodes: Vec<PictureNode>,
    pub(crate) edges: Vec<PictureEdge>,
    /// A sentence describing it for screen readers.
    pub(crate) summary: String,
}

/// A group of affected services (or a lost thing) at one column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    column: usize,
    /// 0 a lost product or asset, 1 stopped, 2 degraded (in that order down a column).
    state: u8,
    name: String,
}

#[derive(Debug, Default)]
struct Group {
    orgs: BTreeSet<String>,
    throughput: u64,
    services: u64,
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Lay out the picture of `view` (empty when nothing is affected).
pub(crate) fn picture(view: &ImpactView) -> Picture {
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    // Where each affected service (by id) and each lost thing (by type and id) is drawn.
    let mut place: BTreeMap<String, Key> = BTreeMap::new();
    // Lost products and assets are drawn when something drawn depends on them.
    let causes: BTreeSet<(&str, &str)> = view
        .affected_services
        .iter()
        .filter_map(|s| s.why.via.as_ref())
        .map(|v| (v.kind, v.id.as_str()))
        .collect();
    for l in view
        .lost
        .iter()
        .filter(|l| causes.contains(&(l.kind, l.id.as_str())))
    {
        let key = Key {
            column: 0,
            state: 0,
            name: l.name.clone(),
        };
        let g = groups.entry(key.clone()).or_default();
        g.orgs.insert(l.org_code.clone());
        g.services += 1;
        place.insert(format!("{}:{}", l.kind, l.id), key);
    }
    for s in &view.affected_services {
        let column = (s.depth as usize).min(MAX_COLUMNS - 1);
        let key = Key {
            column,
            // A service lost itself is drawn as stopped; grey is for lost products and assets.
            state: if s.effect == Effect::Stopped { 1 } else { 2 },
            name: s.name.clone(),
        };
        let g = groups.entry(key.clone()).or_default();
        g.orgs.insert(s.org_code.clone());
        g.throughput += u64::from(s.daily_throughput);
        g.services += 1;
        place.insert(format!("service:{}", s.id), key);
    }
    if groups.is_empty() {
        return Picture::default();
    }
    // Keep the busiest groups of each column; fold the rest.
    let mut columns: BTreeMap<usize, Vec<(Key, Group)>> = BTreeMap::new();
    for (k, g) in groups {
        columns.entry(k.column).or_default().push((k, g));
    }
    let mut folded: BTreeMap<Key, Key> = BTreeMap::new();
    for (column, list) in &mut columns {
        list.sort_by(|(ka, a), (kb, b)| {
            ka.state
                .cmp(&kb.state)
                .then(b.throughput.cmp(&a.throughput))
                .then(b.services.cmp(&a.services))
                .then(ka.name.cmp(&kb.name))
        });
        if list.len() > MAX_ROWS {
            let rest = list.split_off(MAX_ROWS - 1);
            let other = Key {
                column: *column,
                // Drawn as the worst state among them.
                state: rest.iter().map(|(k, _)| k.state).min().unwrap_or(2),
                name: format!("{} other services", rest.len()),
            };
            let mut g = Group::default();
            for (k, r) in rest {
                g.orgs.extend(r.orgs);
                g.throughput += r.throughput;
                g.services += r.services;
                folded.insert(k, other.clone());
            }
            list.push((other, g));
        }
    }
    let mut at: BTreeMap<Key, (u32, u32)> = BTreeMap::new();
    let mut nodes = Vec::new();
    let mut tallest = 0;
    for (column, list) in &columns {
        let x = PAD + (*column as u32) * (BOX_W + GAP_X);
        for (row, (k, g)) in list.iter().enumerate() {
            let y = PAD + (row as u32) * (BOX_H + GAP_Y);
            tallest = tallest.max(y + BOX_H);
            at.insert(k.clone(), (x, y));
            let class = match k.state {
                0 => "impact-lost",
                1 => "impact-stopped",
                _ => "impact-degraded",
            };
            let orgs = g.orgs.len();
            let detail = if k.state == 0 && g.throughput == 0 {
                format!("lost · {orgs} organisation{}", if orgs == 1 { "" } else { "s" })
            } else {
                format!(
                    "{} · {orgs} org{} · {}/day",
                    match k.state {
                        0 => "lost",
                        1 => "stopped",
                        _ => "degraded",
                    },
                    if orgs == 1 { "" } else { "s" },
                    thousands(g.throughput)
                )
            };
            nodes.push(PictureNode {
                x,
                y,
                w: BOX_W,
                h: BOX_H,
                class,
                title: shorten(&k.name, 32),
                detail,
                tx: x + 8,
                ty1: y + 19,
                ty2: y + 36,
            });
        }
    }
    let resolve = |k: &Key| folded.get(k).cloned().unwrap_or_else(|| k.clone());
    let mut pairs: BTreeSet<(Key, Key)> = BTreeSet::new();
    for s in &view.affected_services {
        let Some(via) = &s.why.via else { continue };
        let (Some(from), Some(to)) = (
            place.get(&format!("{}:{}", via.kind, via.id)),
            place.get(&format!("service:{}", s.id)),
        ) else {
            continue;
        };
        let (from, to) = (resolve(from), resolve(to));
        if from != to {
            pairs.insert((from, to));
        }
    }
    let edges = pairs
        .iter()
        .filter_map(|(a, b)| {
            let (ax, ay) = at.get(a)?;
            let (bx, by) = at.get(b)?;
            let (x1, y1) = (ax + BOX_W, ay + BOX_H / 2);
            let (x2, y2) = (*bx, by + BOX_H / 2);
            let bend = (x2.abs_diff(x1) / 2).max(30);
            Some(PictureEdge {
                d: format!(
                    "M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}",
                    x1 + bend,
                    x2.saturating_sub(bend)
                ),
            })
        })
        .collect();
    let ncols = columns.keys().max().map_or(1, |m| *m as u32 + 1);
    let width = PAD * 2 + ncols * BOX_W + ncols.saturating_sub(1) * GAP_X;
    let t = &view.totals;
    Picture {
        width,
        height: tallest + PAD,
        nodes,
        edges,
        summary: format!(
            "Dependency picture: from what is lost on the left to the {} affected services on the right, {} stopped and {} degraded, grouped by service.",
            t.services, t.stopped, t.degraded
        ),
    }
}
