//! The board pack as a PDF, made here with no other program: A4 pages, the standard Helvetica
//! fonts in WinAnsiEncoding (text stays extractable and searchable), the heat map drawn as vector
//! paths from the same cells the page's SVG draws, the organisation's name and the date at the
//! top of every page and "Page N of M" at the foot.
//!
//! Layout is two passes: the sections are laid out into pages of drawing operations, then each
//! page is written with its header and footer (the page count known by then).

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use ward_core::risk::RiskGrade;

use super::fonts::{Font, win_ansi};
use super::view::{Figure, PackSection, PackTable, PackView};
use crate::web::charts::{HEAT_CELL_H, HEAT_CELL_W, HeatCell};

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
const WIDTH: f32 = RIGHT - LEFT;
/// Content runs from here down to [`BOTTOM`]; the header sits above, the footer below.
const TOP: f32 = PAGE_H - 62.0;
const BOTTOM: f32 = 56.0;

const BODY: f32 = 10.0;
const LEADING: f32 = 13.5;
const SMALL: f32 = 8.5;
const SMALL_LEADING: f32 = 11.0;

type Rgb = (f32, f32, f32);
const INK: Rgb = (0.106, 0.106, 0.106);
const MUTED: Rgb = (0.29, 0.29, 0.29);
const WARN: Rgb = (0.525, 0.067, 0.102);
const RULE: Rgb = (0.75, 0.75, 0.75);
const HEAD_FILL: Rgb = (0.93, 0.93, 0.93);
const BOX_FILL: Rgb = (0.965, 0.965, 0.965);

fn hex(v: u32) -> Rgb {
    let c = |s: u32| ((v >> s) & 0xff) as f32 / 255.0;
    (c(16), c(8), c(0))
}

/// The heat map's fills: the register page's colours (`ward.css`).
fn grade_fill(g: RiskGrade) -> Rgb {
    match g {
        RiskGrade::Low => hex(0xcdebd7),
        RiskGrade::Moderate => hex(0xffe79a),
        RiskGrade::High => hex(0xfbc49b),
        RiskGrade::Extreme => hex(0xf2a3a8),
    }
}

/// One drawing operation, in PDF points (y up).
#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        colour: Rgb,
        text: Vec<u8>,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        colour: Rgb,
    },
}

