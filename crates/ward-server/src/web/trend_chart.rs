//! A line chart drawn by the server as SVG (no script): a few series of values over periods, each
//! series a line broken where a period has no value, with a point at every value. The chart has
//! a title and a description for screen readers, and its numbers are also in a table beneath it
//! (`trend_chart.html`). It scales to the width it is given (a 390 px phone included).

/// The drawing's size in SVG units, and the plot area inside it.
const WIDTH: u32 = 400;
const HEIGHT: u32 = 210;
const LEFT: u32 = 28;
const RIGHT: u32 = 372;
const TOP: u32 = 34;
const BOTTOM: u32 = 176;
/// Most period names written under the axis (the table has them all).
const MAX_TICKS: usize = 6;

/// One series as given: its name and a value per period (`None` where there is none).
pub(crate) struct Series {
    pub(crate) name: &'static str,
    /// The CSS class that colours it (`trend-a`, `trend-b`, `trend-c`).
    pub(crate) class: &'static str,
    pub(crate) values: Vec<Option<u64>>,
}

pub(crate) struct Point {
    pub(crate) x: u32,
    pub(crate) y: u32,
}

pub(crate) struct DrawnSeries {
    pub(crate) name: &'static str,
    pub(crate) class: &'static str,
    /// Each unbroken run as an SVG `points` list.
    pub(crate) runs: Vec<String>,
    pub(crate) points: Vec<Point>,
    pub(crate) legend_x: u32,
}

pub(crate) struct Tick {
    pub(crate) x: u32,
    pub(crate) label: String,
}

/// One row of the table beneath: the period and each series' value as words.
pub(crate) struct TableRow {
    pub(crate) period: String,
    pub(crate) cells: Vec<String>,
}

pub(crate) struct TrendChart {
    pub(crate) id: &'static str,
    pub(crate) heading: &'static str,
    pub(crate) title: String,
    pub(crate) desc: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) left: u32,
    pub(crate) right: u32,
    pub(crate) top: u32,
    pub(crate) bottom: u32,
    /// The largest value, as words, written at the top of the axis.
    pub(crate) max_label: String,
    pub(crate) series: Vec<DrawnSeries>,
    pub(crate) ticks: Vec<Tick>,
    pub(crate) tick_y: u32,
    pub(crate) names: Vec<&'static str>,
    pub(crate) rows: Vec<TableRow>,
    /// Nothing to draw: no series has a value.
    pub(crate) empty: bool,
}

/// Lay out `series` over `periods`; `words` writes a value as a person reads it.
pub(crate) fn trend_chart(
    id: &'static str,
    heading: &'static str,
    title: String,
    periods: &[String],
    series: Vec<Series>,
    words: impl Fn(u64) -> String,
) -> TrendChart {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0);
    let n = periods.len();
    let x_of = |i: usize| -> u32 {
        if n <= 1 {
            (LEFT + RIGHT) / 2
        } else {
            let span = u64::from(RIGHT - LEFT);
            LEFT + u32::try_from(span * i as u64 / (n as u64 - 1)).unwrap_or(0)
        }
    };
    let y_of = |v: u64| -> u32 {
        let span = u64::from(BOTTOM - TOP);
        let up = (span * v).checked_div(max).unwrap_or(0);
        BOTTOM - u32::try_from(up).unwrap_or(0)
    };
    let drawn = series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut runs = Vec::new();
            let mut run: Vec<String> = Vec::new();
            let mut points = Vec::new();
            for (i, v) in s.values.iter().enumerate() {
                match v {
                    Some(v) => {
                        let (x, y) = (x_of(i), y_of(*v));
                        run.push(format!("{x},{y}"));
                        points.push(Point { x, y });
                    }
                    None if !run.is_empty() => runs.push(std::mem::take(&mut run).join(" ")),
                    None => {}
                }
            }
            if !run.is_empty() {
                runs.push(run.join(" "));
            }
            DrawnSeries {
                name: s.name,
                class: s.class,
                runs,
                points,
                legend_x: 4 + 128 * k as u32,
            }
        })
        .collect();
    let step = n.div_ceil(MAX_TICKS).max(1);
    let ticks = (0..n)
        .filter(|i| i % step == 0 || *i + 1 == n)
        .map(|i| Tick {
            x: x_of(i),
            label: periods[i].clone(),
        })
        .collect();
    let rows: Vec<TableRow> = periods
        .iter()
        .enumerate()
        .map(|(i, p)| TableRow {
            period: p.clone(),
            cells: series
                .iter()
                .map(|s| {
                    s.values
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or_else(|| "none".to_owned(), &words)
                })
                .collect(),
        })
        .collect();
    let desc = rows
        .iter()
        .map(|r| {
            let parts: Vec<String> = series
                .iter()
                .zip(&r.cells)
                .map(|(s, c)| format!("{} {c}", s.name.to_lowercase()))
                .collect();
            format!("{}: {}", r.period, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    TrendChart {
        id,
        heading,
        title,
        desc: format!("{desc}."),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
        max_label: words(max),
        names: series.iter().map(|s| s.name).collect(),
        series: drawn,
        ticks,
        tick_y: BOTTOM + 18,
        rows,
        empty: max == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_where_a_period_has_no_value_and_scale_to_the_largest() {
        let periods: Vec<String> = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
            .map(String::from)
            .into();
        let c = trend_chart(
            "t",
            "Trend",
            "Median".into(),
            &periods,
            vec![Series {
                name: "Recover",
                class: "trend-a",
                values: vec![Some(10), Some(20), None, Some(5)],
            }],
            |v| format!("{v} min"),
        );
        assert_eq!(c.series[0].runs, ["28,105 142,34", "372,141"]);
        assert_eq!(c.series[0].points.len(), 3);
        // The largest value is at the top, the first (half of it) half way down.
        assert_eq!(c.series[0].points[1].y, TOP);
        assert_eq!(c.series[0].points[0].y, BOTTOM - (BOTTOM - TOP) / 2);
        assert_eq!(c.rows[2].cells, ["none"]);
        assert!(c.desc.contains("2026-Q2: recover 20 min"));
        assert!(!c.empty);
        let none = trend_chart("t", "T", "M".into(), &periods, vec![], |v| v.to_string());
        assert!(none.empty);
    }
}
