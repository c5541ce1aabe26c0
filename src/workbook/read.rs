//! A filled-in workbook read back into the canonical YAML report. Every value is written
//! on lines of its own, and each line remembers the cell it came from, so the findings the
//! YAML checks make can be moved back onto the cells (`任务进展!E7`). The YAML is what
//! `intake` files; everything downstream reads only YAML.
//!
//! Sheets are found by name, or by their header when renamed; columns by header text; basic
//! fields by their label. Dates may be typed as dates, as text (2026年12月20日, 2026/12/20)
//! or be Excel serial numbers; numbers may be typed as text; Alt+Enter line breaks split
//! list cells into items. `.xls` and `.ods` are read the same way.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};

use super::{
    SHEET_BASIC, SHEET_NEXT_YEAR, SHEET_PROBLEMS, SHEET_PROJECTS, SHEET_TASKS, basic, cell_name,
    projects, tasks,
};
use crate::diag::{Code, Diagnostic};
use crate::report::{PLACEHOLDER_MARK, Status};
use crate::source::SourceFile;

/// The cell each line of the converted YAML came from.
#[derive(Debug, Default)]
pub struct CellMap {
    /// The cell of each line (index 0 is line 1), where one applies.
    cells: Vec<Option<String>>,
}

impl CellMap {
    /// Moves a finding from a line of the YAML onto the cell it came from.
    pub fn relocate(&self, d: Diagnostic) -> Diagnostic {
        match d
            .line
            .and_then(|l| self.cells.get(l - 1))
            .cloned()
            .flatten()
        {
            Some(cell) => d.in_cell(&cell),
            None => d,
        }
    }
}

/// A cell's text as the user sees it: numbers without a needless `.0`, dates as
/// 2026-12-20, line breaks as `\n`, surrounding spaces trimmed.
fn text(d: &Data) -> String {
    let t = match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    };
    t.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

/// A date cell as the report's date text: a date, text as typed, or an Excel serial number
/// (a date cell saved without its date format).
fn date_text(d: &Data) -> String {
    let serial = match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    if let Some(n) = serial.filter(|n| (20000.0..80000.0).contains(n)) {
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
        if let Some(day) = epoch.checked_add_days(chrono::Days::new(n as u64)) {
            return day.to_string();
        }
    }
    text(d)
}

/// One sheet's cells with their absolute positions.
struct Sheet {
    name: String,
    range: Range<Data>,
}

impl Sheet {
    fn origin(&self) -> (u32, u32) {
        self.range.start().unwrap_or((0, 0))
    }

    /// Rows with their absolute row number.
    fn rows(&self) -> impl Iterator<Item = (u32, &[Data])> {
        let (r0, _) = self.origin();
        self.range
            .rows()
            .enumerate()
            .map(move |(i, row)| (r0 + i as u32, row))
    }

    fn cell(&self, row: u32, col_index: usize) -> String {
        cell_name(&self.name, row, self.origin().1 + col_index as u32)
    }

    /// The header row (the first row with any text) and each header's column index.
    fn header(&self) -> Option<(u32, HashMap<String, usize>)> {
        self.rows().find_map(|(r, cells)| {
            let map: HashMap<String, usize> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| (text(c), i))
                .filter(|(t, _)| !t.is_empty())
                .collect();
            (!map.is_empty()).then_some((r, map))
        })
    }
}

/// The YAML being written, line by line, with each line's cell.
#[derive(Default)]
struct Yaml {
    text: String,
    cells: Vec<Option<String>>,
}

/// Whether a text can be written as a block literal (`|-`) and read back unchanged.
fn block_safe(s: &str) -> bool {
    s.lines().all(|l| {
        !l.starts_with([' ', '\t'])
            && !l.chars().any(|c| c.is_control() && c != '\t')
            && !l.ends_with([' ', '\t'])
    }) && !s.starts_with('\n')
}

impl Yaml {
    fn line(&mut self, line: String, cell: Option<&str>) {
        self.text.push_str(&line);
        self.text.push('\n');
        self.cells.push(cell.map(str::to_string));
    }

    /// `key: value`, as a block literal for several lines, else a quoted string.
    fn text(&mut self, indent: usize, key: &str, value: &str, cell: Option<&str>) {
        let pad = " ".repeat(indent);
        if value.contains('\n') && block_safe(value) {
            self.line(format!("{pad}{key}: |-"), cell);
            for l in value.lines() {
                if l.is_empty() {
                    self.line(String::new(), cell);
                } else {
                    self.line(format!("{pad}  {l}"), cell);
                }
            }
        } else {
            self.line(format!("{pad}{key}: {}", quoted(value)), cell);
        }
    }

