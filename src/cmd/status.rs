//! `nianbao status`: one row per reporting unit, grouped by kind, and the days left.

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use comfy_table::Color;
use serde::Serialize;

use crate::Outcome;
use crate::account::Tally;
use crate::calendar::deadline_sentence;
use crate::cli::{Global, StatusArgs, TableFormat};
use crate::cmd::{colored, table};
use crate::history::{TaskChange, Trend, task_changes};
use crate::plan::UnitKind;
use crate::progress::{Submission, UnitProgress};
use crate::report::Status;
use crate::year::{Need, Year};

/// One unit's row, as JSON and CSV show it.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    unit: &'a str,
    kind: &'a str,
    state: &'static str,
    /// When the office received it (receipt register); empty when not recorded.
    received: String,
    /// The date the report gives.
    date: String,
    /// A file came in, but not one task is filled in: counted as not submitted.
    unfilled: bool,
    days_late: i64,
    covered: usize,
    assigned: usize,
    behind: usize,
    not_started: usize,
    owed_lead_tasks: Vec<u32>,
}

#[derive(Serialize)]
struct Summary<'a> {
    year: i32,
    today: NaiveDate,
    deadline: Option<NaiveDate>,
    /// Days until the deadline; negative once it has passed.
    days_left: Option<i64>,
    received: usize,
    expected: usize,
    late: usize,
    pairs_covered: usize,
    pairs_assigned: usize,
    /// Covered share of assigned pairs, e.g. "89.8".
    coverage_percent: String,
    /// Covered assigned entries by status; adds up to `pairs_covered`.
    by_status: Tally,
    units: Vec<Row<'a>>,
    /// Each task's overall status against the year before, when its reports are on file.
    #[serde(skip_serializing_if = "Option::is_none")]
    task_changes: Option<Changes>,
}

#[derive(Serialize)]
struct Changes {
    /// The year compared with.
    year: i32,
    tasks: Vec<TaskChange>,
}

fn row<'a>(year: &'a Year, p: &UnitProgress<'a>) -> Row<'a> {
    Row {
        id: &p.unit.id,
        unit: &p.unit.short,
        kind: year.plan.kinds.of(p.unit.kind),
        state: p.submission.label(),
        received: p.received_date(),
        date: p.date(),
        unfilled: p.unfilled,
        days_late: p.days_late,
        covered: p.coverage.covered(),
        assigned: p.coverage.assigned.len(),
        behind: p.count(Status::Behind),
        not_started: p.count(Status::NotStarted),
        owed_lead_tasks: p.owed_lead_tasks(),
    }
}

/// Runs `status`.
pub fn execute(global: &Global, args: &StatusArgs) -> Result<Outcome> {
    let year = Year::load(global, Need::Collecting)?;
    let today = year.today;
    let account = year.account(None);
    let standing = &account.units;
    let totals = &account.totals;
    let deadline = account.deadline;
    let summary = Summary {
        year: year.year,
        today,
        deadline,
        days_left: deadline.map(|d| (d - today).num_days()),
        received: totals.received,
        expected: totals.expected,
        late: totals.late,
        pairs_covered: totals.pairs_covered,
        pairs_assigned: totals.pairs_assigned,
        coverage_percent: totals.coverage_percent(),
        by_status: totals.by_status,
        units: standing.iter().map(|p| row(&year, p)).collect(),
        task_changes: {
            let earlier = year.history.reports(year.year - 1);
            (!earlier.is_empty()).then(|| Changes {
                year: year.year - 1,
                tasks: task_changes(&year.plan, &account, earlier),
            })
        },
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &summary)?;
            writeln!(out)?;
        }
        TableFormat::Csv => {
            let mut w = crate::cmd::excel_csv(out)?;
            w.write_record([
                "标识",
                "单位",
                "类别",
                "报送状态",
                "收文日期",
                "报告所填日期",
                "逾期天数",
                "已覆盖任务",
                "分工任务",
                "滞后",
                "未启动",
                "尚欠牵头任务",
            ])?;
            for r in &summary.units {
                let owed: Vec<String> = r.owed_lead_tasks.iter().map(u32::to_string).collect();
                w.write_record([
                    r.id.to_string(),
                    r.unit.to_string(),
                    r.kind.to_string(),
                    if r.unfilled {
                        format!("{}（空白稿）", r.state)
                    } else {
                        r.state.to_string()
                    },
                    r.received.clone(),
                    r.date.clone(),
                    r.days_late.to_string(),
                    r.covered.to_string(),
                    r.assigned.to_string(),
                    r.behind.to_string(),
                    r.not_started.to_string(),
                    owed.join("、"),
                ])?;
            }
            w.flush()?;
        }
        TableFormat::Table => print_table(&mut out, &year, standing, &summary)?,
    }
    Ok(Outcome::Clean)
}