/// Break WinAnsi `text` into lines no wider than `width` at `size`, at spaces where it can and
/// inside a word only when the word alone is too wide.
fn wrap(text: &[u8], font: Font, size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|b| *b == b' ').filter(|w| !w.is_empty()) {
        let mut candidate = line.clone();
        if !candidate.is_empty() {
            candidate.push(b' ');
        }
        candidate.extend_from_slice(word);
        if font.text_width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than the line: as many characters as fit, then the rest.
        for b in word {
            line.push(*b);
            if font.text_width(&line, size) > width && line.len() > 1 {
                let last = line.pop().unwrap_or(b' ');
                lines.push(std::mem::take(&mut line));
                line.push(last);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pages of operations, filled from the top down.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Start a new page unless `height` fits above the bottom margin.
    fn room_for(&mut self, height: f32) {
        if self.y - height < BOTTOM && self.y < TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, font: Font, size: f32, colour: Rgb, text: Vec<u8>) {
        self.ops().push(Op::Text {
            x,
            y,
            font,
            size,
            colour,
            text,
        });
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.ops().push(Op::Fill { x, y, w, h, colour });
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, colour: Rgb) {
        self.ops().push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            colour,
        });
    }

    /// A wrapped paragraph across the content width.
    fn paragraph(&mut self, text: &str, font: Font, size: f32, leading: f32, colour: Rgb) {
        for line in wrap(&win_ansi(text), font, size, WIDTH) {
            self.room_for(leading);
            self.y -= leading;
            self.text(LEFT, self.y + 3.0, font, size, colour, line);
        }
    }

    fn title(&mut self, v: &PackView) {
        self.paragraph("Cyber security board pack", Font::Bold, 20.0, 26.0, INK);
        self.paragraph(
            &format!("{} ({})", v.org_name, v.org_code),
            Font::Bold,
            14.0,
            20.0,
            INK,
        );
        self.paragraph(
            &format!("Made on {}", v.made_on),
            Font::Regular,
            BODY,
            LEADING,
            MUTED,
        );
        self.y -= 6.0;
    }

    fn heading(&mut self, text: &str) {
        // Keep a heading with at least a few lines of what follows.
        self.room_for(22.0 + 4.0 * LEADING);
        self.y -= 12.0;
        self.paragraph(text, Font::Bold, 14.0, 20.0, INK);
        self.line(LEFT, self.y, RIGHT, self.y, RULE);
        self.y -= 4.0;
    }

    /// Figures in boxes, three to a row.
    fn figures(&mut self, figures: &[Figure]) {
        const PER_ROW: usize = 3;
        const GAP: f32 = 8.0;
        const BOX_H: f32 = 40.0;
        let box_w = (WIDTH - GAP * (PER_ROW as f32 - 1.0)) / PER_ROW as f32;
        for row in figures.chunks(PER_ROW) {
            self.room_for(BOX_H + GAP);
            self.y -= GAP;
            let top = self.y;
            for (i, f) in row.iter().enumerate() {
                let x = LEFT + i as f32 * (box_w + GAP);
                self.fill(x, top - BOX_H, box_w, BOX_H, BOX_FILL);
                let colour = if f.warn { WARN } else { INK };
                self.text(x + 8.0, top - 18.0, Font::Bold, 15.0, colour, win_ansi(&f.value));
                let label = wrap(&win_ansi(&f.label), Font::Regular, SMALL, box_w - 16.0);
                if let Some(first) = label.into_iter().next() {
                    self.text(x + 8.0, top - 32.0, Font::Regular, SMALL, MUTED, first);
                }
            }
            self.y = top - BOX_H;
        }
        self.y -= 4.0;
    }

    /// The 5x5 heat map from the page's cells (400 by 270 units, y down), scaled to fit.
    fn heat_map(&mut self, cells: &[HeatCell]) {
        const SCALE: f32 = 0.85;
        let h = 270.0 * SCALE;
        self.room_for(h + 24.0);
        self.y -= 8.0;
        let top = self.y;
        let at = |x: f32, y: f32| (LEFT + x * SCALE, top - y * SCALE);
        for c in cells {
            let (x, y) = at(c.x as f32, (c.y + HEAT_CELL_H) as f32);
            let (w, hh) = (HEAT_CELL_W as f32 * SCALE, HEAT_CELL_H as f32 * SCALE);
            self.fill(x, y, w, hh, grade_fill(c.grade));
            if c.count > 0 {
                let n = win_ansi(&c.count.to_string());
                let nw = Font::Bold.text_width(&n, 12.0);
                let (cx, cy) = at(c.x as f32 + HEAT_CELL_W as f32 / 2.0, c.y as f32 + 27.0);
                self.text(cx - nw / 2.0, cy, Font::Bold, 12.0, INK, n);
            }
        }
        let axis = |l: &mut Self, x: f32, y: f32, text: &str, anchor_end: bool| {
            let t = win_ansi(text);
            let w = Font::Regular.text_width(&t, SMALL);
            let (px, py) = at(x, y);
            l.text(
                if anchor_end { px - w } else { px },
                py,
                Font::Regular,
                SMALL,
                MUTED,
                t,
            );
        };
        axis(self, 4.0, 34.0, "5 Catastrophic", false);
        axis(self, 4.0, 210.0, "1 Negligible", false);
        axis(self, 60.0, 245.0, "1 Rare", false);
        axis(self, 380.0, 245.0, "5 Almost certain", true);
        axis(self, 245.0, 265.0, "Likelihood", true);
        self.y = top - h - 4.0;
        self.paragraph(
            "Each cell counts risks at that current likelihood (across) and worst consequence (up); its colour is the grade.",
            Font::Regular,
            SMALL,
            SMALL_LEADING,
            MUTED,
        );
    }

    /// One table row: each cell wrapped in its column; returns the row's height.
    fn row(&mut self, cells: &[Vec<Vec<u8>>], xs: &[(f32, f32)], numeric: &[bool], font: Font) -> f32 {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * SMALL_LEADING + 5.0;
        let top = self.y;
        for ((cell, (x, w)), num) in cells.iter().zip(xs).zip(numeric) {
            for (i, line) in cell.iter().enumerate() {
                let y = top - 3.0 - (i as f32 + 1.0) * SMALL_LEADING + 2.5;
                let lx = if *num {
                    x + w - 4.0 - font.text_width(line, SMALL)
                } else {
                    x + 4.0
                };
                self.text(lx, y, font, SMALL, INK, line.clone());
            }
        }
        height
    }

    fn table(&mut self, t: &PackTable) {
        self.room_for(LEADING + 3.0 * SMALL_LEADING);
        self.y -= 6.0;
        self.paragraph(&t.caption, Font::Bold, BODY, LEADING, INK);
        if t.rows.is_empty() {
            self.paragraph(&t.empty, Font::Regular, BODY, LEADING, MUTED);
            return;
        }
        let parts: u32 = t.widths.iter().sum::<u32>().max(1);
        let mut xs = Vec::new();
        let mut x = LEFT;
        for w in &t.widths {
            let cw = WIDTH * *w as f32 / parts as f32;
            xs.push((x, cw));
            x += cw;
        }
        let wrap_cells = |cells: &[String], font: Font| -> Vec<Vec<Vec<u8>>> {
            cells
                .iter()
                .zip(&xs)
                .map(|(c, (_, w))| wrap(&win_ansi(c), font, SMALL, w - 8.0))
                .collect()
        };
        let head: Vec<String> = t.head.iter().map(|h| (*h).to_owned()).collect();
        let head = wrap_cells(&head, Font::Bold);
        let header = |l: &mut Self| {
            let lines = head.iter().map(Vec::len).max().unwrap_or(1) as f32;
            let h = lines * SMALL_LEADING + 5.0;
            l.fill(LEFT, l.y - h, WIDTH, h, HEAD_FILL);
            let used = l.row(&head, &xs, &t.numeric, Font::Bold);
            l.y -= used;
        };
        self.y -= 2.0;
        header(self);
        for r in &t.rows {
            let cells = wrap_cells(r, Font::Regular);
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1) as f32;
            let h = lines * SMALL_LEADING + 5.0;
            if self.y - h < BOTTOM {
                self.new_page();
                header(self);
            }
            let used = self.row(&cells, &xs, &t.numeric, Font::Regular);
            self.y -= used;
            self.line(LEFT, self.y, RIGHT, self.y, RULE);
        }
    }

    fn section(&mut self, s: &PackSection) {
        self.heading(s.heading);
        for p in &s.lead {
            self.paragraph(p, Font::Regular, BODY, LEADING, INK);
        }
        if !s.figures.is_empty() {
            self.figures(&s.figures);
        }
        if let Some(cells) = &s.heat {
            self.heat_map(cells);
        }
        for t in &s.tables {
            self.table(t);
        }
    }
}

