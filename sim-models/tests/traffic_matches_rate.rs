//! Arrivals drawn by thinning match the rate they follow: counts per window
//! agree with ∫λ within Poisson bounds (±4σ, σ = √expected), for constant,
//! diurnal, spiked and replayed traffic; the request mix matches its
//! fractions; trace errors say where they are; a seed fixes the sequence.

use sim_core::{SimDuration, SimRng, SimTime};
use sim_models::scenario::{
    RequestClass, RequestClassConfig, SpikeConfig, TrafficPatternConfig, UserRegionConfig,
};
use sim_models::traffic::{ArrivalProcess, RateProfile, RequestMix, Trace};

fn region(rps: f64, pattern: TrafficPatternConfig, spikes: Vec<SpikeConfig>) -> UserRegionConfig {
    UserRegionConfig {
        name: "test".into(),
        rps,
        pattern,
        spikes,
    }
}

fn secs(s: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs(s)
}

/// Arrival counts in `bins` equal windows of `bin` each, from time zero.
fn counts(profile: RateProfile, seed: u64, bin: SimDuration, bins: usize) -> Vec<u64> {
    let mut arrivals = ArrivalProcess::new(profile);
    let mut rng = SimRng::stream(seed, "traffic/test");
    let mut out = vec![0u64; bins];
    let mut now = SimTime::ZERO;
    while let Some(t) = arrivals.next_arrival(now, &mut rng) {
        let i = (t.as_nanos() / bin.as_nanos()) as usize;
        if i >= bins {
            break;
        }
        out[i] += 1;
        now = t;
    }
    out
}

/// `count` is within ±4√expected of `expected`.
fn assert_poisson(what: &str, count: u64, expected: f64) {
    let sigma = expected.sqrt();
    let z = (count as f64 - expected) / sigma.max(f64::MIN_POSITIVE);
    println!("{what}: {count} arrivals, expected {expected:.1}, z = {z:+.2}");
    assert!(
        (count as f64 - expected).abs() <= 4.0 * sigma,
        "{what}: {count} arrivals, expected {expected:.1} ± {:.1}",
        4.0 * sigma
    );
}

#[test]
fn constant_rate_gives_rate_times_time() {
    let p = RateProfile::from_config(&region(50.0, TrafficPatternConfig::Constant, vec![]), None)
        .unwrap();
    assert_eq!(p.max_rate(), 50.0);
    let n = counts(p, 1, SimDuration::from_hours(1), 1)[0];
    assert_poisson("constant 50 rps, 1 h", n, 180_000.0);
}

#[test]
fn diurnal_counts_follow_the_daily_curve_and_peak_at_the_configured_hour() {
    let pattern = TrafficPatternConfig::Diurnal {
        peak_hour: 14.5,
        amplitude: 0.8,
    };
    let p = RateProfile::from_config(&region(20.0, pattern, vec![]), None).unwrap();
    let hour = SimDuration::from_hours(1);
    let per_hour = counts(p.clone(), 2, hour, 24);
    for (h, &n) in per_hour.iter().enumerate() {
        let from = SimTime::ZERO + hour.saturating_mul(h as u64);
        assert_poisson(
            &format!("hour {h:2}"),
            n,
            p.expected_arrivals(from, from + hour),
        );
    }
    let peak = (0..24).max_by_key(|&h| per_hour[h]).unwrap();
    let trough = (0..24).min_by_key(|&h| per_hour[h]).unwrap();
    println!("busiest hour {peak}, quietest hour {trough}");
    assert_eq!(
        peak, 14,
        "the hour [14h, 15h) is centred on the peak at 14.5 h"
    );
    assert_eq!(trough, 2, "the trough is 12 h after the peak");
    let total: u64 = per_hour.iter().sum();
    assert_poisson("whole day", total, 20.0 * 86_400.0);
}

