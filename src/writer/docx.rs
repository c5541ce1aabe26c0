//! Word (.docx) in the GB/T 9704 layout: A4 with a 156 × 225 mm text block and a 22 × 28
//! grid, 3号仿宋 body with a two-character indent, real heading styles (so Word's navigation
//! pane and tables of contents work), East-Asian font slots named as office machines have them,
//! odd/even footers with a PAGE field as "— n —", landscape sections for wide tables with the
//! header row repeated, and the 版记 pinned to the foot of the last page.
//!
//! The WordprocessingML is written here directly rather than through docx-rs: docx-rs cannot
//! mark a repeated table header row (`w:tblHeader`) and numbers parts with process-wide
//! counters, which would make parallel renders differ byte for byte. Every part is a fixed
//! function of the document, and the zip entries carry a fixed timestamp.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use anyhow::{Context as _, Result};
use zip::write::SimpleFileOptions;

use crate::document::{
    Align, Block, Chart, ChartKind, ColophonLine, Document, Inline, Masthead, Table,
};
use crate::writer::{
    Options, Writer, column_widths, mark_size, sign_off_parts, signature_indents, text_width,
};

/// The Word writer.
pub const WRITER: Writer = Writer {
    name: "docx",
    extension: "docx",
    write,
};

/// Twentieths of a point per millimetre.
const TWIPS_PER_MM: f32 = 56.692_9;
/// Body type: 3号, 16 pt = 320 twips (one character of the grid).
const BODY_CHAR: f32 = 320.0;
/// 22 lines in 225 mm.
const LINE_PITCH: u32 = 579;
/// Width of the text block in twips: portrait 156 mm, landscape 225 mm.
fn text_width_twips(landscape: bool) -> u32 {
    let mm = if landscape { 225.0 } else { 156.0 };
    (mm * TWIPS_PER_MM).round() as u32
}

fn write(doc: &Document, _: &Options, w: &mut dyn Write) -> Result<()> {
    w.write_all(&render(doc)?)?;
    Ok(())
}

/// The whole document as the bytes of a .docx file. The body is compressed as it is
/// written, a block at a time, so only the compressed file is held whole.
pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let title = doc.title_text();
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_props(&title, doc)),
        ("docProps/app.xml", APP_PROPS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/fontTable.xml", FONT_TABLE.to_string()),
        ("word/footer1.xml", footer(true)),
        ("word/footer2.xml", footer(false)),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed timestamp (1980-01-01, the zip epoch) and a fixed "made by" system and file
    // mode: the same document gives the same bytes, on Linux and on Windows alike.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let start = |zip: &mut zip::ZipWriter<_>, name: &str| {
        zip.start_file(name, options)
            .with_context(|| format!("无法生成 Word 文件的 {name}"))
    };
    for (name, text) in parts.iter().map(|(n, t)| (*n, t.as_str())) {
        start(&mut zip, name)?;
        zip.write_all(text.as_bytes())?;
    }
    start(&mut zip, "word/document.xml")?;
    write!(zip, "{XML_DECL}<w:document {NS}><w:body>")?;
    let mut b = Body {
        out: String::with_capacity(64 * 1024),
        images: Vec::new(),
        landscape: false,
        page_break_next: false,
    };
    if let Some(m) = &doc.masthead {
        b.masthead(m);
    }
    b.title(&doc.title);
    let mut i = 0;
    while i < doc.blocks.len() {
        i += b.block_at(&doc.blocks, i);
        zip.write_all(b.out.as_bytes())?;
        b.out.clear();
    }
    write!(
        zip,
        "{}{}</w:body></w:document>",
        b.out,
        section_properties(b.landscape)
    )?;
    // The relationships name the chart images, known only now.
    start(&mut zip, "word/_rels/document.xml.rels")?;
    let rels_end = "</Relationships>";
    zip.write_all(DOCUMENT_RELS.trim_end_matches(rels_end).as_bytes())?;
    for i in 1..=b.images.len() {
        write!(
            zip,
            "<Relationship Id=\"rIdChart{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart{i}.png\"/>"
        )?;
    }
    zip.write_all(rels_end.as_bytes())?;
    for (i, png) in b.images.iter().enumerate() {
        start(&mut zip, &format!("word/media/chart{}.png", i + 1))?;
        zip.write_all(png)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Says once per run that charts are printed as tables in Word for want of a Chinese font.
fn warn_no_font() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        eprintln!(
            "注意：本机没有找到含中文字形的字体（如 Noto Sans CJK、微软雅黑、黑体），Word 文件中的图表改以表格列出；安装任一中文字体后重新汇编即可显示图表。"
        )
    });
}

