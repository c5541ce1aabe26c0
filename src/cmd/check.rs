//! `nianbao check`: validate the plan and the reports, printing every finding.

use std::io::Write;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{CheckArgs, CheckFormat, Global};
use crate::diag::{Diagnostic, Tally};
use crate::history::History;
use crate::source::display_path;
use crate::validate::{Scope, check_reports_with};
use crate::workspace::{find_plan, read_plan, report_files};
use crate::year::{Need, pick_year, today};

/// Runs `check`.
pub fn execute(global: &Global, args: &CheckArgs) -> Result<Outcome> {
    let near: Vec<&std::path::Path> = args
        .paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.as_path()
            } else {
                p.parent().unwrap_or(std::path::Path::new(""))
            }
        })
        .collect();
    let plan_path = find_plan(global.plan.as_deref(), &near)?;
    let (plan, mut diags) = read_plan(&plan_path)?;
    let mut summary = Vec::new();
    let mut unreadable = false;
    if let Some(plan) = &plan {
        let today = today(global)?;
        let (files, scope) = if args.paths.is_empty() {
            let year = pick_year(global, plan, today, Need::Collecting)?;
            (report_files(&global.reports, year)?, Scope::WholeYear(year))
        } else {
            (expand_folders(&args.paths)?, Scope::Files)
        };
        // Last year's reports, to spot entries copied from them: for a year folder the year
        // before it; for files named one by one, every earlier year on file.
        let history = match scope {
            Scope::WholeYear(year) => History::load(plan, &global.reports, year),
            Scope::Files => History::load(plan, &global.reports, i32::MAX),
        };
        let checked = check_reports_with(plan, &files, scope, Some(today), &history);
        unreadable = checked.unreadable;
        summary.push(format!(
            "方案：{}（{} 个章节，{} 项任务，{} 个报送单位）",
            display_path(&plan_path),
            plan.sections.len(),
            plan.tasks.len(),
            plan.reporting_units().count()
        ));
        summary.push(match scope {
            Scope::WholeYear(year) => format!(
                "{year} 年度：收到 {} 份报告，应报 {} 份",
                checked.reports.len(),
                plan.reporting_units().count()
            ),
            Scope::Files => format!("检查了 {} 个报告文件", files.len()),
        });
        diags.extend(checked.diags);
    } else {
        summary.push(format!(
            "方案文件 {} 有错误，改正后才能检查报告",
            display_path(&plan_path)
        ));
    }
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let tally = Tally::of(&diags);
    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &diags)?;
            writeln!(out)?;
        }
        CheckFormat::Human => print_human(&mut out, &diags, &summary, tally)?,
    }
    out.flush()?;
    Ok(if unreadable {
        Outcome::InputError
    } else if tally.has_problems() || plan.is_none() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// A folder among the paths stands for the report files in it. A folder named like a
/// report (`x.yaml`) was meant as a file, and is reported as unreadable.
fn expand_folders(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let named_like_a_file = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if path.is_dir() && !named_like_a_file {
            files.extend(crate::workspace::yaml_files(path)?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn print_human(
    out: &mut impl Write,
    diags: &[Diagnostic],
    summary: &[String],
    tally: Tally,
) -> Result<()> {
    let renderer = crate::diag::renderer();
    for d in diags {
        writeln!(out, "{}\n", d.render(&renderer))?;
    }
    for line in summary {
        writeln!(out, "{line}")?;
    }
    if tally.has_problems() || tally.infos > 0 {
        writeln!(
            out,
            "结果：{} 个错误，{} 个警告，{} 条提示",
            tally.errors, tally.warnings, tally.infos
        )?;
    } else {
        writeln!(out, "结果：检查通过，没有发现问题")?;
    }
    Ok(())
}
