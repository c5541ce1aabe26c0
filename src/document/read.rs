//! The one reader: source text rendered from a template → [`Document`].
//!
//! The source is CommonMark (parsed by pulldown-cmark) plus a few markers:
//! - an optional front matter block (`---` … `---`) with `date: YYYY-MM-DD`;
//! - `# 标题` is the title; `##` to `#####` are headings of levels 1 to 4;
//! - fenced divs `::: {.kind key="value"}` … `:::` for the parts of an official document
//!   (masthead, addressee, attachments, signature, annex, colophon, table, note, pagebreak);
//! - inline `<span class="lead">…</span>` for a lead-in, `<span class="right">…</span>` for the
//!   right-hand part of a colophon line, `<wbr>` for a break hint, `<br>` for a line break.
//!
//! Text from reports reaches the source only through [`escape`], which backslash-escapes every
//! ASCII punctuation character, so it can never open a marker or any Markdown structure.

use chrono::NaiveDate;
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::document::{
    Align, Annex, Block, Chart, ChartKind, ColophonLine, Column, Document, Inline, Masthead,
    Series, Table,
};

/// A problem in the rendered source, at a line of it (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Line of the rendered source.
    pub line: usize,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// Escapes text so that the reader shows it literally: every ASCII punctuation character is
/// backslash-escaped (CommonMark allows that for all of them), lines are trimmed so none
/// becomes a code block, line endings are normalised and control characters dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in lines(text).into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_escaped(&mut out, line.trim());
    }
    out
}

/// Like [`escape`], for a table cell: line breaks become `<br>` so the row stays one line.
pub fn escape_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in lines(text).into_iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        push_escaped(&mut out, line.trim());
    }
    out
}

/// Lines of department text: CRLF, lone CR and LF all end a line.
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['\n', '\r']) {
        out.push(&rest[..i]);
        let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + skip..];
    }
    out.push(rest);
    out
}

fn push_escaped(out: &mut String, line: &str) {
    // Copies runs of ordinary text whole; only ASCII punctuation and control characters
    // (C0, DEL and C1, which is 0xC2 0x80–0x9F in UTF-8) are looked at one by one.
    let bytes = line.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let c1 = b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n));
        if b.is_ascii_punctuation() || b.is_ascii_control() || c1 {
            out.push_str(&line[run..i]);
            if b.is_ascii_punctuation() {
                out.push('\\');
                out.push(b as char);
            } else if b == b'\t' {
                out.push(' ');
            }
            i += if c1 { 2 } else { 1 };
            run = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&line[run..]);
}

/// Reads rendered source into a document, or says every problem found.
pub fn read(source: &str) -> Result<Document, Vec<ReadError>> {
    // Templates saved on Windows have CRLF; copy the (possibly very large) text only then.
    let text: std::borrow::Cow<str> = if source.contains('\r') {
        source.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        source.into()
    };
    let mut errors = Vec::new();
    let (front, body, body_line) = split_front_matter(&text);
    let mut date = None;
    let mut meta_title = None;
    if let Some((front, line)) = front {
        match serde_saphyr::from_str::<FrontMatter>(front) {
            Ok(m) => {
                meta_title = m.title;
                if let Some(d) = m.date.filter(|d| !d.trim().is_empty()) {
                    match NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
                        Ok(d) => date = Some(d),
                        Err(_) => errors.push(ReadError {
                            line,
                            message: format!("开头信息中的日期“{d}”应写成 2026-12-28 的形式"),
                        }),
                    }
                }
            }
            Err(e) => errors.push(ReadError {
                line,
                message: format!("开头信息（--- 之间）无法读取：{e}"),
            }),
        }
    }
    let root = split_divs(body, body_line, &mut errors);
    let mut reader = Reader {
        errors,
        title: None,
        masthead: None,
    };
    let mut blocks = reader.parts(&root.parts, true);
    list_annexes(&mut blocks);
    let Reader {
        mut errors,
        title,
        masthead,
    } = reader;
    let title = match (title, meta_title) {
        (Some(t), _) => t,
        (None, Some(t)) => vec![Inline::Text(t)],
        (None, None) => {
            errors.push(ReadError {
                line: 1,
                message: "文档没有标题：请用一行“# 标题”写出标题".to_string(),
            });
            Vec::new()
        }
    };
    if errors.is_empty() {
        Ok(Document {
            title,
            date,
            masthead,
            blocks,
        })
    } else {
        Err(errors)
    }
}