/// XML text: the special characters escaped, characters XML 1.0 forbids dropped, line
/// breaks and tabs as spaces (the model carries breaks as their own inlines).
fn esc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut i, mut run) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        // U+FFFE and U+FFFF are EF BF BE / EF BF BF in UTF-8.
        let nonchar = b == 0xEF
            && bytes.get(i + 1) == Some(&0xBF)
            && matches!(bytes.get(i + 2), Some(0xBE | 0xBF));
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\t' | b'\n' | b'\r' => " ",
            0..=0x1F => "",
            _ if nonchar => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[run..i]);
        out.push_str(replacement);
        i += if nonchar { 3 } else { 1 };
        run = i;
    }
    out.push_str(&text[run..]);
    out
}

fn core_props(title: &str, doc: &Document) -> String {
    let date = doc
        .date
        .map(|d| {
            format!(
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{d}T00:00:00Z</dcterms:created>\
                 <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{d}T00:00:00Z</dcterms:modified>"
            )
        })
        .unwrap_or_default();
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:language>zh-CN</dc:language>{date}</cp:coreProperties>",
        esc(title)
    )
}

fn section_properties(landscape: bool) -> String {
    let (w, h, orient, [top, right, bottom, left]) = if landscape {
        (
            16838,
            11906,
            " w:orient=\"landscape\"",
            [28.0, 37.0, 26.0, 35.0],
        )
    } else {
        (11906, 16838, "", [37.0, 26.0, 35.0, 28.0])
    };
    let mm = |v: f32| (v * TWIPS_PER_MM).round() as u32;
    format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/>\
         <w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>\
         <w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
         <w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>\
         <w:docGrid w:type=\"lines\" w:linePitch=\"{LINE_PITCH}\"/></w:sectPr>",
        mm(top),
        mm(right),
        mm(bottom),
        mm(left),
        mm(bottom - 12.0),
    )
}

/// The body being written: blocks in order, with a section break wherever the
/// orientation changes.
struct Body {
    out: String,
    /// Chart images, in order (word/media/chartN.png).
    images: Vec<Vec<u8>>,
    landscape: bool,
    /// The next paragraph starts a new page (an annex after an annex of the same orientation).
    page_break_next: bool,
}

impl Body {
    /// Opens a paragraph with a style and extra paragraph properties.
    fn p_open(&mut self, style: Option<&str>, extra: &str) {
        self.out.push_str("<w:p>");
        let brk = std::mem::take(&mut self.page_break_next);
        if style.is_some() || !extra.is_empty() || brk {
            self.out.push_str("<w:pPr>");
            if let Some(s) = style {
                let _ = write!(self.out, "<w:pStyle w:val=\"{s}\"/>");
            }
            if brk {
                self.out.push_str("<w:pageBreakBefore/>");
            }
            self.out.push_str(extra);
            self.out.push_str("</w:pPr>");
        }
    }

    fn para(&mut self, style: Option<&str>, extra: &str, content: &[Inline]) {
        self.p_open(style, extra);
        runs(content, RunStyle::default(), &mut self.out);
        self.out.push_str("</w:p>");
    }

