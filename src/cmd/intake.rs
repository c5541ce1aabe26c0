//! `nianbao intake`: file a received report under its unit, keeping any earlier version.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::Outcome;
use crate::cli::{Global, IntakeArgs};
use crate::compile::output::write_atomic;
use crate::coverage::UnitCoverage;
use crate::diag::Severity;
use crate::plan::Plan;
use crate::report::{Report, load_report};
use crate::source::{SourceFile, display_path, read_bytes};
use crate::year::{load_plan, print_errors};

/// Runs `intake`.
pub fn execute(global: &Global, args: &IntakeArgs) -> Result<Outcome> {
    let (plan, _) = load_plan(global)?;
    let mut outcome = Outcome::Clean;
    for file in &args.files {
        let result = intake_one(&plan, &global.reports, file)?;
        outcome = match (outcome, result) {
            (Outcome::InputError, _) | (_, Outcome::InputError) => Outcome::InputError,
            (Outcome::Findings, _) | (_, Outcome::Findings) => Outcome::Findings,
            _ => Outcome::Clean,
        };
    }
    Ok(outcome)
}

fn intake_one(plan: &Plan, reports: &Path, file: &Path) -> Result<Outcome> {
    let (src, note) = match SourceFile::read(file) {
        Ok(read) => read,
        Err(d) => {
            print_errors([&*d]);
            eprintln!("未收取：{}\n", display_path(file));
            return Ok(Outcome::InputError);
        }
    };
    let (report, diags) = load_report(&src, plan);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let Some(report) = report.filter(|_| errors.is_empty()) else {
        print_errors(errors.iter().copied());
        eprintln!(
            "未收取：{} 有 {} 个错误，请退回报送单位改正后重新报送（没有保存任何文件）。\n",
            display_path(file),
            errors.len()
        );
        return Ok(Outcome::Findings);
    };
    let unit = plan
        .unit(&report.unit)
        .context("unit resolved by load_report")?;
    let dir = reports.join(report.year.to_string());
    let target = dir.join(format!("{}.yaml", unit.id));
    if same_file(file, &target) {
        say!("{} 已在 {}，无需收取。", unit.short, display_path(&target));
        return Ok(Outcome::Clean);
    }

    let mut lines = Vec::new();
    if target.exists() {
        // The filed version is kept in history before it is replaced; if it cannot be read
        // (too large, not a regular file), nothing is replaced.
        let previous = match read_bytes(&target) {
            Ok(bytes) => bytes,
            Err(d) => {
                print_errors([&*d]);
                eprintln!(
                    "未收取：{} 已有的报告无法读取，为免丢失，没有用 {} 替换它。请先查看并处理已有的文件。\n",
                    display_path(&target),
                    display_path(file)
                );
                return Ok(Outcome::InputError);
            }
        };
        let history = history_path(&dir, &unit.id);
        write_atomic(&history, &previous)?;
        lines.push(format!("原报告已保存到 {}", display_path(&history)));
        // The bytes just kept in history, not a second read of the file.
        let old = SourceFile::from_bytes(&target, &previous)
            .ok()
            .and_then(|(s, _)| load_report(&s, plan).0);
        lines.push(match old {
            Some(old) => changes(&old, &report),
            None => "原报告无法读取，无法比较修改内容".to_string(),
        });
    }
    let mut text = src.text.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    write_atomic(&target, text.as_bytes())?;
    let submitted = report.submitted.map(|d| d.to_string()).unwrap_or_default();
    say!(
        "已收取 {} {} 年度报告 → {}（报送日期 {submitted}）",
        unit.short,
        report.year,
        display_path(&target)
    );
    if let Some(note) = &note {
        // Name the encoding that was guessed, so the office can check the text.
        say!(
            "  {}，已转换为 UTF-8 保存；请核对文字是否正常",
            note.message
        );
    }
    for line in lines {
        say!("  {line}");
    }
    let coverage = UnitCoverage::of(plan, unit, Some(&report));
    let gaps: Vec<String> = coverage.gaps().map(|a| a.task.to_string()).collect();
    if !gaps.is_empty() {
        say!(
            "  注意：分工任务 {} 尚未填报实质进展（运行 `nianbao check {}` 查看详情）",
            gaps.join("、"),
            display_path(&target)
        );
    }
    Ok(Outcome::Clean)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `reports/<year>/history/<id>-<time>.yaml`, never an existing name.
fn history_path(dir: &Path, id: &str) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let history = dir.join("history");
    let mut path = history.join(format!("{id}-{stamp}.yaml"));
    let mut n = 2;
    while path.exists() {
        path = history.join(format!("{id}-{stamp}-{n}.yaml"));
        n += 1;
    }
    path
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// What changed between two versions of a unit's report, in one sentence.
pub fn changes(old: &Report, new: &Report) -> String {
    let numbers = |r: &Report| r.entries.iter().map(|e| e.task).collect::<Vec<_>>();
    let (old_n, new_n) = (numbers(old), numbers(new));
    let join = |v: Vec<u32>| v.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
    let added: Vec<u32> = new_n
        .iter()
        .copied()
        .filter(|n| !old_n.contains(n))
        .collect();
    let removed: Vec<u32> = old_n
        .iter()
        .copied()
        .filter(|n| !new_n.contains(n))
        .collect();
    let changed: Vec<u32> = new
        .entries
        .iter()
        .filter(|e| old.entry(e.task).is_some_and(|o| json(o) != json(e)))
        .map(|e| e.task)
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("新增任务 {}", join(added)));
    }
    if !removed.is_empty() {
        parts.push(format!("删去任务 {}", join(removed)));
    }
    if !changed.is_empty() {
        parts.push(format!("修改了任务 {} 的内容", join(changed)));
    }
    let fields: [(&str, bool); 6] = [
        ("报送日期", json(&old.submitted) == json(&new.submitted)),
        ("联系人", json(&old.contact) == json(&new.contact)),
        ("总体情况", json(&old.summary) == json(&new.summary)),
        ("重大工程", json(&old.projects) == json(&new.projects)),
        ("存在的问题", json(&old.problems) == json(&new.problems)),
        ("下一年度打算", json(&old.next_year) == json(&new.next_year)),
    ];
    let other: Vec<&str> = fields
        .iter()
        .filter(|(_, same)| !same)
        .map(|(n, _)| *n)
        .collect();
    if !other.is_empty() {
        parts.push(format!("修改了{}", other.join("、")));
    }
    if parts.is_empty() {
        "与原报告相比内容没有变化".to_string()
    } else {
        format!("与原报告相比：{}", parts.join("；"))
    }
}
