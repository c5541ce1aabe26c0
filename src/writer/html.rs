//! The print page: one self-contained HTML file in the GB/T 9704 layout (`html.css`), which
//! browsers print to A4 and which the PDF writer hands to a browser.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use crate::document::{Align, Annex, Block, Document, Inline, Masthead, Table};
use crate::writer::{Options, Writer, column_widths, mark_size, sign_off_parts, signature_indents};

/// The HTML writer.
pub const WRITER: Writer = Writer {
    name: "html",
    extension: "html",
    write,
};

/// The print layout: page geometry, fonts and spacing.
const CSS: &str = include_str!("html.css");

/// Text block widths in em of table type (12 pt) for portrait (156 mm) and landscape
/// (225 mm) pages; dense tables use 9 pt.
fn table_width_em(landscape: bool, dense: bool) -> f32 {
    let mm = if landscape { 225.0 } else { 156.0 };
    let pt = if dense { 9.0 } else { 12.0 };
    mm / 25.4 * 72.0 / pt
}

fn write(doc: &Document, _: &Options, w: &mut dyn Write) -> Result<()> {
    render_to(doc, w)
}

/// The whole page as text.
pub fn render(doc: &Document) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and the writer only writes UTF-8.
    let _ = render_to(doc, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the page a top-level block at a time, never holding it as one string.
pub fn render_to(doc: &Document, w: &mut dyn Write) -> Result<()> {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&doc.title_text()));
    out.push_str("<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main class=\"doc\">\n");
    if let Some(m) = &doc.masthead {
        masthead(m, &mut out);
    }
    out.push_str("<h1 class=\"title\"><span>");
    for i in &doc.title {
        match i {
            Inline::BreakHint => out.push_str("</span><span>"),
            other => inline(other, &mut out),
        }
    }
    out.push_str("</span></h1>\n");
    for i in 0..doc.blocks.len() {
        block_in(&doc.blocks, i, false, &mut out);
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    out.push_str("</main>\n</body>\n</html>\n");
    w.write_all(out.as_bytes())?;
    Ok(())
}

/// The 版头: red mark, then the number line over a red rule (see html.css).
fn masthead(m: &Masthead, out: &mut String) {
    out.push_str("<header class=\"masthead\">\n");
    let _ = write!(
        out,
        "<p class=\"mark\" style=\"font-size: {}pt\">",
        mark_size(&m.mark)
    );
    inlines(&m.mark, out);
    out.push_str("</p>\n");
    if !m.number.is_empty() || !m.sign_off.is_empty() {
        out.push_str("<p class=\"number\"><span>");
        inlines(&m.number, out);
        out.push_str("</span><span>");
        let (label, name) = sign_off_parts(&m.sign_off);
        inlines(&label, out);
        if !name.is_empty() {
            out.push_str("<span class=\"name\">");
            inlines(&name, out);
            out.push_str("</span>");
        }
        out.push_str("</span></p>\n");
    }
    out.push_str("</header>\n");
}

fn blocks(blocks: &[Block], landscape: bool, out: &mut String) {
    for i in 0..blocks.len() {
        block_in(blocks, i, landscape, out);
    }
}

/// Writes the block at `i` of a run of blocks. Trend charts stand two to a row: a run of
/// them shares one grid, opened at its first and closed after its last.
fn block_in(blocks: &[Block], i: usize, landscape: bool, out: &mut String) {
    let is_line = |j: Option<usize>| matches!(j.and_then(|j| blocks.get(j)), Some(Block::Chart(c)) if c.kind == crate::document::ChartKind::Line);
    let line = is_line(Some(i));
    if line && !is_line(i.checked_sub(1)) {
        out.push_str("<div class=\"chart-grid\">\n");
    }
    block(&blocks[i], landscape, out);
    if line && !is_line(Some(i + 1)) {
        out.push_str("</div>\n");
    }
}

