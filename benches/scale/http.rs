//! HTTP for the harness: a blocking face over reqwest (one request at a time, kept-alive
//! connections, timed from sending to the last body byte), and the sampling of one path:
//! warm-ups, then N sequential requests, their median and 99th percentile.

use anyhow::Context;
use reqwest::Method;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A client and the runtime it runs on.
pub struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// One request to make.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    pub url: String,
    /// `homeward_session=...`, or none (the baseline).
    pub cookie: Option<String>,
    pub body: Option<serde_json::Value>,
}

/// One answer: its status (or what went wrong) and how long it took.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code, or `timeout` / `error` when there was no answer.
    pub status: String,
    pub secs: f64,
    pub body: String,
}

impl Reply {
    pub fn ok(&self) -> bool {
        self.status.starts_with('2')
    }
}

impl Http {
    /// A client whose requests give up after `timeout`.
    pub fn new(timeout: Duration) -> anyhow::Result<Http> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(4)
            .build()?;
        Ok(Http { rt, client })
    }

    /// Sends a file as the body of a POST (an import).
    pub fn send_raw(&self, url: &str, cookie: &str, content_type: &str, body: Vec<u8>) -> Reply {
        self.timed(self.client.post(url).header("Cookie", cookie).header("Content-Type", content_type).body(body))
    }

    /// Sends `req` and reads the whole answer.
    pub fn send(&self, req: &Req) -> Reply {
        let mut builder = self.client.request(req.method.clone(), &req.url);
        if let Some(cookie) = &req.cookie {
            builder = builder.header("Cookie", cookie);
        }
        if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        self.timed(builder)
    }

    /// Sends a request and times it until its whole answer is read.
    fn timed(&self, builder: reqwest::RequestBuilder) -> Reply {
        let started = Instant::now();
        let result = self.rt.block_on(async move {
            let res = builder.send().await?;
            let status = res.status().as_u16();
            let body = res.text().await?;
            Ok::<_, reqwest::Error>((status, body))
        });
        let secs = started.elapsed().as_secs_f64();
        match result {
            Ok((status, body)) => Reply { status: status.to_string(), secs, body },
            Err(e) if e.is_timeout() => Reply { status: "timeout".into(), secs, body: String::new() },
            Err(e) => Reply { status: "error".into(), secs, body: e.to_string() },
        }
    }

    /// The status of a GET without a session (`None` if no answer).
    pub fn get_status(&self, url: &str) -> Option<u16> {
        self.send(&Req { method: Method::GET, url: url.into(), cookie: None, body: None }).status.parse().ok()
    }

    /// A request whose JSON answer the harness needs (setting up): fails unless 2xx.
    pub fn json(&self, req: &Req) -> anyhow::Result<serde_json::Value> {
        let reply = self.send(req);
        if !reply.ok() {
            anyhow::bail!("{} {} answered {}: {}", req.method, req.url, reply.status, reply.body);
        }
        serde_json::from_str(&reply.body).with_context(|| format!("{} answered no JSON", req.url))
    }

    /// Signs in; the session cookie as a `Cookie` header value.
    pub fn login(&self, base: &str, email: &str, password: &str) -> anyhow::Result<String> {
        let url = format!("{base}/api/v1/auth/login");
        let body = serde_json::json!({"email": email, "password": password});
        let request = self.client.post(&url).json(&body);
        let res =
            self.rt.block_on(async move { request.send().await }).with_context(|| format!("signing in {email}"))?;
        if !res.status().is_success() {
            anyhow::bail!("signing in {email} answered {}", res.status());
        }
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("homeward_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
            .with_context(|| format!("no session cookie for {email}"))
    }
}

/// How to sample a path.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warmups: usize,
    pub samples: usize,
    /// Stop early once a path has used this long (warm-ups included) and has `MIN_SAMPLES`.
    pub budget: Duration,
}

/// Samples kept even when a path is over its time budget.
const MIN_SAMPLES: usize = 3;

/// The figures of one path.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Stats {
    pub n: usize,
    pub warmups: usize,
    pub median_ms: f64,
    /// Nearest-rank 99th percentile: with fewer than 100 samples, the slowest one.
    pub p99_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    /// The statuses of the measured requests, with their counts.
    pub statuses: BTreeMap<String, usize>,
    /// True if the time budget cut the samples short.
    pub capped: bool,
}

impl Stats {
    /// "200", or the non-2xx statuses seen ("500", "200 x18, 500 x2", "timeout").
    pub fn status(&self) -> String {
        if self.statuses.len() == 1 {
            return self.statuses.keys().next().cloned().unwrap_or_default();
        }
        let bad: Vec<String> =
            self.statuses.iter().filter(|(s, _)| !s.starts_with('2')).map(|(s, n)| format!("{s} x{n}")).collect();
        if bad.is_empty() {
            self.statuses.keys().cloned().collect::<Vec<_>>().join("/")
        } else {
            bad.join(", ")
        }
    }

    /// True if every measured request answered 2xx.
    pub fn all_ok(&self) -> bool {
        self.n > 0 && self.statuses.keys().all(|s| s.starts_with('2'))
    }
}

/// Nearest-rank percentile `p` (0-100) of sorted `v`.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The median of sorted `v` (the mean of the two middle values for an even count).
pub fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Sends `make(i)` for the warm-ups and the samples (`i` counts every request, so bodies can
/// be unique), and computes the figures. Never fails: bad answers are counted by status.
pub fn measure(http: &Http, plan: Plan, mut make: impl FnMut(usize) -> Req) -> Stats {
    let started = Instant::now();
    let mut i = 0;
    for _ in 0..plan.warmups {
        let reply = http.send(&make(i));
        i += 1;
        // A path that cannot answer in time will not answer faster warmed up.
        if reply.status == "timeout" || started.elapsed() > plan.budget / 2 {
            break;
        }
    }
    let (mut times, mut statuses) = (Vec::new(), BTreeMap::new());
    let mut capped = false;
    for k in 0..plan.samples {
        if k >= MIN_SAMPLES && started.elapsed() > plan.budget {
            capped = true;
            break;
        }
        let reply = http.send(&make(i));
        i += 1;
        times.push(reply.secs * 1000.0);
        *statuses.entry(reply.status.clone()).or_insert(0) += 1;
        // Two requests that got no answer in time are enough to say so.
        if reply.status == "timeout" && times.len() >= 2 {
            capped = times.len() < plan.samples;
            break;
        }
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    Stats {
        n: times.len(),
        warmups: plan.warmups,
        median_ms: median(&sorted),
        p99_ms: percentile(&sorted, 99.0),
        min_ms: sorted.first().copied().unwrap_or(0.0),
        max_ms: sorted.last().copied().unwrap_or(0.0),
        statuses,
        capped,
    }
}
