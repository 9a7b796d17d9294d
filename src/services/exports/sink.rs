//! Where an export's bytes go: a channel to the HTTP response, a chunk at a time (a bounded
//! channel, so a slow download slows the writer instead of filling memory), optionally through
//! an AES-256 encrypted zip; and the two table formats written into it row by row: CSV (UTF-8
//! with a byte-order mark, formulas neutralised) and XLSX (constant-memory worksheet, right to
//! left for Arabic).

use actix_web::web::Bytes;
use std::io::{self, Write};
use tokio::sync::mpsc;

/// A chunk of the response, or the error that ended it.
pub type Chunk = Result<Bytes, io::Error>;

/// Bytes per chunk sent to the response.
const CHUNK: usize = 64 * 1024;

/// A `Write` that sends full chunks down a bounded channel (blocking while the client reads).
pub struct ChannelWriter {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    pub fn new(tx: mpsc::Sender<Chunk>) -> ChannelWriter {
        ChannelWriter { tx, buf: Vec::with_capacity(CHUNK) }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        // The receiver is gone when the client hung up: stop writing.
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "download cancelled"))
    }

    /// Sends the error that ends the download (the client sees a cut-off file, never a partial
    /// one that looks whole).
    pub fn fail(self, e: io::Error) {
        let _ = self.tx.blocking_send(Err(e));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The file as downloaded: the table itself, or inside an encrypted zip.
pub enum Output {
    Plain(ChannelWriter),
    Zip(Box<zip::ZipWriter<zip::write::StreamWriter<ChannelWriter>>>),
}

impl Output {
    /// A plain file, or a zip holding `inner_name` encrypted with AES-256 under `password`.
    pub fn new(w: ChannelWriter, password: Option<&str>, inner_name: &str) -> io::Result<Output> {
        let Some(password) = password else { return Ok(Output::Plain(w)) };
        let mut zip = zip::ZipWriter::new_stream(w);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .with_aes_encryption(zip::AesMode::Aes256, password);
        zip.start_file(inner_name, options).map_err(io::Error::other)?;
        Ok(Output::Zip(Box::new(zip)))
    }

    /// Ends the file and sends what is left.
    pub fn finish(self) -> io::Result<()> {
        let mut w = match self {
            Output::Plain(w) => w,
            Output::Zip(zip) => zip.finish().map_err(io::Error::other)?.into_inner(),
        };
        w.flush()
    }
}

impl Write for Output {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Output::Plain(w) => w.write(data),
            Output::Zip(z) => z.write(data),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Plain(w) => w.flush(),
            Output::Zip(z) => z.flush(),
        }
    }
}

/// A cell as written: text that a spreadsheet would read as a formula (`= + - @`, a tab or a
/// carriage return first) is prefixed with an apostrophe, so it stays text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// A table being written, row by row.
pub enum Table {
    Csv(Box<csv::Writer<Output>>),
    Xlsx { book: Box<rust_xlsxwriter::Workbook>, out: Output, row: u32 },
}

impl Table {
    /// Starts a CSV (with the byte-order mark Excel needs to read UTF-8) or an XLSX table.
    pub fn start(xlsx: bool, mut out: Output, right_to_left: bool) -> io::Result<Table> {
        if !xlsx {
            out.write_all("\u{feff}".as_bytes())?;
            return Ok(Table::Csv(Box::new(csv::Writer::from_writer(out))));
        }
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory().map_err(io::Error::other)?;
        sheet.set_right_to_left(right_to_left);
        Ok(Table::Xlsx { book: Box::new(book), out, row: 0 })
    }

    /// Writes a row (header or data), every cell neutralised.
    pub fn row(&mut self, cells: &[String]) -> io::Result<()> {
        match self {
            Table::Csv(w) => w.write_record(cells.iter().map(|c| neutralise(c))).map_err(io::Error::other),
            Table::Xlsx { book, row, .. } => {
                let sheet = book.worksheet_from_index(0).map_err(io::Error::other)?;
                for (col, cell) in cells.iter().enumerate() {
                    let col = u16::try_from(col).map_err(io::Error::other)?;
                    sheet.write_string(*row, col, neutralise(cell)).map_err(io::Error::other)?;
                }
                *row += 1;
                Ok(())
            }
        }
    }

    /// Ends the table and the file.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Table::Csv(w) => w.into_inner().map_err(|e| io::Error::other(e.to_string()))?.finish(),
            Table::Xlsx { mut book, mut out, .. } => {
                book.save_to_writer(&mut out).map_err(io::Error::other)?;
                out.finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn cells_a_spreadsheet_would_run_are_kept_as_text() {
        for bad in ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("Amira"), "Amira");
        assert_eq!(neutralise("عائشة"), "عائشة");
        assert_eq!(neutralise(""), "");
    }
}
