//! One module per subcommand; each owns its `execute`.

pub mod assess;
pub mod check;
pub mod compile;
pub mod completions;
pub mod init;
pub mod intake;
pub mod ledger;
pub mod missing;
pub mod plan_views;
pub mod remind;
pub mod status;
pub mod templates;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

/// A table in the house style: ASCII borders (box-drawing characters are double width
/// in many Chinese terminal fonts), wrapped to the terminal.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(Cell::new));
    // In a terminal the table fits its width; elsewhere (a file, a pipe, a test) it fits
    // 100 columns, wrapping long titles rather than running off the page.
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        t.set_width(100);
    }
    t
}

/// A CSV writer for a file staff open in Excel or WPS: a byte-order mark first, so the
/// UTF-8 file opens as Chinese text rather than as GBK mojibake.
pub fn excel_csv<W: std::io::Write>(mut out: W) -> std::io::Result<csv::Writer<W>> {
    out.write_all("\u{feff}".as_bytes())?;
    Ok(csv::Writer::from_writer(out))
}

/// A cell coloured only where colour is enabled.
pub fn colored(text: impl ToString, color: Option<Color>) -> Cell {
    let cell = Cell::new(text.to_string());
    match color {
        Some(c) if crate::diag::color_enabled() => cell.fg(c),
        _ => cell,
    }
}
