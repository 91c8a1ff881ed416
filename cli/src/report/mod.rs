//! What a command records after it acted, for whoever looks later: GitHub Actions' step
//! outputs, summary and annotations (`actions.rs`), and the local history of the jobs this
//! machine started (`history.rs`). The commands call these; the printer only prints.

pub(crate) mod actions;
pub(crate) mod history;
