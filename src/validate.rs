//! Checks that need more than one file: years against folders, one report per unit,
//! coverage of assigned tasks, missing and late reports.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::calendar::switch_over;
use crate::compile::numerals::cn_date;

use crate::coverage::{TaskState, UnitCoverage};
use crate::diag::{Code, Diagnostic};
use crate::history::{History, copied_entries};
use crate::plan::Plan;
use crate::report::{Report, load_report};
use crate::source::{SourceFile, display_path};

/// The reports of one check run and everything found about them.
#[derive(Debug)]
pub struct Checked {
    /// Reports that could be read (one per unit; later duplicates are dropped).
    pub reports: Vec<Report>,
    /// Every finding, in output order.
    pub diags: Vec<Diagnostic>,
    /// Whether some input could not be read at all (exit code 2).
    pub unreadable: bool,
}

/// What a run covers: named files, or a whole year folder (which adds missing units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only the files given; units without a file are not reported missing.
    Files,
    /// All reports of the year; units without a report are missing.
    WholeYear(i32),
}

/// The year a report folder stands for, when it is named like `2026`.
pub fn folder_year(path: &Path) -> Option<i32> {
    let dir = path.parent()?.file_name()?.to_str()?;
    if dir.len() == 4 {
        dir.parse().ok()
    } else {
        None
    }
}

/// Reads and checks report files against the plan.
pub fn check_reports(plan: &Plan, files: &[PathBuf], scope: Scope) -> Checked {
    check_reports_on(plan, files, scope, None)
}

/// Reads and checks report files against the plan on a given day, which adds a warning
/// for a submission date later than that day.
pub fn check_reports_on(
    plan: &Plan,
    files: &[PathBuf],
    scope: Scope,
    today: Option<NaiveDate>,
) -> Checked {
    check_reports_with(plan, files, scope, today, &History::default())
}

/// Reads and checks report files as [`check_reports_on`] does, and also compares each
/// report with the same unit's report the year before, where `history` has it.
pub fn check_reports_with(
    plan: &Plan,
    files: &[PathBuf],
    scope: Scope,
    today: Option<NaiveDate>,
    history: &History,
) -> Checked {
    let mut diags = Vec::new();
    let mut unreadable = false;
    let mut reports: Vec<Report> = Vec::new();
    let mut by_unit: HashMap<String, PathBuf> = HashMap::new();

    // Everything that depends on one file alone (reading, parsing, its year, its name, its
    // coverage) is done in parallel, and the file's text is dropped as soon as its findings
    // are made. File order is kept, so output stays deterministic.
    // Last year's reports are read before the parallel loop asks for them (see
    // History::read_all); for a whole year only the year before is needed.
    match scope {
        Scope::WholeYear(year) => {
            history.reports(year - 1);
        }
        Scope::Files => history.read_all(),
    }
    let checked: Vec<FileChecked> = files
        .par_iter()
        .map(|path| check_file(plan, path, scope, today, history))
        .collect();

    // What needs all files: one report per unit.
    for (path, file) in files.iter().zip(checked) {
        unreadable |= file.unreadable;
        diags.extend(file.diags);
        let Some((report, at_unit, coverage)) = file.report else {
            continue;
        };
        if let Some(first) = by_unit.get(&report.unit) {
            let mut d = at_unit;
            d.message = format!(
                "“{}”已有一份报告（{}），这是第二份",
                unit_label(plan, &report.unit),
                display_path(first)
            );
            diags.push(d);
            continue;
        }
        diags.extend(coverage);
        by_unit.insert(report.unit.clone(), path.clone());
        reports.push(report);
    }

    if let Scope::WholeYear(year) = scope {
        // A unit whose file is there but unreadable has reported; its errors say what to fix.
        let stems: HashSet<&str> = files
            .iter()
            .filter_map(|f| f.file_stem().and_then(|s| s.to_str()))
            .collect();
        for unit in plan.reporting_units() {
            if !by_unit.contains_key(&unit.id) && !stems.contains(unit.id.as_str()) {
                diags.push(
                    Diagnostic::new(
                        Code::Missing,
                        format!("{}（{}）尚未报送 {year} 年度报告", unit.short, unit.id),
                    )
                    .hint(format!(
                        "可用 `nianbao init {}` 生成预填好的报告发给该单位，`nianbao remind` 生成催报通知；收到后用 `nianbao intake` 收取",
                        unit.id
                    )),
                );
            }
        }
    }
    Checked {
        reports,
        diags,
        unreadable,
    }
}

/// One file's report and findings, made without looking at any other file.
struct FileChecked {
    /// Findings about the file itself.
    diags: Vec<Diagnostic>,
    /// Whether the file could not be read at all.
    unreadable: bool,
    /// The report, a finding anchored at its unit (used if it turns out to be a second
    /// report for that unit), and its coverage findings (dropped in that case).
    report: Option<(Report, Diagnostic, Vec<Diagnostic>)>,
}

