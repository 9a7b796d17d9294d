//! The coordinator's bar chart: one horizontal bar per destination, its length the persons held
//! with that nationality, stacked by their outcome under the policy in force. Drawn on the
//! server as an inline SVG (no script, no request elsewhere), mirrored on right-to-left pages
//! so that bars grow from the reading start, each segment a link to the list behind it.

use crate::services::cases::backlog::{CountryBacklog, Figure};

/// A segment's outcome key (for the colour and the legend) and its figure.
fn segments(c: &CountryBacklog) -> [(&'static str, &Figure); 6] {
    let o = &c.outcomes;
    [
        ("eligible", &o.eligible),
        ("eligible_with_conditions", &o.eligible_with_conditions),
        ("case_by_case", &o.case_by_case),
        ("not_eligible", &o.not_eligible),
        ("no_route", &o.no_route),
        ("not_evaluated", &o.not_evaluated),
    ]
}

/// The fill of an outcome (colour-blind-safe, and each also labelled in the legend).
pub fn colour(outcome: &str) -> &'static str {
    match outcome {
        "eligible" => "#1b7837",
        "eligible_with_conditions" => "#7fbf7b",
        "case_by_case" => "#dfc27d",
        "not_eligible" => "#c51b7d",
        "no_route" => "#762a83",
        _ => "#bababa",
    }
}

/// Escapes text for XML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The chart, as SVG markup. `label` names a segment for its tooltip (outcome key -> words);
/// `link` turns an API list into the page that shows it. The chart is a labelled group, not an
/// image: its bars are links to their lists, each named by its outcome and count.
pub fn svg(
    countries: &[CountryBacklog],
    rtl: bool,
    title: &str,
    label: impl Fn(&str) -> String,
    link: impl Fn(&str) -> String,
) -> String {
    const ROW: u32 = 26;
    const NAME: u32 = 150;
    const WIDTH: u32 = 720;
    const BAR: u32 = WIDTH - NAME - 60;
    let max = countries.iter().map(|c| c.held.n).max().unwrap_or(0).max(1);
    let height = ROW * countries.len() as u32 + 10;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-labelledby=\"chart-title\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" data-testid=\"backlog-chart\">\
         <title id=\"chart-title\">{}</title>",
        esc(title)
    );
    for (i, c) in countries.iter().enumerate() {
        let y = i as u32 * ROW + 5;
        // The name sits at the reading start; bars start next to it.
        let (name_x, anchor) = if rtl { (WIDTH - 4, "end") } else { (4, "start") };
        out.push_str(&format!(
            "<text x=\"{name_x}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"13\">{} ({})</text>",
            y + 16,
            esc(&c.country_name),
            c.held.n
        ));
        let mut at = 0u32;
        for (key, fig) in segments(c) {
            if fig.n <= 0 {
                continue;
            }
            let w = ((fig.n as f64 / max as f64) * BAR as f64).round().max(1.0) as u32;
            let x = if rtl { WIDTH - NAME - at - w } else { NAME + at };
            let rect = format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>",
                ROW - 8,
                colour(key),
                esc(&label(key)),
                fig.n
            );
            match &fig.list {
                Some(l) => out.push_str(&format!(
                    "<a href=\"{}\" aria-label=\"{}: {}\">{rect}</a>",
                    esc(&link(l)),
                    esc(&label(key)),
                    fig.n
                )),
                None => out.push_str(&rect),
            }
            at += w;
        }
    }
    out.push_str("</svg>");
    out
}
