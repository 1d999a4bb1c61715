//! Property tests of the engine's rules: time never decreases; same-time
//! events run in scheduling order; a cancelled event never fires; every
//! scheduled, uncancelled event at or before the horizon fires exactly once.
//! And the optimised queue agrees with the binary-heap reference on any
//! sequence of operations.

use std::collections::BTreeSet;

use proptest::prelude::*;
use sim_core::queue::ReferenceQueue;
use sim_core::{
    Context, EventKey, EventQueue, Model, SimDuration, SimTime, Simulation, StopReason,
};

#[derive(Debug, Clone)]
enum Action {
    /// Schedule a new event after this many nanoseconds (small, so ties are common).
    Schedule(u64),
    /// Cancel the event picked by this index among those scheduled so far.
    Cancel(usize),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => prop_oneof![Just(0u64), 0u64..50, 0u64..5_000, 0u64..(1 << 40)].prop_map(Action::Schedule),
        1 => any::<usize>().prop_map(Action::Cancel),
    ]
}

/// Each event (and `init`) performs the next two actions of a script.
struct Scripted {
    script: Vec<Action>,
    cursor: usize,
    scheduled: Vec<(SimTime, EventKey)>,
    cancelled: BTreeSet<u32>,
    fired: Vec<(SimTime, u32)>,
}

impl Scripted {
    fn act(&mut self, cx: &mut Context<'_, u32>) {
        for _ in 0..2 {
            let Some(action) = self.script.get(self.cursor).cloned() else {
                return;
            };
            self.cursor += 1;
            match action {
                Action::Schedule(delay) => {
                    let id = self.scheduled.len() as u32;
                    let key = cx.schedule_in(SimDuration::from_nanos(delay), id);
                    self.scheduled
                        .push((cx.now() + SimDuration::from_nanos(delay), key));
                }
                Action::Cancel(pick) if !self.scheduled.is_empty() => {
                    let id = (pick % self.scheduled.len()) as u32;
                    let fired_already = self.fired.iter().any(|&(_, f)| f == id);
                    let ok = cx.cancel(self.scheduled[id as usize].1);
                    // Cancel succeeds exactly when the event is still pending.
                    assert_eq!(ok, !fired_already && !self.cancelled.contains(&id));
                    if ok {
                        self.cancelled.insert(id);
                    }
                }
                Action::Cancel(_) => {}
            }
        }
    }
}

