//! The 5x5 heat map's counts: risks by current likelihood and worst-domain consequence. One rule
//! for the register page, the board pack page and its PDF.

use super::RiskView;

/// Risks per cell: `[consequence - 1][likelihood - 1]`.
pub type HeatCounts = [[u32; 5]; 5];

/// Count `risks` by their current score's likelihood and worst consequence.
pub fn heat_counts(risks: &[RiskView]) -> HeatCounts {
    let mut counts = [[0u32; 5]; 5];
    for r in risks {
        let s = &r.risk.details.current;
        let l = usize::from(s.likelihood.value()).saturating_sub(1).min(4);
        let c = usize::from(s.worst().1.value()).saturating_sub(1).min(4);
        counts[c][l] = counts[c][l].saturating_add(1);
    }
    counts
}
