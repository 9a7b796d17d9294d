//! The scale benchmark (`make bench`, or `cargo bench --bench scale -- --help`): for each
//! backend (SQLite, PostgreSQL) and size (default 10,000 / 100,000 / 500,000 persons) it takes
//! the synthetic registry from the cache (synthesising it the first time), serves a working copy
//! with the release binary `target/release/homeward`, and measures every path: 2 warm-ups and 20
//! sequential requests each, their median and 99th percentile and the ratio to a baseline
//! measured by the same server in the same run (a bare pooled point read,
//! `GET /api/v1/bench/point/{id}`); then throughput under wrk, the server's memory, the
//! re-evaluation of everyone against a raw `INSERT ... SELECT`, and the database's size.
//! Nothing is asserted: figures are printed, written to `target/bench/results.{json,md}`, and
//! drawn as growth charts (`target/bench/<backend>.svg`, and `docs/performance/<backend>.svg`
//! when the run covers the three default sizes, or with `--docs`). A non-2xx answer is reported
//! by its status and the run goes on.

#[path = "scale/args.rs"]
mod args;
#[path = "scale/cache.rs"]
mod cache;
#[path = "scale/cases.rs"]
mod cases;
#[path = "scale/db.rs"]
mod db;
#[path = "scale/http.rs"]
mod http;
#[path = "scale/matching.rs"]
mod matching;
#[path = "scale/paths.rs"]
mod paths;
#[path = "scale/pg.rs"]
mod pg;
#[path = "scale/proc.rs"]
mod proc;
#[path = "scale/report.rs"]
mod report;
#[path = "scale/server.rs"]
mod server;
#[path = "scale/svg.rs"]
mod svg;
#[path = "scale/wrk.rs"]
mod wrk;

use args::{Args, Backend};
use clap::Parser;
use http::{Http, Plan};
use proc::{Ctx, Phases};
use report::{Machine, Reevaluation, Results, Run};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args = Args::parse();
    // `cargo bench` passes --bench; `cargo test --all-targets` runs bench binaries without it,
    // and must not start a half-hour benchmark.
    if !args.bench {
        println!("scale: run with `make bench` or `cargo bench --bench scale -- [--help]`");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let ctx = Ctx::new()?;
    let machine = Machine::detect(&ctx.root);
    println!(
        "Homeward scale benchmark: sizes {:?}, backends {:?}, seed {}; {} ({} cores), commit {}{}",
        args.sizes,
        args.backends.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        args.seed,
        machine.cpu,
        machine.nproc,
        &machine.git_commit[..machine.git_commit.len().min(10)],
        if machine.git_dirty { " (with local changes)" } else { "" }
    );
    println!(
        "p99 is the nearest-rank 99th percentile: with 20 samples, the slowest one. n* = cut short by the time budget."
    );
    let http = Http::new(Duration::from_secs(args.request_timeout_secs))?;
    let plan =
        Plan { warmups: args.warmups, samples: args.samples, budget: Duration::from_secs_f64(args.path_budget_secs) };
    let mut results = Results {
        machine,
        command: command_line(args),
        seed: args.seed,
        samples: args.samples,
        warmups: args.warmups,
        notes: notes(),
        runs: Vec::new(),
        total_secs: 0.0,
    };
    for &backend in &args.backends {
        let cluster = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let t = Instant::now();
                match pg::Cluster::start(&ctx.cache) {
                    Ok(c) => {
                        println!(
                            "\nPostgreSQL cluster in {} on port {} ({:.1} s)",
                            ctx.cache.join("pg").display(),
                            c.port,
                            t.elapsed().as_secs_f64()
                        );
                        Some(c)
                    }
                    Err(e) => {
                        println!("\nPostgreSQL could not start: {e:#}");
                        for &size in &args.sizes {
                            let error = format!("PostgreSQL could not start: {e:#}");
                            results.runs.push(Run {
                                backend: "postgres".into(),
                                size,
                                errors: vec![error],
                                ..Run::default()
                            });
                        }
                        continue;
                    }
                }
            }
        };
        for &size in &args.sizes {
            let run = one(&ctx, cluster.as_ref(), backend, size, args, &http, plan);
            results.runs.push(run);
            results.total_secs = started.elapsed().as_secs_f64();
            report::write(&ctx.out, &results)?;
        }
        if let Some(mut c) = cluster {
            let t = Instant::now();
            c.stop();
            println!("PostgreSQL stopped ({:.1} s)", t.elapsed().as_secs_f64());
        }
    }
    results.total_secs = started.elapsed().as_secs_f64();
    report::write(&ctx.out, &results)?;
    charts(&ctx, args, &results)?;
    println!("\nresults: {} and results.md", ctx.out.join("results.json").display());
    println!("total: {:.1} s ({:.1} min)", results.total_secs, results.total_secs / 60.0);
    Ok(())
}

