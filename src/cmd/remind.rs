//! `nianbao remind`: a notice (提醒 or 催报通知) to each unit with something outstanding,
//! and the list of who gets one.

use std::path::PathBuf;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Global, RemindArgs};
use crate::compile::output::{Staged, commit_all, stage};
use crate::compile::template::Templates;
use crate::notice::{NoticeKind, notices};
use crate::report::parse_date;
use crate::source::display_path;
use crate::workspace::{UsageError, safe_file_name};
use crate::writer::{self, Options};
use crate::year::{Need, Year};

/// Runs `remind`.
pub fn execute(global: &Global, args: &RemindArgs) -> Result<Outcome> {
    let year = Year::load(global, Need::Collecting)?;
    let by = match &args.by {
        None => None,
        Some(t) => Some(parse_date(t).filter(|d| *d >= year.today).ok_or_else(|| {
            UsageError(format!(
                "--by 的日期“{t}”无效，请写成 2027-01-10 的形式，且不早于今天"
            ))
        })?),
    };
    let account = year.account(None);
    let list = notices(&year.plan, &account, year.today, by);
    if list.is_empty() {
        say!("{} 年度没有需要提醒或催报的单位。", year.year);
        return Ok(Outcome::Clean);
    }
    let kind = list[0].kind;
    if kind == NoticeKind::Reminder && by.is_some() {
        eprintln!("注意：截止日期尚未到，通知中写的是原截止日期，--by 未使用。");
    }
    if year.plan.report.contact.is_empty() && year.plan.report.phone.is_empty() {
        eprintln!(
            "注意：方案的 [report] 中没有填写 contact（联系人）和 phone（联系电话），通知中没有联系方式。"
        );
    }
    let templates = Templates::load(&global.templates)?;
    for w in templates.retired_warnings() {
        eprintln!("{w}");
    }
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("out")
            .join(year.year.to_string())
            .join("remind")
    });
    let options = Options { browser: None };
    let writers: Vec<_> = args.format.iter().filter_map(|f| writer::find(f)).collect();
    // Every notice in every format is rendered before any file is put in place.
    let mut staged: Vec<Staged> = Vec::new();
    let mut rows: Vec<[String; 4]> = Vec::new();
    for notice in &list {
        let doc = templates.document("remind.md", &Templates::value(notice))?;
        let stem = safe_file_name(&format!("{}-{}", notice.unit.short, notice.kind.label()));
        let mut files = Vec::new();
        for w in &writers {
            let path = dir.join(format!("{stem}.{}", w.extension));
            staged.push(stage(&path, |out| (w.write)(&doc, &options, out))?);
            files.push(display_path(&path));
        }
        let what = if notice.report_missing {
            format!("未报送（{}项分工任务）", notice.tasks.len())
        } else {
            let numbers: Vec<String> = notice.tasks.iter().map(|t| t.task.to_string()).collect();
            format!("第{}项任务未报告进展", numbers.join("、"))
        };
        rows.push([
            notice.unit.name.clone(),
            notice.kind.label().to_string(),
            what,
            files.join("；"),
        ]);
    }
    let list_path = dir.join("发送名单.csv");
    staged.push(stage(&list_path, |out| {
        let mut w = crate::cmd::excel_csv(out)?;
        w.write_record(["单位", "通知", "未报事项", "文件"])?;
        for r in &rows {
            w.write_record(r)?;
        }
        w.flush()?;
        Ok(())
    })?);
    commit_all(staged)?;
    for r in &rows {
        say!("{}：{}，{} → {}", r[0], r[1], r[2], r[3]);
    }
    say!(
        "共 {} 份{}，发送名单见 {}。",
        rows.len(),
        kind.label(),
        display_path(&list_path)
    );
    Ok(Outcome::Clean)
}
