//! What a command records after it acted, for whoever looks later: GitHub Actions' step
//! outputs, summary and annotations (`actions.rs`), and the local history of the jobs this
//! machine started (`history.rs`). The commands call these; the printer only prints.

pub(crate) mod actions;
pub(crate) mod history;

use mintlify_agent::v2::types::AgentJob;

/// A job as the command saw it last: its Actions outputs (an annotation when it failed or was
/// archived), and its status in the history when it was started here.
pub(crate) fn saw_job(job: &AgentJob) {
    actions::saw_job(job);
    history::seen(job);
}
