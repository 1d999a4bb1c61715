//! Validated probability distributions for service times, inter-arrival
//! times and sizes, sampled from a [`SimRng`] through `rand_distr`.
//!
//! A [`Dist`] can only be built from valid parameters — NaN, negative or
//! inconsistent parameters are an [`Error::InvalidParameter`] naming the
//! parameter — and it deserializes through the same checks, so a scenario file
//! cannot smuggle in a broken distribution.

use rand::RngExt;
use rand_distr::{Distribution, Exp, LogNormal, Normal, Uniform};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng::SimRng;
use crate::time::SimDuration;

/// The standard normal quantile at 0.99, used to fit a log-normal from its p99.
const Z_99: f64 = 2.326_347_874_040_841;

/// The serialized form of a [`Dist`]: `{kind: exponential, mean: 0.05}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistConfig {
    /// Always `value`.
    Constant {
        /// The value.
        value: f64,
    },
    /// Exponential with the given mean (memoryless: Poisson arrivals, M/M/c service).
    Exponential {
        /// The mean, > 0.
        mean: f64,
    },
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound, > `low`.
        high: f64,
    },
    /// Normal; durations drawn from it are clamped at zero.
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation, ≥ 0.
        std_dev: f64,
    },
    /// Log-normal fitted to a median and a 99th percentile, the way latency is usually quoted.
    LogNormal {
        /// The median, > 0.
        median: f64,
        /// The 99th percentile, > `median`.
        p99: f64,
    },
}

#[derive(Clone, Debug)]
enum Sampler {
    Constant(f64),
    Exp(Exp<f64>),
    Uniform(Uniform<f64>),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
}

/// A validated distribution over `f64`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "DistConfig", into = "DistConfig")]
pub struct Dist {
    config: DistConfig,
    sampler: Sampler,
}

impl PartialEq for Dist {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
    }
}

fn finite(name: &'static str, x: f64) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::invalid(name, x, "must be a finite number"))
    }
}

fn positive(name: &'static str, x: f64) -> Result<f64> {
    if finite(name, x)? > 0.0 {
        Ok(x)
    } else {
        Err(Error::invalid(name, x, "must be > 0"))
    }
}

impl Dist {
    /// Always `value`.
    pub fn constant(value: f64) -> Result<Self> {
        Self::try_from(DistConfig::Constant { value })
    }
    /// Exponential with mean `mean` (> 0).
    pub fn exponential(mean: f64) -> Result<Self> {
        Self::try_from(DistConfig::Exponential { mean })
    }
    /// Uniform on `[low, high)`.
    pub fn uniform(low: f64, high: f64) -> Result<Self> {
        Self::try_from(DistConfig::Uniform { low, high })
    }
    /// Normal with the given mean and standard deviation.
    pub fn normal(mean: f64, std_dev: f64) -> Result<Self> {
        Self::try_from(DistConfig::Normal { mean, std_dev })
    }
    /// Log-normal with this median and 99th percentile.
    pub fn log_normal(median: f64, p99: f64) -> Result<Self> {
        Self::try_from(DistConfig::LogNormal { median, p99 })
    }

    /// The parameters this distribution was built from.
    pub fn config(&self) -> &DistConfig {
        &self.config
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        match &self.sampler {
            Sampler::Constant(v) => *v,
            Sampler::Exp(d) => d.sample(rng),
            Sampler::Uniform(d) => rng.sample(d),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
        }
    }

    /// One draw read as seconds, clamped at zero so time never runs backwards.
    #[inline]
    pub fn sample_duration(&self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_secs_f64(self.sample(rng))
    }

    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match self.config {
            DistConfig::Constant { value } => value,
            DistConfig::Exponential { mean } | DistConfig::Normal { mean, .. } => mean,
            DistConfig::Uniform { low, high } => (low + high) / 2.0,
            DistConfig::LogNormal { median, p99 } => {
                let sigma = (p99 / median).ln() / Z_99;
                median * (sigma * sigma / 2.0).exp()
            }
        }
    }
}

impl TryFrom<DistConfig> for Dist {
    type Error = Error;