/// One backend at one size; whatever fails is recorded in the run, never fatal.
fn one(
    ctx: &Ctx,
    pg: Option<&pg::Cluster>,
    backend: Backend,
    size: usize,
    args: &Args,
    http: &Http,
    plan: Plan,
) -> Run {
    println!("\n== {}, {} persons ==", backend.title(), report::thousands(size as i64));
    let mut run = Run { backend: backend.as_str().into(), size, ..Run::default() };
    let mut phases = Phases::default();
    let started = Instant::now();
    if let Err(e) = measure(&mut run, &mut phases, ctx, pg, backend, size, args, http, plan) {
        println!("  ERROR: {e:#}");
        run.errors.push(format!("{e:#}"));
    }
    phases.time("discard the working copy", || cache::discard(ctx, pg, backend, size));
    run.phases = phases.list;
    run.phases.push(("total".into(), started.elapsed().as_secs_f64()));
    for line in report::summary_lines(&run) {
        println!("  {line}");
    }
    println!(
        "  {} at {} persons took {:.1} s",
        backend.title(),
        report::thousands(size as i64),
        started.elapsed().as_secs_f64()
    );
    run
}

#[allow(clippy::too_many_arguments)]
fn measure(
    run: &mut Run,
    phases: &mut Phases,
    ctx: &Ctx,
    pg: Option<&pg::Cluster>,
    backend: Backend,
    size: usize,
    args: &Args,
    http: &Http,
    plan: Plan,
) -> anyhow::Result<()> {
    let entry = phases.time("cache", || cache::ensure(ctx, pg, backend, size, args.seed, args.rebuild_cache))?;
    if let (false, Some(b)) = (entry.built_now, &entry.built) {
        println!(
            "  cached {} (built {}: synth {:.1} s, first reevaluate {:.1} s)",
            entry.key, b.built_at, b.synth_secs, b.reevaluate_secs
        );
    }
    run.cache = Some(entry.clone());
    let url = phases.time("working copy", || cache::working_copy(ctx, pg, backend, size, &entry.key))?;
    // Duplicate keys filed by another name dictionary than the built binary's are filed again
    // before the server starts (it would do it in the background, during the measurements).
    let reindex = phases.time("reindex", || ctx.run(&url, &["reindex"], None))?;
    println!("  reindex: {}", reindex.stdout.trim());
    let picks = {
        let mut db = db::Db::open(&url)?;
        let picks = phases.time("pick ids and names", || db::picks(&mut db, cache::SYNTH_ORG, args.seed))?;
        match phases.time("database size", || db::size(&mut db, picks.persons, 8)) {
            Ok(size) => run.db = Some(size),
            Err(e) => run.errors.push(format!("database size: {e:#}")),
        }
        picks
    };
    println!(
        "  {} persons, {} families, {} claims; person {}, names: {} / {} / {} / {}",
        report::thousands(picks.persons),
        report::thousands(picks.families),
        report::thousands(picks.claims),
        picks.person_id,
        picks.common_latin,
        picks.rare_latin,
        picks.arabic,
        picks.cyrillic
    );
    run.picks = Some(picks.clone());
    phases.time("accounts (CLI)", || server::create_accounts(ctx, &url))?;
    let log = format!("serve-{}-{size}.log", backend.as_str());
    let srv = phases.time("server start", || server::Server::start(ctx, &url, &log, http))?;
    let sessions = srv.sessions(http)?;
    report::print_header();
    let baseline = phases.time("baseline", || paths::baseline(http, plan, &srv.base, &picks));
    report::print_row(&baseline);
    let b = baseline.stats.median_ms;
    run.baseline = Some(baseline);
    let reads = phases.time("reads", || paths::measure_reads(http, plan, &srv.base, &picks, &sessions, b));
    run.paths.extend(reads);
    let sims = phases.time("simulations", || paths::measure_simulations(http, plan, &srv.base, &sessions, b));
    run.paths.extend(sims);
    let intake = phases.time("intake", || paths::measure_intake(http, plan, &srv.base, &picks, &sessions, b));
    run.paths.push(intake);
    match phases.time("duplicates", || matching::measure_duplicates(http, plan, &srv.base, &picks, &sessions, b, &url))
    {
        Ok(d) => run.paths.extend(d),
        Err(e) => run.errors.push(format!("duplicate paths: {e:#}")),
    }
    match phases.time("review list", || matching::measure_review(ctx, &url, b)) {
        Ok(r) => run.paths.extend(r),
        Err(e) => run.errors.push(format!("review list: {e:#}")),
    }
    let rss = || srv.memory().rss_kib;
    match phases.time("cases", || cases::measure_cases(http, plan, &srv.base, &picks, &sessions, b, &url, &rss)) {
        Ok(c) => {
            run.paths.extend(c.paths.clone());
            run.cases = Some(c);
        }
        Err(e) => run.errors.push(format!("case paths: {e:#}")),
    }
    let (c, secs) = (args.wrk_connections, args.wrk_secs);
    let person = format!("{}/api/v1/persons/{}", srv.base, picks.person_id);
    let point = format!("{}/api/v1/bench/point/{}", srv.base, picks.person_id);
    let load = phases.time("wrk", || {
        vec![
            wrk::run("GET /persons/{id}", &person, Some(&sessions.caseworker), c, secs),
            wrk::run("baseline GET /bench/point/{id}", &point, None, c, secs),
        ]
    });
    if load.iter().all(|l| l.error.is_none() && l.requests_per_sec > 0.0) {
        run.load_ratio = Some(load[0].requests_per_sec / load[1].requests_per_sec);
    }
    run.load = load;
    run.memory = Some(srv.memory());
    // Last: the import writes 50,000 persons (the re-evaluation below counts them too).
    match phases.time("import", || matching::measure_import(http, &srv.base, &sessions, b, &ctx.root, &rss)) {
        Ok(i) => {
            println!(
                "  import: server memory {:.1} MB before, {:.1} MB at most during the dry run and the commit",
                i.rss_before_kib as f64 / 1024.0,
                i.rss_max_kib as f64 / 1024.0
            );
            run.paths.extend(i.paths);
        }
        Err(e) => run.errors.push(format!("import: {e:#}")),
    }
    phases.time("server stop", || srv.stop())?;
    run.reevaluation = Some(phases.time("reevaluate", || reevaluate(ctx, &url, args)));
    Ok(())
}