    /// The 版头: the red mark 35 mm below the top of the text block, two lines lower the
    /// document number (one character in) and the 签发人 (one character from the right, the
    /// name in 楷体) over a red rule 4 mm below them; the title follows two lines lower.
    fn masthead(&mut self, m: &Masthead) {
        let half_points = (mark_size(&m.mark) * 2.0) as u32;
        self.p_open(Some("Mark"), "");
        let _ = write!(
            self.out,
            "<w:r><w:rPr><w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(&Inline::plain(&m.mark))
        );
        if m.number.is_empty() && m.sign_off.is_empty() {
            return;
        }
        self.p_open(Some("DocNumber"), "");
        runs(&m.number, RunStyle::default(), &mut self.out);
        if !m.sign_off.is_empty() {
            self.out.push_str("<w:r><w:tab/></w:r>");
            let (label, name) = sign_off_parts(&m.sign_off);
            runs(&label, RunStyle::default(), &mut self.out);
            runs(
                &name,
                RunStyle {
                    lead: true,
                    ..RunStyle::default()
                },
                &mut self.out,
            );
        }
        self.out.push_str("</w:p>");
    }

    /// The title, broken between its phrases so that no line exceeds the text block.
    fn title(&mut self, title: &[Inline]) {
        self.p_open(Some("Title"), "");
        // 22 pt title type: 442 pt of text block hold 20 characters.
        let max = 20.0;
        let mut width = 0.0;
        for phrase in title.split(|i| *i == Inline::BreakHint) {
            let w = text_width(&Inline::plain(phrase));
            if width > 0.0 && width + w > max {
                self.out.push_str("<w:r><w:br/></w:r>");
                width = 0.0;
            }
            width += w;
            runs(phrase, RunStyle::default(), &mut self.out);
        }
        self.out.push_str("</w:p>");
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Addressee(c) => self.para(Some("Addressee"), "", c),
            Block::Heading { level, content } => {
                self.para(Some(&format!("Heading{level}")), "", content)
            }
            Block::Para(c) => self.para(None, "", c),
            // A justified line that ends in a manual break is stretched across the line in
            // Word and LibreOffice: each line of a note is a paragraph of its own.
            Block::Note(c) => {
                for line in c.split(|i| *i == Inline::LineBreak) {
                    self.para(Some("Note"), "", line);
                }
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let mark = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "·".to_string()
                    };
                    let mut content = vec![Inline::Text(mark)];
                    content.extend(item.iter().cloned());
                    self.para(None, "", &content);
                }
            }
            Block::Table(t) => self.table(t),
            Block::Chart(c) => self.chart(c),
            Block::Attachments { label, items } => {
                // 附件：1.… — later items start under "1." and wrapped lines under the name.
                let label_chars = text_width(&Inline::plain(label));
                for (i, item) in items.iter().enumerate() {
                    let no = format!("{}.", i + 1);
                    let left = 2.0 + label_chars + 1.0;
                    let hang = if i == 0 { label_chars + 1.0 } else { 1.0 };
                    let before = if i == 0 { " w:before=\"579\"" } else { "" };
                    // The list stays on one page: every item keeps with the next.
                    let keep = if i + 1 < items.len() {
                        "<w:keepNext/>"
                    } else {
                        ""
                    };
                    let extra = format!(
                        "{keep}<w:spacing{before}/><w:ind w:leftChars=\"{}\" w:left=\"{}\" w:hangingChars=\"{}\" w:hanging=\"{}\"/>",
                        (left * 100.0) as u32,
                        (left * BODY_CHAR) as u32,
                        (hang * 100.0) as u32,
                        (hang * BODY_CHAR) as u32
                    );
                    let mut content = if i == 0 { label.clone() } else { Vec::new() };
                    content.push(Inline::Text(no));
                    content.extend(item.iter().cloned());
                    self.para(Some("Attachment"), &extra, &content);
                }
            }
            Block::Signature { signer, date } => {
                let (s, d) = signature_indents(signer, date);
                let ind = |em: f32, before: bool| {
                    format!(
                        "{}<w:ind w:rightChars=\"{}\" w:right=\"{}\"/>",
                        if before {
                            "<w:spacing w:before=\"1158\"/>"
                        } else {
                            ""
                        },
                        (em * 100.0) as u32,
                        (em * BODY_CHAR) as u32
                    )
                };
                self.para(Some("Signature"), &ind(s, true), signer);
                self.para(Some("Signature"), &ind(d, false), date);
            }
            Block::Annex(a) => {
                if a.landscape != self.landscape {
                    self.section_break();
                    self.landscape = a.landscape;
                } else {
                    self.page_break_next = true;
                }
                self.para(Some("AnnexLabel"), "", &[Inline::Text(a.label.clone())]);
                self.para(Some("AnnexTitle"), "", &a.title);
                let mut i = 0;
                while i < a.blocks.len() {
                    i += self.block_at(&a.blocks, i);
                }
            }
            Block::Colophon(lines) => self.colophon(lines),
            Block::PageBreak => self.page_break_next = true,
        }
    }

    /// Writes the block at `i` and returns how many blocks it took: two trend charts in a
    /// row stand side by side.
    fn block_at(&mut self, blocks: &[Block], i: usize) -> usize {
        fn line(b: Option<&Block>) -> Option<&Chart> {
            match b {
                Some(Block::Chart(c)) if c.kind == ChartKind::Line => Some(c),
                _ => None,
            }
        }
        match (line(blocks.get(i)), line(blocks.get(i + 1))) {
            (Some(a), Some(b)) if super::raster::cjk_font().is_some() => {
                self.chart_pair(a, b);
                2
            }
            _ => {
                self.block(&blocks[i]);
                1
            }
        }
    }

    /// Two charts side by side in a table without borders, each over its caption.
    fn chart_pair(&mut self, a: &Chart, b: &Chart) {
        let half = text_width_twips(self.landscape) / 2;
        let _ = write!(
            self.out,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w=\"{half}\"/><w:gridCol w:w=\"{half}\"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>",
            half * 2
        );
        for c in [a, b] {
            let _ = write!(
                self.out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{half}\" w:type=\"dxa\"/></w:tcPr>"
            );
            self.chart(c);
            self.out.push_str("</w:tc>");
        }
        self.out.push_str("</w:tr></w:tbl>");
    }

    /// A chart as a picture drawn from its SVG, with its caption under it; the chart's table
    /// where no font on the machine can set its Chinese labels (never boxes).
    fn chart(&mut self, c: &Chart) {
        let svg = super::chart::svg(c);
        let png = super::raster::cjk_font().map(|fonts| super::raster::png(&svg, fonts, 2.0));
        let Some(Ok(png)) = png else {
            warn_no_font();
            self.para(
                Some("Note"),
                "<w:keepNext/><w:jc w:val=\"center\"/>",
                &c.caption,
            );
            self.table(&c.table);
            return;
        };
        self.images.push(png);
        let n = self.images.len();
        // 9525 EMU to the SVG pixel (1/96 inch).
        let cx = (super::chart::width(c) * 9525.0) as u64;
        let cy = (super::chart::height(c) * 9525.0) as u64;
        let _ = write!(
            self.out,
            "<w:p><w:pPr><w:keepNext/><w:spacing w:before=\"120\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{n}\" name=\"图表{n}\"/><a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"chart{n}.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdChart{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        );
        self.para(Some("Note"), "<w:jc w:val=\"center\"/>", &c.caption);
    }

    /// Ends the current section (with its orientation) in an empty, one-point paragraph.
    fn section_break(&mut self) {
        let _ = write!(
            self.out,
            "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr>{}</w:pPr></w:p>",
            section_properties(self.landscape)
        );
        self.page_break_next = false;
    }

    fn table(&mut self, t: &Table) {
        let (pt, style, head, margin) = if t.dense {
            (9.0, "TableDense", "TableHeadDense", 14)
        } else {
            (12.0, "TableText", "TableHead", 57)
        };
        let total = text_width_twips(self.landscape);
        let em_twips = pt * 20.0;
        let widths = column_widths(t, total as f32 / em_twips);
        let widths: Vec<u32> = widths.iter().map(|w| (w * em_twips) as u32).collect();
        let _ = write!(
            self.out,
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>\
             <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"{margin}\" w:type=\"dxa\"/><w:right w:w=\"{margin}\" w:type=\"dxa\"/></w:tblCellMar>\
             <w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
            widths.iter().sum::<u32>()
        );
        for w in &widths {
            let _ = write!(self.out, "<w:gridCol w:w=\"{w}\"/>");
        }
        self.out.push_str("</w:tblGrid>");
        // The header row repeats on every page; vertical unit names need a tall row.
        let tall = if t.vertical_header {
            let longest = t
                .header
                .iter()
                .skip(1)
                .map(|c| Inline::plain(c).chars().count())
                .max()
                .unwrap_or(1);
            format!(
                "<w:trHeight w:val=\"{}\" w:hRule=\"exact\"/>",
                (longest as f32 * pt * 20.0 * 1.25 + 240.0) as u32
            )
        } else {
            String::new()
        };
        let _ = write!(
            self.out,
            "<w:tr><w:trPr><w:cantSplit/>{tall}<w:tblHeader/></w:trPr>"
        );
        for (i, cell) in t.header.iter().enumerate() {
            let vertical = t.vertical_header && i > 0;
            let props = if vertical {
                "<w:textDirection w:val=\"tbRl\"/><w:vAlign w:val=\"bottom\"/>"
            } else {
                "<w:vAlign w:val=\"center\"/>"
            };
            self.cell(widths[i], props, head, "<w:jc w:val=\"center\"/>", cell);
        }
        self.out.push_str("</w:tr>");
        for row in &t.rows {
            self.out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            for (i, cell) in row.iter().enumerate() {
                let col = &t.columns[i];
                let jc = match col.align {
                    Align::Center => "<w:jc w:val=\"center\"/>",
                    Align::Right => "<w:jc w:val=\"right\"/>",
                    Align::Left | Align::Default => "<w:jc w:val=\"left\"/>",
                };
                self.cell(widths[i], "<w:vAlign w:val=\"center\"/>", style, jc, cell);
            }
            self.out.push_str("</w:tr>");
        }
        self.out.push_str("</w:tbl>");
        // Word needs a paragraph between a table and what follows.
        self.out
            .push_str("<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>");
    }

    fn cell(&mut self, width: u32, props: &str, style: &str, jc: &str, content: &[Inline]) {
        let _ = write!(
            self.out,
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{jc}</w:pPr>"
        );
        runs(content, RunStyle::default(), &mut self.out);
        self.out.push_str("</w:p></w:tc>");
    }

    /// The 版记: a table of lines between rules, floating at the foot of the page it ends.
    fn colophon(&mut self, lines: &[ColophonLine]) {
        let width = text_width_twips(self.landscape);
        let _ = write!(
            self.out,
            "<w:tbl><w:tblPr><w:tblpPr w:leftFromText=\"0\" w:rightFromText=\"0\" w:topFromText=\"0\" w:bottomFromText=\"0\" \
             w:vertAnchor=\"margin\" w:horzAnchor=\"margin\" w:tblpXSpec=\"center\" w:tblpYSpec=\"bottom\"/>\
             <w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblBorders>\
             <w:top w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"/>\
             <w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideH w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>\
             <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar>\
             </w:tblPr><w:tblGrid><w:gridCol w:w=\"{width}\"/></w:tblGrid>"
        );
        // 4号 type: one character is 280 twips; the lines sit one character in.
        let tab = width - 280;
        for line in lines {
            let _ = write!(
                self.out,
                "<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>\
                 <w:p><w:pPr><w:pStyle w:val=\"Colophon\"/><w:tabs><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs></w:pPr>"
            );
            runs(&line.left, RunStyle::default(), &mut self.out);
            if let Some(right) = &line.right {
                self.out.push_str("<w:r><w:tab/></w:r>");
                runs(right, RunStyle::default(), &mut self.out);
            }
            self.out.push_str("</w:p></w:tc></w:tr>");
        }
        self.out.push_str("</w:tbl><w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>");
    }
}

