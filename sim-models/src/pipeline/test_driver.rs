//! A minimal driver for the unit tests: a [`Model`] that schedules whatever
//! the pipeline returns and keeps the published artifacts.

use sim_core::{Context, Model, SimTime, Simulation};

use super::{Artifact, Pipeline, PipelineConfig, PipelineEvent};

/// The pipeline under test and what it published.
pub(super) struct Driver {
    pub(super) pipeline: Pipeline,
    pub(super) artifacts: Vec<Artifact>,
}

impl Model for Driver {
    type Event = PipelineEvent;

    fn init(&mut self, cx: &mut Context<'_, PipelineEvent>) {
        for (at, event) in self.pipeline.start(cx.now()) {
            cx.schedule_at(at, event).unwrap();
        }
    }

    fn handle(&mut self, cx: &mut Context<'_, PipelineEvent>, event: PipelineEvent) {
        let step = self.pipeline.handle(cx.now(), event);
        for (at, event) in step.schedule {
            cx.schedule_at(at, event).unwrap();
        }
        self.artifacts.extend(step.published);
    }
}

/// Runs `config` on `seed` until `until` (or until no event is left).
pub(super) fn run(config: &PipelineConfig, seed: u64, until: SimTime) -> Simulation<Driver> {
    let driver = Driver {
        pipeline: Pipeline::new(config, seed).unwrap(),
        artifacts: Vec::new(),
    };
    let mut sim = Simulation::new(driver, seed);
    sim.run_until(until);
    sim
}
