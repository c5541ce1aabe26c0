//! The writers: each turns one [`Document`] into one format. Writers hold layout (fonts, page
//! geometry, spacing), never words; adding a format means adding a module and one line to
//! [`WRITERS`].

pub mod chart;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod raster;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::document::{Document, Inline, Table};

/// What a writer may need beyond the document.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The browser that prints PDF (`--browser`); looked up on the machine when absent.
    pub browser: Option<PathBuf>,
}

/// A registered output format.
pub struct Writer {
    /// Name used with `--format`.
    pub name: &'static str,
    /// File extension of the output.
    pub extension: &'static str,
    /// Writes the document.
    pub write: fn(&Document, &Options, &mut dyn Write) -> Result<()>,
}

/// Every output format, in the order `--format` lists them.
pub const WRITERS: &[Writer] = &[markdown::WRITER, html::WRITER, docx::WRITER, pdf::WRITER];

/// The writer of a format name.
pub fn find(name: &str) -> Option<&'static Writer> {
    WRITERS.iter().find(|w| w.name == name)
}

/// Width of text in em of its font: CJK and full-width characters 1, others ½.
pub fn text_width(text: &str) -> f32 {
    text.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.5 })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x2605..=0x2606
        | 0x25CB | 0x25CF | 0x20000..=0x3FFFD)
}

/// Where the signature's two lines sit, as right indents in em of body type: the date
/// 右空四字 (GB/T 9704 7.3.5.1) with the signer centred over it; when the signer is too long
/// for that, it keeps two characters from the right edge and the date is centred under it.
pub fn signature_indents(signer: &[Inline], date: &[Inline]) -> (f32, f32) {
    let s = text_width(&Inline::plain(signer));
    let d = text_width(&Inline::plain(date));
    let date_right = 4.0;
    let signer_right = date_right + d / 2.0 - s / 2.0;
    if signer_right >= 2.0 {
        (round_half(signer_right), date_right)
    } else {
        (2.0, round_half(2.0 + s / 2.0 - d / 2.0))
    }
}

fn round_half(x: f32) -> f32 {
    (x * 2.0).round() / 2.0
}

/// Column widths of a table in em of the table's type, filling `available` em: explicit
/// weights when the template gives them, otherwise sized to the content the way a browser
/// sizes an automatic table, never narrower than a `nowrap` column's longest cell.
pub fn column_widths(table: &Table, available: f32) -> Vec<f32> {
    let n = table.columns.len();
    if n == 0 {
        return Vec::new();
    }
    if table.columns.iter().all(|c| c.width.is_some()) {
        let total: u32 = table.columns.iter().filter_map(|c| c.width).sum();
        let total = total.max(1) as f32;
        return table
            .columns
            .iter()
            .map(|c| available * c.width.unwrap_or(1) as f32 / total)
            .collect();
    }
    // Padding inside a cell, in em, on both sides together: dense tables of marks have
    // almost none.
    let pad = if table.dense { 0.5 } else { 1.0 };
    let mut min = vec![1.0f32; n];
    let mut max = vec![1.0f32; n];
    let head_rows = (!table.vertical_header).then_some(&table.header);
    for row in head_rows.into_iter().chain(table.rows.iter()) {
        for (i, cell) in row.iter().enumerate().take(n) {
            let text = Inline::plain(cell);
            let widest_line = text.lines().map(text_width).fold(0.0, f32::max);
            let longest_word = text
                .split(|c: char| c.is_whitespace() || is_wide(c))
                .map(text_width)
                .fold(if text.chars().any(is_wide) { 1.0 } else { 0.0 }, f32::max);
            max[i] = max[i].max(widest_line);
            min[i] = min[i].max(if table.columns[i].nowrap {
                widest_line
            } else {
                longest_word
            });
        }
    }
    if table.vertical_header {
        // The first column's heading still reads across.
        if let Some(first) = table.header.first() {
            let w = text_width(&Inline::plain(first));
            max[0] = max[0].max(w);
            min[0] = min[0].max(w.min(4.0));
        }
    }
    let min: Vec<f32> = min.iter().map(|w| w + pad).collect();
    let max: Vec<f32> = max.iter().map(|w| w + pad).collect();
    let (sum_min, sum_max): (f32, f32) = (min.iter().sum(), max.iter().sum());
    if sum_max <= available {
        // Everything fits on one line: share the spare room in proportion to content.
        let scale = available / sum_max;
        return max.iter().map(|w| w * scale).collect();
    }
    if sum_min >= available {
        return min.iter().map(|w| w * available / sum_min).collect();
    }
    // Give each column its minimum, then the rest in proportion to how much more it wants.
    let spare = available - sum_min;
    let want: f32 = max.iter().zip(&min).map(|(a, b)| a - b).sum();
    min.iter()
        .zip(&max)
        .map(|(lo, hi)| lo + spare * (hi - lo) / want.max(f32::EPSILON))
        .collect()
}