/// `homeward reevaluate` on the working copy (server stopped), then the raw-insert baseline.
fn reevaluate(ctx: &Ctx, url: &str, args: &Args) -> Reevaluation {
    let mut r = Reevaluation::default();
    let mut cmd = ctx.homeward(url);
    cmd.arg("reevaluate");
    match proc::run_to_end(cmd, None, Some(Duration::from_secs(args.reevaluate_timeout_secs))) {
        Ok(ran) => {
            (r.finished, r.secs) = (ran.finished, ran.secs);
            r.said = ran.stdout.lines().rev().find(|l| l.starts_with("re-evaluated")).unwrap_or_default().to_string();
        }
        Err(e) => {
            r.error = Some(format!("{e:#}"));
            return r;
        }
    }
    let counted = db::Db::open(url).and_then(|mut db| {
        let persons = db.count("persons")?;
        let rows = db.count("eligibility_results")?;
        let raw = db::raw_insert(&mut db, rows)?;
        Ok((persons, rows, raw))
    });
    match counted {
        Ok((persons, rows, raw)) => {
            r.persons = persons;
            r.result_rows = rows;
            r.persons_per_sec = persons as f64 / r.secs.max(1e-9);
            r.result_rows_per_sec = rows as f64 / r.secs.max(1e-9);
            r.ratio_to_raw = r.result_rows_per_sec / raw.rows_per_sec.max(1e-9);
            r.raw_insert = raw;
        }
        Err(e) => r.error = Some(format!("{e:#}")),
    }
    r
}

