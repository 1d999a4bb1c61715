//! CI in the loop: the pipeline's events run on the world's clock, its
//! metrics are exported before each scrape, and each green build's artifact
//! ships the next release waiting for one (`deployment.releases` without
//! `at`).

use std::collections::VecDeque;

use sim_core::{Context, SimTime};

use super::{DeployEvent, Event, World};
use crate::error::Result;
use crate::pipeline::{Pipeline, PipelineConfig, PipelineEvent, PipelineMetrics, PipelineSummary};

/// The pipeline, its metric handles and the releases its artifacts ship.
#[derive(Debug)]
pub(crate) struct Ci {
    pipeline: Pipeline,
    metrics: PipelineMetrics,
    releases: VecDeque<usize>,
}

impl World {
    /// Runs `config`'s pipeline; each green build ships the next of `releases`
    /// (version indices). Call before the run.
    pub fn enable_pipeline(
        &mut self,
        config: &PipelineConfig,
        seed: u64,
        releases: Vec<usize>,
    ) -> Result<()> {
        self.ci = Some(Ci {
            pipeline: Pipeline::new(config, seed)?,
            metrics: PipelineMetrics::register(&mut self.recorder, &[]),
            releases: releases.into(),
        });
        Ok(())
    }

    /// Ships `version` at `at` (a scheduled release); call before the run.
    pub fn schedule_release(&mut self, at: SimTime, version: usize) {
        self.timed_releases.push((at, version));
    }

    pub(crate) fn start_pipeline(&mut self, cx: &mut Context<'_, Event>) {
        for (at, version) in std::mem::take(&mut self.timed_releases) {
            let ev = DeployEvent::Release {
                version: version as u16,
            };
            cx.schedule_at(at, ev.into()).expect("releases lie ahead");
        }
        if let Some(ci) = &mut self.ci {
            for (at, ev) in ci.pipeline.start(cx.now()) {
                cx.schedule_at(at, ev.into()).expect("never in the past");
            }
        }
    }

    pub(crate) fn handle_pipeline(&mut self, cx: &mut Context<'_, Event>, event: PipelineEvent) {
        let now = cx.now();
        let Some(ci) = &mut self.ci else {
            return;
        };
        let step = ci.pipeline.handle(now, event);
        for (at, ev) in step.schedule {
            cx.schedule_at(at, ev.into()).expect("never in the past");
        }
        let Some(artifact) = step.published else {
            return;
        };
        let next = ci.releases.pop_front();
        self.log.log(now, "artifact", |r| {
            r.field("build", artifact.build)
                .field("commit", artifact.commit);
            if let Some(v) = next {
                r.field("ships", self.versions[v].name.as_str());
            }
        });
        if let Some(version) = next {
            self.release(cx, version);
        }
    }

    /// Copies the pipeline's counters into the recorder (before a sample).
    pub(crate) fn export_pipeline(&mut self) {
        if let Some(ci) = &mut self.ci {
            ci.metrics.export(&ci.pipeline, &mut self.recorder);
        }
    }

    /// The CI numbers for the report, if a pipeline runs.
    pub fn pipeline_summary(&self, now: SimTime) -> Option<PipelineSummary> {
        self.ci.as_ref().map(|ci| ci.pipeline.summary(now))
    }
}