/// The 签发人 part of a masthead split into its label (up to and including the first
/// “：”) and the name, which GB/T 9704 sets in 楷体.
pub fn sign_off_parts(sign_off: &[Inline]) -> (Vec<Inline>, Vec<Inline>) {
    let text = Inline::plain(sign_off);
    match text.split_once('：') {
        Some((label, name)) => (
            vec![Inline::Text(format!("{label}："))],
            vec![Inline::Text(name.to_string())],
        ),
        None => (Vec::new(), vec![Inline::Text(text)]),
    }
}

/// The type size of a masthead mark in points: 36 pt, smaller for a long name so that it
/// stays on one line of the 156 mm (442 pt) text block, as offices set it.
pub fn mark_size(mark: &[Inline]) -> f32 {
    let width = text_width(&Inline::plain(mark)).max(1.0);
    (436.0 / width).clamp(16.0, 36.0).floor()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Align, Column};

    fn text(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.to_string())]
    }

    #[test]
    fn the_date_sits_four_characters_in_with_a_short_signer_centred_over_it() {
        // 7 em of date (8 digits and 3 characters), a 4-character signer.
        let (signer, date) = signature_indents(&text("某某某局"), &text("2026年12月28日"));
        assert_eq!(date, 4.0);
        assert_eq!(signer, 5.5, "centre of signer = centre of date");
    }

    #[test]
    fn a_long_signer_keeps_two_characters_from_the_edge_and_the_date_centres_under_it() {
        let (signer, date) = signature_indents(
            &text("自治区生态环境保护领导小组办公室"),
            &text("2026年12月28日"),
        );
        assert_eq!(signer, 2.0);
        assert_eq!(date, 6.5);
    }

    #[test]
    fn a_nowrap_column_is_never_narrower_than_its_longest_cell() {
        let col = |nowrap| Column {
            align: Align::Default,
            width: None,
            nowrap,
        };
        let table = Table {
            columns: vec![col(false), col(true), col(false)],
            header: vec![text("工程名称"), text("报送单位"), text("投资")],
            rows: vec![vec![
                text(&"很长的工程名称".repeat(8)),
                text("人力资源社会保障厅"),
                text("123456"),
            ]],
            vertical_header: false,
            dense: false,
            row_heads: false,
        };
        let w = column_widths(&table, 30.0);
        assert!(w[1] >= 9.0, "{w:?}");
        assert!((w.iter().sum::<f32>() - 30.0).abs() < 0.01);
        assert!(w[0] > w[2], "the long text gets the spare room: {w:?}");
    }

    #[test]
    fn sign_off_splits_label_from_name_and_marks_fit_one_line() {
        let (label, name) = sign_off_parts(&[Inline::Text("签发人：王建国".into())]);
        assert_eq!(
            (Inline::plain(&label), Inline::plain(&name)),
            ("签发人：".to_string(), "王建国".to_string())
        );
        // 16 characters at 27 pt fill 432 pt of the 442 pt text block.
        let long = [Inline::Text("自治区生态环境保护领导小组办公室".into())];
        assert_eq!(mark_size(&long), 27.0);
        assert_eq!(mark_size(&[Inline::Text("某某局".into())]), 36.0);
    }
}
