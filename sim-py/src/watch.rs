//! [`Watch`]: what a run's progress hook asks of Python — whether Ctrl-C was
//! pressed, and an optional progress callback.
//!
//! The engine calls its progress hook every 2^16 events (a few milliseconds
//! of wall time), with the GIL released. The hook briefly re-attaches to run
//! Python's signal handlers (`PyErr_CheckSignals`) and the callback; an
//! exception from either (a `KeyboardInterrupt`, say) interrupts the run and
//! is raised once the run has returned. A run on another thread (a sweep's
//! worker) cannot see signals, so [`Watch::cancelled`] lets the thread that
//! can see them stop it.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;

/// Shared between a run's hook and the Python call that started the run.
#[derive(Default)]
pub struct Watch {
    callback: Option<Py<PyAny>>,
    error: Mutex<Option<PyErr>>,
    cancel: AtomicBool,
}

impl Watch {
    /// A watch that calls `callback(fraction_done)` on each check.
    pub fn new(callback: Option<Py<PyAny>>) -> Arc<Self> {
        Arc::new(Watch {
            callback,
            ..Watch::default()
        })
    }

    /// Called from the engine's progress hook on the thread that holds the
    /// Python call: runs signal handlers and the callback.
    pub fn check(&self, fraction: f64) -> ControlFlow<()> {
        if self.cancelled() {
            return ControlFlow::Break(());
        }
        let failed = Python::attach(|py| {
            py.check_signals()?;
            if let Some(callback) = &self.callback {
                callback.call1(py, (fraction.clamp(0.0, 1.0),))?;
            }
            Ok::<(), PyErr>(())
        });
        match failed {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.fail(e);
                ControlFlow::Break(())
            }
        }
    }

    /// Records why the run must stop (the first reason wins) and stops it.
    pub fn fail(&self, err: PyErr) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(err);
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Asks every run sharing this watch to stop at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether the runs should stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The exception that stopped the run, if any.
    pub fn take_error(&self) -> Option<PyErr> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
