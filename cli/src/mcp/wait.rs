//! `wait_for_job`: the library's watch of a job, with progress on each change and a heartbeat,
//! until the job is final, the deadline passes, or the client cancels.

use std::time::Duration;

use futures::{Stream, StreamExt};
use mintlify_agent::v2::types::AgentJob;
use mintlify_agent::{Error, JobOutcome, LastSeen};
use rmcp::model::{CallToolResult, ProgressNotificationParam, ProgressToken};
use serde_json::json;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::result::{describe, status, structured, to_value};

/// One progress notification: seconds waited of the deadline, and what the job is doing.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Seconds waited; grows with every update.
    pub progress: f64,
    /// The deadline, in seconds.
    pub total: f64,
    /// What the job is doing, in words.
    pub message: String,
}

impl Update {
    /// The notification for the request that gave `token`.
    pub fn into_param(self, token: ProgressToken) -> ProgressNotificationParam {
        ProgressNotificationParam::new(token, self.progress)
            .with_total(self.total)
            .with_message(self.message)
    }
}

/// How a wait ended.
#[derive(Debug)]
pub enum Ended {
    /// The job reached a final status.
    Final {
        /// The job.
        job: AgentJob,
        /// How long it took.
        waited: Duration,
    },
    /// The deadline passed; the job goes on.
    Deadline {
        /// The job as last seen, if a poll succeeded.
        last: Option<AgentJob>,
        /// How long it waited.
        waited: Duration,
        /// Why the last poll failed, if it did.
        last_error: Option<Error>,
    },
    /// A poll failed in a way polling again cannot fix (401, 403, 404).
    Failed(Error),
    /// The client cancelled the request.
    Cancelled,
}

/// Follows `changes` (the library's `watch_with`, which ends at a final state or with the
/// deadline's error) and reports each change, and every `heartbeat` without one, to `report`.
pub async fn follow<S, F>(
    id: &str,
    changes: S,
    cancel: &CancellationToken,
    heartbeat: Duration,
    deadline: Duration,
    mut report: impl FnMut(Update) -> F,
) -> Ended
where
    S: Stream<Item = Result<AgentJob, Error>>,
    F: Future<Output = ()>,
{
    let started = Instant::now();
    let mut ticks = tokio::time::interval_at(started + heartbeat, heartbeat);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut changes = std::pin::pin!(changes);
    let mut last: Option<AgentJob> = None;
    let mut progress = 0.0_f64;
    let total = deadline.as_secs_f64();
    loop {
        let (message, ended) = tokio::select! {
            biased;
            () = cancel.cancelled() => return Ended::Cancelled,
            item = changes.next() => match item {
                Some(Ok(job)) => {
                    ticks.reset();
                    let message = format!("job {id}: {}", status(&job));
                    let ended = JobOutcome::from_final(&job).map(|_| Ended::Final {
                        job: job.clone(),
                        waited: started.elapsed(),
                    });
                    last = Some(job);
                    (message, ended)
                }
                Some(Err(Error::WaitDeadline { last_seen, waited, last_error, .. })) => {
                    let seen = match last_seen.map(|b| *b) {
                        Some(LastSeen::Job(job)) => Some(job),
                        _ => None,
                    };
                    return Ended::Deadline {
                        last: seen.or(last),
                        waited,
                        last_error: last_error.map(|b| *b),
                    };
                }
                Some(Err(error)) => return Ended::Failed(error),
                None => {
                    return Ended::Deadline { last, waited: started.elapsed(), last_error: None };
                }
            },
            _ = ticks.tick() => {
                let status = last.as_ref().map_or_else(|| "not read yet".to_owned(), status);
                let seconds = started.elapsed().as_secs();
                (format!("job {id}: still {status} after {seconds} s"), None)
            }
        };
        // Strictly growing, as the spec asks, even for two updates in one instant.
        let now = seconds(started.elapsed());
        progress = if now > progress {
            now
        } else {
            progress + 0.001
        };
        report(Update {
            progress,
            total,
            message,
        })
        .await;
        if let Some(ended) = ended {
            return ended;
        }
    }
}