/// Draw `ops` into a content stream.
fn draw(content: &mut Content, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Text {
                x,
                y,
                font,
                size,
                colour,
                text,
            } => {
                content.set_fill_rgb(colour.0, colour.1, colour.2);
                content.begin_text();
                content.set_font(Name(font.resource()), *size);
                content.next_line(*x, *y);
                content.show(Str(text));
                content.end_text();
            }
            Op::Fill { x, y, w, h, colour } => {
                content.set_fill_rgb(colour.0, colour.1, colour.2);
                content.rect(*x, *y, *w, *h);
                content.fill_nonzero();
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                colour,
            } => {
                content.set_stroke_rgb(colour.0, colour.1, colour.2);
                content.set_line_width(0.5);
                content.move_to(*x1, *y1);
                content.line_to(*x2, *y2);
                content.stroke();
            }
        }
    }
}

/// Header (organisation and date) and footer (page numbers) of page `n` of `of`.
fn frame(v: &PackView, n: usize, of: usize) -> Vec<Op> {
    let mut ops = Vec::new();
    let org = win_ansi(&format!("{} ({})", v.org_name, v.org_code));
    let date = win_ansi(&format!("Board pack, {}", v.made_on));
    let date_w = Font::Regular.text_width(&date, SMALL);
    // The organisation's name gives way to the date when both do not fit.
    let room = WIDTH - date_w - 12.0;
    let org = wrap(&org, Font::Bold, SMALL, room)
        .into_iter()
        .next()
        .unwrap_or_default();
    let y = PAGE_H - 36.0;
    ops.push(Op::Text {
        x: LEFT,
        y,
        font: Font::Bold,
        size: SMALL,
        colour: MUTED,
        text: org,
    });
    ops.push(Op::Text {
        x: RIGHT - date_w,
        y,
        font: Font::Regular,
        size: SMALL,
        colour: MUTED,
        text: date,
    });
    ops.push(Op::Line {
        x1: LEFT,
        y1: y - 6.0,
        x2: RIGHT,
        y2: y - 6.0,
        colour: RULE,
    });
    let page = win_ansi(&format!("Page {n} of {of}"));
    let w = Font::Regular.text_width(&page, SMALL);
    ops.push(Op::Text {
        x: (PAGE_W - w) / 2.0,
        y: 30.0,
        font: Font::Regular,
        size: SMALL,
        colour: MUTED,
        text: page,
    });
    ops
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::default());
    // Writing into a Vec cannot fail; an error would leave the stream empty and the reader would
    // show a blank page, never corrupt another object.
    if e.write_all(data).is_err() {
        return Vec::new();
    }
    e.finish().unwrap_or_default()
}