/// Fills an attachments block written without a list (`::: attachments` holding only
/// “附件：”) with the titles of the annexes present, so the list can never disagree with
/// the annexes that follow.
fn list_annexes(blocks: &mut [Block]) {
    let titles: Vec<Vec<Inline>> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Annex(a) => Some(a.title.clone()),
            _ => None,
        })
        .collect();
    for b in blocks.iter_mut() {
        if let Block::Attachments { items, .. } = b
            && items.is_empty()
        {
            *items = titles.clone();
        }
    }
}

#[derive(serde::Deserialize)]
struct FrontMatter {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    lang: Option<String>,
}

/// Splits off a leading `---` … `---` block: (front matter and its first line, body, the
/// body's first line).
fn split_front_matter(text: &str) -> (Option<(&str, usize)>, &str, usize) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (None, text, 1);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + front.matches('\n').count() + 1;
            return (Some((front, 2)), body, body_line);
        }
        offset += line.len();
    }
    (None, text, 1)
}

/// A fenced div as written: its classes and attributes, and what it holds.
#[derive(Debug, Default)]
struct Div {
    classes: Vec<String>,
    attrs: Vec<(String, String)>,
    line: usize,
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    /// Markdown text and the line it starts on.
    Text(String, usize),
    Div(Div),
}

fn is_fence(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let colons = t.bytes().take_while(|&b| b == b':').count();
    (colons >= 3).then(|| t[colons..].trim())
}

fn split_divs(body: &str, first_line: usize, errors: &mut Vec<ReadError>) -> Div {
    let mut stack = vec![Div::default()];
    let mut text = String::new();
    let mut text_line = first_line;
    let flush = |text: &mut String, text_line: usize, div: &mut Div| {
        if !text.trim().is_empty() {
            div.parts.push(Part::Text(std::mem::take(text), text_line));
        }
        text.clear();
    };
    for (i, line) in body.split('\n').enumerate() {
        let n = first_line + i;
        match is_fence(line) {
            Some("") => {
                let top = stack.last_mut().expect("root");
                flush(&mut text, text_line, top);
                if stack.len() == 1 {
                    errors.push(ReadError {
                        line: n,
                        message: "多余的 `:::`：前面没有与之对应的开始标记".to_string(),
                    });
                } else {
                    let done = stack.pop().expect("open div");
                    stack.last_mut().expect("root").parts.push(Part::Div(done));
                }
                text_line = n + 1;
            }
            Some(spec) => {
                let top = stack.last_mut().expect("root");
                flush(&mut text, text_line, top);
                let (classes, attrs) = parse_attrs(spec);
                stack.push(Div {
                    classes,
                    attrs,
                    line: n,
                    parts: Vec::new(),
                });
                text_line = n + 1;
            }
            None => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    let top = stack.last_mut().expect("root");
    flush(&mut text, text_line, top);
    while stack.len() > 1 {
        let done = stack.pop().expect("open div");
        errors.push(ReadError {
            line: done.line,
            message: format!(
                "`::: {}` 没有结束：请在这部分内容之后加一行 `:::`",
                done.classes.first().map(String::as_str).unwrap_or("")
            ),
        });
        stack.last_mut().expect("root").parts.push(Part::Div(done));
    }
    stack.pop().expect("root")
}

/// Parses `{.a .b key="v w" k=v}` or `a b` into classes and attributes.
fn parse_attrs(spec: &str) -> (Vec<String>, Vec<(String, String)>) {
    let inner = spec
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(spec);
    let mut classes = Vec::new();
    let mut attrs = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut word = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != '=') {
            word.push(c);
        }
        if chars.next_if_eq(&'=').is_some() {
            let mut value = String::new();
            if chars.next_if_eq(&'"').is_some() {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    value.push(c);
                }
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    value.push(c);
                }
            }
            attrs.push((word, value));
        } else {
            classes.push(word.trim_start_matches('.').to_string());
        }
    }
    (classes, attrs)
}

struct Reader {
    errors: Vec<ReadError>,
    title: Option<Vec<Inline>>,
    masthead: Option<Masthead>,
}

/// Splits Markdown text into pieces of at least `MIN` bytes that start at a heading line,
/// each with the line it starts on.
fn chunks(text: &str, first_line: usize) -> Vec<(&str, usize)> {
    const MIN: usize = 64 * 1024;
    let mut out = Vec::new();
    let (mut start, mut start_line, mut line) = (0, first_line, first_line);
    let mut offset = 0;
    for l in text.split_inclusive('\n') {
        if l.starts_with('#') && offset - start >= MIN {
            out.push((&text[start..offset], start_line));
            start = offset;
            start_line = line;
        }
        offset += l.len();
        line += 1;
    }
    out.push((&text[start..], start_line));
    out
}

