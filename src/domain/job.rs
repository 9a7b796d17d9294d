//! Background jobs: work over everyone (re-evaluating every person after a policy change, the
//! daily run) is queued, not done inside a request. A job's state and progress are what the
//! admin sees.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Re-evaluate every person of every organisation against the published policies.
    ReevaluateAll,
    /// File every person of the organisations whose duplicate keys are stale again.
    RebuildMatchKeys,
    /// Build the duplicate review list of one organisation.
    ReviewDuplicates,
    /// Commit a previewed import of one organisation.
    Import,
    /// Pseudonymise the families whose cases all ended before the retention period.
    Retention,
}
crate::string_enum!(JobKind {
    ReevaluateAll => "reevaluate_all",
    RebuildMatchKeys => "rebuild_match_keys",
    ReviewDuplicates => "review_duplicates",
    Import => "import",
    Retention => "retention",
});

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}
crate::string_enum!(JobStatus { Queued => "queued", Running => "running", Done => "done", Failed => "failed" });

impl JobStatus {
    /// Finished, one way or the other.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed)
    }
}

/// How many times a job is tried before it is marked failed.
pub const MAX_ATTEMPTS: i32 = 3;
