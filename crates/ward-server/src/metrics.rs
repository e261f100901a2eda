//! Prometheus metrics, served on their own listener so they never share a port with users.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; 11],
}

/// Request counts and latencies by method, route template and status.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let Ok(mut m) = self.series.lock() else { return };
        let s = m
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(m) = self.series.lock() else { return out };
        out.push_str("# HELP ward_http_requests_total HTTP requests handled.\n# TYPE ward_http_requests_total counter\n");
        for ((method, route, status), s) in m.iter() {
            let _ = writeln!(
                out,
                "ward_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str(
            "# HELP ward_http_request_duration_seconds Time to respond.\n# TYPE ward_http_request_duration_seconds histogram\n",
        );
        let mut by_route: BTreeMap<(String, String), Series> = BTreeMap::new();
        for ((method, route, _), s) in m.iter() {
            let t = by_route.entry((method.clone(), route.clone())).or_default();
            t.count += s.count;
            t.sum += s.sum;
            for i in 0..BUCKETS.len() {
                t.buckets[i] += s.buckets[i];
            }
        }
        for ((method, route), s) in by_route {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "ward_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "ward_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "ward_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "ward_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// Middleware recording each request under its route template (never the raw path, which may hold ids).
pub async fn track(State(metrics): State<std::sync::Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let res = next.run(req).await;
    metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

/// The router for the metrics listener.
pub fn router(metrics: std::sync::Arc<Metrics>) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let m = std::sync::Arc::clone(&metrics);
            async move { ([("content-type", "text/plain; version=0.0.4")], m.render()) }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_counts_requests_by_route_template_and_buckets_latency() {
        let m = Metrics::default();
        m.observe("GET", "/api/v1/assets/{id}", 200, 0.003);
        m.observe("GET", "/api/v1/assets/{id}", 200, 0.2);
        m.observe("GET", "/api/v1/assets/{id}", 404, 0.001);
        let text = m.render();
        assert!(text.contains(
            r#"ward_http_requests_total{method="GET",route="/api/v1/assets/{id}",status="200"} 2"#
        ));
        assert!(text.contains(
            r#"ward_http_requests_total{method="GET",route="/api/v1/assets/{id}",status="404"} 1"#
        ));
        assert!(text.contains(r#"ward_http_request_duration_seconds_bucket{method="GET",route="/api/v1/assets/{id}",le="0.005"} 2"#));
        assert!(text.contains(
            r#"ward_http_request_duration_seconds_count{method="GET",route="/api/v1/assets/{id}"} 3"#
        ));
    }
}