    /// `key: 3` for a whole number, else the text quoted (the checks then say it is not one).
    fn number(&mut self, indent: usize, key: &str, value: &str, cell: Option<&str>) {
        let pad = " ".repeat(indent);
        let plain = value.parse::<f64>().is_ok_and(f64::is_finite);
        let shown = if plain {
            value.to_string()
        } else {
            quoted(value)
        };
        self.line(format!("{pad}{key}: {shown}"), cell);
    }

    /// A list of texts, one item per non-empty line of the cell.
    fn items(&mut self, indent: usize, key: &str, value: &str, cell: Option<&str>) {
        let items: Vec<&str> = value
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if items.is_empty() {
            return;
        }
        let pad = " ".repeat(indent);
        self.line(format!("{pad}{key}:"), cell);
        for item in items {
            self.line(format!("{pad}  - {}", quoted(item)), cell);
        }
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// A figure line `名称：数值 单位 [指标标识]` as name, value, unit and the plan indicator.
fn figure_with_indicator(line: &str) -> (String, String, Option<String>, Option<String>) {
    let line = line.trim();
    let tagged = line
        .strip_suffix(']')
        .and_then(|l| l.rsplit_once('['))
        .or_else(|| line.strip_suffix('］').and_then(|l| l.rsplit_once('［')));
    let (line, indicator) = match tagged {
        // An id is ASCII (pm25, forest-cover); a bracket of Chinese is part of the text.
        Some((before, id))
            if !id.trim().is_empty()
                && id
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            (before.trim_end(), Some(id.trim().to_string()))
        }
        _ => (line, None),
    };
    let (name, value, unit) = figure(line);
    (name, value, unit, indicator)
}

/// A figure line `名称：数值 单位` (or `名称:数值`), as name, value and unit.
fn figure(line: &str) -> (String, String, Option<String>) {
    let (name, rest) = line
        .rsplit_once('：')
        .or_else(|| line.rsplit_once(':'))
        .unwrap_or((line, ""));
    let rest = rest.trim();
    let number_len = rest
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))
        })
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    let (value, unit) = rest.split_at(number_len);
    if value.parse::<f64>().is_ok() {
        let unit = unit.trim();
        (
            name.trim().to_string(),
            value.to_string(),
            (!unit.is_empty()).then(|| unit.to_string()),
        )
    } else {
        (name.trim().to_string(), rest.to_string(), None)
    }
}

fn unreadable(path: &Path, why: String) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(Code::Syntax, format!("无法作为工作簿读取：{why}"))
            .in_file(path)
            .hint("请用 Excel 或 WPS 打开核对，另存为 .xlsx 工作簿后重新报送；也可以改用报告草稿（.yaml）填写"),
    )
}