/// A paragraph as read: its inlines and, in a colophon, its right-hand part.
struct Para {
    inlines: Vec<Inline>,
    right: Option<Vec<Inline>>,
    line: usize,
}

/// A block as read, before divs give it meaning.
enum Raw {
    Block(Block),
    Para(Para),
    /// A `#` heading of level 1..=5 (1 is the title).
    Heading(u8, Vec<Inline>, usize),
}

impl Reader {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(ReadError {
            line,
            message: message.into(),
        });
    }

    /// Blocks of a sequence of parts; `top` says whether this is the document body.
    fn parts(&mut self, parts: &[Part], top: bool) -> Vec<Block> {
        let mut blocks = Vec::new();
        for raw in self.raws(parts) {
            match raw {
                Raw::Block(b) => blocks.push(b),
                Raw::Para(p) => blocks.push(self.plain_para(p)),
                Raw::Heading(1, content, line) => {
                    if !top || self.title.is_some() {
                        self.error(
                            line,
                            "标题（一个 # 开头的行）只能有一个，并且不能放在 ::: 块中",
                        );
                    }
                    self.title = Some(content);
                }
                Raw::Heading(level, content, _) => blocks.push(Block::Heading {
                    level: level - 1,
                    content,
                }),
            }
        }
        blocks
    }

    fn plain_para(&mut self, p: Para) -> Block {
        Block::Para(self.without_right(p))
    }

    /// A paragraph's inlines; a right-hand part is reported, since only the colophon has one.
    fn without_right(&mut self, p: Para) -> Vec<Inline> {
        if p.right.is_some() {
            self.error(
                p.line,
                "`<span class=\"right\">` 只能用在版记（::: colophon）中",
            );
        }
        p.inlines
    }

    /// Reads parts into raw blocks, interpreting divs.
    fn raws(&mut self, parts: &[Part]) -> Vec<Raw> {
        let mut out = Vec::new();
        for part in parts {
            match part {
                Part::Text(text, line) => {
                    // A long text is read in chunks, in parallel; a chunk starts at an ATX
                    // heading, which always begins a new block (report text cannot begin a
                    // line with `#`: `md` escapes it), so each chunk parses on its own.
                    let f = |(chunk, line): (&str, usize)| {
                        let mut r = Reader {
                            errors: Vec::new(),
                            title: None,
                            masthead: None,
                        };
                        let mut raws = Vec::new();
                        r.markdown(chunk, line, &mut raws);
                        (raws, r.errors)
                    };
                    let read: Vec<(Vec<Raw>, Vec<ReadError>)> =
                        chunks(text, *line).into_par_iter().map(f).collect();
                    for (raws, errors) in read {
                        out.extend(raws);
                        self.errors.extend(errors);
                    }
                }
                Part::Div(div) => {
                    if let Some(b) = self.div(div) {
                        out.push(Raw::Block(b));
                    }
                }
            }
        }
        out
    }

    fn div(&mut self, div: &Div) -> Option<Block> {
        let kind = div.classes.first().map(String::as_str).unwrap_or("");
        let attr = |k: &str| {
            div.attrs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        let has = |c: &str| div.classes.iter().any(|x| x == c);
        let line = div.line;
        match kind {
            "annex" => {
                let mut raws = self.raws(&div.parts).into_iter();
                let title = match raws.next() {
                    Some(Raw::Heading(2, t, _)) => t,
                    _ => {
                        self.error(line, "附件（::: annex）的第一行应是“## 附件标题”");
                        Vec::new()
                    }
                };
                let mut blocks = Vec::new();
                for raw in raws {
                    match raw {
                        Raw::Block(b) => blocks.push(b),
                        Raw::Para(p) => blocks.push(self.plain_para(p)),
                        Raw::Heading(1, _, l) => self.error(l, "附件中不能再写标题（# 开头的行）"),
                        Raw::Heading(level, content, _) => blocks.push(Block::Heading {
                            level: level - 1,
                            content,
                        }),
                    }
                }
                Some(Block::Annex(Annex {
                    label: attr("label").unwrap_or("").to_string(),
                    title,
                    landscape: has("landscape"),
                    blocks,
                }))
            }
            "masthead" => {
                const SHAPE: &str = "版头（::: masthead）应是一行发文机关标志，下面可接一行发文字号，签发人写在其后的 <span class=\"right\">…</span> 中";
                let mut raws = self.raws(&div.parts).into_iter();
                let masthead = match (raws.next(), raws.next(), raws.next()) {
                    (Some(Raw::Para(mark)), second, None) if mark.right.is_none() => match second {
                        None => Some(Masthead {
                            mark: mark.inlines,
                            number: Vec::new(),
                            sign_off: Vec::new(),
                        }),
                        Some(Raw::Para(number)) => Some(Masthead {
                            mark: mark.inlines,
                            number: number.inlines,
                            sign_off: number.right.unwrap_or_default(),
                        }),
                        Some(_) => None,
                    },
                    _ => None,
                };
                match masthead {
                    None => self.error(line, SHAPE),
                    Some(_) if self.masthead.is_some() => {
                        self.error(line, "版头（::: masthead）只能有一个")
                    }
                    Some(m) => self.masthead = Some(m),
                }
                None
            }
            "addressee" => {
                let paras = self.paras(div, 1, 1)?;
                Some(Block::Addressee(paras.into_iter().next()?))
            }
            "signature" => {
                let mut paras = self.paras(div, 2, 2)?.into_iter();
                Some(Block::Signature {
                    signer: paras.next()?,
                    date: paras.next()?,
                })
            }
            "note" => {
                let paras = self.paras(div, 1, usize::MAX)?;
                let mut joined = Vec::new();
                for (i, p) in paras.into_iter().enumerate() {
                    if i > 0 {
                        joined.push(Inline::LineBreak);
                    }
                    joined.extend(p);
                }
                Some(Block::Note(joined))
            }
            "pagebreak" => {
                if !div.parts.is_empty() {
                    self.error(line, "分页标记（::: pagebreak）中不应有内容");
                }
                Some(Block::PageBreak)
            }
            "attachments" => {
                let mut raws = self.raws(&div.parts).into_iter();
                let block = match (raws.next(), raws.next(), raws.next()) {
                    (Some(Raw::Para(label)), None, None) => Some(Block::Attachments {
                        label: label.inlines,
                        items: Vec::new(),
                    }),
                    (
                        Some(Raw::Para(label)),
                        Some(Raw::Block(Block::List {
                            ordered: true,
                            items,
                        })),
                        None,
                    ) => Some(Block::Attachments {
                        label: label.inlines,
                        items,
                    }),
                    _ => None,
                };
                if block.is_none() {
                    self.error(
                        line,
                        "附件说明（::: attachments）应是一行“附件：”，下面可接编号列表（1. 2. …）；不写列表则自动列出文末的各个附件",
                    );
                }
                block
            }
            "colophon" => {
                let mut lines = Vec::new();
                for raw in self.raws(&div.parts) {
                    match raw {
                        Raw::Para(p) => lines.push(ColophonLine {
                            left: p.inlines,
                            right: p.right,
                        }),
                        _ => self.error(line, "版记（::: colophon）中只能有段落，每段一行"),
                    }
                }
                Some(Block::Colophon(lines))
            }
            "table" => {
                let raws = self.raws(&div.parts);
                let Ok([Raw::Block(Block::Table(mut table))]) = <[Raw; 1]>::try_from(raws) else {
                    self.error(line, "表格块（::: table）中应当正好有一个表格");
                    return None;
                };
                if let Some(widths) = attr("widths") {
                    let ws: Vec<Option<u32>> =
                        widths.split(',').map(|w| w.trim().parse().ok()).collect();
                    if ws.len() != table.columns.len() || ws.iter().any(Option::is_none) {
                        self.error(
                            line,
                            format!(
                                "widths=\"{widths}\" 应为 {} 个用逗号分隔的整数",
                                table.columns.len()
                            ),
                        );
                    } else {
                        for (c, w) in table.columns.iter_mut().zip(ws) {
                            c.width = w;
                        }
                    }
                }
                if let Some(cols) = attr("nowrap") {
                    for n in cols.split(',') {
                        match n.trim().parse::<usize>() {
                            Ok(n) if (1..=table.columns.len()).contains(&n) => {
                                table.columns[n - 1].nowrap = true
                            }
                            _ => self.error(line, format!("nowrap 中的列号“{n}”不存在")),
                        }
                    }
                }
                table.vertical_header = has("vertical-header");
                table.dense = has("dense");
                table.row_heads = has("row-heads");
                Some(Block::Table(table))
            }
            "chart" => {
                let raws = self.raws(&div.parts);
                let Ok([Raw::Para(caption), Raw::Block(Block::Table(table))]) =
                    <[Raw; 2]>::try_from(raws)
                else {
                    self.error(
                        line,
                        "图表块（::: chart）中应是一段图题，空一行，再接一个表格（第一列为类别，其余各列为数据系列）",
                    );
                    return None;
                };
                let kind = if has("bars") {
                    ChartKind::Bars
                } else {
                    ChartKind::Line
                };
                let max = match attr("max").map(|m| m.trim().parse::<f64>()) {
                    None => None,
                    Some(Ok(m)) => Some(m),
                    Some(Err(_)) => {
                        self.error(line, "图表的 max 应是数字");
                        None
                    }
                };
                let categories: Vec<String> =
                    table.rows.iter().map(|r| Inline::plain(&r[0])).collect();
                let mut series = Vec::new();
                for (i, head) in table.header.iter().enumerate().skip(1) {
                    let mut values = Vec::new();
                    for row in &table.rows {
                        let cell = Inline::plain(&row[i]);
                        let cell = cell.trim();
                        if cell.is_empty() || cell == "—" {
                            values.push(None);
                        } else if let Ok(v) = cell.parse::<f64>() {
                            values.push(Some(v));
                        } else {
                            self.error(line, format!("图表数据“{cell}”不是数字"));
                            return None;
                        }
                    }
                    series.push(Series {
                        name: Inline::plain(head),
                        values,
                    });
                }
                if series.is_empty() || categories.is_empty() {
                    self.error(line, "图表的表格至少要有两列、一行数据");
                    return None;
                }
                Some(Block::Chart(Chart {
                    kind,
                    caption: self.without_right(caption),
                    unit: attr("unit").unwrap_or("").to_string(),
                    max,
                    categories,
                    series,
                    table,
                }))
            }
            other => {
                self.error(
                    line,
                    format!(
                        "不认识的块“::: {other}”；可用的有 masthead、addressee、signature、attachments、annex、colophon、table、chart、note、pagebreak"
                    ),
                );
                None
            }
        }
    }

    /// The paragraphs of a div, which must hold between `min` and `max` of them.
    fn paras(&mut self, div: &Div, min: usize, max: usize) -> Option<Vec<Vec<Inline>>> {
        let mut out = Vec::new();
        for raw in self.raws(&div.parts) {
            match raw {
                Raw::Para(p) => {
                    let inlines = self.without_right(p);
                    out.push(inlines)
                }
                _ => {
                    self.error(div.line, "这个块中只能写段落");
                    return None;
                }
            }
        }
        if out.len() < min || out.len() > max {
            let kind = div.classes.first().map(String::as_str).unwrap_or("");
            let want = if min == max {
                format!("{min} 段")
            } else {
                format!("至少 {min} 段")
            };
            self.error(
                div.line,
                format!(
                    "`::: {kind}` 中应有{want}文字（用空行分段），现有 {} 段",
                    out.len()
                ),
            );
            return None;
        }
        Some(out)
    }

    /// Parses Markdown text into raw blocks.
    fn markdown(&mut self, text: &str, first_line: usize, out: &mut Vec<Raw>) {
        // Line of a byte offset, by binary search over the line starts (a count per event
        // would make reading quadratic in the document's length).
        let breaks: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
        let line_of = |offset: usize| first_line + breaks.partition_point(|&b| b < offset);
        let mut events = Parser::new_ext(text, Options::ENABLE_TABLES)
            .into_offset_iter()
            .peekable();
        while let Some((event, range)) = events.next() {
            let line = line_of(range.start);
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    let (inlines, right) = self.inlines(&mut events, &line_of);
                    if right.is_some() {
                        self.error(line, "标题中不能用 `<span class=\"right\">`");
                    }
                    let level = match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        HeadingLevel::H4 => 4,
                        HeadingLevel::H5 => 5,
                        HeadingLevel::H6 => {
                            self.error(line, "标题最多五级（#####）");
                            5
                        }
                    };
                    out.push(Raw::Heading(level, inlines, line));
                }
                Event::Start(Tag::Paragraph) => {
                    let (inlines, right) = self.inlines(&mut events, &line_of);
                    out.push(Raw::Para(Para {
                        inlines,
                        right,
                        line,
                    }));
                }
                Event::Start(Tag::List(start)) => {
                    let mut items = Vec::new();
                    loop {
                        match events.next() {
                            Some((Event::Start(Tag::Item), _)) => {
                                items.push(self.item(&mut events, &line_of));
                            }
                            Some((Event::End(TagEnd::List(_)), _)) | None => break,
                            Some((_, r)) => {
                                self.error(line_of(r.start), "列表中只能有简单的列表项");
                            }
                        }
                    }
                    out.push(Raw::Block(Block::List {
                        ordered: start.is_some(),
                        items,
                    }));
                }
                Event::Start(Tag::Table(aligns)) => {
                    let table = self.table(&aligns, &mut events, &line_of);
                    out.push(Raw::Block(Block::Table(table)));
                }
                Event::Html(h) if h.trim_start().starts_with("<!--") => {}
                Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
                Event::Html(h) => self.error(line, format!("模板中不支持这段 HTML：{}", h.trim())),
                Event::Start(Tag::CodeBlock(_)) => {
                    self.error(line, "这里成了代码块：模板中的行不要以四个空格或 ``` 开头");
                    skip_to_end(&mut events);
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    self.error(line, "模板中不支持引用块（> 开头的行）");
                    skip_to_end(&mut events);
                }
                Event::Rule => {
                    self.error(line, "模板中不支持分隔线（---）；分页请用 ::: pagebreak")
                }
                Event::Start(_) => {
                    self.error(line, "模板中有不支持的 Markdown 结构");
                    skip_to_end(&mut events);
                }
                _ => {}
            }
        }
    }

    /// One list item's inlines (tight or loose).
    fn item<'a>(
        &mut self,
        events: &mut Events<'a>,
        line_of: &dyn Fn(usize) -> usize,
    ) -> Vec<Inline> {
        let mut inlines = Vec::new();
        loop {
            match events.peek() {
                Some((Event::End(TagEnd::Item), _)) => {
                    events.next();
                    break;
                }
                Some((Event::Start(Tag::Paragraph), _)) => {
                    events.next();
                    if !inlines.is_empty() {
                        inlines.push(Inline::LineBreak);
                    }
                    let (more, _) = self.inlines(events, line_of);
                    inlines.extend(more);
                }
                Some((Event::Start(Tag::List(_)), r)) => {
                    let line = line_of(r.start);
                    self.error(line, "模板中不支持嵌套列表");
                    events.next();
                    skip_to_end(events);
                }
                None => break,
                Some(_) => {
                    let (more, _) = self.inline_run(events, line_of, |e| {
                        matches!(
                            e,
                            Event::End(TagEnd::Item)
                                | Event::Start(Tag::Paragraph)
                                | Event::Start(Tag::List(_))
                        )
                    });
                    inlines.extend(more);
                }
            }
        }
        inlines
    }

    fn table<'a>(
        &mut self,
        aligns: &[Alignment],
        events: &mut Events<'a>,
        line_of: &dyn Fn(usize) -> usize,
    ) -> Table {
        let mut header = Vec::new();
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut in_head = false;
        while let Some((event, _)) = events.next() {
            match event {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => rows.push(Vec::new()),
                Event::Start(Tag::TableCell) => {
                    let (cell, _) = self.inline_run(events, line_of, |e| {
                        matches!(e, Event::End(TagEnd::TableCell))
                    });
                    events.next();
                    if in_head {
                        header.push(cell);
                    } else if let Some(row) = rows.last_mut() {
                        row.push(cell);
                    }
                }
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        let columns = aligns
            .iter()
            .map(|a| Column {
                align: match a {
                    Alignment::None => Align::Default,
                    Alignment::Left => Align::Left,
                    Alignment::Center => Align::Center,
                    Alignment::Right => Align::Right,
                },
                width: None,
                nowrap: false,
            })
            .collect::<Vec<_>>();
        // GFM pads short rows and drops extra cells; so does the model.
        for row in &mut rows {
            row.resize(columns.len(), Vec::new());
        }
        header.resize(columns.len(), Vec::new());
        Table {
            columns,
            header,
            rows,
            vertical_header: false,
            dense: false,
            row_heads: false,
        }
    }

    /// Inlines up to the end of the current container (consumes the end event).
    fn inlines<'a>(
        &mut self,
        events: &mut Events<'a>,
        line_of: &dyn Fn(usize) -> usize,
    ) -> (Vec<Inline>, Option<Vec<Inline>>) {
        let result = self.inline_run(events, line_of, |e| {
            matches!(e, Event::End(TagEnd::Paragraph | TagEnd::Heading(_)))
        });
        events.next();
        result
    }

    /// Inlines until `stop` matches the next event (not consumed).
    fn inline_run<'a>(
        &mut self,
        events: &mut Events<'a>,
        line_of: &dyn Fn(usize) -> usize,
        stop: impl Fn(&Event) -> bool,
    ) -> (Vec<Inline>, Option<Vec<Inline>>) {
        // Open containers: (what, content so far).
        let mut stack: Vec<(Open, Vec<Inline>)> = vec![(Open::Root, Vec::new())];
        let mut right = None;
        while let Some((event, range)) = events.peek() {
            if stop(event) {
                break;
            }
            let line = line_of(range.start);
            let event = events.next().map(|(e, _)| e).expect("peeked");
            let top = &mut stack.last_mut().expect("root").1;
            match event {
                Event::Text(t) | Event::Code(t) => push_text(top, &t),
                Event::SoftBreak | Event::HardBreak => top.push(Inline::LineBreak),
                Event::Start(Tag::Emphasis) => stack.push((Open::Emph, Vec::new())),
                Event::Start(Tag::Strong) => stack.push((Open::Strong, Vec::new())),
                Event::End(TagEnd::Emphasis | TagEnd::Strong) => {
                    close(&mut stack, &mut right);
                }
                Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => {}
                Event::InlineHtml(h) => match html_tag(&h) {
                    Some(Tag_::Wbr) => top.push(Inline::BreakHint),
                    Some(Tag_::Br) => top.push(Inline::LineBreak),
                    Some(Tag_::Lead) => stack.push((Open::Lead, Vec::new())),
                    Some(Tag_::Right) => stack.push((Open::Right, Vec::new())),
                    Some(Tag_::Close) if stack.len() > 1 => close(&mut stack, &mut right),
                    _ => self.error(
                        line,
                        format!("模板中不支持标记 {h}；可用 <span class=\"lead\">、<span class=\"right\">、<wbr>、<br>"),
                    ),
                },
                Event::Start(_) => {
                    self.error(line, "段落中有不支持的 Markdown 结构（图片、脚注等）");
                }
                _ => {}
            }
        }
        while stack.len() > 1 {
            close(&mut stack, &mut right);
        }
        let (_, inlines) = stack.pop().expect("root");
        (inlines, right)
    }
}

