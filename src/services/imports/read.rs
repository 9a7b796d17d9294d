//! A file's bytes read into a table of text cells: CSV in UTF-8 (with or without a byte-order
//! mark), UTF-16, Windows-1256 (Arabic) or Windows-1251 (Cyrillic), detected or named by the
//! sender; or the first sheet of an XLSX workbook, after its archive was checked for a bomb.
//! A formula in a cell is passed on as `=...` so that the row check refuses it.

use crate::domain::import::Problem;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251, WINDOWS_1256};
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
    // The commonest letters of each script in the two single-byte encodings: Arabic alef, lam,
    // meem, yeh, waw, teh marbuta; Russian а, е, и, о, н, т (lower case).
    let count = |set: &[u8]| bytes.iter().filter(|b| set.contains(b)).count();
    let arabic = count(&[0xC7, 0xE1, 0xE3, 0xED, 0xE6, 0xC9]);
    let cyrillic = count(&[0xE0, 0xE5, 0xE8, 0xEE, 0xED, 0xF2]);
    let high = bytes.iter().filter(|b| **b >= 0x80).count().max(1);
    if arabic * 10 >= high * 4 && arabic > cyrillic * 3 / 2 {
        return Ok((WINDOWS_1256.decode(bytes).0.into_owned(), "windows-1256"));
    }
    if cyrillic * 10 >= high * 3 && cyrillic > arabic * 3 / 2 {
        return Ok((WINDOWS_1251.decode(bytes).0.into_owned(), "windows-1251"));
    }
    Err(Problem::file(
        "the file's encoding cannot be told: save it as UTF-8, or choose its encoding (windows-1256 for Arabic, \
         windows-1251 for Cyrillic)",
    ))
}

/// The rows of a CSV text (comma, semicolon or tab separated, by the header row).
pub fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, Problem> {
    let first = text.lines().next().unwrap_or("");
    let delimiter =
        [b',', b';', b'\t'].into_iter().max_by_key(|d| first.matches(char::from(*d)).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Problem::file(format!("row {}: not CSV ({e})", i + 1)))?;
        check_size(&rows, record.len())?;
        rows.push(record.iter().map(String::from).collect());
    }
    Ok(rows)
}

fn check_size(rows: &[Vec<String>], columns: usize) -> Result<(), Problem> {
    if rows.len() > MAX_ROWS {
        return Err(Problem::file(format!("more than {MAX_ROWS} rows: split the file")));
    }
    if columns > MAX_COLUMNS {
        return Err(Problem::file(format!("row {} has {columns} columns: at most {MAX_COLUMNS}", rows.len() + 1)));
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

/// The rows of an XLSX workbook's first sheet, each cell as text (dates as `YYYY-MM-DD`,
/// whole numbers without a decimal point, formulas as `=...`).
pub fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, Problem> {
    use calamine::{Data, Reader, Xlsx};
    check_archive(bytes)?;
    let not_xlsx = |e: calamine::XlsxError| Problem::file(format!("the workbook cannot be read ({e})"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(not_xlsx)?;
    let sheet = book.sheet_names().first().cloned().ok_or_else(|| Problem::file("the workbook has no sheet"))?;
    let values = book.worksheet_range(&sheet).map_err(not_xlsx)?;
    let formulas = book.worksheet_formula(&sheet).map_err(not_xlsx)?;
    let (row0, col0) = values.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (r, cells) in values.rows().enumerate() {
        check_size(&rows, cells.len())?;
        // Leading empty rows and columns of the sheet are kept, so row numbers match.
        if rows.is_empty() {
            for _ in 0..row0 {
                rows.push(Vec::new());
            }
        }
        let mut out: Vec<String> = vec![String::new(); col0 as usize];
        for (c, cell) in cells.iter().enumerate() {
            let (ar, ac) = (row0 + r as u32, col0 + c as u32);
            let formula = formulas.get_value((ar, ac)).filter(|f| !f.is_empty());
            out.push(match (formula, cell) {
                (Some(f), _) => format!("={f}"),
                (None, Data::Empty) => String::new(),
                (None, Data::String(s)) => s.clone(),
                (None, Data::Int(i)) => i.to_string(),
                (None, Data::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                (None, Data::Float(f)) => f.to_string(),
                (None, Data::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
                (None, Data::DateTime(d)) => {
                    d.as_datetime().map(|t| t.date().format("%Y-%m-%d").to_string()).unwrap_or_else(|| d.to_string())
                }
                (None, Data::DateTimeIso(s)) | (None, Data::DurationIso(s)) => s.clone(),
                (None, Data::Error(e)) => format!("=#{e:?}"),
            });
        }
        rows.push(out);
    }
    Ok(rows)
}

/// Reads a file into rows of cells, or says why it cannot be read.
pub fn table(
    bytes: &[u8],
    format: Format,
    encoding: Option<&'static Encoding>,
) -> Result<(Vec<Vec<String>>, String), Problem> {
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
        assert!(decode(&[0x80, 0x81, 0x82, 0x83], None).is_err(), "cannot tell: ask");
    }

    #[test]
    fn csv_separators_follow_the_header() {
        let rows = csv_rows("family;given_name\nF1;Aisha\n").expect("csv");
        assert_eq!(rows[1], vec!["F1".to_string(), "Aisha".to_string()]);
    }
}
