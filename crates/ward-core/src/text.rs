//! How an enum is spelled as text.
//!
//! Every enum that is stored, sent over HTTP or typed by people takes its text from `strum`
//! derives (`IntoStaticStr` or `AsRefStr`, `Display`, `EnumString` where a strict parse is enough,
//! `EnumIter` for the list of variants), with the spelling given once by `serialize_all` or a
//! `serialize` attribute beside the variant. Where serde also names the enum (JSON, stored
//! documents), a test checks with [`check_serde_agrees`] that the two spell every variant alike.
//! This module holds the few helpers built on those derives.

use std::cmp::Ordering;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use strum::IntoEnumIterator;

/// Reads an enum's text as people type it: surrounding space is ignored, letters may be in either
/// case, and a space or a hyphen stands for an underscore (`NHS trust`, `end-user device`). The
/// variants and their text come from the enum's derives; `None` when no variant has that text.
pub fn parse_loose<E>(s: &str) -> Option<E>
where
    E: IntoEnumIterator + Into<&'static str> + Copy,
{
    let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    E::iter().find(|v| Into::<&'static str>::into(*v) == key)
}

/// A map key that orders an enum by its text rather than by the order of its variants, so a
/// `BTreeMap<ByText<OrgKind>, u64>` lists and serialises its entries in the order a map keyed by the
/// text did. It serialises as the enum does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ByText<E>(pub E);

impl<E: Copy + Eq + Into<&'static str>> Ord for ByText<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        Into::<&'static str>::into(self.0).cmp(other.0.into())
    }
}

impl<E: Copy + Eq + Into<&'static str>> PartialOrd for ByText<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> From<E> for ByText<E> {
    fn from(e: E) -> Self {
        Self(e)
    }
}

/// For tests of enums that serde and strum both spell: every variant serialises with serde to the
/// same text as its strum `Display`, and serde reads that text back as the same variant. Returns
/// the first variant where they differ.
pub fn check_serde_agrees<E>() -> Result<(), String>
where
    E: IntoEnumIterator + Serialize + DeserializeOwned + fmt::Display + PartialEq + fmt::Debug,
{
    for v in E::iter() {
        let text = v.to_string();
        let json = serde_json::to_value(&v).map_err(|e| format!("{v:?}: serde cannot write it: {e}"))?;
        if json.as_str() != Some(text.as_str()) {
            return Err(format!("{v:?}: serde writes {json}, strum writes {text:?}"));
        }
        let back: E = serde_json::from_value(serde_json::Value::String(text.clone()))
            .map_err(|e| format!("{v:?}: serde cannot read strum's {text:?}: {e}"))?;
        if back != v {
            return Err(format!("{v:?}: serde reads strum's {text:?} as {back:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(
        Debug,
        Clone,
        Copy,
        PartialEq,
        Eq,
        Serialize,
        Deserialize,
        strum::IntoStaticStr,
        strum::Display,
        strum::EnumIter,
    )]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    enum Shade {
        Plain,
        DarkRed,
        AmberStrict,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, strum::Display, strum::EnumIter)]
    #[serde(rename_all = "snake_case")]
    enum Drifted {
        #[strum(serialize = "one")]
        One,
        #[strum(serialize = "two-and-a-bit")]
        TwoAndABit,
    }

    #[test]
    fn loose_reading_accepts_what_people_type_and_nothing_else() {
        assert_eq!(parse_loose::<Shade>("dark_red"), Some(Shade::DarkRed));
        assert_eq!(parse_loose::<Shade>("  Dark Red "), Some(Shade::DarkRed));
        assert_eq!(parse_loose::<Shade>("AMBER-STRICT"), Some(Shade::AmberStrict));
        assert_eq!(parse_loose::<Shade>("darkred"), None);
        assert_eq!(parse_loose::<Shade>(""), None);
    }

    #[test]
    fn keys_by_text_order_and_serialise_as_the_text_does() {
        let mut m = BTreeMap::new();
        for (k, n) in [(Shade::Plain, 1), (Shade::DarkRed, 2), (Shade::AmberStrict, 3)] {
            m.insert(ByText(k), n);
        }
        let keys: Vec<Shade> = m.keys().map(|k| k.0).collect();
        assert_eq!(keys, vec![Shade::AmberStrict, Shade::DarkRed, Shade::Plain]);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amber_strict":3,"dark_red":2,"plain":1}"#);
        let back: BTreeMap<ByText<Shade>, u64> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.get(&ByText(Shade::DarkRed)), Some(&2));
    }

    #[test]
    fn the_agreement_check_finds_a_disagreement() {
        assert_eq!(check_serde_agrees::<Shade>(), Ok(()));
        let e = check_serde_agrees::<Drifted>().unwrap_err();
        assert!(e.contains("TwoAndABit") && e.contains("two_and_a_bit"), "{e}");
    }
}
