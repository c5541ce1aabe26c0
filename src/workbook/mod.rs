//! Reports as workbooks: the fill-in form a unit gets from `init --form xlsx` ([`form`]),
//! the form read back into the canonical YAML report with every value's cell ([`read`]),
//! and the office's ledger of every entry (台账, [`ledger`]).
//!
//! The layout below is the one contract between the writer and the reader. The reader
//! finds sheets by name (or, when renamed, by their header), columns by header text and
//! basic fields by their label, so reordered columns, added columns and moved rows read the
//! same.

pub mod form;
pub mod ledger;
pub mod read;

/// The sheet of instructions.
pub const SHEET_GUIDE: &str = "填报说明";
/// The sheet of basic fields: label in column A, value in column B.
pub const SHEET_BASIC: &str = "基本信息";
/// One row per task.
pub const SHEET_TASKS: &str = "任务进展";
/// One row per major project.
pub const SHEET_PROJECTS: &str = "重大工程";
/// The unit's general problems, one per row.
pub const SHEET_PROBLEMS: &str = "存在的问题";
/// The unit's plans for next year, one per row.
pub const SHEET_NEXT_YEAR: &str = "下一年度打算";

/// Labels of the basic fields, in the form's order.
pub mod basic {
    /// The unit's id (filled in, locked).
    pub const ID: &str = "单位标识";
    /// The unit's full name (filled in, locked).
    pub const UNIT: &str = "报送单位";
    /// The report year (filled in, locked).
    pub const YEAR: &str = "报告年度";
    /// The submission date.
    pub const SUBMITTED: &str = "报送日期";
    /// The contact's name.
    pub const CONTACT: &str = "联系人";
    /// The contact's phone.
    pub const PHONE: &str = "联系电话";
    /// The contact's e-mail (optional).
    pub const EMAIL: &str = "电子邮箱（可不填）";
    /// The summary of the year.
    pub const SUMMARY: &str = "总体情况";
    /// Every label, in the form's order.
    pub const ALL: [&str; 8] = [ID, UNIT, YEAR, SUBMITTED, CONTACT, PHONE, EMAIL, SUMMARY];
}

/// Column headers of the tasks sheet.
pub mod tasks {
    /// Task number (locked).
    pub const NUMBER: &str = "任务编号";
    /// Task title (locked).
    pub const TITLE: &str = "任务名称";
    /// The unit's role (locked).
    pub const ROLE: &str = "本单位角色";
    /// Status, from a drop-down.
    pub const STATUS: &str = "进展状态";
    /// Progress made.
    pub const PROGRESS: &str = "工作进展";
    /// Measures, one per line.
    pub const MEASURES: &str = "主要措施";
    /// Figures, one per line: 名称：数值 单位.
    pub const FIGURES: &str = "数据指标";
    /// Problems, one per line.
    pub const PROBLEMS: &str = "存在问题";
    /// Next steps, one per line.
    pub const NEXT_STEPS: &str = "下一步打算";
    /// Why the task does not apply (with 不涉及).
    pub const REASON: &str = "不涉及的理由";
    /// Every column in the form's order.
    pub const ALL: [&str; 10] = [
        NUMBER, TITLE, ROLE, STATUS, PROGRESS, MEASURES, FIGURES, PROBLEMS, NEXT_STEPS, REASON,
    ];
    /// The columns the unit fills in.
    pub const INPUTS: [&str; 7] = [
        STATUS, PROGRESS, MEASURES, FIGURES, PROBLEMS, NEXT_STEPS, REASON,
    ];
}

/// Column headers of the projects sheet.
pub mod projects {
    /// Project name.
    pub const NAME: &str = "项目名称";
    /// Related task number.
    pub const TASK: &str = "相关任务编号";
    /// Investment in 万元.
    pub const INVESTMENT: &str = "投资额（万元）";
    /// State, from a drop-down.
    pub const STATE: &str = "建设状态";
    /// Every column in the form's order.
    pub const ALL: [&str; 4] = [NAME, TASK, INVESTMENT, STATE];
}

/// A failure of the workbook writer, in words.
pub(crate) fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> anyhow::Error {
    anyhow::anyhow!("无法生成工作簿：{e}")
}

/// A new workbook with a title and a fixed creation time, so the same content gives the
/// same bytes.
pub(crate) fn new_book(title: String) -> anyhow::Result<rust_xlsxwriter::Workbook> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let epoch = rust_xlsxwriter::ExcelDateTime::from_ymd(1980, 1, 1).map_err(xlsx_error)?;
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&epoch),
    );
    Ok(book)
}

/// Wrapped text in 宋体, aligned to the top; `cell` adds a thin border, `header` a bold
/// centred caption on blue.
pub(crate) mod style {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

    /// Plain wrapped text.
    pub fn text(size: u8) -> Format {
        Format::new()
            .set_font_name("宋体")
            .set_font_size(size)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
    }

    /// A table cell.
    pub fn cell(size: u8) -> Format {
        text(size).set_border(FormatBorder::Thin)
    }

    /// A table header.
    pub fn header(size: u8) -> Format {
        cell(size)
            .set_bold()
            .set_background_color("#D9E1F2")
            .set_align(FormatAlign::Center)
    }
}

/// The cells of the unit-filled columns ([`tasks::INPUTS`]) for an entry: the status when
/// chosen, then progress, measures, figures, problems, next steps (one per line) and reason.
pub(crate) fn entry_cells(e: &crate::report::Entry) -> [String; 7] {
    [
        if e.status_chosen {
            e.status.label().to_string()
        } else {
            String::new()
        },
        e.progress.clone(),
        e.measures.join("\n"),
        e.figures
            .iter()
            .map(form::figure_line)
            .collect::<Vec<_>>()
            .join("\n"),
        e.problems.join("\n"),
        e.next_steps.join("\n"),
        e.reason.clone().unwrap_or_default(),
    ]
}

/// Whether a path names a workbook (by its extension).
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xls", "ods"]
            .iter()
            .any(|w| e.eq_ignore_ascii_case(w))
    })
}

/// Reads a report file: a workbook is converted to YAML with the cell of each line; any
/// other file is read as text (with a note on its encoding when it is not UTF-8).
pub fn read_report_source(
    path: &std::path::Path,
) -> Result<
    (
        crate::source::SourceFile,
        Option<crate::diag::Diagnostic>,
        Option<read::CellMap>,
    ),
    Box<crate::diag::Diagnostic>,
> {
    if is_workbook(path) {
        let bytes = crate::source::read_bytes(path)?;
        let (src, cells) = read::convert(path, &bytes)?;
        Ok((src, None, Some(cells)))
    } else {
        let (src, note) = crate::source::SourceFile::read(path)?;
        Ok((src, note, None))
    }
}

/// A cell's name as a spreadsheet shows it: `任务进展!E7` (row and column from 0).
pub fn cell_name(sheet: &str, row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{sheet}!{letters}{}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_show_them() {
        assert_eq!(cell_name("任务进展", 6, 4), "任务进展!E7");
        assert_eq!(cell_name("s", 0, 25), "s!Z1");
        assert_eq!(cell_name("s", 0, 26), "s!AA1");
        assert_eq!(cell_name("s", 9, 27), "s!AB10");
    }
}
