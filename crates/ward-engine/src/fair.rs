//! A FAIR-style quantitative view of one risk: a seeded Monte Carlo of annual loss from PERT
//! estimates of how often a loss event happens (per year) and what one event costs, giving the loss
//! exceedance curve (the chance that a year's loss exceeds each amount). Money only: patient harm
//! stays on the NPSA scale, its own non-monetary axis.
//!
//! Pure and deterministic: the same inputs and seed give identical output on every machine. The
//! generator is a small xoshiro256** seeded through SplitMix64 (written here; no dependency).

use serde::{Deserialize, Serialize};
use ward_core::ValidationError;

/// A three-point estimate (minimum, most likely, maximum) read as a PERT distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pert {
    pub min: f64,
    pub mode: f64,
    pub max: f64,
}

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FairInputs {
    /// Loss events per year.
    pub frequency: Pert,
    /// Loss per event, in pounds.
    pub magnitude: Pert,
    /// Simulated years, 100 to 50,000.
    pub trials: u32,
    pub seed: u64,
}

/// One point of the loss exceedance curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExceedancePoint {
    /// An annual loss, in pounds.
    pub loss: f64,
    /// The share of simulated years whose loss exceeded it (0 to 1).
    pub probability: f64,
}

/// What the simulation gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossExceedance {
    pub trials: u32,
    pub seed: u64,
    /// Mean annual loss.
    pub mean: f64,
    /// Annual loss at the 50th, 90th and 99th percentiles.
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    /// The curve, by increasing loss (decreasing probability), [`POINTS`] points.
    pub curve: Vec<ExceedancePoint>,
}

/// Points on the curve.
pub const POINTS: usize = 50;
const MAX_TRIALS: u32 = 50_000;
const MAX_FREQUENCY: f64 = 365.0;
const MAX_MONEY: f64 = 1e12;

impl Pert {
    fn check(&self, field: &str, limit: f64) -> Result<(), ValidationError> {
        let finite = [self.min, self.mode, self.max].iter().all(|v| v.is_finite());
        if !finite || self.min < 0.0 {
            return Err(ValidationError::new(
                field,
                "must be finite numbers, not negative",
            ));
        }
        if !(self.min <= self.mode && self.mode <= self.max) {
            return Err(ValidationError::new(field, "needs min <= mode <= max"));
        }
        if self.max > limit {
            return Err(ValidationError::new(
                format!("{field}.max"),
                format!("must be at most {limit}"),
            ));
        }
        Ok(())
    }

    fn sample(&self, rng: &mut Rng) -> f64 {
        let range = self.max - self.min;
        if range <= 0.0 {
            return self.min;
        }
        let alpha = 1.0 + 4.0 * (self.mode - self.min) / range;
        let beta = 1.0 + 4.0 * (self.max - self.mode) / range;
        let x = rng.gamma(alpha);
        let y = rng.gamma(beta);
        let b = if x + y > 0.0 { x / (x + y) } else { 0.5 };
        self.min + b * range
    }
}

/// xoshiro256** seeded through SplitMix64.
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x ^ (x >> 31)
        };
        Self([next(), next(), next(), next()])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        // 53 random bits, shifted off zero.
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang (boosted for shapes below one).
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Poisson(lambda): Knuth's product method up to 30, a rounded normal above.
    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            let n = (lambda + lambda.sqrt() * self.normal()).round();
            return if n <= 0.0 {
                0
            } else {
                n.min(f64::from(u32::MAX)) as u32
            };
        }
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.uniform();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

/// Check the inputs, naming the field at fault.
pub fn check(inputs: &FairInputs) -> Result<(), ValidationError> {
    inputs.frequency.check("frequency", MAX_FREQUENCY)?;
    inputs.magnitude.check("magnitude", MAX_MONEY)?;
    if !(100..=MAX_TRIALS).contains(&inputs.trials) {
        return Err(ValidationError::new(
            "trials",
            format!("must be between 100 and {MAX_TRIALS}"),
        ));
    }
    Ok(())
}

