//! `nianbao missing`: exactly what is outstanding, in a form staff can paste into a message.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::Outcome;
use crate::cli::{Global, MissingArgs, TextFormat};
use crate::cmd::status::deadline_sentence;
use crate::coverage::TaskState;
use crate::progress::{UnitProgress, progress};
use crate::year::{Year, today};

/// One assigned task a unit still owes.
#[derive(Debug, Serialize)]
pub struct OwedTask {
    /// Task number.
    pub task: u32,
    /// Task title.
    pub title: String,
    /// 牵头, 参与 or 属地落实.
    pub role: &'static str,
    /// 未报送, 未填报 or 仍是占位文字.
    pub state: &'static str,
}

/// A unit with something outstanding.
#[derive(Debug, Serialize)]
pub struct Outstanding {
    /// Unit id.
    pub id: String,
    /// Short name.
    pub unit: String,
    /// Full name.
    pub name: String,
    /// Whether the whole report is missing.
    pub report_missing: bool,
    /// The assigned tasks not covered (all of them when the report is missing).
    pub tasks: Vec<OwedTask>,
}

/// Every unit with something outstanding, in plan order.
pub fn outstanding(year: &Year, standing: &[UnitProgress]) -> Vec<Outstanding> {
    standing
        .iter()
        .filter(|p| p.is_outstanding())
        .map(|p| Outstanding {
            id: p.unit.id.clone(),
            unit: p.unit.short.clone(),
            name: p.unit.name.clone(),
            report_missing: p.report.is_none(),
            tasks: p
                .coverage
                .gaps()
                .map(|a| OwedTask {
                    task: a.task,
                    title: year
                        .plan
                        .task(a.task)
                        .map(|t| t.title.clone())
                        .unwrap_or_default(),
                    role: a.role.label(),
                    state: match (p.report.is_some(), a.state) {
                        (false, _) => "未报送",
                        (true, TaskState::Placeholder) => "仍是占位文字",
                        _ => "未填报",
                    },
                })
                .collect(),
        })
        .collect()
}

/// Runs `missing`.
pub fn execute(global: &Global, args: &MissingArgs) -> Result<Outcome> {
    let year = Year::load(global)?;
    let today = today(global)?;
    let standing = progress(&year.plan, year.year, &year.reports);
    let items = outstanding(&year, &standing);
    let mut out = std::io::stdout().lock();
    match args.format {
        TextFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)?;
        }
        TextFormat::Text => {
            let deadline = deadline_sentence(year.plan.deadline(year.year), today);
            if items.is_empty() {
                writeln!(
                    out,
                    "{} 年度的报告已全部收齐，分工任务均已填报。",
                    year.year
                )?;
                writeln!(out, "{deadline}")?;
            } else {
                writeln!(out, "{} 年度尚未完成的报送事项", year.year)?;
                writeln!(out, "{deadline}\n")?;
                let missing: Vec<&str> = items
                    .iter()
                    .filter(|o| o.report_missing)
                    .map(|o| o.unit.as_str())
                    .collect();
                let gaps: Vec<(&Outstanding, &OwedTask)> = items
                    .iter()
                    .filter(|o| !o.report_missing)
                    .flat_map(|o| o.tasks.iter().map(move |t| (o, t)))
                    .collect();
                writeln!(out, "一、未报送单位（{} 个）", missing.len())?;
                if missing.is_empty() {
                    writeln!(out, "  无")?;
                } else {
                    writeln!(out, "  {}", missing.join("、"))?;
                }
                writeln!(out, "\n二、已报送但分工任务未填报（{} 项）", gaps.len())?;
                if gaps.is_empty() {
                    writeln!(out, "  无")?;
                }
                for (o, t) in gaps {
                    writeln!(
                        out,
                        "  {}：第 {} 项“{}”（{}），{}",
                        o.unit, t.task, t.title, t.role, t.state
                    )?;
                }
            }
        }
    }
    Ok(if items.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
