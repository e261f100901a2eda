//! Times as people in the sector read and type them: in Europe/London (GMT in winter, BST in
//! summer). Instants are stored in UTC; this is the one place that turns them into London wall
//! time for pages and reads London wall time typed into a form.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::ValidationError;

/// The zone Ward shows times in.
pub const HOME_ZONE: &str = "Europe/London";

/// Europe/London; UTC if the system has no time-zone database (times then say "UTC").
pub fn home_zone() -> TimeZone {
    TimeZone::get(HOME_ZONE).unwrap_or(TimeZone::UTC)
}

/// An instant as a person reads it: `3 Jun 2026 09:15 BST`.
pub fn show(t: Timestamp) -> String {
    t.to_zoned(home_zone()).strftime("%-d %b %Y %H:%M %Z").to_string()
}

/// An instant as a `datetime-local` form field holds it, in London wall time: `2026-06-03T09:15`.
pub fn form_value(t: Timestamp) -> String {
    t.to_zoned(home_zone()).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// What a person typed for a time: London wall time (`2026-06-03T09:15`, as a `datetime-local`
/// field sends it) or a time with its offset or zone (`2026-06-03T09:15+01:00`). Empty is None.
/// A London wall time the clocks skip (spring) or pass twice (autumn) is refused, naming the
/// field, rather than guessed.
pub fn parse_typed(field: &str, typed: &str) -> Result<Option<Timestamp>, ValidationError> {
    let s = typed.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(z) = s.parse::<jiff::Zoned>() {
        return Ok(Some(z.timestamp()));
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(Some(t));
    }
    let civil = s.parse::<DateTime>().map_err(|_| {
        ValidationError::new(
            field,
            format!("'{s}' is not a date and time (such as 2026-06-03T09:15, London time)"),
        )
    })?;
    home_zone()
        .to_ambiguous_zoned(civil)
        .unambiguous()
        .map(|z| Some(z.timestamp()))
        .map_err(|_| {
            ValidationError::new(
                field,
                format!(
                    "{s} is skipped or passed twice when the London clocks change; give the offset (such as {s}+01:00)"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn london_wall_time_both_ways() {
        assert_eq!(show(ts("2026-06-03T08:15:00Z")), "3 Jun 2026 09:15 BST");
        assert_eq!(show(ts("2026-12-03T08:15:00Z")), "3 Dec 2026 08:15 GMT");
        assert_eq!(form_value(ts("2026-06-03T08:15:00Z")), "2026-06-03T09:15");
        assert_eq!(
            parse_typed("at", "2026-06-03T09:15").unwrap(),
            Some(ts("2026-06-03T08:15:00Z"))
        );
        assert_eq!(
            parse_typed("at", "2026-12-03T09:15").unwrap(),
            Some(ts("2026-12-03T09:15:00Z"))
        );
        assert_eq!(
            parse_typed("at", "2026-06-03T09:15:00+02:00").unwrap(),
            Some(ts("2026-06-03T07:15:00Z"))
        );
        assert_eq!(parse_typed("at", "  ").unwrap(), None);
    }

    #[test]
    fn times_the_clocks_skip_or_repeat_are_refused_naming_the_field() {
        // 25 October 2026: 01:30 happens twice; 29 March 2026: 01:30 never happens.
        let e = parse_typed("contained_at", "2026-10-25T01:30").unwrap_err();
        assert_eq!(e.field, "contained_at");
        assert!(parse_typed("at", "2026-03-29T01:30").is_err());
        assert_eq!(
            parse_typed("at", "2026-10-25T01:30+00:00").unwrap(),
            Some(ts("2026-10-25T01:30:00Z"))
        );
        assert_eq!(
            parse_typed("detected_at", "yesterday").unwrap_err().field,
            "detected_at"
        );
    }
}