/// Formatting a run inherits from the inlines around it.
#[derive(Clone, Copy, Default)]
struct RunStyle {
    lead: bool,
    bold: bool,
    italic: bool,
}

impl RunStyle {
    /// Run properties in the order the schema requires (style, bold, italic).
    fn properties(self) -> String {
        let mut p = String::new();
        if self.lead {
            p.push_str("<w:rStyle w:val=\"LeadIn\"/>");
        }
        if self.bold {
            p.push_str("<w:b/><w:bCs/>");
        }
        if self.italic {
            p.push_str("<w:i/><w:iCs/>");
        }
        p
    }
}

/// Runs of inlines with the formatting they inherit.
fn runs(content: &[Inline], style: RunStyle, out: &mut String) {
    for i in content {
        match i {
            Inline::Text(t) => {
                let rpr = style.properties();
                if rpr.is_empty() {
                    let _ = write!(
                        out,
                        "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                        esc(t)
                    );
                } else {
                    let _ = write!(
                        out,
                        "<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                        esc(t)
                    );
                }
            }
            Inline::Strong(c) => runs(
                c,
                RunStyle {
                    bold: true,
                    ..style
                },
                out,
            ),
            Inline::Emph(c) => runs(
                c,
                RunStyle {
                    italic: true,
                    ..style
                },
                out,
            ),
            Inline::LeadIn(c) => runs(
                c,
                RunStyle {
                    lead: true,
                    ..style
                },
                out,
            ),
            Inline::LineBreak => out.push_str("<w:r><w:br/></w:r>"),
            Inline::BreakHint => {}
        }
    }
}

