//! Response figures: how organisations answer alerts, as plain counts that add up the hierarchy
//! (an ICB's figures are the sum of its organisations', a region's of its ICBs' and so on, and a
//! sector-wide picture can add regions the same way). A median is read from the counts per time
//! band ([`ResponseFigures::median_applicability_band`]), so it too is found at any level from
//! counts alone.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::Clocks;

/// Upper bounds (hours) of the bands of time from being targeted to recording applicability; a
/// last band holds everything longer.
pub const APPLICABILITY_BANDS_HOURS: [i64; 7] = [12, 24, 48, 72, 7 * 24, 14 * 24, 30 * 24];

/// Upper bounds (days) of the age bands of open records (not closed: remediation still open); a
/// last band holds everything older.
pub const OPEN_AGE_BANDS_DAYS: [i64; 4] = [7, 14, 30, 90];

/// The acknowledgement window the sector measures against: 48 hours.
pub const ACKNOWLEDGE_WINDOW_HOURS: i64 = 48;

/// What the figures need of one organisation's record of one alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFacts {
    pub targeted_at: Timestamp,
    pub clocks: Clocks,
    pub acknowledged_at: Option<Timestamp>,
    /// When applicability was first recorded.
    pub applicability_at: Option<Timestamp>,
    pub first_update_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Escalation steps taken for the record.
    pub escalations: u64,
}

/// Counts over a set of records. Every field is a count, so figures add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseFigures {
    /// Records (an organisation targeted by an alert).
    pub records: u64,
    /// Of those, acknowledged within 48 hours of being targeted.
    pub acknowledged_within_48h: u64,
    /// Of those, with applicability recorded.
    pub applicability_recorded: u64,
    /// Records by time to applicability, one count per band of [`APPLICABILITY_BANDS_HOURS`] and
    /// one for longer.
    pub applicability_by_band: Vec<u64>,
    /// Records not closed.
    pub open: u64,
    /// Open records by age, one count per band of [`OPEN_AGE_BANDS_DAYS`] and one for older.
    pub open_by_age: Vec<u64>,
    pub overdue_acknowledge: u64,
    pub overdue_first_update: u64,
    pub overdue_remediate: u64,
    /// Escalation steps taken.
    pub escalations: u64,
}

fn band(value: SignedDuration, bounds: &[i64], unit_hours: i64) -> usize {
    bounds
        .iter()
        .position(|b| value <= SignedDuration::from_hours(b.saturating_mul(unit_hours)))
        .unwrap_or(bounds.len())
}

impl Default for ResponseFigures {
    /// Empty figures: every band present, at zero.
    fn default() -> Self {
        Self {
            records: 0,
            acknowledged_within_48h: 0,
            applicability_recorded: 0,
            applicability_by_band: vec![0; APPLICABILITY_BANDS_HOURS.len() + 1],
            open: 0,
            open_by_age: vec![0; OPEN_AGE_BANDS_DAYS.len() + 1],
            overdue_acknowledge: 0,
            overdue_first_update: 0,
            overdue_remediate: 0,
            escalations: 0,
        }
    }
}

impl ResponseFigures {
    /// Count one record as it stands at `now`.
    pub fn count(&mut self, r: &RecordFacts, now: Timestamp) {
        self.records += 1;
        let window = SignedDuration::from_hours(ACKNOWLEDGE_WINDOW_HOURS);
        if r.acknowledged_at
            .is_some_and(|a| a.duration_since(r.targeted_at) <= window)
        {
            self.acknowledged_within_48h += 1;
        }
        if let Some(at) = r.applicability_at {
            self.applicability_recorded += 1;
            let i = band(at.duration_since(r.targeted_at), &APPLICABILITY_BANDS_HOURS, 1);
            if let Some(c) = self.applicability_by_band.get_mut(i) {
                *c += 1;
            }
        }
        if r.closed_at.is_none() {
            self.open += 1;
            let i = band(now.duration_since(r.targeted_at), &OPEN_AGE_BANDS_DAYS, 24);
            if let Some(c) = self.open_by_age.get_mut(i) {
                *c += 1;
            }
            if r.acknowledged_at.is_none() && now > r.clocks.acknowledge_by {
                self.overdue_acknowledge += 1;
            }
            if r.first_update_at.is_none() && now > r.clocks.first_update_by {
                self.overdue_first_update += 1;
            }
            if now > r.clocks.remediate_by {
                self.overdue_remediate += 1;
            }
        }
        self.escalations += r.escalations;
    }

    /// Add another set of figures (an organisation's to its ICB's, say).
    pub fn add(&mut self, o: &ResponseFigures) {
        self.records += o.records;
        self.acknowledged_within_48h += o.acknowledged_within_48h;
        self.applicability_recorded += o.applicability_recorded;
        for (a, b) in self
            .applicability_by_band
            .iter_mut()
            .zip(&o.applicability_by_band)
        {
            *a += b;
        }
        self.open += o.open;
        for (a, b) in self.open_by_age.iter_mut().zip(&o.open_by_age) {
            *a += b;
        }
        self.overdue_acknowledge += o.overdue_acknowledge;
        self.overdue_first_update += o.overdue_first_update;
        self.overdue_remediate += o.overdue_remediate;
        self.escalations += o.escalations;
    }