/// Reads a workbook's bytes into YAML (under the workbook's path, for messages) with the
/// cell of every line.
pub fn convert(path: &Path, bytes: &[u8]) -> Result<(SourceFile, CellMap), Box<Diagnostic>> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| unreadable(path, e.to_string()))?;
    let mut sheets: Vec<Sheet> = Vec::new();
    for name in book.sheet_names() {
        if let Ok(range) = book.worksheet_range(&name) {
            sheets.push(Sheet { name, range });
        }
    }
    // By name, else by the header the sheet must have (a renamed sheet).
    let find = |name: &str, key: &str| -> Option<&Sheet> {
        sheets.iter().find(|s| s.name.trim() == name).or_else(|| {
            sheets.iter().find(|s| {
                s.rows()
                    .take(30)
                    .any(|(_, cells)| cells.iter().any(|c| text(c) == key))
            })
        })
    };
    let missing = |what: &str| {
        Box::new(
            Diagnostic::new(Code::MissingField, format!("工作簿中没有“{what}”工作表"))
                .in_file(path)
                .hint("请用本单位的报告填报表（由 nianbao init --form xlsx 生成）填写，不要删除或改名其中的工作表"),
        )
    };
    let basic_sheet = find(SHEET_BASIC, basic::ID).ok_or_else(|| missing(SHEET_BASIC))?;
    let task_sheet = find(SHEET_TASKS, tasks::NUMBER).ok_or_else(|| missing(SHEET_TASKS))?;

    let mut y = Yaml::default();
    // Basic fields: label in one cell, value in the next.
    let mut fields: HashMap<String, (Data, String)> = HashMap::new();
    for (row, cells) in basic_sheet.rows() {
        for (i, c) in cells.iter().enumerate() {
            let label = text(c);
            if basic::ALL.contains(&label.as_str()) {
                let value = cells.get(i + 1).cloned().unwrap_or(Data::Empty);
                fields
                    .entry(label)
                    .or_insert((value, basic_sheet.cell(row, i + 1)));
                break;
            }
        }
    }
    let field = |label: &str| -> (String, Option<String>) {
        fields
            .get(label)
            .map(|(d, c)| {
                let t = if label == basic::SUBMITTED {
                    date_text(d)
                } else {
                    text(d)
                };
                (t, Some(c.clone()))
            })
            .unwrap_or_default()
    };
    let (id, id_cell) = field(basic::ID);
    let (unit, unit_cell) = if id.is_empty() {
        field(basic::UNIT)
    } else {
        (id, id_cell)
    };
    y.text(0, "unit", &unit, unit_cell.as_deref());
    let (year, year_cell) = field(basic::YEAR);
    y.number(0, "year", &year, year_cell.as_deref());
    let placeholder = |what: &str| format!("{PLACEHOLDER_MARK}{what}】");
    let or_placeholder = |v: String, what: &str| if v.is_empty() { placeholder(what) } else { v };
    let (submitted, c) = field(basic::SUBMITTED);
    y.text(
        0,
        "submitted",
        &or_placeholder(submitted, "报送日期"),
        c.as_deref(),
    );
    let (name, name_cell) = field(basic::CONTACT);
    y.line("contact:".to_string(), name_cell.as_deref());
    y.text(
        2,
        "name",
        &or_placeholder(name, "联系人姓名"),
        name_cell.as_deref(),
    );
    let (phone, c) = field(basic::PHONE);
    y.text(2, "phone", &or_placeholder(phone, "联系电话"), c.as_deref());
    let (email, c) = field(basic::EMAIL);
    if !email.is_empty() {
        y.text(2, "email", &email, c.as_deref());
    }
    let (summary, c) = field(basic::SUMMARY);
    y.text(
        0,
        "summary",
        &or_placeholder(summary, "本年度总体情况"),
        c.as_deref(),
    );

    // Tasks: one entry per row with anything in it. The columns every entry needs must be
    // there; a deleted one is named rather than read as blank cells.
    let (header_row, cols) = task_sheet.header().unwrap_or_default();
    let col = |h: &str| cols.get(h).copied();
    for needed in [tasks::NUMBER, tasks::STATUS, tasks::PROGRESS] {
        if col(needed).is_none() {
            return Err(Box::new(
                Diagnostic::new(
                    Code::MissingField,
                    format!("“{}”表中没有“{needed}”一列", task_sheet.name),
                )
                .in_file(path)
                .in_cell(&cell_name(
                    &task_sheet.name,
                    header_row,
                    task_sheet.origin().1,
                ))
                .hint("请用原来的填报表填写，不要删除或改动表头；列的先后可以调整"),
            ));
        }
    }
    let tasks_cell = cell_name(&task_sheet.name, header_row, task_sheet.origin().1);
    y.line("tasks:".to_string(), Some(&tasks_cell));
    let mut any = false;
    for (row, cells) in task_sheet.rows().filter(|(r, _)| *r > header_row) {
        let get = |h: &str| -> (String, Option<String>) {
            match col(h) {
                Some(i) => (
                    cells.get(i).map(text).unwrap_or_default(),
                    Some(task_sheet.cell(row, i)),
                ),
                None => (String::new(), None),
            }
        };
        let (number, number_cell) = get(tasks::NUMBER);
        // A row with nothing filled in is no entry, whatever the form printed in it: the
        // task is then "not reported", as for a YAML report that leaves it out.
        if tasks::INPUTS.iter().all(|h| get(h).0.is_empty()) {
            continue;
        }
        any = true;
        let pad = 4;
        let first = if number.parse::<u32>().is_ok() {
            number.clone()
        } else {
            quoted(&number)
        };
        y.line(format!("  - task: {first}"), number_cell.as_deref());
        let (status, c) = get(tasks::STATUS);
        let status_text = if status.is_empty() {
            placeholder("进展状态，从下拉列表中选择")
        } else {
            status.clone()
        };
        y.text(pad, "status", &status_text, c.as_deref());
        let (progress, c) = get(tasks::PROGRESS);
        let not_applicable = Status::parse(&status) == Some(Status::NotApplicable);
        if !(progress.is_empty() && not_applicable) {
            y.text(pad, "progress", &progress, c.as_deref());
        }
        for (key, header) in [
            ("measures", tasks::MEASURES),
            ("problems", tasks::PROBLEMS),
            ("next_steps", tasks::NEXT_STEPS),
        ] {
            let (v, c) = get(header);
            y.items(pad, key, &v, c.as_deref());
        }
        let (figures, c) = get(tasks::FIGURES);
        let lines: Vec<&str> = figures
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            y.line("    figures:".to_string(), c.as_deref());
            for l in lines {
                let (name, value, unit, indicator) = figure_with_indicator(l);
                y.text(6, "- name", &name, c.as_deref());
                if value.parse::<f64>().is_ok() {
                    y.number(8, "value", &value, c.as_deref());
                } else {
                    y.text(8, "value", &value, c.as_deref());
                }
                if let Some(u) = unit {
                    y.text(8, "unit", &u, c.as_deref());
                }
                if let Some(id) = indicator {
                    y.text(8, "indicator", &id, c.as_deref());
                }
            }
        }
        let (reason, c) = get(tasks::REASON);
        if !reason.is_empty() {
            y.text(pad, "reason", &reason, c.as_deref());
        }
    }
    if !any {
        // An empty list, so the checks say no task was reported rather than that the
        // list is missing.
        let last = y.text.len() - 1;
        y.text.insert_str(last, " []");
    }

    // Projects.
    if let Some(sheet) = find(SHEET_PROJECTS, projects::NAME) {
        let (header_row, cols) = sheet.header().unwrap_or_default();
        let mut lines = Yaml::default();
        for (row, cells) in sheet.rows().filter(|(r, _)| *r > header_row) {
            let get = |h: &str| -> (String, Option<String>) {
                match cols.get(h) {
                    Some(&i) => (
                        cells.get(i).map(text).unwrap_or_default(),
                        Some(sheet.cell(row, i)),
                    ),
                    None => (String::new(), None),
                }
            };
            let fields = projects::ALL.map(get);
            if fields.iter().all(|(v, _)| v.is_empty()) {
                continue;
            }
            let [(name, nc), (task, tc), (investment, ic), (state, sc)] = fields;
            lines.text(2, "- name", &name, nc.as_deref());
            if !task.is_empty() {
                lines.number(4, "task", &task, tc.as_deref());
            }
            if !investment.is_empty() {
                lines.number(4, "investment", &investment, ic.as_deref());
            }
            lines.text(4, "state", &state, sc.as_deref());
        }
        if !lines.text.is_empty() {
            y.line("projects:".to_string(), None);
            y.text.push_str(&lines.text);
            y.cells.extend(lines.cells);
        }
    }
    // General problems and next year's plans: one per non-empty row.
    for (key, name) in [("problems", SHEET_PROBLEMS), ("next_year", SHEET_NEXT_YEAR)] {
        let Some(sheet) = find(name, name) else {
            continue;
        };
        let header_row = sheet.header().map(|(r, _)| r).unwrap_or(0);
        let items: Vec<(String, String)> = sheet
            .rows()
            .filter(|(r, _)| *r > header_row)
            .filter_map(|(row, cells)| {
                let (i, t) = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (i, text(c)))
                    .find(|(_, t)| !t.is_empty())?;
                Some((t, sheet.cell(row, i)))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        y.line(format!("{key}:"), None);
        for (t, cell) in items {
            y.line(format!("  - {}", quoted(&t)), Some(&cell));
        }
    }
    Ok((
        SourceFile::from_text(path, y.text),
        CellMap { cells: y.cells },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_lines_split_into_name_value_and_unit() {
        assert_eq!(
            figure("地级城市PM2.5平均浓度：28.9 微克/立方米"),
            (
                "地级城市PM2.5平均浓度".into(),
                "28.9".into(),
                Some("微克/立方米".into())
            )
        );
        assert_eq!(
            figure("优良比例:96.7%"),
            ("优良比例".into(), "96.7".into(), Some("%".into()))
        );
        assert_eq!(
            figure("出境断面水质：Ⅱ类"),
            ("出境断面水质".into(), "Ⅱ类".into(), None)
        );
        assert_eq!(figure("装机：-3 万千瓦").1, "-3");
    }

    #[test]
    fn a_bracketed_id_at_the_end_links_the_figure_to_a_plan_indicator() {
        assert_eq!(
            figure_with_indicator("森林覆盖率：13.2 % [forest-cover]"),
            (
                "森林覆盖率".into(),
                "13.2".into(),
                Some("%".into()),
                Some("forest-cover".into())
            )
        );
        assert_eq!(
            figure_with_indicator("PM2.5浓度：29 微克/立方米 ［pm25］").3,
            Some("pm25".into())
        );
        assert_eq!(figure_with_indicator("水质：Ⅱ类").3, None);
        assert_eq!(figure_with_indicator("说明：[见附表]").3, None);
    }

    #[test]
    fn serial_numbers_and_typed_dates_become_dates() {
        assert_eq!(date_text(&Data::Float(46011.0)), "2025-12-20");
        assert_eq!(
            date_text(&Data::String("2026年12月20日".into())),
            "2026年12月20日"
        );
        assert_eq!(date_text(&Data::Int(3)), "3");
    }

    #[test]
    fn texts_that_a_block_literal_would_change_are_quoted() {
        assert!(block_safe("第一段\n第二段"));
        assert!(!block_safe("  缩进的一行\n第二行"));
        assert!(!block_safe("行尾空格 \n第二行"));
    }
}
