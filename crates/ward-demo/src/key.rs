//! Deterministic keys: every identifier and every random stream is derived from the plan's seed and a
//! path of labels (e.g. seed / "asset" / org code / number), never from the clock or the OS.
//!
//! The hash is two independent FNV-1a lanes finished with SplitMix64, giving 128 bits; it is stable
//! across platforms and Rust versions (unlike `std`'s `DefaultHasher`).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
/// A second odd multiplier so the two lanes do not move together.
const LANE_B_PRIME: u64 = 0x9e37_79b9_7f4a_7c15 | 1;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hashed path of labels under a seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    a: u64,
    b: u64,
}

impl Key {
    /// Start a path under `seed` in namespace `ns` ("org", "asset", "rng-inventory", ...).
    pub(crate) fn new(seed: u64, ns: &str) -> Self {
        Self {
            a: FNV_OFFSET ^ splitmix(seed),
            b: splitmix(seed ^ 0x5851_f42d_4c95_7f2d),
        }
        .text(ns)
    }

    /// Append a text label (a separator byte keeps "ab"+"c" distinct from "a"+"bc").
    #[must_use]
    pub(crate) fn text(mut self, s: &str) -> Self {
        for byte in s.bytes().chain(std::iter::once(0xff)) {
            self.a = (self.a ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
            self.b = (self.b ^ u64::from(byte))
                .wrapping_mul(LANE_B_PRIME)
                .rotate_left(29);
        }
        self
    }

    /// Append a number label.
    #[must_use]
    pub(crate) fn num(self, n: u64) -> Self {
        let mut k = self;
        for byte in n.to_le_bytes() {
            k.a = (k.a ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
            k.b = (k.b ^ u64::from(byte)).wrapping_mul(LANE_B_PRIME).rotate_left(29);
        }
        k
    }

    fn words(&self) -> (u64, u64) {
        let hi = splitmix(self.a ^ self.b.rotate_left(17));
        let lo = splitmix(self.b ^ hi);
        (hi, lo)
    }

    /// A UUID (version 4 layout) made from the key: same path, same UUID.
    pub(crate) fn uuid(&self) -> Uuid {
        let (hi, lo) = self.words();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A seeded random stream for this path.
    pub(crate) fn rng(&self) -> ChaCha8Rng {
        let (hi, lo) = self.words();
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&hi.to_le_bytes());
        seed[8..16].copy_from_slice(&lo.to_le_bytes());
        seed[16..24].copy_from_slice(&splitmix(hi ^ 0x2545_f491_4f6c_dd1d).to_le_bytes());
        seed[24..].copy_from_slice(&splitmix(lo ^ 0x1405_7b7e_f767_814f).to_le_bytes());
        ChaCha8Rng::from_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_stable_and_distinct() {
        let a = Key::new(7, "org").text("RJZ").uuid();
        assert_eq!(a, Key::new(7, "org").text("RJZ").uuid());
        assert_ne!(a, Key::new(8, "org").text("RJZ").uuid());
        assert_ne!(a, Key::new(7, "org").text("RJ").text("Z").uuid());
        assert_ne!(Key::new(7, "a").num(1).uuid(), Key::new(7, "a").num(2).uuid());
    }
}
