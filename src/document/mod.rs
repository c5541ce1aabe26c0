//! The document model: what a rendered template means, independent of any output format.
//!
//! A template renders source text (Markdown with a few markers, see `docs/architecture.md`);
//! [`read`] turns it into a [`Document`] once, and every writer in [`crate::writer`] turns
//! that one tree into its format. Words come only from the template; writers add layout.

pub mod read;

pub use read::{escape, escape_cell, read};

use chrono::NaiveDate;

/// A whole document: its title, its date (for document properties) and its blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The title (发文标题), possibly with break hints between phrases.
    pub title: Vec<Inline>,
    /// The date of the document (成文日期), for document properties; none when blank.
    pub date: Option<NaiveDate>,
    /// The 版头 above the title, when the document has one.
    pub masthead: Option<Masthead>,
    /// The body, in reading order.
    pub blocks: Vec<Block>,
}

/// Inline content of a paragraph, heading or table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text, shown exactly as given.
    Text(String),
    /// Strong emphasis.
    Strong(Vec<Inline>),
    /// Emphasis.
    Emph(Vec<Inline>),
    /// A lead-in that opens a paragraph, e.g. the unit an account comes from.
    LeadIn(Vec<Inline>),
    /// A forced line break.
    LineBreak,
    /// A place where a line may break (between the phrases of a title).
    BreakHint,
}

/// How a table column's text is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// As the format's default (left for text).
    Default,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// A table column's layout hints.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Alignment of the column's body cells.
    pub align: Align,
    /// Relative width (weights of all columns are compared); none means "fit the content".
    pub width: Option<u32>,
    /// Never break a line inside this column's cells (unit names, dates).
    pub nowrap: bool,
}

/// A table: one header row and body rows, with layout hints.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// One entry per column.
    pub columns: Vec<Column>,
    /// The header row, repeated on every page the table spans.
    pub header: Vec<Vec<Inline>>,
    /// Body rows; every row has as many cells as there are columns.
    pub rows: Vec<Vec<Vec<Inline>>>,
    /// Header cells after the first are set vertically (narrow unit columns).
    pub vertical_header: bool,
    /// A dense table in small type (a matrix of marks).
    pub dense: bool,
    /// The first cell of each body row heads its row.
    pub row_heads: bool,
}

/// What kind of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Values over ordered categories (years) joined by lines; the first series solid with
    /// its values printed, the others (targets) dashed.
    Line,
    /// One horizontal bar per category (long Chinese labels read on the left).
    Bars,
}

/// One series of a chart: a name and one value (or none) per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// One value per category; none where there is no number.
    pub values: Vec<Option<f64>>,
}

/// A chart with its caption and the table it is drawn from (writers that cannot draw
/// print the table instead).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Line or bars.
    pub kind: ChartKind,
    /// The caption under the chart, e.g. 图1　…
    pub caption: Vec<Inline>,
    /// Unit of the values, printed on the axis; may be empty.
    pub unit: String,
    /// Upper end of the value axis when the values have a natural one (100 for shares).
    pub max: Option<f64>,
    /// Category labels (years, section titles).
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
    /// The data as a table.
    pub table: Table,
}

/// One line of the 版记 (colophon): text on the left, optionally text on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct ColophonLine {
    /// Left part, e.g. 抄送：… or the 印发机关.
    pub left: Vec<Inline>,
    /// Right part, e.g. 2026年12月28日印发.
    pub right: Option<Vec<Inline>>,
}

/// The 版头 of an official document (GB/T 9704 7.2): the issuing body's mark in red, then
/// the document number with the signing-off person of a 上行文, over a red rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Masthead {
    /// 发文机关标志, e.g. 某某办公室 or 某某办公室文件.
    pub mark: Vec<Inline>,
    /// 发文字号, e.g. 宁美建办〔2026〕1号, set one character in from the left.
    pub number: Vec<Inline>,
    /// 签发人, set one character in from the right after “签发人：”.
    pub sign_off: Vec<Inline>,
}

/// An annex (附件): its label, title, orientation and content; always starts a new page.
#[derive(Debug, Clone, PartialEq)]
pub struct Annex {
    /// The label printed above the title, e.g. 附件1.
    pub label: String,
    /// The annex title.
    pub title: Vec<Inline>,
    /// Printed on landscape pages (wide tables).
    pub landscape: bool,
    /// The annex body.
    pub blocks: Vec<Block>,
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The addressee (主送机关), flush left, followed by a colon in the text.
    Addressee(Vec<Inline>),
    /// A numbered heading of the body: level 1 一、, 2 （一）, 3 1., 4 （1）.
    Heading {
        /// 1 to 4.
        level: u8,
        /// Heading text, numbering included.
        content: Vec<Inline>,
    },
    /// A body paragraph with a first-line indent of two characters.
    Para(Vec<Inline>),
    /// A note set apart from the body: no indent, smaller type (a legend, a source line).
    Note(Vec<Inline>),
    /// A list; each item is one paragraph of inlines.
    List {
        /// Numbered (1. 2. 3.) or bulleted.
        ordered: bool,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
    /// A table.
    Table(Table),
    /// A chart drawn from a table.
    Chart(Chart),
    /// The list of annexes after the body: 附件：1.… with following items aligned under the first.
    Attachments {
        /// The label, e.g. 附件：.
        label: Vec<Inline>,
        /// Annex names in order.
        items: Vec<Vec<Inline>>,
    },
    /// The signature: the issuing body's name centred over the date.
    Signature {
        /// 署名.
        signer: Vec<Inline>,
        /// 成文日期 as printed (may be a blank form to fill by hand).
        date: Vec<Inline>,
    },
    /// An annex on new pages.
    Annex(Annex),
    /// The 版记 at the foot of the last page.
    Colophon(Vec<ColophonLine>),
    /// A forced page break.
    PageBreak,
}

impl Inline {
    /// The text of inlines without any formatting; line breaks become newlines.
    pub fn plain(inlines: &[Inline]) -> String {
        let mut out = String::new();
        plain_into(inlines, &mut out);
        out
    }
}

fn plain_into(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) => out.push_str(t),
            Inline::Strong(c) | Inline::Emph(c) | Inline::LeadIn(c) => plain_into(c, out),
            Inline::LineBreak => out.push('\n'),
            Inline::BreakHint => {}
        }
    }
}

impl Document {
    /// The title as plain text.
    pub fn title_text(&self) -> String {
        Inline::plain(&self.title)
    }
}
