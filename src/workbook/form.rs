//! The fill-in workbook for one unit: instructions, basic fields, one row per assigned
//! task with a status drop-down and the task's full text as a note, major projects,
//! problems and next year's plans. Cells the unit must not change (unit, year, task
//! number, title and role) are locked; the sheets are protected without a password, so a
//! unit can still unprotect them if it must, but will not overwrite them by accident.

use anyhow::{Context, Result};
use rust_xlsxwriter::{DataValidation, Format, Note, Worksheet};

use super::{
    SHEET_BASIC, SHEET_GUIDE, SHEET_NEXT_YEAR, SHEET_PROBLEMS, SHEET_PROJECTS, SHEET_TASKS, basic,
    entry_cells, new_book, projects, style, tasks, xlsx_error,
};
use crate::compile::numerals::cn_date;
use crate::plan::{Plan, Unit};
use crate::report::{Entry, Figure, FigureValue, ProjectState, Report, Status};

/// Rows left for projects, problems and plans.
const SPARE_ROWS: u32 = 30;

/// One line of the figures cell: `名称：数值 单位`, or `名称：文字` for a text value, with
/// `[指标标识]` at the end when the figure reports a plan indicator.
pub fn figure_line(f: &Figure) -> String {
    let value = match &f.value {
        FigureValue::Number(n) => n.to_string(),
        FigureValue::Text(t) => t.clone(),
    };
    let line = match &f.unit {
        Some(u) if !u.is_empty() => format!("{}：{value} {u}", f.name),
        _ => format!("{}：{value}", f.name),
    };
    match &f.indicator {
        Some(id) => format!("{line} [{id}]"),
        None => line,
    }
}

struct Formats {
    header: Format,
    locked: Format,
    input: Format,
    text: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: style::header(11),
            locked: style::cell(11).set_background_color("#F2F2F2"),
            input: style::cell(11).set_unlocked(),
            text: style::text(11),
        }
    }
}

/// Writes text, or a blank cell with the same format when there is none (an empty string
/// cell would count as filled in).
fn put(ws: &mut Worksheet, row: u32, col: u16, value: &str, format: &Format) -> Result<()> {
    if value.is_empty() {
        ws.write_blank(row, col, format).map_err(xlsx_error)?;
    } else {
        ws.write_string_with_format(row, col, value, format)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

/// Printed on A4 across, as wide as the page, the header repeated on every page: a unit
/// may print its form to have it signed off.
fn print_setup(ws: &mut Worksheet, header: bool) -> Result<()> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    if header {
        ws.set_repeat_rows(0, 0).map_err(xlsx_error)?;
    }
    Ok(())
}

/// The workbook for a unit and year, as bytes; `prefill` fills it in from a report (the
/// same report, written as a workbook).
pub fn form(plan: &Plan, unit: &Unit, year: i32, prefill: Option<&Report>) -> Result<Vec<u8>> {
    let mut book = new_book(format!("{}{year}年度工作情况报告", unit.short))?;
    let f = Formats::new();
    guide_sheet(book.add_worksheet(), plan, unit, year, &f)?;
    basic_sheet(book.add_worksheet(), unit, year, prefill, &f)?;
    task_sheet(book.add_worksheet(), plan, unit, prefill, &f)?;
    project_sheet(book.add_worksheet(), prefill, &f)?;
    list_sheet(
        book.add_worksheet(),
        SHEET_PROBLEMS,
        prefill.map(|r| r.problems.as_slice()).unwrap_or_default(),
        &f,
    )?;
    list_sheet(
        book.add_worksheet(),
        SHEET_NEXT_YEAR,
        prefill.map(|r| r.next_year.as_slice()).unwrap_or_default(),
        &f,
    )?;
    book.worksheets_mut()[1].set_active(true);
    book.save_to_buffer()
        .map_err(xlsx_error)
        .context("无法生成工作簿")
}

fn guide_sheet(ws: &mut Worksheet, plan: &Plan, unit: &Unit, year: i32, f: &Formats) -> Result<()> {
    ws.set_name(SHEET_GUIDE).map_err(xlsx_error)?;
    ws.set_column_width(0, 120).map_err(xlsx_error)?;
    let deadline = plan.deadline(year).map(cn_date).unwrap_or_default();
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
    let lines = [
        format!(
            "{}{year}年度{}工作情况报告（填报表）",
            unit.name, plan.subject
        ),
        format!("依据：《{}》", plan.title),
        format!(
            "报送：{deadline}前报{}，抄送{}。",
            plan.reporting.to, plan.reporting.cc
        ),
        String::new(),
        "怎样填写".to_string(),
        format!(
            "1. “{SHEET_BASIC}”表：填写报送日期（如 {year}-12-20）、联系人、联系电话和本年度总体情况。单位和年度已填好，不能修改。"
        ),
        format!(
            "2. “{SHEET_TASKS}”表：每一行是方案分给本单位的一项任务（把鼠标停在任务名称上可看方案原文）。\
             每行都要选“{}”、填写“{}”。",
            tasks::STATUS,
            tasks::PROGRESS
        ),
        format!("   进展状态从下拉列表中选：{}。", statuses.join("、")),
        format!(
            "   选“不涉及”的，在“{}”一栏写明原因，工作进展可以不填。",
            tasks::REASON
        ),
        format!(
            "   {}、{}、{}可以写多条，一条一行（单元格内换行：Alt+Enter；WPS 同）。",
            tasks::MEASURES,
            tasks::PROBLEMS,
            tasks::NEXT_STEPS
        ),
        format!(
            "   {}一条一行，写成“名称：数值 单位”，如“地表水国控断面水质优良比例：96.7 %”；报告方案指标的，在末尾加方括号写指标标识，如“… 96.7 % [surface-water]”。",
            tasks::FIGURES
        ),
        "   做了分工之外的任务，可以在表格末尾另起一行，写上任务编号。".to_string(),
        format!("3. “{SHEET_PROJECTS}”表（可不填）：每个重大工程一行，建设状态从下拉列表中选。"),
        format!("4. “{SHEET_PROBLEMS}”“{SHEET_NEXT_YEAR}”表：每条一行。"),
        String::new(),
        "填好后保存（保持 .xlsx 格式），报送前可用“自查”工具检查；不要改动工作表和表头的名称。"
            .to_string(),
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, line, &f.text)
            .map_err(xlsx_error)?;
    }
    print_setup(ws, false)?;
    ws.protect();
    Ok(())
}