/// The pack as PDF bytes.
pub(crate) fn render(v: &PackView, made_on: jiff::civil::Date) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.title(v);
    for s in &v.sections {
        layout.section(s);
    }
    let pages: Vec<Vec<Op>> = layout.pages.into_iter().filter(|p| !p.is_empty()).collect();
    let count = pages.len().max(1);

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let page_ref = |i: usize| Ref::new(first_page + 2 * i as i32);
    let content_ref = |i: usize| Ref::new(first_page + 2 * i as i32 + 1);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids((0..count).map(page_ref)).count(count as i32);
    for font in [(regular, Font::Regular), (bold, Font::Bold)] {
        pdf.type1_font(font.0)
            .base_font(Name(font.1.base()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let empty = Vec::new();
    for i in 0..count {
        let mut page = pdf.page(page_ref(i));
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_ref(i));
        page.resources()
            .fonts()
            .pair(Name(Font::Regular.resource()), regular)
            .pair(Name(Font::Bold.resource()), bold);
        page.finish();
        let mut content = Content::new();
        draw(&mut content, pages.get(i).unwrap_or(&empty));
        draw(&mut content, &frame(v, i + 1, count));
        let data = deflate(&content.finish());
        pdf.stream(content_ref(i), &data).filter(Filter::FlateDecode);
    }
    let title = format!("Cyber security board pack: {} ({})", v.org_name, v.org_code);
    let date = pdf_writer::Date::new(u16::try_from(made_on.year()).unwrap_or(2000))
        .month(u8::try_from(made_on.month()).unwrap_or(1))
        .day(u8::try_from(made_on.day()).unwrap_or(1));
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("Ward"))
        .creation_date(date);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_spaces_and_long_words_break() {
        let lines = wrap(b"one two three four", Font::Regular, 10.0, 40.0);
        assert_eq!(
            lines,
            vec![b"one two".to_vec(), b"three".to_vec(), b"four".to_vec()]
        );
        let long = wrap(&[b'W'; 40], Font::Regular, 10.0, 50.0);
        assert!(long.len() > 1);
        for l in &long {
            assert!(Font::Regular.text_width(l, 10.0) <= 50.0, "{l:?}");
        }
        assert_eq!(wrap(b"", Font::Regular, 10.0, 50.0), vec![Vec::<u8>::new()]);
    }
}
