//! The task ledger (台账): every unit × task of the year in one sheet, one row each — the
//! accounts the units gave and the gaps — with filters and a frozen header, and a summary
//! sheet with the counts the consolidated report uses, taken from the same account.

use super::{entry_cells, new_book, style, tasks, xlsx_error};
use crate::account::{GapReason, YearAccount};
use crate::plan::Plan;
use crate::progress::UnitProgress;
use crate::report::Status;
use anyhow::Result;

/// The ledger sheet's columns.
pub const COLUMNS: [&str; 16] = [
    "章节",
    tasks::NUMBER,
    tasks::TITLE,
    "单位",
    "单位类别",
    tasks::ROLE,
    tasks::STATUS,
    tasks::PROGRESS,
    tasks::MEASURES,
    tasks::FIGURES,
    tasks::PROBLEMS,
    tasks::NEXT_STEPS,
    tasks::REASON,
    "收文日期",
    "报告所填日期",
    "逾期天数",
];

/// The ledger of a year's account, as workbook bytes.
pub fn ledger(plan: &Plan, account: &YearAccount) -> Result<Vec<u8>> {
    let mut book = new_book(format!("{}年度{}任务台账", account.year, plan.subject))?;
    let cell = style::cell(10);
    let header = style::header(10);

    let ws = book.add_worksheet();
    ws.set_name("台账").map_err(xlsx_error)?;
    let widths = [16, 8, 24, 14, 10, 8, 12, 50, 36, 30, 30, 30, 24, 12, 12, 8];
    for (col, (h, w)) in COLUMNS.iter().zip(widths).enumerate() {
        ws.set_column_width(col as u16, w).map_err(xlsx_error)?;
        ws.write_string_with_format(0, col as u16, *h, &header)
            .map_err(xlsx_error)?;
    }
    let progress_of =
        |id: &str| -> Option<&UnitProgress> { account.units.iter().find(|p| p.unit.id == id) };
    let mut row = 0u32;
    for t in &account.tasks {
        let section = plan
            .sections
            .iter()
            .find(|s| s.number == t.task.section)
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let dates = |id: &str| -> [String; 3] {
            progress_of(id)
                .map(|p| [p.received_date(), p.date(), p.days_late.to_string()])
                .unwrap_or_default()
        };
        for e in &t.entries {
            let mut r = vec![
                section.clone(),
                t.task.number.to_string(),
                t.task.title.clone(),
                e.unit.short.clone(),
                plan.kinds.of(e.unit.kind).to_string(),
                e.role_label().to_string(),
            ];
            r.extend(entry_cells(e.entry));
            r.extend(dates(&e.unit.id));
            rows.push(r);
        }
        for g in &t.gaps {
            let [received, declared, late] = if g.reason == GapReason::NoReport {
                Default::default()
            } else {
                dates(&g.unit.id)
            };
            let mut r = vec![String::new(); COLUMNS.len()];
            r[0] = section.clone();
            r[1] = t.task.number.to_string();
            r[2] = t.task.title.clone();
            r[3] = g.unit.short.clone();
            r[4] = plan.kinds.of(g.unit.kind).to_string();
            r[5] = g.role.label().to_string();
            r[6] = g.reason.label().to_string();
            r[13] = received;
            r[14] = declared;
            r[15] = late;
            rows.push(r);
        }
        for r in rows {
            row += 1;
            for (col, value) in r.iter().enumerate() {
                if col == 1 || (col == 15 && !value.is_empty()) {
                    let n: f64 = value.parse().unwrap_or_default();
                    ws.write_number_with_format(row, col as u16, n, &cell)
                        .map_err(xlsx_error)?;
                } else if value.is_empty() {
                    ws.write_blank(row, col as u16, &cell).map_err(xlsx_error)?;
                } else {
                    ws.write_string_with_format(row, col as u16, value, &cell)
                        .map_err(xlsx_error)?;
                }
            }
        }
    }
    ws.autofilter(0, 0, row.max(1), COLUMNS.len() as u16 - 1)
        .map_err(xlsx_error)?;
    ws.set_freeze_panes(1, 3).map_err(xlsx_error)?;

    // The summary: the same totals the report and `status` print.
    let s = book.add_worksheet();
    s.set_name("汇总").map_err(xlsx_error)?;
    s.set_column_width(0, 36).map_err(xlsx_error)?;
    s.set_column_width(1, 12).map_err(xlsx_error)?;
    let tot = &account.totals;
    let mut lines: Vec<(String, f64)> = vec![
        ("应报单位（个）".into(), tot.expected as f64),
        ("已收到报告（份）".into(), tot.received as f64),
        ("其中按时（份）".into(), tot.on_time as f64),
        ("其中逾期（份）".into(), tot.late as f64),
        ("未报送（个）".into(), tot.missing as f64),
        ("重点任务（项）".into(), tot.tasks as f64),
        ("分工任务（项次）".into(), tot.pairs_assigned as f64),
        ("已报告进展（项次）".into(), tot.pairs_covered as f64),
    ];
    for status in Status::ALL {
        lines.push((
            format!("　其中{}（项次）", status.label()),
            tot.by_status.get(status) as f64,
        ));
    }
    for reason in GapReason::ALL {
        lines.push((
            format!("尚无进展：{}（项次）", reason.label()),
            tot.gaps.get(reason) as f64,
        ));
    }
    lines.push((
        "分工之外的协同工作（项次）".into(),
        tot.extra.total() as f64,
    ));
    s.write_string_with_format(0, 0, "项目", &header)
        .map_err(xlsx_error)?;
    s.write_string_with_format(0, 1, "数量", &header)
        .map_err(xlsx_error)?;
    for (i, (label, n)) in lines.iter().enumerate() {
        s.write_string_with_format(i as u32 + 1, 0, label, &cell)
            .map_err(xlsx_error)?;
        s.write_number_with_format(i as u32 + 1, 1, *n, &cell)
            .map_err(xlsx_error)?;
    }
    let last = lines.len() as u32 + 1;
    s.write_string_with_format(last, 0, "覆盖率（%）", &cell)
        .map_err(xlsx_error)?;
    s.write_string_with_format(last, 1, tot.coverage_percent(), &cell)
        .map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}
