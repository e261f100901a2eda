//! The two standard Type 1 fonts the PDF uses, Helvetica and Helvetica-Bold, which every PDF
//! reader carries (nothing to embed), in WinAnsiEncoding: text to WinAnsi bytes, and the glyph
//! widths (from Adobe's published font metrics, in thousandths of the font size) for wrapping.

/// Which of the two fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The resource name used in content streams.
    pub(crate) fn resource(self) -> &'static [u8] {
        match self {
            Self::Regular => b"F1",
            Self::Bold => b"F2",
        }
    }

    /// The base font name.
    pub(crate) fn base(self) -> &'static [u8] {
        match self {
            Self::Regular => b"Helvetica",
            Self::Bold => b"Helvetica-Bold",
        }
    }

    /// Width of one WinAnsi byte, in thousandths of the font size.
    fn width(self, b: u8) -> u16 {
        let (ascii, high) = match self {
            Self::Regular => (&HELVETICA_ASCII, &HELVETICA_HIGH),
            Self::Bold => (&HELVETICA_BOLD_ASCII, &HELVETICA_BOLD_HIGH),
        };
        match b {
            32..=126 => ascii[usize::from(b - 32)],
            128..=255 => high[usize::from(b - 128)],
            _ => 278,
        }
    }

    /// Width of WinAnsi-encoded `text` at `size` points.
    pub(crate) fn text_width(self, text: &[u8], size: f32) -> f32 {
        let units: u32 = text.iter().map(|b| u32::from(self.width(*b))).sum();
        units as f32 * size / 1000.0
    }
}

/// Helvetica, characters 32 (space) to 126 (asciitilde) in WinAnsiEncoding.
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to slash
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    278, 278, 584, 584, 584, 556, 1015, // colon to at
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, // A to Z
    278, 278, 278, 469, 556, 333, // bracketleft to grave
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
    500, 722, 500, 500, 500, // a to z
    334, 260, 334, 584, // braceleft to asciitilde
];

/// Helvetica-Bold, characters 32 to 126.
const HELVETICA_BOLD_ASCII: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // space to slash
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    333, 333, 584, 584, 584, 611, 975, // colon to at
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, // A to Z
    333, 278, 333, 584, 556, 333, // bracketleft to grave
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611,
    556, 778, 556, 556, 500, // a to z
    389, 280, 389, 584, // braceleft to asciitilde
];

/// Helvetica, WinAnsi bytes 128 to 255 (the five undefined codes as a space).
const HELVETICA_HIGH: [u16; 128] = [
    556, 278, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 278, 611, 278, // 128-143
    278, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 278, 500, 667, // 144-159
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 160-175
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 176-191
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 192-207
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 208-223
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 224-239
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 240-255
];

/// Helvetica-Bold, WinAnsi bytes 128 to 255.
const HELVETICA_BOLD_HIGH: [u16; 128] = [
    556, 278, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 278, 611, 278, // 128-143
    278, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 278, 500, 667, // 144-159
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 160-175
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 176-191
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 192-207
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 208-223
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 224-239
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 240-255
];

/// WinAnsi bytes 128 to 159 and the characters they stand for (0 where undefined).
const WIN_ANSI_128: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘', '’', '“',
    '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// One character as WinAnsi bytes: itself where the encoding has it, a plain stand-in for a few
/// common others, `?` for the rest. Control characters become spaces.
fn encode_char(c: char, out: &mut Vec<u8>) {
    let code = u32::from(c);
    match code {
        0x20..=0x7e => out.push(code as u8),
        0xa0..=0xff => out.push(code as u8),
        0x00..=0x1f | 0x7f..=0x9f => out.push(b' '),
        _ => {
            if let Some(i) = WIN_ANSI_128.iter().position(|w| *w == c && *w != '\0') {
                out.push(128 + i as u8);
                return;
            }
            let stand_in: &[u8] = match c {
                '≥' => b">=",
                '≤' => b"<=",
                '→' => b"->",
                '←' => b"<-",
                '≠' => b"!=",
                '−' | '‐' | '‑' | '‒' => b"-",
                '\u{2009}' | '\u{202f}' | '\u{2002}' | '\u{2003}' => b" ",
                '\u{200b}' | '\u{feff}' => b"",
                _ => b"?",
            };
            out.extend_from_slice(stand_in);
        }
    }
}

/// `text` in WinAnsiEncoding (see [`encode_char`]).
pub(crate) fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        encode_char(c, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_maps_to_win_ansi_with_stand_ins() {
        assert_eq!(win_ansi("Café £5 – ok"), b"Caf\xe9 \xa35 \x96 ok".to_vec());
        assert_eq!(win_ansi("a ≥ b → 日"), b"a >= b -> ?".to_vec());
        assert_eq!(win_ansi("line\nbreak"), b"line break".to_vec());
        assert_eq!(win_ansi("\u{2019}\u{20ac}"), vec![146, 128]);
    }

    #[test]
    fn widths_are_helvetica_metrics() {
        // Known values from the AFM files: "Hello" in Helvetica is 722+556+222+222+556.
        assert_eq!(Font::Regular.text_width(b"Hello", 1000.0), 2278.0);
        assert_eq!(Font::Bold.text_width(b"Hello", 1000.0), 2445.0);
        assert_eq!(Font::Regular.text_width(b"0123456789", 10.0), 55.6);
        assert_eq!(Font::Bold.width(b'W'), 944);
        assert_eq!(Font::Regular.width(0x96), 556);
        assert_eq!(Font::Regular.width(0x97), 1000);
    }
}
