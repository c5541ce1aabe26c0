//! Markdown for pandoc: the title in the front matter (so pandoc shows it once), headings by
//! level, pipe tables, and every text escaped so that pandoc's markdown reader, its gfm reader
//! and CommonMark parsers all read it back as the same literal text.

use std::io::Write;

use anyhow::Result;

use crate::document::{Align, Block, ColophonLine, Document, Inline, Table};
use crate::writer::{Options, Writer};

/// The Markdown writer.
pub const WRITER: Writer = Writer {
    name: "md",
    extension: "md",
    write,
};

fn write(doc: &Document, _: &Options, w: &mut dyn Write) -> Result<()> {
    render_to(doc, w)
}

/// Writes the document as Markdown, a top-level block at a time (a national roll-up's
/// document is hundreds of megabytes; it is never held as one string).
pub fn render_to(doc: &Document, w: &mut dyn Write) -> Result<()> {
    let mut out = String::new();
    out.push_str("---\ntitle: ");
    out.push_str(&serde_json::to_string(&doc.title_text())?);
    out.push_str("\nlang: zh-CN\n---\n");
    if let Some(m) = &doc.masthead {
        // Markdown has no 版头: the mark and the number line open the text as paragraphs.
        let mut number = m.number.clone();
        if !m.sign_off.is_empty() {
            number.push(Inline::Text("\u{3000}\u{3000}".to_string()));
            number.extend(m.sign_off.iter().cloned());
        }
        let mut head = vec![Block::Para(m.mark.clone())];
        if !number.is_empty() {
            head.push(Block::Para(number));
        }
        blocks(&head, &mut out);
    }
    for block in &doc.blocks {
        blocks(std::slice::from_ref(block), &mut out);
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    w.write_all(out.as_bytes())?;
    Ok(())
}

/// The whole document as Markdown text.
pub fn render(doc: &Document) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and the writer only writes UTF-8.
    let _ = render_to(doc, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn blocks(blocks: &[Block], out: &mut String) {
    for b in blocks {
        if *b == Block::PageBreak {
            // Markdown has no pages; pandoc users break pages in their own way.
            continue;
        }
        out.push('\n');
        match b {
            Block::Addressee(c) | Block::Para(c) | Block::Note(c) => para(c, out),
            Block::Heading { level, content } => {
                out.push_str(&"#".repeat(*level as usize));
                out.push(' ');
                inlines(content, out, Ctx::Heading);
                out.push('\n');
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    if *ordered {
                        out.push_str(&format!("{}. ", i + 1));
                    } else {
                        out.push_str("- ");
                    }
                    inlines(item, out, Ctx::Item);
                    out.push('\n');
                }
            }
            Block::Table(t) => table(t, out),
            // Markdown carries the chart's data; its caption says what it shows.
            Block::Chart(c) => {
                para(&c.caption, out);
                out.push('\n');
                table(&c.table, out);
            }
            Block::Attachments { label, items } => {
                // One line per annex: hard line breaks keep pandoc from joining them.
                let mut line = label.clone();
                let indent = "\u{3000}".repeat(Inline::plain(label).chars().count());
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        line.push(Inline::LineBreak);
                        line.push(Inline::Text(indent.clone()));
                    }
                    line.push(Inline::Text(format!("{}.", i + 1)));
                    line.extend(item.iter().cloned());
                }
                para(&line, out);
            }
            Block::Signature { signer, date } => {
                para(signer, out);
                out.push('\n');
                para(date, out);
            }
            Block::Annex(annex) => {
                out.push_str("# ");
                out.push_str(&escape(&annex.label, true));
                out.push('\u{3000}');
                inlines(&annex.title, out, Ctx::Heading);
                out.push('\n');
                self::blocks(&annex.blocks, out);
            }
            Block::Colophon(lines) => {
                out.push_str("------\n");
                for ColophonLine { left, right } in lines {
                    out.push('\n');
                    let mut line = left.clone();
                    if let Some(r) = right {
                        line.push(Inline::Text("\u{3000}\u{3000}".to_string()));
                        line.extend(r.iter().cloned());
                    }
                    para(&line, out);
                }
            }
            Block::PageBreak => {}
        }
    }
}

fn para(content: &[Inline], out: &mut String) {
    inlines(content, out, Ctx::Para);
    out.push('\n');
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Para,
    Heading,
    Item,
    Cell,
}

fn inlines(content: &[Inline], out: &mut String, ctx: Ctx) {
    let mut at_start = true;
    for (i, inline) in content.iter().enumerate() {
        match inline {
            Inline::Text(t) => {
                out.push_str(&escape_in(t, at_start, ctx));
            }
            Inline::Strong(c) | Inline::LeadIn(c) => {
                delimited(c, "**", content.get(i + 1), out, at_start, ctx)
            }
            Inline::Emph(c) => delimited(c, "*", content.get(i + 1), out, at_start, ctx),
            Inline::LineBreak if ctx == Ctx::Cell || ctx == Ctx::Heading => out.push(' '),
            Inline::LineBreak => {
                out.push_str("\\\n");
                at_start = true;
                continue;
            }
            Inline::BreakHint => continue,
        }
        at_start = false;
    }
}

