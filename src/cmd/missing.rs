//! `nianbao missing`: exactly what is outstanding, one line per unit, in a form staff can
//! paste into a message.

use std::io::Write;

use anyhow::Result;

use crate::Outcome;
use crate::calendar::deadline_sentence;
use crate::cli::{Global, MissingArgs, TextFormat};
use crate::year::{Need, Year};

/// Runs `missing`.
pub fn execute(global: &Global, args: &MissingArgs) -> Result<Outcome> {
    let year = Year::load(global, Need::Collecting)?;
    let items = year.account(None).outstanding();
    let mut out = std::io::stdout().lock();
    match args.format {
        TextFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)?;
        }
        TextFormat::Text => {
            let deadline = deadline_sentence(year.plan.deadline(year.year), year.today);
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
                let (missing, partial): (Vec<_>, Vec<_>) =
                    items.iter().partition(|o| o.report_missing);
                writeln!(out, "一、未报送单位（{} 个）", missing.len())?;
                if missing.is_empty() {
                    writeln!(out, "  无")?;
                }
                for o in &missing {
                    let all = if o.tasks.len() == year.plan.tasks.len() {
                        format!("{}项任务均未报送", o.tasks.len())
                    } else {
                        format!("分工的{}项任务均未报送", o.tasks.len())
                    };
                    if o.unfilled {
                        writeln!(out, "  {}：{all}（报来的文件未填写任何任务）", o.unit)?;
                    } else {
                        writeln!(out, "  {}：{all}", o.unit)?;
                    }
                }
                let owed: usize = partial.iter().map(|o| o.tasks.len()).sum();
                writeln!(
                    out,
                    "\n二、已报送但分工任务未填报（{} 个单位，{owed} 项）",
                    partial.len()
                )?;
                if partial.is_empty() {
                    writeln!(out, "  无")?;
                }
                for o in &partial {
                    let tasks: Vec<String> = o
                        .tasks
                        .iter()
                        .map(|t| format!("第{}项“{}”（{}，{}）", t.task, t.title, t.role, t.state))
                        .collect();
                    writeln!(out, "  {}：{}", o.unit, tasks.join("；"))?;
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
