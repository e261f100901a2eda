//! The board pack rendered: [`view`] turns the application's `BoardPack` into words, figures and
//! tables once; the web page (`web::board_pack`) and the PDF ([`pdf_bytes`]) both draw that.

mod fonts;
mod pdf;
pub(crate) mod view;

use ward_app::board_pack::BoardPack;

/// The pack as a PDF file's bytes (A4, standard fonts, vector heat map).
pub fn pdf_bytes(pack: &BoardPack) -> Vec<u8> {
    pdf::render(&view::PackView::of(pack), pack.made_on)
}

/// The file name a download of the pack gets (`board-pack-RJZ-2026-12-07.pdf`).
pub fn file_name(pack: &BoardPack) -> String {
    let code: String = pack
        .org
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("board-pack-{code}-{}.pdf", pack.made_on)
}