#[test]
fn a_spike_multiplies_the_rate_inside_its_window_only() {
    let spike = SpikeConfig {
        at: SimDuration::from_mins(10),
        duration: SimDuration::from_mins(5),
        multiplier: 6.0,
    };
    let p = RateProfile::from_config(
        &region(10.0, TrafficPatternConfig::Constant, vec![spike]),
        None,
    )
    .unwrap();
    assert_eq!(p.max_rate(), 60.0);
    // Windows of 5 min: [0, 5m), [5m, 10m), [10m, 15m) = the spike, [15m, 20m).
    let n = counts(p, 3, SimDuration::from_mins(5), 4);
    assert_poisson("before", n[0] + n[1], 10.0 * 600.0);
    assert_poisson("spike window", n[2], 6.0 * 10.0 * 300.0);
    assert_poisson("after", n[3], 10.0 * 300.0);
    let ratio = n[2] as f64 / n[3] as f64;
    println!("spike / base = {ratio:.2}");
    assert!((ratio - 6.0).abs() < 0.6, "{ratio}");
}

#[test]
fn a_trace_is_held_row_to_row_and_arrivals_follow_it() {
    let csv = "time,rate\n30s,5\n1m,20\n2m,0\n180,10\n";
    let trace = Trace::from_reader(csv.as_bytes(), "trace.csv").unwrap();
    let pattern = TrafficPatternConfig::Trace {
        file: "trace.csv".into(),
    };
    let p = RateProfile::from_config(&region(2.0, pattern, vec![]), Some(&trace)).unwrap();
    // Hold semantics, scaled by rps = 2: the first rate before the first row,
    // the last rate after the last.
    for (t, rate) in [
        (0, 10.0),
        (30, 10.0),
        (59, 10.0),
        (60, 40.0),
        (119, 40.0),
        (120, 0.0),
        (179, 0.0),
        (180, 20.0),
        (100_000, 20.0),
    ] {
        assert_eq!(p.rate_at(secs(t)), rate, "rate at {t}s");
    }
    assert_eq!(p.max_rate(), 40.0);
    assert_eq!(
        p.mean_rate_over(secs(0), secs(240)),
        (60.0 * 10.0 + 60.0 * 40.0 + 60.0 * 20.0) / 240.0
    );

    let n = counts(p, 4, SimDuration::from_mins(1), 5);
    assert_poisson("[0, 1m) at 10/s", n[0], 600.0);
    assert_poisson("[1m, 2m) at 40/s", n[1], 2400.0);
    assert_eq!(n[2], 0, "[2m, 3m) has rate zero");
    assert_poisson("[3m, 4m) at 20/s", n[3], 1200.0);
    assert_poisson("[4m, 5m) at 20/s", n[4], 1200.0);
}

#[test]
fn a_zero_rate_never_arrives() {
    let p = RateProfile::from_config(&region(0.0, TrafficPatternConfig::Constant, vec![]), None)
        .unwrap();
    let mut rng = SimRng::stream(5, "traffic/test");
    assert_eq!(
        ArrivalProcess::new(p).next_arrival(SimTime::ZERO, &mut rng),
        None
    );
    // A trace that falls to zero stops arriving after its last row.
    let trace = Trace::from_reader("time,rate\n0,100\n1s,0\n".as_bytes(), "t").unwrap();
    let pattern = TrafficPatternConfig::Trace { file: "t".into() };
    let mut a = ArrivalProcess::new(
        RateProfile::from_config(&region(1.0, pattern, vec![]), Some(&trace)).unwrap(),
    );
    let mut now = SimTime::ZERO;
    let mut n = 0;
    while let Some(t) = a.next_arrival(now, &mut rng) {
        assert!(t < secs(1));
        (now, n) = (t, n + 1);
    }
    assert_poisson("one second at 100/s", n, 100.0);

    // A diurnal rate of zero ends at once; a zero spike silences its window.
    let diurnal = TrafficPatternConfig::Diurnal {
        peak_hour: 12.0,
        amplitude: 1.0,
    };
    let p = RateProfile::from_config(&region(0.0, diurnal.clone(), vec![]), None).unwrap();
    assert_eq!(
        ArrivalProcess::new(p).next_arrival(SimTime::ZERO, &mut rng),
        None
    );
    let outage = SpikeConfig {
        at: SimDuration::from_hours(1),
        duration: SimDuration::from_hours(2),
        multiplier: 0.0,
    };
    let p = RateProfile::from_config(&region(1.0, diurnal, vec![outage]), None).unwrap();
    let n = counts(p.clone(), 7, SimDuration::from_hours(1), 4);
    assert_eq!((n[1], n[2]), (0, 0), "{n:?}");
    assert_poisson(
        "hour 3 after the outage",
        n[3],
        p.expected_arrivals(secs(3 * 3600), secs(4 * 3600)),
    );
}