fn basic_sheet(
    ws: &mut Worksheet,
    unit: &Unit,
    year: i32,
    prefill: Option<&Report>,
    f: &Formats,
) -> Result<()> {
    ws.set_name(SHEET_BASIC).map_err(xlsx_error)?;
    ws.set_column_width(0, 18).map_err(xlsx_error)?;
    ws.set_column_width(1, 80).map_err(xlsx_error)?;
    ws.write_string_with_format(0, 0, "项目", &f.header)
        .map_err(xlsx_error)?;
    ws.write_string_with_format(0, 1, "填写内容", &f.header)
        .map_err(xlsx_error)?;
    let given = |get: fn(&Report) -> String| prefill.map(get).unwrap_or_default();
    let rows: [(&str, String, bool); 8] = [
        (basic::ID, unit.id.clone(), true),
        (basic::UNIT, unit.name.clone(), true),
        (basic::YEAR, year.to_string(), true),
        (
            basic::SUBMITTED,
            given(|r| r.submitted.map(|d| d.to_string()).unwrap_or_default()),
            false,
        ),
        (basic::CONTACT, given(|r| r.contact.name.clone()), false),
        (basic::PHONE, given(|r| r.contact.phone.clone()), false),
        (
            basic::EMAIL,
            given(|r| r.contact.email.clone().unwrap_or_default()),
            false,
        ),
        (basic::SUMMARY, given(|r| r.summary.clone()), false),
    ];
    for (i, (label, value, locked)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, *label, &f.locked)
            .map_err(xlsx_error)?;
        let format = if *locked { &f.locked } else { &f.input };
        put(ws, row, 1, value, format)?;
    }
    ws.set_row_height(8, 240).map_err(xlsx_error)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    print_setup(ws, true)?;
    ws.protect();
    Ok(())
}

