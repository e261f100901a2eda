//! Typed positions in the index's tables.
//!
//! Each is a `u32` that only the index module can make: the build step checks every reference in
//! the snapshot once, and from then on a position of the right type always names an entry of its
//! table, so the tables' accessors take these types and cannot fail. Code outside the index gets
//! positions from the tables (their iterators and lookups by identifier) and hands them back.

macro_rules! position {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The position as a `usize`, for the table that owns it.
            pub(super) fn get(self) -> usize {
                self.0 as usize
            }
        }
    };
}

position!(
    /// An organisation of the sector tables.
    OrgIx
);
position!(
    /// An asset of the sector tables (the same number the engine's inventory gives it).
    AssetIx
);
position!(
    /// An advisory of the threat tables.
    AdvisoryIx
);
position!(
    /// A match of the threat tables (one advisory entry against one software item).
    MatchIx
);
position!(
    /// A VEX statement of the threat tables.
    StatementIx
);
position!(
    /// An unsupported (end-of-life) software item of the threat tables.
    UnsupportedIx
);
position!(
    /// A row of the row table.
    RowIx
);

macro_rules! from_engine {
    ($($name:ident),*) => {
        $(impl $name {
            /// A position the engine gave out for the same table: the engine numbers assets,
            /// advisories and statements in the order the index handed them over.
            pub(super) fn from_engine(i: u32) -> Self {
                Self(i)
            }
        })*
    };
}

from_engine!(AssetIx, AdvisoryIx, StatementIx);

macro_rules! at {
    ($($name:ident),*) => {
        $(impl $name {
            /// Position `i` of a table whose length was checked to fit in a `u32` at build time.
            #[allow(clippy::cast_possible_truncation)]
            pub(super) fn at(i: usize) -> Self {
                debug_assert!(u32::try_from(i).is_ok(), "{} {i} out of range", stringify!($name));
                Self(i as u32)
            }
        })*
    };
}

at!(OrgIx, AssetIx, AdvisoryIx, MatchIx, UnsupportedIx, RowIx);

impl AssetIx {
    /// The same asset as the engine's inventory numbers it (see [`AssetIx::from_engine`]).
    pub(crate) fn get_engine(self) -> ward_engine::AssetIdx {
        self.0
    }
}
