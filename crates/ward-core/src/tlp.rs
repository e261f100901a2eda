//! Traffic Light Protocol 2.0 labels.

use serde::{Deserialize, Serialize};

/// Serialised as the colour (`AMBER+STRICT`); [`Tlp::as_str`] gives the label as TLP writes it on
/// a document (`TLP:AMBER+STRICT`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE", prefix = "TLP:")]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    #[serde(rename = "AMBER+STRICT")]
    #[strum(serialize = "AMBER+STRICT")]
    AmberStrict,
    Red,
}

impl Tlp {
    /// The label (`TLP:CLEAR`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Reads the label as [`Tlp::as_str`] writes it (`TLP:AMBER+STRICT`), or the bare colour.
impl std::str::FromStr for Tlp {
    type Err = crate::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use strum::IntoEnumIterator;
        let want = s.trim().to_ascii_uppercase();
        Self::iter()
            .find(|t| t.as_str() == want || t.as_str().strip_prefix("TLP:") == Some(want.as_str()))
            .ok_or_else(|| crate::ValidationError::new("tlp", format!("'{s}' is not a TLP 2.0 label")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn the_label_is_the_serialised_colour_after_tlp() {
        for t in Tlp::iter() {
            let colour = serde_json::to_value(t).unwrap();
            assert_eq!(t.as_str(), format!("TLP:{}", colour.as_str().unwrap()));
            assert_eq!(serde_json::from_value::<Tlp>(colour).unwrap(), t);
        }
        assert_eq!(Tlp::AmberStrict.as_str(), "TLP:AMBER+STRICT");
    }

    #[test]
    fn labels_read_back() {
        for t in Tlp::iter() {
            assert_eq!(t.as_str().parse::<Tlp>().unwrap(), t);
        }
        assert_eq!("amber+strict".parse::<Tlp>().unwrap(), Tlp::AmberStrict);
        assert!("TLP:WHITE".parse::<Tlp>().is_err());
    }
}