fn footer(odd: bool) -> String {
    // 4号 type (14 pt, 280 twips a character): odd pages right, even pages left, one in.
    let (jc, ind) = if odd {
        ("right", "<w:ind w:right=\"280\"/>")
    } else {
        ("left", "<w:ind w:left=\"280\"/>")
    };
    format!(
        "{XML_DECL}<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>{ind}<w:jc w:val=\"{jc}\"/></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">— </w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
         <w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    )
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
                  xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdFonts\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rIdFooterOdd\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
<Relationship Id=\"rIdFooterEven\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>\
</Relationships>";

const APP_PROPS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>nianbao</Application></Properties>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/>\
<w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>";

/// Fonts as office machines name them, each with the free font that stands in elsewhere.
const FONT_TABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"宋体\"/><w:charset w:val=\"86\"/><w:family w:val=\"script\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"楷体_GB2312\"><w:altName w:val=\"楷体\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>\
<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>\
</w:fonts>";

/// Paragraph and character styles. Heading1–4 carry Word's built-in names ("heading 1" …)
/// and outline levels, so the navigation pane and TOC fields find them.
const STYLES: &str = include_str!("docx-styles.xml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_drops_what_xml_forbids() {
        assert_eq!(esc("a<b>&\"c\u{1}d\u{FFFF}"), "a&lt;b&gt;&amp;&quot;cd");
    }

    #[test]
    fn run_properties_keep_the_schema_order_however_inlines_nest() {
        let mut out = String::new();
        let nested = Inline::Emph(vec![Inline::Strong(vec![Inline::LeadIn(vec![
            Inline::Text("甲".into()),
        ])])]);
        runs(&[nested], RunStyle::default(), &mut out);
        assert_eq!(
            out,
            "<w:r><w:rPr><w:rStyle w:val=\"LeadIn\"/><w:b/><w:bCs/><w:i/><w:iCs/></w:rPr><w:t xml:space=\"preserve\">甲</w:t></w:r>"
        );
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let doc = Document {
            title: vec![Inline::Text("标题".into())],
            date: None,
            masthead: None,
            blocks: vec![Block::Para(vec![Inline::Text("正文".into())])],
        };
        assert_eq!(render(&doc).unwrap(), render(&doc).unwrap());
    }
}
