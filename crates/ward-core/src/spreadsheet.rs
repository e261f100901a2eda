//! Cells that spreadsheets would run. A CSV field whose first visible character is `=`, `+`, `-` or
//! `@` (or their full-width forms) is a formula to Excel, LibreOffice and Google Sheets, and they skip
//! leading blanks, line breaks and other invisible characters before looking; a leading TAB or CR is
//! itself treated as the start of a formula by some. Such a formula can run commands (DDE) or send
//! the sheet's data elsewhere (`=HYPERLINK(...)`, `=WEBSERVICE(...)`). Every CSV Ward writes goes
//! through [`csv_field`], the one place this rule lives.

/// Characters that start a formula.
const FORMULA_START: [char; 8] = ['=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}'];

/// Characters a spreadsheet may skip before the first visible one: whitespace (including line
/// breaks and no-break spaces), control characters, and invisible format characters.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{180e}')
}

/// Whether a spreadsheet could evaluate `cell` as a formula.
pub fn is_formula_like(cell: &str) -> bool {
    cell.starts_with(['\t', '\r']) || cell.trim_start_matches(invisible).starts_with(FORMULA_START)
}

/// `value` as one CSV field: prefixed with `'` when a spreadsheet would run it as a formula (so it
/// shows as text), then quoted when it holds a separator, quote or line break.
pub fn csv_field(value: &str) -> String {
    let value = if is_formula_like(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One CSV line (without its line break) of `values`, each through [`csv_field`].
pub fn csv_line<S: AsRef<str>>(values: &[S]) -> String {
    values
        .iter()
        .map(|v| csv_field(v.as_ref()))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text of a field as a CSV reader sees it (the inverse of the quoting).
    fn unquote(field: &str) -> String {
        match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
            Some(inner) => inner.replace("\"\"", "\""),
            None => field.to_owned(),
        }
    }

    #[test]
    fn formulas_are_defused_however_they_are_disguised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_field("\t=HYPERLINK(\"x\")"), "\"'\t=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(csv_field("\tplain"), "'\tplain");
        for disguised in [
            " =1",
            "\n+1",
            "\u{a0}-1",
            "\u{feff}@SUM(A1)",
            "\u{200b}=1",
            " \u{b}=1",
            "\u{ff1d}1",
        ] {
            assert!(unquote(&csv_field(disguised)).starts_with('\''), "{disguised:?}");
        }
        for harmless in ["1-2", "a=b", "", " ", "2021-12-24", "CVE-2021-44228"] {
            assert_eq!(unquote(&csv_field(harmless)), harmless);
        }
        assert_eq!(csv_line(&["a", "=b", "c,d"]), "a,'=b,\"c,d\"");
    }

    proptest! {
        /// No field Ward writes is one a spreadsheet would evaluate, and every field reads back as
        /// the value, or the value behind one `'`.
        #[test]
        fn no_output_field_is_evaluable(value in "(?s)[ \t\r\n\u{b}\u{a0}\u{feff}\u{200b}=+@\u{ff1d},\"'a-z0-9-]{0,12}") {
            let field = csv_field(&value);
            let read = unquote(&field);
            prop_assert!(!is_formula_like(&read), "{value:?} -> {field:?}");
            prop_assert!(read == value || read == format!("'{value}"), "{value:?} -> {read:?}");
            // Quoted exactly when it has to be.
            prop_assert_eq!(field.starts_with('"'), read.contains([',', '"', '\n', '\r']));
        }

        #[test]
        fn any_text_is_defused(value in any::<String>()) {
            let read = unquote(&csv_field(&value));
            prop_assert!(!is_formula_like(&read));
        }
    }
}
