//! Row type of background jobs.

use crate::db::schema::jobs;
use crate::domain::ids::JobId;
use crate::domain::job::{JobKind, JobStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = jobs, treat_none_as_null = true)]
pub struct JobRow {
    pub id: JobId,
    pub kind: JobKind,
    pub status: JobStatus,
    /// At most one job per key (e.g. the daily re-evaluation of a given day).
    pub dedupe_key: Option<String>,
    /// Why it was queued, for the admin (`policy.publish RU v4`, `daily`).
    pub reason: String,
    pub done_count: i64,
    pub total_count: i64,
    pub attempts: i32,
    pub error: Option<String>,
    pub requested_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    /// The organisation a job works on (the review list of one organisation); `None` for work
    /// over everyone.
    pub organisation_id: Option<crate::domain::ids::OrgId>,
}
