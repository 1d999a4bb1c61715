//! Rollouts: how a release replaces the pods of a region.

use sim_core::Context;

use super::{Event, World};

impl World {
    /// During a rollout, a new desired count goes to the rollout; `true` if
    /// one took it.
    pub(crate) fn rollout_resized(
        &mut self,
        _cx: &mut Context<'_, Event>,
        _region: usize,
        _desired: u32,
    ) -> bool {
        false
    }
}