impl Ended {
    /// The tool's result, or the error (`None`: cancelled) that ended the wait.
    pub fn into_result(self, id: &str) -> Result<CallToolResult, Option<Error>> {
        match self {
            Ended::Final { job, waited } => {
                let outcome = status(&job);
                let message = match JobOutcome::from_final(&job) {
                    Some(JobOutcome::Failed(_)) => format!(
                        "Job {id} failed: the agent hit an error it could not recover from. \
                         send_message can give it another instruction, or create_job start \
                         anew."
                    ),
                    Some(JobOutcome::Archived(_)) => format!("Job {id} was archived."),
                    _ => describe(&job),
                };
                Ok(structured(
                    json!({
                        "finished": true,
                        "outcome": outcome,
                        "job": to_value(&job),
                        "waited_seconds": seconds(waited),
                        "message": message,
                    }),
                    &message,
                ))
            }
            Ended::Deadline {
                last,
                waited,
                last_error,
            } => {
                let state = last.as_ref().map_or_else(
                    || "not read yet (no poll succeeded)".to_owned(),
                    |job| format!("still {}", status(job)),
                );
                let mut message = format!(
                    "Job {id} is {state} after {} s; it goes on at Mintlify. Call wait_for_job \
                     again to keep waiting.",
                    waited.as_secs()
                );
                if let Some(error) = last_error {
                    message.push_str(&format!(" The last poll failed: {error}."));
                }
                Ok(structured(
                    json!({
                        "finished": false,
                        "outcome": "still_running",
                        "job": last.as_ref().map(to_value),
                        "waited_seconds": seconds(waited),
                        "message": message,
                    }),
                    &message,
                ))
            }
            Ended::Failed(error) => Err(Some(error)),
            Ended::Cancelled => Err(None),
        }
    }
}

fn seconds(waited: Duration) -> f64 {
    (waited.as_secs_f64() * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn job(status: &str) -> AgentJob {
        serde_json::from_value(json!({
            "id": "job_1",
            "status": status,
            "createdAt": "2026-01-01T00:00:00Z",
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    async fn run(
        changes: impl Stream<Item = Result<AgentJob, Error>>,
        cancel: &CancellationToken,
    ) -> (Ended, Vec<Update>) {
        let updates = Arc::new(Mutex::new(Vec::new()));
        let seen = updates.clone();
        let ended = follow(
            "job_1",
            changes,
            cancel,
            Duration::from_secs(30),
            Duration::from_secs(300),
            move |update| {
                seen.lock().unwrap_or_else(|e| e.into_inner()).push(update);
                std::future::ready(())
            },
        )
        .await;
        let updates = updates.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (ended, updates)
    }

    #[tokio::test(start_paused = true)]
    async fn without_changes_a_heartbeat_every_30_s_until_cancelled() {
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(100)).await;
            stop.cancel();
        });
        let (ended, updates) = run(futures::stream::pending(), &cancel).await;
        assert!(matches!(ended, Ended::Cancelled), "{ended:?}");
        let at: Vec<f64> = updates.iter().map(|u| u.progress.round()).collect();
        assert_eq!(at, [30.0, 60.0, 90.0]);
        assert!(updates.iter().all(|u| u.total == 300.0));
        assert_eq!(
            updates[0].message,
            "job job_1: still not read yet after 30 s"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn each_change_is_reported_and_the_heartbeat_starts_again() {
        let cancel = CancellationToken::new();
        let changes = futures::stream::iter([(0, "active"), (45, "active"), (80, "completed")])
            .then(|(at, status)| async move {
                tokio::time::sleep_until(tokio::time::Instant::now() + Duration::from_secs(at))
                    .await;
                Ok(job(status))
            });
        // Delays are cumulative: 0, 45 and 125 s.
        let (ended, updates) = run(changes, &cancel).await;
        let Ended::Final { job, .. } = ended else {
            panic!("{ended:?}")
        };
        assert_eq!(job.id, "job_1");
        let seen: Vec<(f64, &str)> = updates
            .iter()
            .map(|u| (u.progress.round(), u.message.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (0.0, "job job_1: active"),
                (30.0, "job job_1: still active after 30 s"),
                (45.0, "job job_1: active"),
                (75.0, "job job_1: still active after 75 s"),
                (105.0, "job job_1: still active after 105 s"),
                (125.0, "job job_1: completed"),
            ]
        );
        assert!(updates.windows(2).all(|w| w[0].progress < w[1].progress));
    }
}
