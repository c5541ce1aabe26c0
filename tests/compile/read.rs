//! Reading each output format back with a real parser into the same shape — a list of
//! paragraphs, each with its heading level (1 一、 … 4 （1）) if it is a heading — so that one
//! set of checks covers every format.

use std::collections::BTreeMap;
use std::io::Read;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use scraper::{Html, Selector};

/// One paragraph, heading or table cell of a document, as its reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    /// Heading level in the document model (1 = 一、), none for body text.
    pub heading: Option<u8>,
    /// Its text.
    pub text: String,
}

/// Markdown through pulldown-cmark (CommonMark with GFM tables).
pub fn markdown(md: &str) -> Vec<Para> {
    let mut out = Vec::new();
    let mut current: Option<Para> = None;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut in_meta = false;
    for event in Parser::new_ext(md, opts) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    _ => 5,
                };
                current = Some(Para {
                    heading: Some(level),
                    text: String::new(),
                });
            }
            Event::Start(Tag::Paragraph | Tag::TableCell) => {
                current = Some(Para {
                    heading: None,
                    text: String::new(),
                })
            }
            Event::Text(t) | Event::Code(t) if !in_meta => {
                if let Some(p) = current.as_mut() {
                    p.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = current.as_mut() {
                    p.text.push('\n');
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::TableCell) => {
                out.extend(current.take())
            }
            _ => {}
        }
    }
    out
}

/// HTML through an HTML5 parser: headings h2–h5 are levels 1–4.
pub fn html(page: &str) -> Vec<Para> {
    let doc = Html::parse_document(page);
    let sel = Selector::parse(
        "main h1, main h2, main h3, main h4, main h5, main p, main li, main th, main td",
    )
    .unwrap();
    doc.select(&sel)
        .map(|e| {
            let name = e.value().name();
            let heading = match name {
                "h2" if !e.value().classes().any(|c| c == "annex-title") => Some(1),
                "h3" => Some(2),
                "h4" => Some(3),
                "h5" => Some(4),
                _ => None,
            };
            let mut text = String::new();
            for node in e.descendants() {
                if let Some(t) = node.value().as_text() {
                    text.push_str(t);
                } else if node
                    .value()
                    .as_element()
                    .is_some_and(|el| el.name() == "br")
                {
                    text.push('\n');
                }
            }
            Para { heading, text }
        })
        .collect()
}

/// The XML parts of a .docx file by name (pictures left out; see [`docx_media`]).
pub fn docx_parts(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.starts_with("word/media/")) {
            continue;
        }
        let mut text = String::new();
        f.read_to_string(&mut text).expect("UTF-8 XML");
        parts.insert(f.name().expect("a UTF-8 part name").to_string(), text);
    }
    parts
}

/// The pictures of a .docx file by name, with their bytes.
pub fn docx_media(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut media = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.starts_with("word/media/")) {
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            media.insert(f.name().unwrap_or_default().to_string(), data);
        }
    }
    media
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Word paragraphs (table cells included) with the heading level of their style.
pub fn docx(bytes: &[u8]) -> Vec<Para> {
    let parts = docx_parts(bytes);
    let xml = roxmltree::Document::parse(&parts["word/document.xml"]).expect("well-formed XML");
    xml.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|s| s.attribute((W, "val")))
                .unwrap_or("");
            let heading = style.strip_prefix("Heading").and_then(|n| n.parse().ok());
            let mut text = String::new();
            for n in p.descendants() {
                if n.has_tag_name((W, "t")) {
                    text.push_str(n.text().unwrap_or(""));
                } else if n.has_tag_name((W, "br")) {
                    text.push('\n');
                } else if n.has_tag_name((W, "tab"))
                    && n.parent().is_some_and(|r| r.has_tag_name((W, "r")))
                {
                    text.push('\t');
                }
            }
            Para { heading, text }
        })
        .collect()
}

/// Text with all whitespace removed, so that line breaks and page layout do not matter.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text under each task heading (level 3, "N.title"), up to the next heading of level 3
/// or above, keyed by task number.
pub fn by_task(paras: &[Para]) -> BTreeMap<u32, String> {
    let mut out: BTreeMap<u32, String> = BTreeMap::new();
    let mut current = None;
    for p in paras {
        match p.heading {
            Some(3) => {
                current = p.text.split('.').next().and_then(|n| n.trim().parse().ok());
            }
            Some(_) => current = None,
            None => {
                if let Some(n) = current {
                    let t = out.entry(n).or_default();
                    t.push_str(&p.text);
                    t.push('\n');
                }
            }
        }
    }
    out
}