impl Model for Scripted {
    type Event = u32;
    fn init(&mut self, cx: &mut Context<'_, u32>) {
        // A few roots so the run does not die out at once.
        for _ in 0..3 {
            self.act(cx);
        }
    }
    fn handle(&mut self, cx: &mut Context<'_, u32>, id: u32) {
        assert!(!self.cancelled.contains(&id), "cancelled event {id} fired");
        self.fired.push((cx.now(), id));
        self.act(cx);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_rules_hold(script in prop::collection::vec(action(), 0..400), horizon in 0u64..(1 << 41)) {
        let model = Scripted { script, cursor: 0, scheduled: vec![], cancelled: BTreeSet::new(), fired: vec![] };
        let mut sim = Simulation::new(model, 1);
        let horizon = SimTime::from_nanos(horizon);
        let summary = sim.run_until(horizon);
        prop_assert_eq!(summary.reason, StopReason::Horizon);
        prop_assert_eq!(sim.now(), horizon);
        let m = sim.model();

        // Time never decreases; equal times run in scheduling order (ids are given in that order).
        for w in m.fired.windows(2) {
            prop_assert!(w[0].0 <= w[1].0, "time went back: {:?}", w);
            if w[0].0 == w[1].0 {
                prop_assert!(w[0].1 < w[1].1, "same-time events out of order: {:?}", w);
            }
        }
        // Exactly the uncancelled events due by the horizon fired, each once.
        let fired: Vec<u32> = m.fired.iter().map(|&(_, id)| id).collect();
        let fired_set: BTreeSet<u32> = fired.iter().copied().collect();
        prop_assert_eq!(fired.len(), fired_set.len(), "an event fired twice");
        for (id, &(at, _)) in m.scheduled.iter().enumerate() {
            let id = id as u32;
            let should = at <= horizon && !m.cancelled.contains(&id);
            prop_assert_eq!(fired_set.contains(&id), should, "event {} at {:?}", id, at);
        }
        // Each fired event fired at the time it was scheduled for.
        for &(t, id) in &m.fired {
            prop_assert_eq!(t, m.scheduled[id as usize].0);
        }
    }

    #[test]
    fn radix_queue_matches_reference(ops in prop::collection::vec((0u8..4, 0u64..(1 << 36), any::<usize>()), 0..600)) {
        let mut fast = EventQueue::new();
        let mut slow = ReferenceQueue::default();
        let mut keys = Vec::new();
        let mut now = SimTime::ZERO;
        for (op, x, pick) in ops {
            match op {
                0 | 1 => {
                    // Push at or after the last time popped (small delays make ties).
                    let at = now + SimDuration::from_nanos(if op == 0 { x % 8 } else { x });
                    let id = keys.len();
                    keys.push((fast.push(at, id), slow.push(at, id)));
                }
                2 if !keys.is_empty() => {
                    let (k_fast, k_slow) = keys[pick % keys.len()];
                    prop_assert_eq!(fast.cancel(k_fast), slow.cancel(k_slow));
                }
                _ => {
                    let limit = now + SimDuration::from_nanos(x);
                    let (a, b) = (fast.pop_until(limit), slow.pop_until(limit));
                    prop_assert_eq!(a, b);
                    if let Some((t, _)) = a {
                        now = t;
                    }
                    if pick % 3 == 0 {
                        prop_assert_eq!(fast.peek_time(), slow.peek_time());
                    }
                }
            }
            prop_assert_eq!(fast.len(), slow.len());
        }
        loop {
            let (a, b) = (fast.pop(), slow.pop_until(SimTime::MAX));
            prop_assert_eq!(a, b);
            if a.is_none() { break; }
        }
    }
}

#[test]
fn scheduling_in_the_past_is_an_error() {
    struct Noop;
    impl Model for Noop {
        type Event = ();
        fn handle(&mut self, _: &mut Context<'_, ()>, _: ()) {}
    }
    let mut sim = Simulation::new(Noop, 0);
    sim.run_until(SimTime::from_nanos(100));
    let err = sim.schedule_at(SimTime::from_nanos(99), ()).unwrap_err();
    assert!(err.to_string().contains("cannot schedule"), "{err}");
    assert!(sim.schedule_at(SimTime::from_nanos(100), ()).is_ok());
}

#[test]
fn progress_hook_can_interrupt_and_the_run_resumes() {
    use std::ops::ControlFlow;
    let mut sim = Simulation::new(sim_core::classic::Hold::new(10, 3), 3);
    let mut calls = 0;
    sim.set_progress_hook(1_000, move |p| {
        calls += 1;
        assert_eq!(p.events, calls * 1_000);
        if calls == 5 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let s = sim.run_until(SimTime::MAX);
    assert_eq!(s.reason, StopReason::Interrupted);
    assert_eq!(s.events, 5_000);
    sim.clear_progress_hook();
    let s = sim.run_for(SimDuration::from_secs(10));
    assert_eq!(s.reason, StopReason::Horizon);
    assert!(s.events > 0);
}

#[test]
fn stop_ends_the_run_and_stays_stopped() {
    struct StopAt3(u32);
    impl Model for StopAt3 {
        type Event = ();
        fn init(&mut self, cx: &mut Context<'_, ()>) {
            cx.schedule_in(SimDuration::from_secs(1), ());
        }
        fn handle(&mut self, cx: &mut Context<'_, ()>, _: ()) {
            self.0 += 1;
            if self.0 == 3 {
                cx.stop();
            }
            cx.schedule_in(SimDuration::from_secs(1), ());
        }
    }
    let mut sim = Simulation::new(StopAt3(0), 0);
    let s = sim.run();
    assert_eq!(
        (s.reason, s.events, sim.now()),
        (StopReason::Stopped, 3, SimTime::from_nanos(3_000_000_000))
    );
    assert_eq!(sim.step(), None);
    assert_eq!(sim.run().events, 0);
}