fn task_sheet(
    ws: &mut Worksheet,
    plan: &Plan,
    unit: &Unit,
    prefill: Option<&Report>,
    f: &Formats,
) -> Result<()> {
    ws.set_name(SHEET_TASKS).map_err(xlsx_error)?;
    for (col, (header, width)) in tasks::ALL
        .iter()
        .zip([8, 26, 10, 12, 60, 40, 36, 36, 36, 30])
        .enumerate()
    {
        ws.set_column_width(col as u16, width).map_err(xlsx_error)?;
        ws.write_string_with_format(0, col as u16, *header, &f.header)
            .map_err(xlsx_error)?;
    }
    // The assigned tasks, then any task the prefilled report adds outside them.
    let mut rows: Vec<(u32, String, &str, Option<&Entry>)> = plan
        .assignments(unit)
        .map(|(t, role)| {
            let entry = prefill.and_then(|r| r.entry(t.number));
            (t.number, t.title.clone(), role.label(), entry)
        })
        .collect();
    if let Some(r) = prefill {
        for e in &r.entries {
            if !rows.iter().any(|(n, ..)| *n == e.task) {
                let title = plan
                    .task(e.task)
                    .map(|t| t.title.clone())
                    .unwrap_or_default();
                rows.push((e.task, title, "协同", Some(e)));
            }
        }
    }
    let last = rows.len() as u32 + SPARE_ROWS;
    for (i, (number, title, role, entry)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number_with_format(row, 0, f64::from(*number), &f.locked)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(row, 1, title, &f.locked)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(row, 2, *role, &f.locked)
            .map_err(xlsx_error)?;
        if let Some(task) = plan.task(*number) {
            let note = Note::new(format!("方案原文：{}", task.text))
                .set_width(480)
                .set_height(240)
                .add_author_prefix(false);
            ws.insert_note(row, 1, &note).map_err(xlsx_error)?;
        }
        let cells = entry.map(entry_cells).unwrap_or_default();
        for (k, value) in cells.iter().enumerate() {
            put(ws, row, 3 + k as u16, value, &f.input)?;
        }
        ws.set_row_height(row, 90).map_err(xlsx_error)?;
    }
    // Spare rows for tasks outside the assignment: every cell may be filled in.
    for row in rows.len() as u32 + 1..=last {
        for col in 0..tasks::ALL.len() as u16 {
            ws.write_blank(row, col, &f.input).map_err(xlsx_error)?;
        }
    }
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
    let validation = DataValidation::new()
        .allow_list_strings(&statuses)
        .map_err(xlsx_error)?
        .set_error_title("进展状态")
        .map_err(xlsx_error)?
        .set_error_message(format!("请从下拉列表中选择：{}", statuses.join("、")))
        .map_err(xlsx_error)?;
    ws.add_data_validation(1, 3, last, 3, &validation)
        .map_err(xlsx_error)?;
    ws.set_freeze_panes(1, 2).map_err(xlsx_error)?;
    print_setup(ws, true)?;
    ws.protect();
    Ok(())
}

fn project_sheet(ws: &mut Worksheet, prefill: Option<&Report>, f: &Formats) -> Result<()> {
    ws.set_name(SHEET_PROJECTS).map_err(xlsx_error)?;
    for (col, (header, width)) in projects::ALL.iter().zip([50, 14, 16, 12]).enumerate() {
        ws.set_column_width(col as u16, width).map_err(xlsx_error)?;
        ws.write_string_with_format(0, col as u16, *header, &f.header)
            .map_err(xlsx_error)?;
    }
    let given = prefill.map(|r| r.projects.as_slice()).unwrap_or_default();
    let last = given.len() as u32 + SPARE_ROWS;
    for row in 1..=last {
        for col in 0..projects::ALL.len() as u16 {
            ws.write_blank(row, col, &f.input).map_err(xlsx_error)?;
        }
    }
    for (i, p) in given.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, &p.name, &f.input)
            .map_err(xlsx_error)?;
        if let Some(t) = p.task {
            ws.write_number_with_format(row, 1, f64::from(t), &f.input)
                .map_err(xlsx_error)?;
        }
        if let Some(v) = p.investment {
            ws.write_number_with_format(row, 2, v, &f.input)
                .map_err(xlsx_error)?;
        }
        ws.write_string_with_format(row, 3, p.state.label(), &f.input)
            .map_err(xlsx_error)?;
    }
    let states = [
        ProjectState::Preparing,
        ProjectState::Building,
        ProjectState::Completed,
        ProjectState::Suspended,
    ]
    .map(ProjectState::label);
    let validation = DataValidation::new()
        .allow_list_strings(&states)
        .map_err(xlsx_error)?;
    ws.add_data_validation(1, 3, last, 3, &validation)
        .map_err(xlsx_error)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    print_setup(ws, true)?;
    ws.protect();
    Ok(())
}

fn list_sheet(ws: &mut Worksheet, name: &str, items: &[String], f: &Formats) -> Result<()> {
    ws.set_name(name).map_err(xlsx_error)?;
    ws.set_column_width(0, 100).map_err(xlsx_error)?;
    ws.write_string_with_format(0, 0, name, &f.header)
        .map_err(xlsx_error)?;
    let last = items.len() as u32 + SPARE_ROWS;
    for row in 1..=last {
        let value = items
            .get(row as usize - 1)
            .map(String::as_str)
            .unwrap_or("");
        put(ws, row, 0, value, &f.input)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    print_setup(ws, true)?;
    ws.protect();
    Ok(())
}