type Events<'a> =
    std::iter::Peekable<pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Root,
    Emph,
    Strong,
    Lead,
    Right,
}

enum Tag_ {
    Wbr,
    Br,
    Lead,
    Right,
    Close,
}

fn html_tag(h: &str) -> Option<Tag_> {
    let squeezed: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    match squeezed.to_ascii_lowercase().as_str() {
        "<wbr>" | "<wbr/>" => Some(Tag_::Wbr),
        "<br>" | "<br/>" => Some(Tag_::Br),
        "<spanclass=\"lead\">" => Some(Tag_::Lead),
        "<spanclass=\"right\">" => Some(Tag_::Right),
        "</span>" => Some(Tag_::Close),
        _ => None,
    }
}

fn close(stack: &mut Vec<(Open, Vec<Inline>)>, right: &mut Option<Vec<Inline>>) {
    let Some((open, content)) = stack.pop() else {
        return;
    };
    let parent = &mut stack.last_mut().expect("root").1;
    match open {
        Open::Emph => parent.push(Inline::Emph(content)),
        Open::Strong => parent.push(Inline::Strong(content)),
        Open::Lead => parent.push(Inline::LeadIn(content)),
        Open::Right => *right = Some(content),
        Open::Root => {}
    }
}

fn push_text(inlines: &mut Vec<Inline>, t: &str) {
    if let Some(Inline::Text(prev)) = inlines.last_mut() {
        prev.push_str(t);
    } else {
        inlines.push(Inline::Text(t.to_string()));
    }
}

