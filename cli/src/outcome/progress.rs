//! What a command has set in motion at Mintlify, so that an error or Ctrl-C tells the truth
//! about it: nothing, a request that may have acted, or a job or session with its id.

use std::sync::{Arc, Mutex, PoisonError};

/// The furthest a command has gone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    /// No request that changes anything has left the machine.
    #[default]
    Nothing,
    /// A creation was sent; no id came back (yet). The job or session may exist.
    Creating(Kind),
    /// A follow-up was sent to this job; it may have been delivered.
    Messaging(String),
    /// A job exists, with this id.
    Job(String),
    /// A v1 session exists, with this id.
    Session(String),
}

/// What a creation makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A v2 job.
    Job,
    /// A v1 session.
    Session,
}

impl Progress {
    /// The id of the job or session the command knows of, if any.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Progress::Messaging(id) | Progress::Job(id) => Some(id),
            _ => None,
        }
    }

    /// The id of the v1 session the command knows of, if any.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Progress::Session(id) => Some(id),
            _ => None,
        }
    }

    /// The command to learn how things went on, if something may be going on.
    pub fn resume_command(&self) -> Option<String> {
        match self {
            Progress::Nothing => None,
            Progress::Creating(Kind::Job) => None,
            Progress::Creating(Kind::Session) => Some("mintlify-agent session list".to_owned()),
            Progress::Messaging(id) | Progress::Job(id) => {
                Some(format!("mintlify-agent job wait {id}"))
            }
            Progress::Session(id) => Some(format!("mintlify-agent session get {id}")),
        }
    }

    /// A sentence for people: what goes on and how to follow it.
    pub fn describe(&self) -> String {
        match self {
            Progress::Nothing => "nothing was started".to_owned(),
            Progress::Creating(Kind::Job) => "the request had been sent, so the job may have \
                 been created; its id did not arrive (v2 cannot list jobs: see the Mintlify \
                 dashboard)"
                .to_owned(),
            Progress::Creating(Kind::Session) => "the request had been sent, so a session may \
                 have been created; find it with: mintlify-agent session list"
                .to_owned(),
            Progress::Messaging(id) => format!(
                "the message may have reached job {id}; follow it with: mintlify-agent job wait {id}"
            ),
            Progress::Job(id) => {
                format!("job {id} goes on; resume with: mintlify-agent job wait {id}")
            }
            Progress::Session(id) => {
                format!("session {id} goes on; see it with: mintlify-agent session get {id}")
            }
        }
    }
}

/// [`Progress`] shared with the Ctrl-C handler.
#[derive(Clone, Debug, Default)]
pub struct Tracker(Arc<Mutex<Progress>>);

impl Tracker {
    /// Records how far the command has gone.
    pub fn set(&self, progress: Progress) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = progress;
    }

    /// How far the command has gone.
    pub fn get(&self) -> Progress {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
