//! Steady-state queueing formulas that validation tests compare simulated
//! waiting times against. Every function returns the mean wait in the queue
//! (`Wq`, excluding service), in the time unit of `1/rate`, and refuses an
//! unstable queue (utilisation ≥ 1), negative or NaN rates, and zero servers.

use crate::error::{Error, Result};

/// The Erlang C probability that an arrival to an M/M/c queue must wait,
/// with `servers` servers and `offered_load_erlangs = λ/μ`.
///
/// Computed through the Erlang B recursion `B(k) = a·B(k−1) / (k + a·B(k−1))`
/// and `C = c·B / (c − a·(1 − B))`, which never forms `a^c` or `c!` and so
/// stays finite for thousands of servers.
pub fn erlang_c(servers: u32, offered_load_erlangs: f64) -> Result<f64> {
    if servers == 0 {
        return Err(Error::invalid("servers", servers, "must be at least 1"));
    }
    let a = offered_load_erlangs;
    if !(a.is_finite() && a >= 0.0) {
        return Err(Error::invalid(
            "offered_load_erlangs",
            a,
            "must be finite and ≥ 0",
        ));
    }
    let c = f64::from(servers);
    if a >= c {
        return Err(Error::invalid(
            "offered_load_erlangs",
            a,
            "must be below the number of servers (utilisation < 1) for the queue to be stable",
        ));
    }
    let mut b = 1.0;
    for k in 1..=servers {
        b = a * b / (f64::from(k) + a * b);
    }
    Ok(c * b / (c - a * (1.0 - b)))
}

/// The mean wait in queue of M/M/1: `ρ / (μ − λ)` with `ρ = λ/μ`.
pub fn mm1_wait(lambda: f64, mu: f64) -> Result<f64> {
    let rho = utilisation(1, lambda, mu)?;
    Ok(rho / (mu - lambda))
}

/// The mean wait in queue of M/M/c: `C(c, λ/μ) / (cμ − λ)`.
pub fn mmc_wait(c: u32, lambda: f64, mu: f64) -> Result<f64> {
    utilisation(c, lambda, mu)?;
    let wait_probability = erlang_c(c, lambda / mu)?;
    Ok(wait_probability / (f64::from(c) * mu - lambda))
}

/// The mean wait in queue of M/D/1 (Pollaczek–Khinchine with deterministic
/// service `1/μ`): `ρ / (2μ(1 − ρ))`, half the M/M/1 wait.
pub fn md1_wait(lambda: f64, mu: f64) -> Result<f64> {
    let rho = utilisation(1, lambda, mu)?;
    Ok(rho / (2.0 * mu * (1.0 - rho)))
}

/// Checks the parameters of a `c`-server queue and returns `ρ = λ/(cμ)`.
fn utilisation(c: u32, lambda: f64, mu: f64) -> Result<f64> {
    if c == 0 {
        return Err(Error::invalid("c", c, "must be at least 1"));
    }
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(Error::invalid(
            "lambda",
            lambda,
            "must be a finite rate ≥ 0",
        ));
    }
    if !(mu.is_finite() && mu > 0.0) {
        return Err(Error::invalid("mu", mu, "must be a finite rate > 0"));
    }
    let rho = lambda / (f64::from(c) * mu);
    if rho >= 1.0 {
        return Err(Error::invalid(
            "utilisation",
            rho,
            "λ/(cμ) must be below 1 for the queue to be stable",
        ));
    }
    Ok(rho)
}
