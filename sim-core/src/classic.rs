//! Textbook models built on the engine, used to validate it against queueing
//! theory and to benchmark it against other engines with the same model.
//!
//! - [`Hold`]: the classic *hold* benchmark — N pending events; pop the
//!   earliest, schedule it again at now + Exp(1 s).
//! - [`MultiServerQueue`]: a G/G/c FIFO queue (M/M/c, M/D/1, …) that measures
//!   waiting time in queue.

mod hold;
mod multi_server_queue;

pub use hold::Hold;
pub use multi_server_queue::{MultiServerQueue, QueueEvent, QueueStats};