/// Run the simulation.
pub fn simulate(inputs: &FairInputs) -> Result<LossExceedance, ValidationError> {
    check(inputs)?;
    let mut rng = Rng::new(inputs.seed);
    let mut years: Vec<f64> = (0..inputs.trials)
        .map(|_| {
            let lambda = inputs.frequency.sample(&mut rng);
            let events = rng.poisson(lambda);
            (0..events)
                .map(|_| inputs.magnitude.sample(&mut rng))
                .sum::<f64>()
        })
        .collect();
    years.sort_by(f64::total_cmp);
    let n = years.len();
    let at = |q: f64| -> f64 {
        let i = ((n as f64 - 1.0) * q).round() as usize;
        years.get(i.min(n - 1)).copied().unwrap_or(0.0)
    };
    let max = years.last().copied().unwrap_or(0.0);
    let mean = years.iter().sum::<f64>() / n as f64;
    let curve = (0..POINTS)
        .map(|k| {
            let loss = max * k as f64 / (POINTS - 1) as f64;
            // Years strictly above `loss`: everything after the last index at or below it.
            let above = n - years.partition_point(|y| *y <= loss);
            ExceedancePoint {
                loss,
                probability: above as f64 / n as f64,
            }
        })
        .collect();
    Ok(LossExceedance {
        trials: inputs.trials,
        seed: inputs.seed,
        mean,
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max,
        curve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(seed: u64) -> FairInputs {
        FairInputs {
            frequency: Pert {
                min: 0.1,
                mode: 0.5,
                max: 2.0,
            },
            magnitude: Pert {
                min: 50_000.0,
                mode: 250_000.0,
                max: 5_000_000.0,
            },
            trials: 5_000,
            seed,
        }
    }

    #[test]
    fn the_same_seed_gives_identical_output_and_another_seed_differs() {
        let a = simulate(&inputs(7)).unwrap();
        assert_eq!(a, simulate(&inputs(7)).unwrap());
        assert_ne!(a.mean, simulate(&inputs(8)).unwrap().mean);
    }

    #[test]
    fn the_curve_falls_and_the_mean_is_near_frequency_times_magnitude() {
        let r = simulate(&inputs(1)).unwrap();
        assert_eq!(r.curve.len(), POINTS);
        assert!(
            r.curve
                .windows(2)
                .all(|w| w[0].probability >= w[1].probability && w[0].loss < w[1].loss)
        );
        assert_eq!(r.curve.last().map(|p| p.probability), Some(0.0));
        // PERT means: frequency (0.1 + 4*0.5 + 2)/6 = 0.683; magnitude (50k + 1m + 5m)/6 = 1.008m.
        let expected = 0.683 * 1_008_333.0;
        assert!((r.mean - expected).abs() / expected < 0.1, "mean {}", r.mean);
        assert!(r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max);
    }

    #[test]
    fn pert_samples_stay_in_range() {
        let mut rng = Rng::new(3);
        let p = Pert {
            min: 2.0,
            mode: 3.0,
            max: 10.0,
        };
        for _ in 0..10_000 {
            let x = p.sample(&mut rng);
            assert!((2.0..=10.0).contains(&x));
        }
    }

    #[test]
    fn bad_inputs_name_their_field() {
        let mut i = inputs(1);
        i.frequency.mode = 5.0;
        assert_eq!(simulate(&i).unwrap_err().field, "frequency");
        let mut i = inputs(1);
        i.magnitude.min = -1.0;
        assert_eq!(simulate(&i).unwrap_err().field, "magnitude");
        let mut i = inputs(1);
        i.trials = 10;
        assert_eq!(simulate(&i).unwrap_err().field, "trials");
        let mut i = inputs(1);
        i.frequency.max = f64::NAN;
        assert_eq!(simulate(&i).unwrap_err().field, "frequency");
    }
}