    /// Percentage (0-100, whole) of records acknowledged within 48 hours; None without records.
    pub fn acknowledged_within_48h_percent(&self) -> Option<u64> {
        (self.records > 0).then(|| (self.acknowledged_within_48h * 100 + self.records / 2) / self.records)
    }

    /// The band holding the median time to applicability (an index into
    /// [`APPLICABILITY_BANDS_HOURS`], or its length for "longer"); None when none was recorded.
    pub fn median_applicability_band(&self) -> Option<usize> {
        if self.applicability_recorded == 0 {
            return None;
        }
        let half = self.applicability_recorded.div_ceil(2);
        let mut seen = 0;
        for (i, c) in self.applicability_by_band.iter().enumerate() {
            seen += c;
            if seen >= half {
                return Some(i);
            }
        }
        None
    }
}

/// A person's words for an applicability band (`within 48 hours`, `over 30 days`).
pub fn applicability_band_label(i: usize) -> String {
    match APPLICABILITY_BANDS_HOURS.get(i) {
        Some(h) if h % 24 == 0 && *h > 48 => format!("within {} days", h / 24),
        Some(h) => format!("within {h} hours"),
        None => format!(
            "over {} days",
            APPLICABILITY_BANDS_HOURS.last().copied().unwrap_or(0) / 24
        ),
    }
}

/// A person's words for an open-age band (`under 7 days`, `90 days or more`).
pub fn open_age_band_label(i: usize) -> String {
    let lower = if i == 0 {
        0
    } else {
        OPEN_AGE_BANDS_DAYS.get(i - 1).copied().unwrap_or(0)
    };
    match OPEN_AGE_BANDS_DAYS.get(i) {
        Some(d) if i == 0 => format!("under {d} days"),
        Some(d) => format!("{lower} to {d} days"),
        None => format!("{lower} days or more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn facts() -> RecordFacts {
        let t = ts("2026-01-01T00:00:00Z");
        RecordFacts {
            targeted_at: t,
            clocks: Clocks {
                acknowledge_by: ts("2026-01-03T00:00:00Z"),
                first_update_by: ts("2026-01-04T00:00:00Z"),
                remediate_by: ts("2026-01-15T00:00:00Z"),
            },
            acknowledged_at: None,
            applicability_at: None,
            first_update_at: None,
            closed_at: None,
            escalations: 0,
        }
    }

    #[test]
    fn records_count_into_their_bands_and_figures_add_up() {
        let now = ts("2026-01-20T00:00:00Z");
        let mut quick = facts();
        quick.acknowledged_at = Some(ts("2026-01-02T00:00:00Z"));
        quick.applicability_at = Some(ts("2026-01-02T00:00:00Z"));
        quick.first_update_at = Some(ts("2026-01-02T00:00:00Z"));
        quick.closed_at = Some(ts("2026-01-10T00:00:00Z"));
        let mut slow = facts();
        slow.acknowledged_at = Some(ts("2026-01-05T00:00:00Z"));
        slow.applicability_at = Some(ts("2026-01-05T00:00:00Z"));
        slow.escalations = 2;
        let silent = facts();

        let mut org_a = ResponseFigures::default();
        org_a.count(&quick, now);
        let mut org_b = ResponseFigures::default();
        org_b.count(&slow, now);
        org_b.count(&silent, now);
        let mut icb = ResponseFigures::default();
        icb.add(&org_a);
        icb.add(&org_b);
        assert_eq!(icb.records, 3);
        assert_eq!(icb.acknowledged_within_48h, 1);
        assert_eq!(icb.acknowledged_within_48h_percent(), Some(33));
        assert_eq!(icb.applicability_recorded, 2);
        assert_eq!(icb.applicability_by_band[1], 1, "24 hours: within 24");
        assert_eq!(icb.applicability_by_band[4], 1, "96 hours: within 7 days");
        assert_eq!(icb.median_applicability_band(), Some(1));
        assert_eq!(icb.open, 2);
        assert_eq!(icb.open_by_age[2], 2, "19 days old: 14 to 30 days");
        assert_eq!(
            (
                icb.overdue_acknowledge,
                icb.overdue_first_update,
                icb.overdue_remediate
            ),
            (1, 2, 2)
        );
        assert_eq!(icb.escalations, 2);
    }

    #[test]
    fn empty_figures_have_no_share_and_no_median() {
        let f = ResponseFigures::default();
        assert_eq!(f.acknowledged_within_48h_percent(), None);
        assert_eq!(f.median_applicability_band(), None);
    }

    #[test]
    fn band_words() {
        assert_eq!(applicability_band_label(2), "within 48 hours");
        assert_eq!(applicability_band_label(4), "within 7 days");
        assert_eq!(applicability_band_label(7), "over 30 days");
        assert_eq!(open_age_band_label(0), "under 7 days");
        assert_eq!(open_age_band_label(1), "7 to 14 days");
        assert_eq!(open_age_band_label(4), "90 days or more");
    }
}
