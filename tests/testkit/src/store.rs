//! The server's memory: v2 jobs and v1 sessions per project, and how a job moves on.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::config::JobLifecycle;

/// A v2 job's status, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobStatus {
    /// The agent is working.
    Active,
    /// Finished; `prLink` is set if files changed.
    Completed,
    /// Archived (only through [`crate::TestServer::archive_job`]).
    Archived,
    /// Finished with an error.
    Failed,
}

impl JobStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Active => "active",
            JobStatus::Completed => "completed",
            JobStatus::Archived => "archived",
            JobStatus::Failed => "failed",
        }
    }
}

/// How a job's current task will end, read from markers in its prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    PullRequest,
    NoChange,
    Failure,
}

impl Outcome {
    fn of(prompt: &str) -> Self {
        if prompt.contains("#fail") {
            Outcome::Failure
        } else if prompt.contains("#nochange") {
            Outcome::NoChange
        } else {
            Outcome::PullRequest
        }
    }
}

/// A v2 job.
#[derive(Clone, Debug)]
pub struct Job {
    pub(crate) id: String,
    pub(crate) status: JobStatus,
    pub(crate) repository: String,
    pub(crate) branch: String,
    pub(crate) pr_link: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) archived_at: Option<DateTime<Utc>>,
    pub(crate) prompts: Vec<String>,
    outcome: Outcome,
    active_since: DateTime<Utc>,
    polls: u32,
}

impl Job {
    /// The job as the API writes it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status.as_str(),
            "source": { "repository": self.repository, "ref": self.branch },
            "model": "sonnet",
            "prLink": self.pr_link,
            "createdAt": timestamp(self.created_at),
            "archivedAt": self.archived_at.map(timestamp),
        })
    }

    /// Counts a poll and finishes the job if its time has come.
    fn poll(
        &mut self,
        now: DateTime<Utc>,
        lifecycle: JobLifecycle,
        pr_number: impl FnOnce() -> u64,
    ) {
        if self.status != JobStatus::Active {
            return;
        }
        self.polls += 1;
        let by_polls = lifecycle.polls.is_some_and(|n| self.polls >= n);
        let by_time = lifecycle.after.is_some_and(|after| {
            chrono::Duration::from_std(after).is_ok_and(|after| now - self.active_since >= after)
        });
        if by_polls || by_time {
            self.status = match self.outcome {
                Outcome::Failure => JobStatus::Failed,
                Outcome::PullRequest | Outcome::NoChange => JobStatus::Completed,
            };
            if self.outcome == Outcome::PullRequest && self.pr_link.is_none() {
                self.pr_link = Some(format!("{}/pull/{}", self.repository, pr_number()));
            }
        }
    }
}

/// A todo of a v1 session.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Todo {
    /// The todo's id.
    pub id: String,
    /// What it is.
    pub content: String,
    /// `pending`, `in_progress`, `completed` or `cancelled`.
    pub status: String,
    /// `high`, `medium` or `low`.
    pub priority: String,
}

/// A v1 session: one streamed agent run.
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) id: String,
    pub(crate) subdomain: String,
    pub(crate) branch: String,
    pub(crate) title: String,
    pub(crate) haulted: bool,
    pub(crate) hault_reason: &'static str,
    pub(crate) todos: Vec<Todo>,
    pub(crate) message_to_user: Option<String>,
    pub(crate) pull_request_link: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
}

impl Session {
    /// The session as the API writes it.
    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "sessionId": self.id,
            "subdomain": self.subdomain,
            "branch": self.branch,
            "haulted": self.haulted,
            "haultReason": self.hault_reason,
            "todos": self.todos,
            "title": self.title,
            "createdAt": timestamp(self.created_at),
        });
        if let Some(message) = &self.message_to_user {
            value["messageToUser"] = json!(message);
        }
        if let Some(link) = &self.pull_request_link {
            value["pullRequestLink"] = json!(link);
        }
        value
    }
}

#[derive(Default)]
struct Project {
    jobs: HashMap<String, Job>,
    /// In creation order.
    sessions: Vec<Session>,
}

/// All projects' jobs and sessions.
#[derive(Default)]
pub struct Store {
    projects: HashMap<String, Project>,
    next_id: u64,
    last_pull_request: u64,
}