/// Writes `**text**` so that CommonMark's flanking rules accept it next to Chinese
/// punctuation: closing punctuation followed by a letter is moved outside the delimiters
/// (`**水利厅（牵头）：**完成` would stay literal in CommonMark and gfm).
fn delimited(
    content: &[Inline],
    delim: &str,
    next: Option<&Inline>,
    out: &mut String,
    at_start: bool,
    ctx: Ctx,
) {
    let text = Inline::plain(content).replace('\n', " ");
    let next_char = match next {
        Some(Inline::Text(t)) => t.chars().next(),
        _ => None,
    };
    let mut inner: Vec<char> = text.chars().collect();
    let mut tail = Vec::new();
    let wordlike = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && !is_punct(c));
    let mut follows = next_char;
    while inner.last().is_some_and(|&c| is_punct(c)) && wordlike(follows) {
        let c = inner.pop().expect("checked");
        tail.insert(0, c);
        follows = Some(c);
    }
    let inner: String = inner.into_iter().collect();
    let tail: String = tail.into_iter().collect();
    if inner.trim().is_empty() {
        out.push_str(&escape_in(&text, at_start, ctx));
        return;
    }
    out.push_str(delim);
    out.push_str(&escape_in(&inner, false, ctx));
    out.push_str(delim);
    out.push_str(&escape_in(&tail, false, ctx));
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

fn escape_in(text: &str, at_start: bool, ctx: Ctx) -> String {
    let mut s = escape(text, at_start);
    if ctx == Ctx::Cell {
        s = s.replace('\n', " ");
    }
    s
}

/// Escapes text for pandoc's markdown and gfm readers and for CommonMark: characters that
/// open inline structure anywhere, and list, heading and quote markers at a line start.
pub fn escape(text: &str, at_line_start: bool) -> String {
    // Works on bytes and copies runs of ordinary text whole: every character that needs a
    // look is ASCII, and ASCII bytes never occur inside a multi-byte UTF-8 character.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = at_line_start;
    let (mut i, mut run) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' || b == b'\r' {
            out.push_str(&text[run..i]);
            out.push_str("\\\n");
            i += 1 + usize::from(b == b'\r' && bytes.get(i + 1) == Some(&b'\n'));
            run = i;
            line_start = true;
            continue;
        }
        if line_start {
            // Leading blanks would make an indented code block or hide a marker.
            if b == b' ' || b == b'\t' {
                i += 1;
                run = i;
                continue;
            }
            line_start = false;
            // 1. 1) a. (b) iv. B. — every list marker pandoc's fancy_lists knows.
            let alnum = bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if alnum > 0 && matches!(bytes.get(i + alnum), Some(b'.' | b')')) {
                out.push_str(&text[run..i + alnum]);
                out.push('\\');
                i += alnum;
                run = i;
                i += 1;
                continue;
            }
            if matches!(
                b,
                b'-' | b'+' | b'=' | b'(' | b'%' | b'>' | b':' | b'#' | b'|' | b'~' | b'*'
            ) {
                out.push_str(&text[run..i]);
                out.push('\\');
                run = i;
                i += 1;
                continue;
            }
        }
        let next = bytes.get(i + 1).copied();
        let escape = match b {
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'#' | b'|' | b'~' | b'&'
            | b'$' | b'^' | b'@' | b'"' | b'\'' | b'{' | b'}' | b':' => true,
            // `--` and `...` become dashes and ellipses under pandoc's smart extension;
            // gfm links a bare www. even without a scheme.
            b'-' => next == Some(b'-'),
            b'.' => next == Some(b'.') || (i >= 3 && bytes[i - 3..i].eq_ignore_ascii_case(b"www")),
            _ => false,
        };
        if escape {
            out.push_str(&text[run..i]);
            out.push('\\');
            run = i;
        }
        i += 1;
    }
    out.push_str(&text[run..]);
    out
}

fn table(t: &Table, out: &mut String) {
    let row = |cells: &[Vec<Inline>], out: &mut String| {
        out.push('|');
        for cell in cells {
            out.push(' ');
            let mut s = String::new();
            inlines(cell, &mut s, Ctx::Cell);
            out.push_str(if s.is_empty() { " " } else { &s });
            out.push_str(" |");
        }
        out.push('\n');
    };
    row(&t.header, out);
    out.push('|');
    for c in &t.columns {
        out.push_str(match c.align {
            Align::Default => "---|",
            Align::Left => ":--|",
            Align::Center => ":-:|",
            Align::Right => "--:|",
        });
    }
    out.push('\n');
    for r in &t.rows {
        row(r, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_markers_pandoc_knows_are_escaped_at_a_line_start_only() {
        assert_eq!(escape("a. 不是列表", true), "a\\. 不是列表");
        assert_eq!(escape("(b) 不是", true), "\\(b) 不是");
        assert_eq!(escape("iv. 罗马", true), "iv\\. 罗马");
        assert_eq!(escape("B. 大写", true), "B\\. 大写");
        assert_eq!(escape("12) 数字", true), "12\\) 数字");
        assert_eq!(escape("PM2.5 为 28.9", false), "PM2.5 为 28.9");
        assert_eq!(escape("a. 中间", false), "a. 中间");
    }

    #[test]
    fn links_emoji_quotes_and_dashes_stay_text() {
        assert_eq!(
            escape("见 http://x.org 与 www.y.cn", false),
            "见 http\\://x.org 与 www\\.y.cn"
        );
        assert_eq!(escape(":smile:", false), "\\:smile\\:");
        assert_eq!(escape("\"好\"--...", false), "\\\"好\\\"\\--\\.\\..");
        assert_eq!(escape("一\r二", false), "一\\\n二");
    }

    #[test]
    fn strong_next_to_chinese_punctuation_moves_the_punctuation_out() {
        let mut out = String::new();
        inlines(
            &[
                Inline::LeadIn(vec![Inline::Text("水利厅（牵头）：".into())]),
                Inline::Text("完成".into()),
            ],
            &mut out,
            Ctx::Para,
        );
        assert_eq!(out, "**水利厅（牵头）**：完成");
    }
}
