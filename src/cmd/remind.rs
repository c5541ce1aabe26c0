//! `nianbao remind`: a reminder notice (催报通知) for each unit with something outstanding.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use crate::Outcome;
use crate::cli::{Global, RemindArgs};
use crate::cmd::missing::{OwedTask, outstanding};
use crate::compile::numerals::{cn_date, deadline_words};
use crate::compile::output::write_atomic;
use crate::compile::template::Templates;
use crate::progress::progress;
use crate::source::display_path;
use crate::year::{Year, today};

/// What the reminder template sees.
#[derive(Serialize)]
struct UnitNames<'a> {
    id: &'a str,
    short: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct RemindContext<'a> {
    year: i32,
    subject: &'a str,
    plan_title: &'a str,
    to: &'a str,
    cc: &'a str,
    deadline_cn: String,
    deadline_words: String,
    today_cn: String,
    today_iso: String,
    /// 还剩 N 天 / 今天截止 / 已过截止日期 N 天.
    when: String,
    unit: UnitNames<'a>,
    report_missing: bool,
    tasks: &'a [OwedTask],
    total_tasks: usize,
}

/// Runs `remind`.
pub fn execute(global: &Global, args: &RemindArgs) -> Result<Outcome> {
    let year = Year::load(global)?;
    let today = today(global)?;
    let standing = progress(&year.plan, year.year, &year.reports);
    let items = outstanding(&year, &standing);
    let templates = Templates::load(&global.templates)?;
    for w in templates.retired_warnings() {
        eprintln!("{w}");
    }
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("out")
            .join(year.year.to_string())
            .join("remind")
    });
    let deadline = year.plan.deadline(year.year);
    let when = match deadline.map(|d| (d - today).num_days()) {
        Some(days @ 1..) => format!("距截止还有{days}天"),
        Some(0) => "今天即为截止日期".to_string(),
        Some(days) => format!("已过截止日期{}天", -days),
        None => String::new(),
    };
    if items.is_empty() {
        say!("{} 年度没有需要催报的单位。", year.year);
        return Ok(Outcome::Clean);
    }
    for item in &items {
        let unit = year
            .plan
            .unit(&item.id)
            .map(|u| (u.id.as_str(), u.short.as_str(), u.name.as_str()));
        let Some((id, short, name)) = unit else {
            continue;
        };
        let ctx = RemindContext {
            year: year.year,
            subject: &year.plan.subject,
            plan_title: &year.plan.title,
            to: &year.plan.reporting.to,
            cc: &year.plan.reporting.cc,
            deadline_cn: deadline.map(cn_date).unwrap_or_default(),
            deadline_words: deadline_words(
                year.plan.reporting.deadline_month,
                year.plan.reporting.deadline_day,
            ),
            today_cn: cn_date(today),
            today_iso: today.to_string(),
            when: when.clone(),
            unit: UnitNames { id, short, name },
            report_missing: item.report_missing,
            tasks: &item.tasks,
            total_tasks: year.plan.tasks.len(),
        };
        let doc = templates.document("remind.md", &Templates::value(&ctx))?;
        let text = crate::writer::markdown::render(&doc);
        let path = dir.join(format!("{id}.md"));
        write_atomic(&path, text.as_bytes())?;
        let what = if item.report_missing {
            format!("未报送（{} 项分工任务）", item.tasks.len())
        } else {
            let numbers: Vec<String> = item.tasks.iter().map(|t| t.task.to_string()).collect();
            format!("任务 {} 未填报", numbers.join("、"))
        };
        say!("{short}：{what} → {}", display_path(&path));
    }
    say!("共 {} 份催报通知。", items.len());
    Ok(Outcome::Clean)
}