/// Skips to the end of the container just opened.
fn skip_to_end(events: &mut Events) {
    let mut depth = 1;
    for (event, _) in events.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn escaped_text_reads_back_as_the_same_text() {
        let hostile = "1. <b>x</b> | # * _ [a](b) $x$ `c` & ~~d~~ ::: {.annex}\n- 列表\t项";
        let source = format!("# 标题\n\n{}\n", escape(hostile));
        let doc = read(&source).unwrap();
        assert_eq!(
            doc.blocks,
            [Block::Para(vec![
                text("1. <b>x</b> | # * _ [a](b) $x$ `c` & ~~d~~ ::: {.annex}"),
                Inline::LineBreak,
                text("- 列表 项"),
            ])]
        );
    }

    #[test]
    fn escape_drops_control_characters_and_breaks_lines_at_any_line_end() {
        assert_eq!(escape("甲\u{1}乙\u{85}丙"), "甲乙丙");
        assert_eq!(escape("一\r\n二\r三\n四"), "一\n二\n三\n四");
        assert_eq!(escape("    缩进"), "缩进", "no indented code block");
        assert_eq!(escape_cell("一\n二|三"), "一<br>二\\|三");
    }

    #[test]
    fn markers_become_typed_blocks() {
        let source = "---\ndate: \"2026-12-28\"\n---\n\n# 关于<wbr>报告\n\n::: addressee\n领导小组：\n:::\n\n\
            ## 一、总体情况\n\n<span class=\"lead\">水利厅：</span>完成。\n\n\
            ::: attachments\n附件：\n\n1. 统计表\n2. 矩阵\n:::\n\n\
            ::: signature\n办公室\n\n2026年12月28日\n:::\n\n\
            ::: {.annex .landscape label=\"附件2\"}\n## 矩阵\n\n\
            ::: {.table .dense widths=\"3,1\" nowrap=\"2\"}\n| 任务 | 甲 |\n|---|:-:|\n| 1.任务 | ★ |\n:::\n:::\n\n\
            ::: colophon\n办公室<span class=\"right\">2026年12月28日印发</span>\n:::\n";
        let doc = read(source).unwrap();
        assert_eq!(doc.title, [text("关于"), Inline::BreakHint, text("报告")]);
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2026, 12, 28));
        assert_eq!(doc.blocks[0], Block::Addressee(vec![text("领导小组：")]));
        assert_eq!(
            doc.blocks[1],
            Block::Heading {
                level: 1,
                content: vec![text("一、总体情况")]
            }
        );
        assert_eq!(
            doc.blocks[2],
            Block::Para(vec![Inline::LeadIn(vec![text("水利厅：")]), text("完成。")])
        );
        assert_eq!(
            doc.blocks[3],
            Block::Attachments {
                label: vec![text("附件：")],
                items: vec![vec![text("统计表")], vec![text("矩阵")]]
            }
        );
        assert!(matches!(doc.blocks[4], Block::Signature { .. }));
        let Block::Annex(annex) = &doc.blocks[5] else {
            panic!("{:?}", doc.blocks[5])
        };
        assert_eq!((annex.label.as_str(), annex.landscape), ("附件2", true));
        let Block::Table(t) = &annex.blocks[0] else {
            panic!("{:?}", annex.blocks)
        };
        assert!(t.dense && !t.vertical_header);
        assert_eq!(t.columns[0].width, Some(3));
        assert!(t.columns[1].nowrap && t.columns[1].align == Align::Center);
        assert_eq!(t.rows, [vec![vec![text("1.任务")], vec![text("★")]]]);
        assert_eq!(
            doc.blocks[6],
            Block::Colophon(vec![ColophonLine {
                left: vec![text("办公室")],
                right: Some(vec![text("2026年12月28日印发")])
            }])
        );
    }

    #[test]
    fn mistakes_in_a_template_are_reported_with_their_lines() {
        let source = "# 标题\n\n::: sidebar\n文字\n:::\n\n::: signature\n一段\n:::\n\n<div>x</div>\n\n::: note\n未结束\n";
        let errors = read(source).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [13, 3, 7, 11], "{errors:#?}");
        assert!(errors[0].message.contains("没有结束"));
        assert!(errors[1].message.contains("sidebar"));
        assert!(errors[2].message.contains("signature"));
        assert!(errors[3].message.contains("HTML"));
        assert!(read("没有标题\n").unwrap_err()[0].message.contains("标题"));
    }

    #[test]
    fn long_texts_are_read_in_chunks_that_start_at_headings() {
        let body: String = (0..3000)
            .map(|i| format!("## 标题{i}\n\n第{i}段文字。\n\n"))
            .collect();
        let pieces = chunks(&body, 1);
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|(p, _)| p.starts_with("## ")));
        assert_eq!(
            pieces.iter().map(|(p, _)| p.len()).sum::<usize>(),
            body.len()
        );
        let doc = read(&format!("# 题\n\n{body}")).unwrap();
        assert_eq!(doc.blocks.len(), 6000);
        assert_eq!(doc.blocks[5999], Block::Para(vec![text("第2999段文字。")]));
    }
}