fn check_file(
    plan: &Plan,
    path: &Path,
    scope: Scope,
    today: Option<NaiveDate>,
    history: &History,
) -> FileChecked {
    let (src, note, cells) = match crate::workbook::read_report_source(path) {
        Ok(read) => read,
        Err(d) => {
            return FileChecked {
                unreadable: d.code == Code::Unreadable,
                diags: vec![*d],
                report: None,
            };
        }
    };
    let checked = check_source(plan, path, scope, today, &src, note, history);
    match cells {
        // Findings in a workbook point at its cells, not at lines of the converted text.
        Some(cells) => FileChecked {
            diags: checked
                .diags
                .into_iter()
                .map(|d| cells.relocate(d))
                .collect(),
            unreadable: checked.unreadable,
            report: checked.report.map(|(r, at, cov)| {
                (
                    r,
                    cells.relocate(at),
                    cov.into_iter().map(|d| cells.relocate(d)).collect(),
                )
            }),
        },
        None => checked,
    }
}

fn check_source(
    plan: &Plan,
    path: &Path,
    scope: Scope,
    today: Option<NaiveDate>,
    src: &SourceFile,
    note: Option<Diagnostic>,
    history: &History,
) -> FileChecked {
    let (report, found) = load_report(src, plan);
    let mut diags: Vec<Diagnostic> = note.into_iter().chain(found).collect();
    let Some(report) = report else {
        return FileChecked {
            diags,
            unreadable: false,
            report: None,
        };
    };
    let expected_year = match scope {
        Scope::WholeYear(y) => Some(y),
        Scope::Files => folder_year(path),
    };
    if let Some(y) = expected_year.filter(|&y| y != report.year) {
        diags.push(
            Diagnostic::new(
                Code::YearMismatch,
                format!("报告写的是 {} 年度，但放在 {y} 年度的文件夹中", report.year),
            )
            .at(src, report.year_span.clone())
            .hint(format!(
                "如果是 {y} 年度的报告，把 year 改为 {y}；否则把文件移到 reports/{}/ 中",
                report.year
            )),
        );
    }
    // Only a filed report has to be named after its unit; a unit checking its own
    // copy before sending it may call it anything.
    if folder_year(path).is_some()
        && path.file_stem().and_then(|s| s.to_str()) != Some(report.unit.as_str())
    {
        diags.push(
            Diagnostic::new(
                Code::FileName,
                format!(
                    "文件名与报送单位不一致：这是“{}”的报告",
                    unit_label(plan, &report.unit)
                ),
            )
            .at(src, report.unit_span.clone())
            .hint(format!(
                "报告文件应命名为 {}.yaml；用 `nianbao intake 文件` 收取报告会自动按单位命名并保存",
                report.unit
            )),
        );
    }
    if let Some(d) = odd_date(plan, src, &report, today) {
        diags.push(d);
    }
    let at_unit = Diagnostic::new(Code::DuplicateReport, String::new())
        .at(src, report.unit_span.clone())
        .hint("每个单位每年只保留一份报告：确认哪份是最终稿，删除或移走另一份");
    let mut coverage = Vec::new();
    coverage_findings(plan, src, &report, &mut coverage);
    if let Some(earlier) = history.report(report.year - 1, &report.unit) {
        diags.extend(copied_findings(plan, src, &report, earlier));
    }
    FileChecked {
        diags,
        unreadable: false,
        report: Some((report, at_unit, coverage)),
    }
}

/// A submission date later than today, or after the year's collection has closed
/// ([`crate::calendar::switch_over`]): most likely a slip of the keyboard.
fn odd_date(
    plan: &Plan,
    src: &SourceFile,
    report: &Report,
    today: Option<NaiveDate>,
) -> Option<Diagnostic> {
    let submitted = report.submitted?;
    let message = if today.is_some_and(|t| submitted > t) {
        format!(
            "报送日期 {} 晚于今天（{}）",
            cn_date(submitted),
            today.map(cn_date).unwrap_or_default()
        )
    } else {
        let end = switch_over(plan, report.year)?;
        if submitted <= end {
            return None;
        }
        format!(
            "报送日期 {} 已在 {} 年度的收集期（至 {}）之后",
            cn_date(submitted),
            report.year,
            cn_date(end)
        )
    };
    Some(
        Diagnostic::new(Code::OddDate, message)
            .at(src, report.submitted_span.clone())
            .hint("核对报送日期是否写错；是否逾期以办公室的收文登记为准"),
    )
}

