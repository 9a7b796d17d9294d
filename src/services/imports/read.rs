//! A file's bytes read into a table of text cells: CSV in UTF-8 (with or without a byte-order
//! mark), UTF-16, Windows-1256 (Arabic) or Windows-1251 (Cyrillic), detected or named by the
//! sender; or the first sheet of an XLSX workbook, after its archive was checked for a bomb.
//! A formula in a cell is passed on as `=...` so that the row check refuses it.

use crate::domain::import::Problem;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251, WINDOWS_1252, WINDOWS_1256};
use std::collections::BTreeMap;
use std::io::Read;

/// The largest file accepted (bytes).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most rows a file may hold (the header aside).
pub const MAX_ROWS: usize = 100_000;
/// The most columns a row may hold.
pub const MAX_COLUMNS: usize = 60;
/// The most bytes an XLSX archive may unpack to, all its parts together.
pub const MAX_UNPACKED: u64 = 200 * 1024 * 1024;

/// The kinds of file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// The media types of the formats.
pub const CSV_TYPE: &str = "text/csv";
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Format {
    /// The format a media type names (parameters such as `charset` aside).
    pub fn from_media_type(t: &str) -> Option<Format> {
        match t.split(';').next().unwrap_or("").trim().to_ascii_lowercase().as_str() {
            "text/csv" | "text/plain" | "application/csv" => Some(Format::Csv),
            XLSX_TYPE => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The format of a file by its first bytes: an XLSX workbook is a ZIP archive.
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// The encodings a sender may name.
pub fn encoding_named(name: &str) -> Option<&'static Encoding> {
    match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" => Some(UTF_8),
        "utf-16" | "utf-16le" => Some(UTF_16LE),
        "utf-16be" => Some(UTF_16BE),
        "windows-1256" | "cp1256" => Some(WINDOWS_1256),
        "windows-1251" | "cp1251" => Some(WINDOWS_1251),
        "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => Some(WINDOWS_1252),
        _ => None,
    }
}

/// The text of a CSV file: by its byte-order mark, as UTF-8 when it is valid UTF-8, else as
/// Windows-1256 or Windows-1251 when the letters say which; otherwise the sender must say.
pub fn decode(bytes: &[u8], named: Option<&'static Encoding>) -> Result<(String, &'static str), Problem> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Problem::file(format!("the file says it is {} but is not", enc.name())));
        }
        return Ok((text.into_owned(), enc.name()));
    }
    if let Some(enc) = named {
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(Problem::file(format!("the file is not {}: choose its encoding again", enc.name())));
        }
        return Ok((text.into_owned(), enc.name()));
    }
    // Without a mark, UTF-16 shows as a zero byte in every other place of Latin text (and is
    // valid UTF-8 too: it is told first).
    let zeros = |offset: usize| bytes.iter().skip(offset).step_by(2).take(4096).filter(|b| **b == 0).count();
    let pairs = bytes.len().min(8192) / 2;
    if pairs > 0 && zeros(1) * 3 > pairs * 2 {
        return Ok((UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(), "UTF-16LE"));
    }
    if pairs > 0 && zeros(0) * 3 > pairs * 2 {
        return Ok((UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(), "UTF-16BE"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    // A single-byte encoding: each candidate decodes anything, so the text it gives is judged.
    let plausible = |enc: &'static Encoding| looks_like(&enc.decode_without_bom_handling(bytes).0, enc);
    let (arabic_ok, cyrillic_ok, latin_ok) =
        (plausible(WINDOWS_1256), plausible(WINDOWS_1251), plausible(WINDOWS_1252));
    // Arabic letters decoded as Windows-1251 look like Cyrillic words too: the commonest
    // letters of each script tell them apart (Arabic alef, lam, meem, yeh, waw, teh marbuta;
    // Russian а, е, и, о, н, т).
    let count = |set: &[u8]| bytes.iter().filter(|b| set.contains(b)).count();
    let arabic = count(&[0xC7, 0xE1, 0xE3, 0xED, 0xE6, 0xC9]);
    let cyrillic = count(&[0xE0, 0xE5, 0xE8, 0xEE, 0xED, 0xF2]);
    let chosen = match (arabic_ok, cyrillic_ok, latin_ok) {
        (true, false, false) => Some(WINDOWS_1256),
        (false, true, false) => Some(WINDOWS_1251),
        (false, false, true) => Some(WINDOWS_1252),
        (true, true, false) if arabic > cyrillic * 3 / 2 => Some(WINDOWS_1256),
        (true, true, false) if cyrillic > arabic * 3 / 2 => Some(WINDOWS_1251),
        _ => None,
    };
    match chosen {
        Some(enc) => Ok((enc.decode_without_bom_handling(bytes).0.into_owned(), enc.name())),
        None => Err(Problem::file(
            "the file's encoding cannot be told: save it as UTF-8, or choose its encoding (windows-1256 for \
             Arabic, windows-1251 for Cyrillic, windows-1252 for French and other Latin-script text)",
        )),
    }
}

/// Whether text decoded with `enc` reads as that encoding's script: its words with letters
/// beyond ASCII are words of one script (French decoded as Cyrillic gives `Franзois`), and, for
/// Windows-1252, letters beyond ASCII are the accents of mostly-ASCII words (Russian decoded as
/// Windows-1252 is all accented letters).
fn looks_like(text: &str, enc: &'static Encoding) -> bool {
    let script = |c: char| match c as u32 {
        0x0400..=0x04FF => 1,
        0x0600..=0x06FF => 2,
        _ if c.is_alphabetic() => 0,
        _ => 3,
    };
    let (mut words, mut mixed, mut letters, mut beyond) = (0usize, 0usize, 0usize, 0usize);
    // Letters beyond ASCII in the encoding's own script (Windows-1256 also holds é and ç).
    let own = if enc == WINDOWS_1256 {
        2
    } else if enc == WINDOWS_1251 {
        1
    } else {
        0
    };
    let mut in_own = 0usize;
    for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        letters += word.chars().count();
        beyond += word.chars().filter(|c| !c.is_ascii()).count();
        in_own += word.chars().filter(|c| !c.is_ascii() && script(*c) == own).count();
        if word.is_ascii() {
            continue;
        }
        words += 1;
        let first = word.chars().map(script).next().unwrap_or(0);
        if word.chars().any(|c| script(c) != first) {
            mixed += 1;
        }
    }
    if words == 0 {
        return false;
    }
    let mixed_share = mixed as f64 / words as f64;
    if enc == WINDOWS_1252 {
        mixed_share < 0.05 && (beyond as f64) < letters as f64 * 0.3
    } else {
        mixed_share < 0.1 && in_own * 2 > beyond
    }
}

/// A row of a file: its number as a spreadsheet shows it (blank lines counted), and its cells.
pub type NumberedRow = (usize, Vec<String>);

/// The rows of a CSV text (comma, semicolon or tab separated, by the header row), each with the
/// line it starts on: the reader skips blank lines, and a row number must still point at the
/// row the sender sees.
pub fn csv_rows(text: &str) -> Result<Vec<NumberedRow>, Problem> {
    let first = text.lines().next().unwrap_or("");
    let delimiter =
        [b',', b';', b'\t'].into_iter().max_by_key(|d| first.matches(char::from(*d)).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows: Vec<NumberedRow> = Vec::new();
    // Lines counted from the record's byte offset (the reader's own line count lags by the
    // previous record's line break), newlines inside quoted cells included.
    let bytes = text.as_bytes();
    let (mut seen_to, mut line) = (0usize, 1usize);
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Problem::file(format!("row {}: not CSV ({e})", i + 1)))?;
        check_size(rows.len(), record.len())?;
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(seen_to).min(bytes.len());
        // The offset may point at the line break that ended the previous record, or at blank lines.
        while start < bytes.len() && (bytes[start] == b'\n' || bytes[start] == b'\r') {
            start += 1;
        }
        if start >= seen_to {
            line += bytes[seen_to..start].iter().filter(|b| **b == b'\n').count();
            seen_to = start;
        }
        rows.push((line, record.iter().map(String::from).collect()));
    }
    Ok(rows)
}