fn block(b: &Block, landscape: bool, out: &mut String) {
    {
        match b {
            Block::Addressee(c) => tag("p class=\"addressee\"", c, out),
            Block::Heading { level, content } => {
                let h = format!("h{}", level + 1);
                tag(&h, content, out);
            }
            Block::Para(c) => tag("p", c, out),
            Block::Note(c) => tag("p class=\"note\"", c, out),
            Block::List { ordered, items } => {
                let t = if *ordered { "ol" } else { "ul" };
                let _ = writeln!(out, "<{t}>");
                for item in items {
                    tag("li", item, out);
                }
                let _ = writeln!(out, "</{t}>");
            }
            Block::Table(t) => table(t, landscape, out),
            Block::Chart(c) => {
                let kind = match c.kind {
                    crate::document::ChartKind::Line => "line",
                    crate::document::ChartKind::Bars => "bars",
                };
                let _ = writeln!(out, "<figure class=\"chart {kind}\">");
                out.push_str(&super::chart::svg(c));
                out.push_str("\n<figcaption>");
                inlines(&c.caption, out);
                out.push_str("</figcaption>\n</figure>\n");
            }
            Block::Attachments { label, items } => {
                out.push_str("<div class=\"attachments\">\n<p class=\"label\">");
                inlines(label, out);
                out.push_str("</p>\n<div class=\"items\">\n");
                for (i, item) in items.iter().enumerate() {
                    let _ = write!(out, "<p><span class=\"no\">{}.</span>", i + 1);
                    inlines(item, out);
                    out.push_str("</p>\n");
                }
                out.push_str("</div>\n</div>\n");
            }
            Block::Signature { signer, date } => {
                let (s, d) = signature_indents(signer, date);
                out.push_str("<div class=\"signature\">\n");
                tag(
                    &format!("p class=\"signer\" style=\"padding-right: {s}em\""),
                    signer,
                    out,
                );
                tag(
                    &format!("p class=\"date\" style=\"padding-right: {d}em\""),
                    date,
                    out,
                );
                out.push_str("</div>\n");
            }
            Block::Annex(a) => annex(a, out),
            Block::Colophon(lines) => {
                // 版记 on the last page, at its foot (GB/T 9704 §8).
                out.push_str("<div class=\"colophon-page\">\n<div class=\"colophon\">\n");
                for line in lines {
                    out.push_str("<p>");
                    inlines(&line.left, out);
                    if let Some(r) = &line.right {
                        out.push_str("<span class=\"right\">");
                        inlines(r, out);
                        out.push_str("</span>");
                    }
                    out.push_str("</p>\n");
                }
                out.push_str("</div>\n</div>\n");
            }
            Block::PageBreak => out.push_str("<div class=\"pagebreak\"></div>\n"),
        }
    }
}

fn annex(a: &Annex, out: &mut String) {
    let class = if a.landscape {
        "annex landscape"
    } else {
        "annex"
    };
    let _ = writeln!(out, "<section class=\"{class}\">");
    let _ = writeln!(out, "<p class=\"annex-label\">{}</p>", esc(&a.label));
    tag("h2 class=\"annex-title\"", &a.title, out);
    blocks(&a.blocks, a.landscape, out);
    out.push_str("</section>\n");
}

fn table(t: &Table, landscape: bool, out: &mut String) {
    let mut classes = vec!["grid"];
    if t.dense {
        classes.push("dense");
    }
    if t.vertical_header {
        classes.push("vertical");
    }
    let widths = column_widths(t, table_width_em(landscape, t.dense));
    let total: f32 = widths.iter().sum::<f32>().max(f32::EPSILON);
    let _ = writeln!(out, "<table class=\"{}\">", classes.join(" "));
    out.push_str("<colgroup>");
    for w in &widths {
        let _ = write!(out, "<col style=\"width: {:.2}%\">", 100.0 * w / total);
    }
    out.push_str("</colgroup>\n<thead><tr>");
    for (i, cell) in t.header.iter().enumerate() {
        if t.vertical_header && i > 0 {
            out.push_str("<th class=\"v\"><span>");
            inlines(cell, out);
            out.push_str("</span></th>");
        } else {
            tag_inline("th", cell, out);
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let col = &t.columns[i];
            let mut class = Vec::new();
            match col.align {
                Align::Center => class.push("c"),
                Align::Right => class.push("r"),
                // Said outright, left holds even in a dense table, which centres by default.
                Align::Left => class.push("l"),
                Align::Default => {}
            }
            if col.nowrap {
                class.push("nowrap");
            }
            let name = if t.row_heads && i == 0 { "th" } else { "td" };
            if class.is_empty() {
                tag_inline(name, cell, out);
            } else {
                tag_inline(&format!("{name} class=\"{}\"", class.join(" ")), cell, out);
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `<tag>inlines</tag>` and a newline.
fn tag(open: &str, content: &[Inline], out: &mut String) {
    tag_inline(open, content, out);
    out.push('\n');
}

fn tag_inline(open: &str, content: &[Inline], out: &mut String) {
    let name = open.split(' ').next().unwrap_or(open);
    let _ = write!(out, "<{open}>");
    inlines(content, out);
    let _ = write!(out, "</{name}>");
}

fn inlines(content: &[Inline], out: &mut String) {
    for i in content {
        inline(i, out);
    }
}

fn inline(i: &Inline, out: &mut String) {
    match i {
        Inline::Text(t) => out.push_str(&esc(t)),
        Inline::Strong(c) => {
            out.push_str("<strong>");
            inlines(c, out);
            out.push_str("</strong>");
        }
        Inline::Emph(c) => {
            out.push_str("<em>");
            inlines(c, out);
            out.push_str("</em>");
        }
        Inline::LeadIn(c) => {
            out.push_str("<span class=\"lead\">");
            inlines(c, out);
            out.push_str("</span>");
        }
        Inline::LineBreak => out.push_str("<br>"),
        Inline::BreakHint => out.push_str("<wbr>"),
    }
}

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut run = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&text[run..]);
    out
}