fn command_line(args: &Args) -> String {
    let sizes: Vec<String> = args.sizes.iter().map(ToString::to_string).collect();
    let backends: Vec<&str> = args.backends.iter().map(|b| b.as_str()).collect();
    format!(
        "make bench SIZES={} BACKENDS={} SEED={}   (cargo bench --bench scale -- --sizes ... --backends ... --seed ...)",
        sizes.join(","),
        backends.join(","),
        args.seed
    )
}

fn notes() -> Vec<String> {
    vec![
        "The server is the release binary with its default settings (pool of 8 connections, one worker per core, \
         log level info written to a file), HOMEWARD_BENCH_BASELINE on, and the job runner polling once a day so \
         the daily re-evaluation does not run during the measurements."
            .into(),
        "SQLite: the app's pragmas (WAL, synchronous=FULL). PostgreSQL: the harness's own cluster with durable \
         defaults (fsync, synchronous_commit and full_page_writes on)."
            .into(),
        "Data: `homeward synth --persons N --seed S` then `homeward reevaluate`, cached by size, seed and data \
         version; each run works on a copy. Reads are made as a caseworker, simulations as a coordinator."
            .into(),
        "Re-evaluation is measured with the server stopped; its baseline is one raw INSERT ... SELECT from \
         nationality_claims of as many result-shaped rows, into an ordinary (logged) scratch table."
            .into(),
    ]
}

/// The growth charts, one per backend: to target/bench/, and to docs/performance/ when the run
/// covers the default sizes (or `--docs`), so a quick small run does not replace the documented one.
fn charts(ctx: &Ctx, args: &Args, results: &Results) -> anyhow::Result<()> {
    let full = [10_000, 100_000, 500_000].iter().all(|s| args.sizes.contains(s));
    let m = &results.machine;
    let subtitle = format!(
        "{} · {} cores · {} · commit {} · seed {}",
        m.cpu,
        m.nproc,
        m.date,
        &m.git_commit[..m.git_commit.len().min(10)],
        results.seed
    );
    for backend in ["sqlite", "postgres"] {
        let runs: Vec<&Run> = results.runs.iter().filter(|r| r.backend == backend && r.baseline.is_some()).collect();
        if runs.is_empty() {
            continue;
        }
        let svg = svg::chart(backend, &runs, &subtitle);
        std::fs::write(ctx.out.join(format!("{backend}.svg")), &svg)?;
        if full || args.docs {
            let dir = ctx.root.join("docs/performance");
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join(format!("{backend}.svg")), &svg)?;
            println!("chart: {}", dir.join(format!("{backend}.svg")).display());
        } else {
            println!(
                "chart: {} (docs/performance/ only for a run over 10k,100k,500k, or with --docs)",
                ctx.out.join(format!("{backend}.svg")).display()
            );
        }
    }
    Ok(())
}