fn check_size(rows: usize, columns: usize) -> Result<(), Problem> {
    if rows > MAX_ROWS {
        return Err(Problem::file(format!("more than {MAX_ROWS} rows: split the file")));
    }
    if columns > MAX_COLUMNS {
        return Err(Problem::file(format!("row {} has {columns} columns: at most {MAX_COLUMNS}", rows + 1)));
    }
    Ok(())
}

/// Checks an XLSX archive before it is unpacked: the parts' real unpacked sizes (read, not
/// trusted from the headers) stay under [`MAX_UNPACKED`].
fn check_archive(bytes: &[u8]) -> Result<(), Problem> {
    let not_xlsx = || Problem::file("the file is not an XLSX workbook");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    if zip.len() > 10_000 {
        return Err(not_xlsx());
    }
    let mut total: u64 = 0;
    let mut sink = [0u8; 64 * 1024];
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| not_xlsx())?;
        let mut limited = entry.take(MAX_UNPACKED - total + 1);
        loop {
            let n = limited.read(&mut sink).map_err(|_| not_xlsx())?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_UNPACKED {
                return Err(Problem::file(format!(
                    "the workbook unpacks to more than {} MB: it is refused as a possible zip bomb",
                    MAX_UNPACKED / 1024 / 1024
                )));
            }
        }
    }
    Ok(())
}

