//! The access log: who opened which person's or family's record and which case, in the audit
//! chain as `record.view` events. Reading must stay fast, so a view is handed to a writer task
//! that appends what arrived in one transaction every [`FLUSH_EVERY`] (or at 500 events); it
//! keeps at most one event per user, record and minute (a page reloaded ten times is one
//! event). When the server stops cleanly the senders close and the writer writes what it
//! holds before it ends (`startup::Application::run_until_stopped` waits for it); a crash
//! loses at most the last second of views, never a change (changes are audited in their own
//! transaction).

use crate::db::repo::audit as repo;
use crate::db::{write_tx, Pool};
use crate::domain::audit_chain::EventContent;
use crate::services::audit::{event, AuditCtx};
use chrono::{NaiveDateTime, Timelike};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often the writer appends what it holds.
pub const FLUSH_EVERY: Duration = Duration::from_millis(500);
const BATCH: usize = 500;

/// The handle the pages and the API log views through (app data).
#[derive(Clone)]
pub struct AccessLog {
    tx: mpsc::UnboundedSender<Msg>,
}

enum Msg {
    View(EventContent),
    /// Write what is held and end (the server stopped).
    Stop,
}

impl AccessLog {
    /// Starts the writer; it ends after [`AccessLog::stop`] (or once every handle is dropped),
    /// when what it held is written.
    pub fn start(pool: Pool) -> (AccessLog, actix_web::rt::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (AccessLog { tx }, actix_web::rt::spawn(write_forever(pool, rx)))
    }

    /// Notes that the user of `ctx` opened a record (`entity`: kind and id).
    pub fn viewed(&self, ctx: &AuditCtx, entity: (&str, &str)) {
        // A closed channel means the server is stopping; nothing left to log to.
        let _ = self.tx.send(Msg::View(event(ctx, "record.view", Some(entity), "success")));
    }

    /// Asks the writer to write what it holds and end.
    pub fn stop(&self) {
        let _ = self.tx.send(Msg::Stop);
    }
}

/// The minute of a moment: views within it by one user of one record are one event.
fn minute(at: NaiveDateTime) -> NaiveDateTime {
    at.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(at)
}

type Key = (Option<String>, Option<String>, Option<String>);

async fn write_forever(pool: Pool, mut rx: mpsc::UnboundedReceiver<Msg>) {
    let mut last: HashMap<Key, NaiveDateTime> = HashMap::new();
    let mut held: Vec<EventContent> = Vec::new();
    // When what is held must be written: FLUSH_EVERY after the first view held, however many
    // follow (a steady stream of views must not put the write off).
    let mut due: Option<tokio::time::Instant> = None;
    loop {
        let wait_until = due.unwrap_or_else(|| tokio::time::Instant::now() + FLUSH_EVERY);
        let open = match tokio::time::timeout_at(wait_until, rx.recv()).await {
            Ok(Some(Msg::View(e))) => {
                let key = (e.actor_id.clone(), e.entity_type.clone(), e.entity_id.clone());
                let m = minute(e.occurred_at);
                if last.get(&key) != Some(&m) {
                    last.insert(key, m);
                    held.push(e);
                    due.get_or_insert_with(|| tokio::time::Instant::now() + FLUSH_EVERY);
                }
                if held.len() < BATCH && due.is_some_and(|d| d > tokio::time::Instant::now()) {
                    continue;
                }
                true
            }
            Ok(Some(Msg::Stop)) | Ok(None) => false,
            Err(_) => true, // due
        };
        if !held.is_empty() {
            let batch = held.clone();
            let pool = pool.clone();
            let written = actix_web::rt::task::spawn_blocking(move || {
                let mut conn = pool.get().map_err(|e| e.to_string())?;
                write_tx(&mut conn, |conn| repo::append_many(conn, batch)).map_err(|e| e.to_string())
            })
            .await;
            match written {
                Ok(Ok(_)) => held.clear(),
                // Kept for the next round (the database may be busy a moment), within reason.
                Ok(Err(e)) => tracing::warn!(error = %e, held = held.len(), "views could not be written yet"),
                Err(e) => tracing::warn!(error = %e, held = held.len(), "the access log writer failed"),
            }
            if held.len() > 20 * BATCH {
                tracing::error!(lost = held.len(), "the access log cannot be written: views dropped");
                held.clear();
            }
        }
        due = (!held.is_empty()).then(|| tokio::time::Instant::now() + FLUSH_EVERY);
        // Forget the minutes that are over (the map stays as small as the last minute's views).
        if let Some(newest) = last.values().max().copied() {
            last.retain(|_, m| *m >= newest - chrono::Duration::minutes(1));
        }
        if !open {
            return;
        }
    }
}
