//! FIRST EPSS daily scores: CSV, plain or gzip, read line by line.
//!
//! The file starts with a comment line `#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000`,
//! then the header `cve,epss,percentile`, then one score per line. A line that does not parse (wrong
//! number of fields, a number outside 0..=1, a CVE id that is not one) is skipped and reported with its
//! line number; the rest of the file is read. The whole file is never held in memory.

use std::io::{BufRead, BufReader, Read};

use ward_core::vuln::{EpssHeader, EpssScore};

use crate::limits::{Budget, Capped, Limits, MAX_LINE_BYTES, is_capped};
use crate::problem::{Ctx, FeedError, Parsed};
use crate::time::parse_date;

/// A parsed EPSS file: its header and scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Epss {
    /// The model version and score date, when the comment line is there.
    pub header: EpssHeader,
    /// The scores, and the problems met.
    pub scores: Parsed<EpssScore>,
}

/// Read EPSS CSV from any reader, within the default [`Limits`]. Gzip is detected by its magic bytes
/// and decompressed as it streams.
pub fn parse_epss<R: Read>(file: &str, reader: R) -> Result<Epss, FeedError> {
    parse_epss_with(file, reader, &Limits::default())
}

/// Read EPSS CSV from any reader, within `limits`: the (decompressed) stream may not pass
/// `limits.max_bytes`, no line may pass [`MAX_LINE_BYTES`], and the deadline is looked at as lines
/// are read. Gzip is detected by its magic bytes and decompressed as it streams.
pub fn parse_epss_with<R: Read>(file: &str, reader: R, limits: &Limits) -> Result<Epss, FeedError> {
    let mut buffered = BufReader::new(reader);
    let gzip = buffered
        .fill_buf()
        .map_err(|source| read_error(file, limits, source))?
        .starts_with(&[0x1f, 0x8b]);
    if gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        parse_lines(
            file,
            BufReader::new(Capped::new(decoder, limits.max_bytes)),
            limits,
        )
    } else {
        parse_lines(
            file,
            BufReader::new(Capped::new(buffered, limits.max_bytes)),
            limits,
        )
    }
}

fn read_error(file: &str, limits: &Limits, source: std::io::Error) -> FeedError {
    if is_capped(&source) {
        limits.too_many_bytes(file, "the stream decompresses to")
    } else if source.kind() == std::io::ErrorKind::InvalidData
        || source.kind() == std::io::ErrorKind::InvalidInput
    {
        FeedError::Syntax {
            file: file.to_owned(),
            at: "stream".to_owned(),
            reason: source.to_string(),
        }
    } else {
        FeedError::Read {
            file: file.to_owned(),
            source,
        }
    }
}

/// Read one line into `raw` (cleared first), refusing lines longer than [`MAX_LINE_BYTES`].
fn read_line<R: BufRead>(
    file: &str,
    limits: &Limits,
    reader: &mut R,
    raw: &mut Vec<u8>,
) -> Result<usize, FeedError> {
    raw.clear();
    let cap = MAX_LINE_BYTES as u64 + 1;
    let read = reader
        .by_ref()
        .take(cap)
        .read_until(b'\n', raw)
        .map_err(|e| read_error(file, limits, e))?;
    if read as u64 >= cap && raw.last() != Some(&b'\n') {
        return Err(FeedError::TooLarge {
            file: file.to_owned(),
            limit: "line length",
            reason: format!("a line is longer than {MAX_LINE_BYTES} bytes"),
        });
    }
    Ok(read)
}

fn parse_lines<R: BufRead>(file: &str, mut reader: R, limits: &Limits) -> Result<Epss, FeedError> {
    let mut budget = Budget::new(file, limits);
    let mut ctx = Ctx::new(file);
    let mut header = EpssHeader {
        model_version: None,
        score_date: None,
    };
    let mut scores = Vec::new();
    let mut raw = Vec::new();
    let mut number = 0usize;
    let mut seen_columns = false;
    loop {
        budget.step()?;
        let read = read_line(file, limits, &mut reader, &mut raw)?;
        if read == 0 {
            break;
        }
        number += 1;
        let Ok(line) = std::str::from_utf8(&raw) else {
            ctx.skip(format!("line {number}"), "not UTF-8");
            continue;
        };
        let text = line.trim_end_matches(['\r', '\n']).trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            continue;
        }
        if let Some(comment) = text.strip_prefix('#') {
            if number == 1 {
                header = parse_header(&mut ctx, comment);
            }
            continue;
        }
        if !seen_columns {
            seen_columns = true;
            let columns: Vec<&str> = text.split(',').map(str::trim).collect();
            if columns.first().is_some_and(|c| c.eq_ignore_ascii_case("cve")) {
                if columns.len() < 3
                    || !columns[1..3]
                        .iter()
                        .zip(["epss", "percentile"])
                        .all(|(c, want)| c.eq_ignore_ascii_case(want))
                {
                    return Err(ctx.format_error(
                        "an EPSS CSV",
                        format!("line {number}: columns must be cve,epss,percentile, found '{text}'"),
                    ));
                }
                continue;
            }
        }
        match score(text) {
            Ok(s) => scores.push(s),
            Err(reason) => ctx.skip(format!("line {number}"), reason),
        }
    }
    if number == 0 {
        return Err(ctx.format_error("an EPSS CSV", "the file is empty"));
    }
    Ok(Epss {
        header,
        scores: ctx.finish(scores),
    })
}

fn parse_header(ctx: &mut Ctx, comment: &str) -> EpssHeader {
    let mut header = EpssHeader {
        model_version: None,
        score_date: None,
    };
    for part in comment.split(',') {
        let Some((key, value)) = part.split_once(':') else {
            continue;
        };
        match key.trim() {
            "model_version" => header.model_version = Some(value.trim().to_owned()),
            "score_date" => {
                header.score_date = parse_date(value.trim()).or_else(|| {
                    // EPSS writes `+0000` offsets, which RFC 3339 does not allow: the date part suffices.
                    value.trim().get(..10).and_then(parse_date)
                });
                if header.score_date.is_none() {
                    ctx.flag(
                        "line 1",
                        format!("score_date '{}' is not a date; ignored", value.trim()),
                    );
                }
            }
            _ => {}
        }
    }
    header
}

fn score(line: &str) -> Result<EpssScore, String> {
    let fields: Vec<&str> = line.split(',').map(|f| f.trim().trim_matches('"')).collect();
    let [cve, epss, percentile] = fields.as_slice() else {
        return Err(format!(
            "expected 3 fields (cve,epss,percentile), found {}",
            fields.len()
        ));
    };
    if !cve.starts_with("CVE-") || cve.len() < 9 {
        return Err(format!("'{}' is not a CVE id", crate::json::clip(cve)));
    }
    let probability = |name: &str, text: &str| -> Result<f64, String> {
        match text.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
            Ok(v) => Err(format!("{name} {v} is outside 0..=1")),
            Err(_) => Err(format!("{name} '{}' is not a number", crate::json::clip(text))),
        }
    };
    Ok(EpssScore {
        cve: (*cve).to_owned(),
        epss: probability("epss", epss)?,
        percentile: probability("percentile", percentile)?,
    })
}