fn dash(s: &str) -> &str {
    if s.is_empty() { "—" } else { s }
}

fn print_table(
    out: &mut impl Write,
    year: &Year,
    standing: &[UnitProgress],
    summary: &Summary,
) -> Result<()> {
    writeln!(out, "{} 年度报送进度\n", year.year)?;
    for kind in [UnitKind::Department, UnitKind::Central, UnitKind::Region] {
        let group: Vec<&UnitProgress> = standing.iter().filter(|p| p.unit.kind == kind).collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out, "{}（{} 个）", year.plan.kinds.of(kind), group.len())?;
        let mut t = table(&[
            "单位",
            "报送状态",
            "收文日期",
            "报告所填日期",
            "任务覆盖",
            "滞后",
            "未启动",
            "尚欠牵头任务",
        ]);
        for p in group {
            let r = row(year, p);
            let color = match p.submission {
                Submission::Missing => Some(Color::Red),
                Submission::Late => Some(Color::Yellow),
                Submission::OnTime => None,
            };
            let coverage_color = (r.covered < r.assigned).then_some(Color::Yellow);
            let owed: Vec<String> = r.owed_lead_tasks.iter().map(u32::to_string).collect();
            t.add_row(vec![
                colored(r.unit, None),
                colored(
                    if r.days_late > 0 {
                        format!("逾期{}天", r.days_late)
                    } else if r.unfilled {
                        "未报送（空白稿）".to_string()
                    } else {
                        r.state.to_string()
                    },
                    color,
                ),
                colored(dash(&r.received), None),
                colored(dash(&r.date), None),
                colored(format!("{}/{}", r.covered, r.assigned), coverage_color),
                colored(r.behind, None),
                colored(r.not_started, None),
                colored(owed.join("、"), None),
            ]);
        }
        writeln!(out, "{t}\n")?;
    }
    writeln!(
        out,
        "已收到 {}/{} 份报告（其中逾期 {} 份）；分工任务覆盖 {}/{} 项次（{}%）",
        summary.received,
        summary.expected,
        summary.late,
        summary.pairs_covered,
        summary.pairs_assigned,
        summary.coverage_percent
    )?;
    if let Some(c) = &summary.task_changes {
        let moved: Vec<&TaskChange> = c.tasks.iter().filter(|t| t.trend.moved()).collect();
        let same = c.tasks.iter().filter(|t| t.trend == Trend::Same).count();
        if moved.is_empty() {
            writeln!(
                out,
                "与 {} 年度相比：没有任务的总体进展发生变化（{same} 项相同，其余无法比较）",
                c.year
            )?;
        } else {
            writeln!(
                out,
                "与 {} 年度相比，总体进展有变化的任务（{same} 项相同，其余无法比较）：",
                c.year
            )?;
            for t in moved {
                let label = |s: Option<Status>| s.map(Status::label).unwrap_or("—");
                writeln!(
                    out,
                    "  第{}项 {}：{} → {}（{}）",
                    t.number,
                    t.title,
                    label(t.before),
                    label(t.now),
                    t.trend.label()
                )?;
            }
        }
    }
    writeln!(
        out,
        "{}",
        deadline_sentence(summary.deadline, summary.today)
    )?;
    Ok(())
}