/// A cell's value as text (dates as `YYYY-MM-DD`, whole numbers without a decimal point).
fn cell_text(v: &calamine::DataRef) -> String {
    use calamine::DataRef;
    match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        DataRef::DateTime(d) => {
            d.as_datetime().map(|t| t.date().format("%Y-%m-%d").to_string()).unwrap_or_else(|| d.to_string())
        }
        DataRef::Error(e) => format!("=#{e:?}"),
    }
}

/// Puts a cell in its row, refusing a position beyond the limits before anything is stored (a
/// tiny sheet may name cell XFD1048576).
fn place(rows: &mut BTreeMap<u32, Vec<String>>, (row, col): (u32, u32), text: String) -> Result<(), Problem> {
    if row as usize > MAX_ROWS {
        return Err(Problem::file(format!("the sheet has cells beyond row {}: at most {MAX_ROWS} rows", MAX_ROWS + 1)));
    }
    if col as usize >= MAX_COLUMNS {
        return Err(Problem::file(format!("the sheet has cells beyond column {MAX_COLUMNS}")));
    }
    let cells = rows.entry(row).or_default();
    if cells.len() <= col as usize {
        cells.resize(col as usize + 1, String::new());
    }
    cells[col as usize] = text;
    Ok(())
}

/// The rows of an XLSX workbook's first sheet, cell by cell (never as the rectangle the sheet
/// claims), each with its row number; formulas as `=...`.
pub fn xlsx_rows(bytes: &[u8]) -> Result<Vec<NumberedRow>, Problem> {
    use calamine::{Reader, Xlsx};
    check_archive(bytes)?;
    let not_xlsx = |e: calamine::XlsxError| Problem::file(format!("the workbook cannot be read ({e})"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(not_xlsx)?;
    let sheet = book.sheet_names().first().cloned().ok_or_else(|| Problem::file("the workbook has no sheet"))?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    {
        let mut cells = book.worksheet_cells_reader(&sheet).map_err(not_xlsx)?;
        while let Some(c) = cells.next_formula().map_err(not_xlsx)? {
            if !c.get_value().is_empty() {
                place(&mut rows, c.get_position(), format!("={}", c.get_value()))?;
            }
        }
    }
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(not_xlsx)?;
    while let Some(c) = cells.next_cell().map_err(not_xlsx)? {
        let text = cell_text(c.get_value());
        let pos = c.get_position();
        let is_formula = rows.get(&pos.0).and_then(|r| r.get(pos.1 as usize)).is_some_and(|t| t.starts_with('='));
        if !text.is_empty() && !is_formula {
            place(&mut rows, pos, text)?;
        }
    }
    Ok(rows.into_iter().map(|(r, cells)| (r as usize + 1, cells)).collect())
}

/// Reads a file into rows of cells, or says why it cannot be read.
pub fn table(
    bytes: &[u8],
    format: Format,
    encoding: Option<&'static Encoding>,
) -> Result<(Vec<NumberedRow>, String), Problem> {
    if bytes.len() > MAX_BYTES {
        return Err(Problem::file(format!("the file is larger than {} MB", MAX_BYTES / 1024 / 1024)));
    }
    match format {
        Format::Csv => {
            let (text, encoding) = decode(bytes, encoding)?;
            Ok((csv_rows(&text)?, encoding.to_string()))
        }
        Format::Xlsx => Ok((xlsx_rows(bytes)?, "XLSX".to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart_by_their_marks_and_letters() {
        let text = "family,given_name\nF1,عائشة محمود\n";
        assert_eq!(decode(text.as_bytes(), None).map(|d| d.1), Ok("UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, None).map(|d| d.0), Ok(text.to_string()));
        let (arabic, _, _) = WINDOWS_1256.encode("family,given_name\nF1,عائشة محمود\nF2,فاطمة الحسن\n");
        assert_eq!(decode(&arabic, None).map(|d| d.1), Ok("windows-1256"));
        let (cyrillic, _, _) = WINDOWS_1251.encode("family,given_name\nF1,Айша Махмудова\nF2,Хадиджа Исмаилова\n");
        assert_eq!(decode(&cyrillic, None).map(|d| d.1), Ok("windows-1251"));
        let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&utf16, None).map(|d| d.0), Ok(text.to_string()));
        assert!(decode(&[0xC8, 0xD1, 0xC8, 0xD1, 0x20, 0xD1, 0xC8], None).is_err(), "Cyrillic or Arabic: ask");
        // French as a French spreadsheet saves it is not Cyrillic.
        let (french, _, _) =
            WINDOWS_1252.encode("family,given_name,family_name\nF1,François,Lefèvre\nF2,Hélène,Dubois\n");
        assert_eq!(decode(&french, None).map(|d| d.1), Ok("windows-1252"));
    }

    #[test]
    fn csv_separators_follow_the_header() {
        let rows = csv_rows("family;given_name\n\nF1;Aisha\n").expect("csv");
        assert_eq!(rows[1], (3, vec!["F1".to_string(), "Aisha".to_string()]), "a blank line still counts");
    }
}
