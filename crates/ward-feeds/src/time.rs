//! Timestamps and dates as feeds write them.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Parse an RFC 3339 timestamp; a date-time without offset (NVD writes `2021-12-10T10:15:09.143`) is
/// read as UTC, and a bare date as midnight UTC.
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = t.parse::<DateTime>() {
        return dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    t.parse::<Date>()
        .ok()
        .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
        .map(|z| z.timestamp())
}

/// Parse a calendar date `YYYY-MM-DD`; a timestamp gives its UTC date.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    if let Ok(d) = t.parse::<Date>() {
        return Some(d);
    }
    parse_timestamp(t).map(|ts| ts.to_zoned(TimeZone::UTC).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_timestamps() {
        let nvd = parse_timestamp("2021-12-10T10:15:09.143").unwrap();
        assert_eq!(nvd.to_string(), "2021-12-10T10:15:09.143Z");
        assert!(parse_timestamp("2021-12-10T10:15:09Z").is_some());
        assert!(parse_timestamp("2021-12-10T10:15:09+01:00").is_some());
        assert_eq!(
            parse_timestamp("2021-12-10").unwrap().to_string(),
            "2021-12-10T00:00:00Z"
        );
        assert!(parse_timestamp("yesterday").is_none());
        assert_eq!(
            parse_date("2025-08-25T17:04:19.9796Z").unwrap().to_string(),
            "2025-08-25"
        );
        assert!(parse_date("2025-02-30").is_none());
    }
}