impl Store {
    fn next(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Creates an `active` job for `prompt`.
    pub fn create_job(&mut self, project: &str, prompt: &str, now: DateTime<Utc>) -> Job {
        let n = self.next();
        let job = Job {
            id: format!("job_{n:06}"),
            status: JobStatus::Active,
            repository: repository(project),
            branch: format!("mintlify/{}-{n}", slug(prompt)),
            pr_link: None,
            created_at: now,
            archived_at: None,
            prompts: vec![prompt.to_owned()],
            outcome: Outcome::of(prompt),
            active_since: now,
            polls: 0,
        };
        self.projects
            .entry(project.to_owned())
            .or_default()
            .jobs
            .insert(job.id.clone(), job.clone());
        job
    }

    /// The job as a poll sees it: counting the poll may finish it.
    pub fn poll_job(
        &mut self,
        project: &str,
        id: &str,
        now: DateTime<Utc>,
        lifecycle: JobLifecycle,
    ) -> Option<Job> {
        let last_pull_request = &mut self.last_pull_request;
        let job = self.projects.get_mut(project)?.jobs.get_mut(id)?;
        job.poll(now, lifecycle, || {
            *last_pull_request += 1;
            *last_pull_request
        });
        Some(job.clone())
    }

    /// Whether a job can take a message: it must exist and not be archived.
    pub fn message_job_check(&self, project: &str, id: &str) -> Result<(), ApiError> {
        let job = self.projects.get(project).and_then(|p| p.jobs.get(id));
        match job {
            None => Err(ApiError::not_found(format!("Agent job {id} not found"))),
            Some(job) if job.status == JobStatus::Archived => Err(ApiError::bad_request(format!(
                "Agent job {id} is archived and cannot take messages"
            ))),
            Some(_) => Ok(()),
        }
    }

    /// Gives a job a follow-up: it becomes `active` again with the new task. An archived job
    /// takes no messages; a failed one is retried.
    pub fn message_job(
        &mut self,
        project: &str,
        id: &str,
        prompt: &str,
        now: DateTime<Utc>,
    ) -> Result<Job, ApiError> {
        self.message_job_check(project, id)?;
        let missing = || ApiError::not_found(format!("Agent job {id} not found"));
        let job = self
            .projects
            .get_mut(project)
            .ok_or_else(missing)?
            .jobs
            .get_mut(id)
            .ok_or_else(missing)?;
        job.status = JobStatus::Active;
        job.outcome = Outcome::of(prompt);
        job.active_since = now;
        job.polls = 0;
        job.prompts.push(prompt.to_owned());
        Ok(job.clone())
    }

    /// Archives a job; `false` if there is none.
    pub fn archive_job(&mut self, project: &str, id: &str, now: DateTime<Utc>) -> bool {
        let Some(job) = self
            .projects
            .get_mut(project)
            .and_then(|p| p.jobs.get_mut(id))
        else {
            return false;
        };
        job.status = JobStatus::Archived;
        job.archived_at = Some(now);
        true
    }

    /// Starts a session that is `processing`.
    pub fn create_session(
        &mut self,
        project: &str,
        task: &str,
        branch: Option<&str>,
        now: DateTime<Utc>,
    ) -> Session {
        let n = self.next();
        let session = Session {
            id: format!("sess_{n:06}"),
            subdomain: project.to_owned(),
            branch: branch.map_or_else(|| format!("mintlify/{}-{n}", slug(task)), str::to_owned),
            title: title(task),
            haulted: false,
            hault_reason: "processing",
            todos: Vec::new(),
            message_to_user: None,
            pull_request_link: None,
            created_at: now,
        };
        self.projects
            .entry(project.to_owned())
            .or_default()
            .sessions
            .push(session.clone());
        session
    }

    /// Changes a session in place.
    pub fn update_session(&mut self, project: &str, id: &str, change: impl FnOnce(&mut Session)) {
        if let Some(session) = self
            .projects
            .get_mut(project)
            .and_then(|p| p.sessions.iter_mut().find(|s| s.id == id))
        {
            change(session);
        }
    }

    /// One session.
    pub fn session(&self, project: &str, id: &str) -> Option<Session> {
        self.projects
            .get(project)?
            .sessions
            .iter()
            .find(|s| s.id == id)
            .cloned()
    }

    /// A page of sessions, newest first.
    pub fn sessions(&self, project: &str, skip: usize, take: usize) -> Vec<Session> {
        self.projects
            .get(project)
            .map(|p| {
                p.sessions
                    .iter()
                    .rev()
                    .skip(skip)
                    .take(take)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A number for the next pull request.
    pub fn pull_request_number(&mut self) -> u64 {
        self.last_pull_request += 1;
        self.last_pull_request
    }
}

/// The repository a project's agent works on.
pub fn repository(project: &str) -> String {
    format!("https://github.com/testkit/{}", slug(project))
}

/// RFC 3339 with milliseconds and `Z`, as Mintlify writes times.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A branch-safe slug of the first words of `text`.
fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "docs-update".to_owned()
    } else {
        words.join("-")
    }
}

/// A short title for a task.
fn title(task: &str) -> String {
    let first_line = task.lines().next().unwrap_or_default().trim();
    let mut title: String = first_line.chars().take(60).collect();
    if first_line.chars().count() > 60 {
        title.push('…');
    }
    title
}