/// Entries whose progress repeats the unit's own entry for the task the year before.
fn copied_findings(
    plan: &Plan,
    src: &SourceFile,
    report: &Report,
    earlier: &Report,
) -> Vec<Diagnostic> {
    copied_entries(report, earlier, plan.reporting.copy_similarity)
        .into_iter()
        .filter_map(|c| {
            let entry = report.entry(c.task)?;
            let how = if c.similarity >= 0.9995 {
                "完全相同".to_string()
            } else {
                format!("几乎相同（相似度{:.0}%）", c.similarity * 100.0)
            };
            Some(
                Diagnostic::new(
                    Code::Copied,
                    format!(
                        "第 {} 项任务的进展与本单位 {} 年度报告{how}",
                        c.task, c.year
                    ),
                )
                .at(src, entry.progress_span.clone())
                .hint("写明本年度新做的工作和新的数据；延续上年的工作，也要写今年推进到哪一步、有什么变化"),
            )
        })
        .collect()
}

fn unit_label(plan: &Plan, id: &str) -> String {
    plan.unit(id)
        .map(|u| u.short.clone())
        .unwrap_or_else(|| id.to_string())
}

fn coverage_findings(plan: &Plan, src: &SourceFile, report: &Report, diags: &mut Vec<Diagnostic>) {
    let Some(unit) = plan.unit(&report.unit) else {
        return;
    };
    if let (Some(submitted), Some(deadline)) = (report.submitted, plan.deadline(report.year))
        && submitted > deadline
    {
        let days = (submitted - deadline).num_days();
        diags.push(
            Diagnostic::new(
                Code::Late,
                format!(
                    "{}于 {submitted} 报送，晚于截止日期 {deadline}，逾期 {days} 天",
                    unit.short
                ),
            )
            .at(src, report.submitted_span.clone())
            .hint("逾期报送会在汇总报告的报送情况中注明；如日期填错，请改正报送日期"),
        );
    }
    let coverage = UnitCoverage::of(plan, unit, Some(report));
    for gap in coverage.gaps() {
        let Some(task) = plan.task(gap.task) else {
            continue;
        };
        // Real text under a status that is missing or not recognised: the finding about
        // the status says what to fix; calling the text a placeholder would mislead.
        if report
            .entry(gap.task)
            .is_some_and(|e| !e.status_chosen && crate::report::is_real_text(&e.progress))
        {
            continue;
        }
        let (code, message, span) = match gap.state {
            TaskState::Placeholder => {
                let entry = report.entry(gap.task);
                (
                    Code::Placeholder,
                    format!(
                        "第 {} 项任务“{}”（{}）的工作进展未填写，或仍是占位文字",
                        task.number,
                        task.title,
                        gap.role.label()
                    ),
                    entry
                        .map(|e| e.progress_span.clone())
                        .unwrap_or(report.tasks_span.clone()),
                )
            }
            _ => (
                Code::Uncovered,
                format!(
                    "缺少第 {} 项任务“{}”的进展（本单位{}）",
                    task.number,
                    task.title,
                    gap.role.label()
                ),
                report.tasks_span.clone(),
            ),
        };
        let hint = if code == Code::Placeholder {
            "把占位文字换成本年度实际做了什么、取得了什么成效（有数据的写数据）；确不涉及的，status 填“不涉及”并在 reason 中说明理由".to_string()
        } else {
            format!(
                "在 tasks 下添加一项 `- task: {}`，写明 status 和 progress；确不涉及的，status 填“不涉及”并在 reason 中说明理由",
                task.number
            )
        };
        diags.push(Diagnostic::new(code, message).at(src, span).hint(hint));
    }
    for ind in plan.indicators_of(unit) {
        if !report.names_indicator(&ind.id) {
            let task = ind.tasks.first().copied().unwrap_or(1);
            let whose = if ind.owner == unit.id {
                "全区"
            } else {
                "本地区"
            };
            diags.push(
                Diagnostic::new(
                    Code::IndicatorMissing,
                    format!("未报告指标“{}”的{whose}数值", ind.name),
                )
                .at(src, report.tasks_span.clone())
                .hint(format!(
                    "在第 {task} 项任务的 figures 中加一项：name 写指标名称，value 写以“{}”计的数字，并写 `indicator: {}`；数据尚未最终发布的，填初步数据并在名称中注明",
                    ind.unit, ind.id
                )),
            );
        }
    }
    for number in &coverage.extra {
        let Some(entry) = report.entry(*number) else {
            continue;
        };
        let title = plan
            .task(*number)
            .map(|t| t.title.as_str())
            .unwrap_or_default();
        diags.push(
            Diagnostic::new(
                Code::Extra,
                format!("第 {number} 项任务“{title}”不在本单位的分工中，将作为协同工作一并汇总"),
            )
            .at(src, entry.task_span.clone()),
        );
    }
}