    fn try_from(config: DistConfig) -> Result<Self> {
        let sampler = match config {
            DistConfig::Constant { value } => Sampler::Constant(finite("value", value)?),
            DistConfig::Exponential { mean } => {
                let rate = 1.0 / positive("mean", mean)?;
                Sampler::Exp(Exp::new(rate).map_err(|_| Error::invalid("mean", mean, "too small"))?)
            }
            DistConfig::Uniform { low, high } => {
                if finite("high", high)? <= finite("low", low)? {
                    return Err(Error::invalid("high", high, "must be greater than `low`"));
                }
                Sampler::Uniform(
                    Uniform::new(low, high)
                        .map_err(|_| Error::invalid("high", high, "range too wide"))?,
                )
            }
            DistConfig::Normal { mean, std_dev } => {
                if finite("std_dev", std_dev)? < 0.0 {
                    return Err(Error::invalid("std_dev", std_dev, "must be ≥ 0"));
                }
                Sampler::Normal(
                    Normal::new(finite("mean", mean)?, std_dev)
                        .map_err(|_| Error::invalid("std_dev", std_dev, "must be ≥ 0"))?,
                )
            }
            DistConfig::LogNormal { median, p99 } => {
                if positive("p99", p99)? <= positive("median", median)? {
                    return Err(Error::invalid("p99", p99, "must be greater than `median`"));
                }
                let sigma = (p99 / median).ln() / Z_99;
                Sampler::LogNormal(
                    LogNormal::new(median.ln(), sigma)
                        .map_err(|_| Error::invalid("p99", p99, "gives an invalid spread"))?,
                )
            }
        };
        Ok(Dist { config, sampler })
    }
}

impl From<Dist> for DistConfig {
    fn from(d: Dist) -> Self {
        d.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = SimRng::stream(3, "dist");
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_the_distribution_means() {
        for d in [
            Dist::constant(2.5).unwrap(),
            Dist::exponential(0.2).unwrap(),
            Dist::uniform(1.0, 3.0).unwrap(),
            Dist::normal(10.0, 2.0).unwrap(),
            Dist::log_normal(0.05, 0.5).unwrap(),
        ] {
            let m = sample_mean(&d, 400_000);
            assert!(
                (m - d.mean()).abs() < 0.02 * d.mean(),
                "{:?}: {m} vs {}",
                d.config(),
                d.mean()
            );
        }
    }

    #[test]
    fn log_normal_hits_its_median_and_p99() {
        let d = Dist::log_normal(0.1, 0.9).unwrap();
        let mut rng = SimRng::stream(5, "ln");
        let mut xs: Vec<f64> = (0..200_000).map(|_| d.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        let q = |p: f64| xs[(p * xs.len() as f64) as usize];
        assert!((q(0.5) / 0.1 - 1.0).abs() < 0.02, "median {}", q(0.5));
        assert!((q(0.99) / 0.9 - 1.0).abs() < 0.05, "p99 {}", q(0.99));
    }

    #[test]
    fn rejects_bad_parameters_naming_them() {
        let cases: [(Result<Dist>, &str); 8] = [
            (Dist::exponential(-1.0), "mean"),
            (Dist::exponential(f64::NAN), "mean"),
            (Dist::exponential(0.0), "mean"),
            (Dist::uniform(2.0, 1.0), "high"),
            (Dist::normal(0.0, -1.0), "std_dev"),
            (Dist::log_normal(0.5, 0.1), "p99"),
            (Dist::log_normal(-0.5, 0.1), "median"),
            (Dist::constant(f64::INFINITY), "value"),
        ];
        for (result, field) in cases {
            let e = result.unwrap_err().to_string();
            assert!(e.contains(&format!("`{field}`")), "{e}");
        }
    }

    #[test]
    fn deserializes_through_validation() {
        let d: Dist = serde_json::from_str(r#"{"kind":"exponential","mean":0.5}"#).unwrap();
        assert_eq!(d.mean(), 0.5);
        let e = serde_json::from_str::<Dist>(r#"{"kind":"exponential","mean":-2}"#).unwrap_err();
        assert!(e.to_string().contains("`mean`"), "{e}");
        assert!(serde_json::from_str::<Dist>(r#"{"kind":"exponential","mean":1,"x":1}"#).is_err());
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"kind":"exponential","mean":0.5}"#
        );
    }
}
