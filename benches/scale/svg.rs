//! The growth chart of one backend, as hand-written SVG: x the registry size in persons, y the
//! median time of each path, both on log scales, one line per path, a legend on the right. A
//! point whose answers were not all 2xx is drawn as a red cross.

use super::report::{thousands, title, Run};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const W: f64 = 1120.0;
const H: f64 = 600.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 730.0;
const TOP: f64 = 70.0;
const BOTTOM: f64 = 530.0;

/// Distinct colours (Tableau 20, dark first).
const COLOURS: &[&str] = &[
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One line: a path's label and its (size, median ms, all 2xx) points.
struct Series {
    label: String,
    points: Vec<(f64, f64, bool)>,
}

fn series(runs: &[&Run]) -> Vec<Series> {
    let mut order: Vec<String> = Vec::new();
    let mut by_key: BTreeMap<String, Series> = BTreeMap::new();
    for run in runs {
        let persons = run.picks.as_ref().map_or(run.size as f64, |p| p.persons as f64);
        for p in run.baseline.iter().chain(run.paths.iter()) {
            if p.stats.n == 0 || p.stats.median_ms <= 0.0 {
                continue;
            }
            let s = by_key.entry(p.key.clone()).or_insert_with(|| {
                order.push(p.key.clone());
                Series { label: generic(&p.key, &p.label), points: Vec::new() }
            });
            s.points.push((persons, p.stats.median_ms, p.stats.all_ok()));
        }
    }
    order.into_iter().filter_map(|k| by_key.remove(&k)).collect()
}

/// The label without the names picked from one data set (they differ between sizes).
fn generic(key: &str, label: &str) -> String {
    match key {
        "families_q_common" => "GET /families?q=<common Latin name>".into(),
        "families_q_rare" => "GET /families?q=<rare Latin name>".into(),
        "families_q_arabic" => "GET /families?q=<Arabic name>".into(),
        "families_q_cyrillic" => "GET /families?q=<Cyrillic name>".into(),
        _ => label.into(),
    }
}

fn log_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for v in values.filter(|v| *v > 0.0) {
        lo = lo.min(v.log10());
        hi = hi.max(v.log10());
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    (lo, hi)
}

/// Draws the chart of `runs` (one backend, any number of sizes).
pub fn chart(backend: &str, runs: &[&Run], subtitle: &str) -> String {
    let series = series(runs);
    let (x_lo, x_hi) = log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let (x_lo, x_hi) = (x_lo - 0.15, x_hi + 0.15);
    let (y_lo, y_hi) = log_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
    let (y_lo, y_hi) = (y_lo.floor(), y_hi.ceil().max(y_lo.floor() + 1.0));
    let x = |v: f64| LEFT + (v.log10() - x_lo) / (x_hi - x_lo) * (RIGHT - LEFT);
    let y = |v: f64| BOTTOM - (v.log10() - y_lo) / (y_hi - y_lo) * (BOTTOM - TOP);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="28" font-size="17" font-weight="bold">Homeward on {}: median time per path as the registry grows</text>"#,
        title(backend)
    );
    let _ = writeln!(s, r##"<text x="{LEFT}" y="48" fill="#555">{}</text>"##, esc(subtitle));
    // Horizontal grid: one line per decade, labelled in ms or s.
    let mut d = y_lo;
    while d <= y_hi + 1e-9 {
        let v = 10f64.powf(d);
        let yy = y(v);
        let label = if v >= 1000.0 { format!("{} s", v / 1000.0) } else { format!("{v} ms") };
        let _ = writeln!(s, r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{RIGHT}" y2="{yy:.1}" stroke="#ddd"/>"##);
        let _ = writeln!(s, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{label}</text>"#, LEFT - 8.0, yy + 4.0);
        d += 1.0;
    }
    // Vertical ticks at the measured sizes.
    let mut sizes: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    for v in &sizes {
        let xx = x(*v);
        let _ = writeln!(s, r##"<line x1="{xx:.1}" y1="{TOP}" x2="{xx:.1}" y2="{BOTTOM}" stroke="#eee"/>"##);
        let _ = writeln!(
            s,
            r#"<text x="{xx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            BOTTOM + 18.0,
            thousands(*v as i64)
        );
    }
    let _ = writeln!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="#333"/>"##,
        RIGHT - LEFT,
        BOTTOM - TOP
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">persons in the registry (log scale)</text>"#,
        (LEFT + RIGHT) / 2.0,
        BOTTOM + 42.0
    );
    let _ = writeln!(
        s,
        r#"<text transform="translate(22 {:.1}) rotate(-90)" text-anchor="middle">median response time (log scale)</text>"#,
        (TOP + BOTTOM) / 2.0
    );
    for (i, line) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let dash = if line.label.starts_with("baseline") {
            r#" stroke-dasharray="6 3""#
        } else if i >= 10 {
            r#" stroke-dasharray="2 2""#
        } else {
            ""
        };
        let pts: Vec<String> = line.points.iter().map(|p| format!("{:.1},{:.1}", x(p.0), y(p.1))).collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}><title>{}</title></polyline>"#,
            pts.join(" "),
            esc(&line.label)
        );
        for p in &line.points {
            let (px, py) = (x(p.0), y(p.1));
            let tip = format!("{}: {:.2} ms at {} persons", line.label, p.1, thousands(p.0 as i64));
            if p.2 {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="3.5" fill="{colour}"><title>{}</title></circle>"#,
                    esc(&tip)
                );
            } else {
                let _ = writeln!(
                    s,
                    r##"<path d="M{:.1} {:.1}l10 10m0-10l-10 10" stroke="#d00" stroke-width="2.5"><title>{} (not all 2xx)</title></path>"##,
                    px - 5.0,
                    py - 5.0,
                    esc(&tip)
                );
            }
        }
        let ly = TOP + 8.0 + i as f64 * 21.0;
        let lx = RIGHT + 20.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" y1="{ly:.1}" x2="{}" y2="{ly:.1}" stroke="{colour}" stroke-width="2.5"{dash}/>"#,
            lx + 24.0
        );
        let _ = writeln!(s, r#"<text x="{}" y="{:.1}">{}</text>"#, lx + 30.0, ly + 4.0, esc(&line.label));
    }
    let ly = TOP + 8.0 + series.len() as f64 * 21.0 + 8.0;
    let lx = RIGHT + 20.0;
    let _ = writeln!(
        s,
        r##"<path d="M{} {:.1}l10 10m0-10l-10 10" stroke="#d00" stroke-width="2.5"/>"##,
        lx + 7.0,
        ly - 5.0
    );
    let _ = writeln!(s, r#"<text x="{}" y="{:.1}">some answers were not 2xx</text>"#, lx + 30.0, ly + 4.0);
    s.push_str("</svg>\n");
    s
}
