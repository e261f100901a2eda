//! The recovery curve of a dry run, drawn by the server as SVG: the share of affected services
//! back (up) by day (across), as steps, in the median trial and in the slowest tenth of trials
//! (90th percentile), with the band between them shaded; with a mitigation, the run without it is
//! drawn as a dashed line for comparison. Every point is also in a table beneath (for screen
//! readers and for reading exact days). Scales to the width it is given (390 px phones included).

use ward_app::impact::CurvePoint;

const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 34.0;

/// A tick on an axis: where, and its label.
#[derive(Debug, Clone)]
pub(crate) struct Tick {
    pub(crate) at: String,
    pub(crate) label: String,
}

/// One row of the table beneath.
#[derive(Debug, Clone)]
pub(crate) struct CurveRow {
    pub(crate) share: String,
    pub(crate) median: String,
    pub(crate) p90: String,
    pub(crate) without: Option<String>,
}

/// The drawing, ready for `recovery_curve.html`.
#[derive(Debug, Clone)]
pub(crate) struct CurveChart {
    pub(crate) title: String,
    pub(crate) desc: String,
    /// `points` of the shaded polygon between the median and the 90th percentile.
    pub(crate) band: String,
    pub(crate) median: String,
    pub(crate) p90: String,
    /// The median of the run without the mitigation, when there is one.
    pub(crate) without: Option<String>,
    pub(crate) x_ticks: Vec<Tick>,
    pub(crate) y_ticks: Vec<Tick>,
    pub(crate) rows: Vec<CurveRow>,
    /// Nothing affected in any trial: no curve to draw.
    pub(crate) empty: bool,
}

fn f(v: f64) -> String {
    format!("{:.1}", v)
}

/// A round step for about five ticks up to `max`.
fn step(max: f64) -> f64 {
    let raw = (max / 5.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw)
}

/// Day by share as steps: right along the last share to the day the next is reached, then up.
fn steps(points: &[(f64, f64)], x: &dyn Fn(f64) -> f64, y: &dyn Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut out = vec![(x(0.0), y(0.0))];
    let mut share = 0.0;
    for (day, s) in points {
        out.push((x(*day), y(share)));
        out.push((x(*day), y(*s)));
        share = *s;
    }
    out
}

fn join(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(a, b)| format!("{},{}", f(*a), f(*b)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn days(d: f64) -> String {
    if (d - d.round()).abs() < 0.05 {
        format!("{d:.0}")
    } else {
        format!("{d:.1}")
    }
}

/// Draw `curve` (and `without`, the same run without its mitigations).
pub(crate) fn recovery_curve(curve: &[CurvePoint], without: Option<&[CurvePoint]>) -> CurveChart {
    let empty = curve.iter().all(|p| p.p90_day <= 0.0);
    let max_day = curve
        .iter()
        .chain(without.unwrap_or(&[]))
        .map(|p| p.p90_day.max(p.median_day))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let tick = step(max_day);
    let x_max = (max_day / tick).ceil() * tick;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = move |d: f64| LEFT + d.clamp(0.0, x_max) / x_max * plot_w;
    let y = move |s: f64| TOP + (1.0 - s.clamp(0.0, 1.0)) * plot_h;
    let median_pts: Vec<(f64, f64)> = curve.iter().map(|p| (p.median_day, p.share)).collect();
    let p90_pts: Vec<(f64, f64)> = curve.iter().map(|p| (p.p90_day, p.share)).collect();
    let median = steps(&median_pts, &x, &y);
    let p90 = steps(&p90_pts, &x, &y);
    let mut band = median.clone();
    band.extend(p90.iter().rev());
    let without_line = without.map(|w| {
        let pts: Vec<(f64, f64)> = w.iter().map(|p| (p.median_day, p.share)).collect();
        join(&steps(&pts, &x, &y))
    });
    let mut x_ticks = Vec::new();
    let mut d = 0.0;
    while d <= x_max + 0.01 {
        x_ticks.push(Tick {
            at: f(x(d)),
            label: days(d),
        });
        d += tick;
    }
    let y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|s| Tick {
            at: f(y(*s)),
            label: format!("{:.0} %", s * 100.0),
        })
        .collect();
    let at = |c: &[CurvePoint], share: f64| {
        c.iter()
            .find(|p| (p.share - share).abs() < 1e-9)
            .map(|p| (p.median_day, p.p90_day))
    };
    let rows = curve
        .iter()
        .filter(|p| ((p.share * 100.0).round() as u32).is_multiple_of(10))
        .map(|p| CurveRow {
            share: format!("{:.0} %", p.share * 100.0),
            median: days(p.median_day),
            p90: days(p.p90_day),
            without: without.and_then(|w| at(w, p.share)).map(|(m, _)| days(m)),
        })
        .collect();
    let half = at(curve, 0.5).unwrap_or((0.0, 0.0));
    let all = at(curve, 1.0).unwrap_or((0.0, 0.0));
    CurveChart {
        title: "Share of affected services recovered, by day".into(),
        desc: format!(
            "Half the affected services are back by day {} in the median trial (day {} in the slowest tenth of trials); all of them by day {} (day {}).",
            days(half.0),
            days(half.1),
            days(all.0),
            days(all.1)
        ),
        band: join(&band),
        median: join(&median),
        p90: join(&p90),
        without: without_line,
        x_ticks,
        y_ticks,
        rows,
        empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(share: f64, median_day: f64, p90_day: f64) -> CurvePoint {
        CurvePoint {
            share,
            median_day,
            p90_day,
        }
    }

    #[test]
    fn the_curve_rises_in_steps_inside_the_drawing() {
        let c = recovery_curve(&[p(0.5, 10.0, 20.0), p(1.0, 30.0, 60.0)], None);
        assert!(!c.empty);
        assert_eq!(c.median.split(' ').count(), 5, "{}", c.median);
        for pair in c.band.split(' ') {
            let (a, b) = pair.split_once(',').unwrap_or(("x", "y"));
            let (a, b): (f64, f64) = (a.parse().unwrap_or(-1.0), b.parse().unwrap_or(-1.0));
            assert!(
                (0.0..=WIDTH).contains(&a) && (0.0..=HEIGHT).contains(&b),
                "{pair}"
            );
        }
        assert_eq!(c.x_ticks.first().map(|t| t.label.as_str()), Some("0"));
        assert_eq!(c.x_ticks.last().map(|t| t.label.as_str()), Some("60"));
        assert!(
            c.desc.contains("day 10") && c.desc.contains("day 60"),
            "{}",
            c.desc
        );
        let with = recovery_curve(&[p(1.0, 5.0, 6.0)], Some(&[p(1.0, 30.0, 40.0)]));
        assert!(with.without.is_some());
        assert_eq!(with.rows[0].without.as_deref(), Some("30"));
    }
}