#[test]
fn the_mix_matches_its_fractions() {
    let class = |class, fraction| RequestClassConfig {
        class,
        fraction,
        work_factor: 1.0,
        request_bytes: 0,
        response_bytes: 0,
    };
    let fractions = [0.65, 0.3, 0.05];
    let mix = RequestMix::new(&[
        class(RequestClass::Read, fractions[0]),
        class(RequestClass::Write, fractions[1]),
        class(RequestClass::Login, fractions[2]),
    ])
    .unwrap();
    let mut rng = SimRng::stream(6, "traffic/mix");
    let n = 1_000_000;
    let mut seen = [0u32; 3];
    for _ in 0..n {
        seen[mix.pick(&mut rng)] += 1;
    }
    for (i, &f) in fractions.iter().enumerate() {
        let got = f64::from(seen[i]) / f64::from(n);
        println!("class {i}: {got:.4} (fraction {f})");
        assert!((got - f).abs() < 0.005, "class {i}: {got} vs {f}");
    }
}

#[test]
fn trace_errors_name_the_file_line_and_column() {
    let cases = [
        (
            "time,rate\n0s,1\n10s,abc\n",
            "trace.csv line 3, column rate: \"abc\" must be a finite number ≥ 0",
        ),
        (
            "time,rate\n0s,1\n10s,2\n20s,-3\n",
            "trace.csv line 4, column rate: \"-3\" must be a finite number ≥ 0",
        ),
        (
            "time,rate\n0s,1\n10s,2\nsoon,2\n",
            "trace.csv line 4, column time: \"soon\" must be a duration",
        ),
        (
            "time,rate\n0s,1\n10s,2\n10s,3\n",
            "trace.csv line 4, column time: \"10s\" must be later than the previous row's time (10s)",
        ),
        (
            "time,rate\n0s,1\n1m,2\n30,3\n",
            "trace.csv line 4, column time: \"30\" must be later",
        ),
        (
            "time,rate\n0s,1\n10s\n",
            "trace.csv line 3, column rate: missing",
        ),
        ("time\n0s\n", "trace.csv line 1, column rate: missing"),
        (
            "time,rate\n0s,inf\n",
            "trace.csv line 2, column rate: \"inf\"",
        ),
        ("", "trace.csv line 1, column time: no data"),
        ("time,rate\n", "trace.csv line 2, column time: no data"),
    ];
    for (text, expected) in cases {
        let e = Trace::from_reader(text.as_bytes(), "trace.csv")
            .unwrap_err()
            .to_string();
        println!("{e}");
        assert!(
            e.starts_with(expected),
            "{text:?}\n  got:  {e}\n  want: {expected}…"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_arrivals() {
    let pattern = TrafficPatternConfig::Diurnal {
        peak_hour: 9.0,
        amplitude: 0.5,
    };
    let spike = SpikeConfig {
        at: SimDuration::from_secs(100),
        duration: SimDuration::from_secs(50),
        multiplier: 3.0,
    };
    let p = RateProfile::from_config(&region(40.0, pattern, vec![spike]), None).unwrap();
    let run = |seed| {
        let mut a = ArrivalProcess::new(p.clone());
        let mut rng = SimRng::stream(seed, "traffic/eu");
        let mut now = SimTime::ZERO;
        (0..20_000)
            .map(|_| {
                now = a.next_arrival(now, &mut rng).unwrap();
                now.as_nanos()
            })
            .collect::<Vec<_>>()
    };
    let (a, b, c) = (run(11), run(11), run(12));
    assert!(
        a.windows(2).all(|w| w[0] <= w[1]),
        "arrival times never decrease"
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    println!("first arrivals, seed 11: {:?}", &a[..3]);
}
