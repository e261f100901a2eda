//! Files of evidence kept with an assessment (board minutes as PDF, a screenshot of a setting, an
//! asset register as a spreadsheet).
//!
//! Ward keeps only kinds a reader opens without running anything: PDF, PNG, JPEG, plain text,
//! CSV, and Word and Excel documents in their XML (zip) form. A file is taken for the kind its
//! name says only when its first bytes say the same ([`identify`]); anything else (HTML, scripts,
//! executables, a PDF renamed `.png`) is refused. Files are served back only as downloads with the
//! stored kind's content type, never sniffed or rendered in Ward's own origin.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AssessmentId, EvidenceFileId, UserId, ValidationError};

/// The largest evidence file Ward keeps, in bytes (10 MiB).
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;
/// The most files one assessment keeps.
pub const MAX_FILES_PER_ASSESSMENT: usize = 200;
/// The longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 120;

/// The kinds of file Ward keeps as evidence.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum EvidenceKind {
    Pdf,
    Png,
    Jpeg,
    Text,
    Csv,
    Docx,
    Xlsx,
}

impl EvidenceKind {
    /// The content type a download is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Text => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Png => "PNG image",
            Self::Jpeg => "JPEG image",
            Self::Text => "Text",
            Self::Csv => "CSV",
            Self::Docx => "Word document",
            Self::Xlsx => "Excel workbook",
        }
    }

    /// The kind a file name's extension claims, if Ward keeps that kind.
    fn of_extension(ext: &str) -> Option<Self> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "pdf" => Self::Pdf,
            "png" => Self::Png,
            "jpg" | "jpeg" => Self::Jpeg,
            "txt" | "text" | "md" => Self::Text,
            "csv" => Self::Csv,
            "docx" => Self::Docx,
            "xlsx" => Self::Xlsx,
            _ => return None,
        })
    }

    /// Whether `bytes` start the way a file of this kind does.
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::Pdf => bytes.starts_with(b"%PDF-"),
            Self::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Self::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Self::Docx | Self::Xlsx => bytes.starts_with(b"PK\x03\x04"),
            Self::Text | Self::Csv => plain_text(bytes),
        }
    }
}

/// UTF-8 without NUL or other control characters than tab, line feed, carriage return and form
/// feed; and not markup a browser would take for a page.
fn plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return false;
    }
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    !["<!doctype", "<html", "<script", "<svg", "<?xml"]
        .iter()
        .any(|m| head.starts_with(m))
}

/// A file name as kept: the last path component, trimmed, no control characters, at most 120
/// characters, with an extension.
pub fn clean_file_name(name: &str) -> Result<String, ValidationError> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if last.is_empty() || last == "." || last == ".." {
        return Err(ValidationError::new("file", "the file needs a name"));
    }
    if last.chars().any(|c| c.is_control() || c == '"') {
        return Err(ValidationError::new(
            "file",
            "the file name must not contain control characters or quotes",
        ));
    }
    if last.chars().count() > MAX_NAME_CHARS {
        return Err(ValidationError::new(
            "file",
            format!("the file name must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(last.to_owned())
}

/// The kind of an evidence file, from its name and its first bytes, which must agree.
pub fn identify(file_name: &str, bytes: &[u8]) -> Result<EvidenceKind, ValidationError> {
    let kept = "PDF, PNG, JPEG, text, CSV, Word (.docx) or Excel (.xlsx)";
    if bytes.is_empty() {
        return Err(ValidationError::new("file", "the file is empty"));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(ValidationError::new(
            "file",
            format!(
                "the file is {} bytes; evidence files may be at most {MAX_EVIDENCE_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    let ext = file_name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    let Some(kind) = EvidenceKind::of_extension(ext) else {
        return Err(ValidationError::new(
            "file",
            format!("'{file_name}' is not a kind of file Ward keeps as evidence ({kept})"),
        ));
    };
    if !kind.matches(bytes) {
        return Err(ValidationError::new(
            "file",
            format!(
                "'{file_name}' is named as a {} but its content is not one",
                kind.label()
            ),
        ));
    }
    Ok(kind)
}

/// An evidence file as listed (its content is read separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceFile {
    pub id: EvidenceFileId,
    pub assessment: AssessmentId,
    /// The contributing outcome it supports (`A1.a`), or none for the assessment as a whole.
    pub outcome: Option<String>,
    pub file_name: String,
    pub kind: EvidenceKind,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_and_content_that_agree_are_kept() {
        assert_eq!(identify("minutes.pdf", b"%PDF-1.7\n..."), Ok(EvidenceKind::Pdf));
        assert_eq!(
            identify("Shot.PNG", b"\x89PNG\r\n\x1a\n\0\0"),
            Ok(EvidenceKind::Png)
        );
        assert_eq!(
            identify("photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0]),
            Ok(EvidenceKind::Jpeg)
        );
        assert_eq!(
            identify("register.csv", b"asset,owner\nPAS,IT\n"),
            Ok(EvidenceKind::Csv)
        );
        assert_eq!(identify("plan.docx", b"PK\x03\x04rest"), Ok(EvidenceKind::Docx));
    }

    #[test]
    fn disguised_or_unknown_files_are_refused() {
        for (name, bytes) in [
            ("minutes.png", &b"%PDF-1.7"[..]),
            ("page.txt", b"<!DOCTYPE html><script>alert(1)</script>"),
            ("page.txt", b"  <svg onload=alert(1)>"),
            ("notes.txt", b"abc\0def"),
            ("page.html", b"<p>hi</p>"),
            ("tool.exe", b"MZ\x90\0"),
            ("noextension", b"%PDF-1.7"),
            ("empty.pdf", b""),
            ("latin1.txt", b"caf\xe9"),
        ] {
            assert!(identify(name, bytes).is_err(), "{name} {bytes:?}");
        }
    }

    #[test]
    fn an_oversized_file_is_refused_naming_the_limit() {
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_EVIDENCE_BYTES + 1, b' ');
        let e = identify("big.pdf", &big).unwrap_err();
        assert!(
            e.message.contains(&MAX_EVIDENCE_BYTES.to_string()),
            "{}",
            e.message
        );
    }

    #[test]
    fn file_names_keep_only_their_last_component() {
        assert_eq!(clean_file_name("C:\\Users\\x\\board.pdf").unwrap(), "board.pdf");
        assert_eq!(clean_file_name("../../etc/passwd.txt").unwrap(), "passwd.txt");
        assert!(clean_file_name("a\"b.pdf").is_err());
        assert!(clean_file_name("bad\nname.pdf").is_err());
        assert!(clean_file_name("dir/").is_err());
        assert!(clean_file_name(&format!("{}.pdf", "x".repeat(200))).is_err());
    }
}
