//! Dates as people write them in lists: `1990`, `03/1990`, `3.1990`, `1990-03`, `1990-03-14`,
//! `14/03/1990`, `14.03.1990`, and estimates (`~1990`, `about 1990`, `ca. 1990`, `vers 1990`,
//! `около 1990`, `حوالي 1990`) read as the year plus or minus two; Arabic-Indic and Persian
//! digits read as digits. A day-first order is assumed where both orders could be meant
//! (`03/04/1990` is the 3rd of April): the lists come from the region and from Europe.

use crate::domain::partial_date::PartialDate;

/// Years either side of an estimated year.
pub const ESTIMATE_MARGIN: u32 = 2;

/// Words that make a date an estimate, folded to lower case.
const ABOUT: &[&str] = &[
    "~",
    "about",
    "approx",
    "approx.",
    "approximately",
    "circa",
    "ca",
    "ca.",
    "c.",
    "around",
    "vers",
    "environ",
    "env.",
    "около",
    "примерно",
    "приблизительно",
    "ок.",
    "حوالي",
    "حوالى",
    "تقريبا",
    "تقريباً",
];

/// Western digits for Arabic-Indic and Persian ones.
fn western_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            c => c,
        })
        .collect()
}

/// Reads a written date, or says how to write it.
pub fn parse_written(s: &str) -> Result<PartialDate, String> {
    let original = s.trim();
    let bad = || {
        format!(
            "`{}` is not a date: write 1990, 03/1990, 1990-03-14, 14/03/1990 or ~1990",
            original.chars().take(40).collect::<String>()
        )
    };
    let mut text = western_digits(original).to_lowercase();
    let mut estimate = false;
    // The longest word first: `approximately` before `approx`.
    let mut words: Vec<&&str> = ABOUT.iter().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    for w in words {
        if let Some(rest) = text.strip_prefix(*w) {
            text = rest.trim().to_string();
            estimate = true;
            break;
        }
    }
    if let Some(rest) = text.strip_suffix('?') {
        text = rest.trim().to_string();
        estimate = true;
    }
    // A separator at either end is no date (`-1990` is not 1990).
    if text.starts_with(['-', '/', '.']) || text.ends_with(['-', '/', '.']) {
        return Err(bad());
    }
    let numbers: Vec<&str> = text.split(['-', '/', '.', ' ']).filter(|p| !p.is_empty()).collect();
    if numbers.is_empty() || numbers.iter().any(|p| !p.chars().all(|c| c.is_ascii_digit())) {
        return Err(bad());
    }
    let n = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let year = |p: &str| -> Result<i32, String> {
        if p.len() == 4 {
            p.parse::<i32>().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let date = match numbers.as_slice() {
        [y] => PartialDate::new(year(y)?, None, None, 0),
        // 1990-03 or 03/1990
        [a, b] if a.len() == 4 => PartialDate::new(year(a)?, Some(n(b)?), None, 0),
        [a, b] if b.len() == 4 => PartialDate::new(year(b)?, Some(n(a)?), None, 0),
        // 1990-03-14 or 14/03/1990
        [a, b, c] if a.len() == 4 => PartialDate::new(year(a)?, Some(n(b)?), Some(n(c)?), 0),
        [a, b, c] if c.len() == 4 => PartialDate::new(year(c)?, Some(n(b)?), Some(n(a)?), 0),
        _ => return Err(bad()),
    }
    .map_err(|e| format!("{}: {e}", bad()))?;
    if estimate {
        if date.month().is_some() {
            return Err(format!("{}: an estimate is a year (~1990)", bad()));
        }
        return PartialDate::new(date.year(), None, None, ESTIMATE_MARGIN).map_err(|e| format!("{}: {e}", bad()));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> (i32, Option<u32>, Option<u32>, u32) {
        let d = parse_written(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (d.year(), d.month(), d.day(), d.margin_years())
    }

    #[test]
    fn dates_as_people_write_them() {
        assert_eq!(ymd("1990"), (1990, None, None, 0));
        assert_eq!(ymd("03/1990"), (1990, Some(3), None, 0));
        assert_eq!(ymd("3.1990"), (1990, Some(3), None, 0));
        assert_eq!(ymd("1990-03"), (1990, Some(3), None, 0));
        assert_eq!(ymd("1990-03-14"), (1990, Some(3), Some(14), 0));
        assert_eq!(ymd("14/03/1990"), (1990, Some(3), Some(14), 0));
        assert_eq!(ymd("14.03.1990"), (1990, Some(3), Some(14), 0));
        assert_eq!(ymd("~1990"), (1990, None, None, 2));
        assert_eq!(ymd("about 1990"), (1990, None, None, 2));
        assert_eq!(ymd("ca. 1990"), (1990, None, None, 2));
        assert_eq!(ymd("Vers 1990"), (1990, None, None, 2));
        assert_eq!(ymd("около 1990"), (1990, None, None, 2));
        assert_eq!(ymd("حوالي ١٩٩٠"), (1990, None, None, 2));
        assert_eq!(ymd("1990?"), (1990, None, None, 2));
    }

    #[test]
    fn what_is_not_a_date_says_how_to_write_one() {
        for s in
            ["", "yesterday", "90", "31/02/1990", "13/1990", "1990-13-01", "~03/1990", "1/2/3/1990", "-1990", "1990-"]
        {
            let e = parse_written(s).expect_err(s);
            assert!(e.contains("write 1990"), "{s}: {e}");
        }
    }
}
