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
    loop {
        let open = match tokio::time::timeout(FLUSH_EVERY, rx.recv()).await {
            Ok(Some(Msg::View(e))) => {
                let key = (e.actor_id.clone(), e.entity_type.clone(), e.entity_id.clone());
                let m = minute(e.occurred_at);
                if last.get(&key) != Some(&m) {
                    last.insert(key, m);
                    held.push(e);
                }
                if held.len() < BATCH {
                    continue;
                }
                true
            }
            Ok(Some(Msg::Stop)) | Ok(None) => false,
            Err(_) => true, // the interval passed
        };
        if !held.is_empty() {
            let batch = std::mem::take(&mut held);
            let pool = pool.clone();
            let written = actix_web::rt::task::spawn_blocking(move || {
                let mut conn = pool.get().map_err(|e| e.to_string())?;
                write_tx(&mut conn, |conn| repo::append_many(conn, batch)).map_err(|e| e.to_string())
            })
            .await;
            match written {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "views could not be written to the access log"),
                Err(e) => tracing::warn!(error = %e, "the access log writer failed"),
            }
        }
        // Forget the minutes that are over (the map stays as small as the last minute's views).
        if let Some(newest) = last.values().max().copied() {
            last.retain(|_, m| *m >= newest - chrono::Duration::minutes(1));
        }
        if !open {
            return;
        }
    }
}
