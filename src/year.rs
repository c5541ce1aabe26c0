//! One reporting year as the office commands see it: the plan, the year's reports as
//! `check` leaves them, every finding, and what "today" is.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::Global;
use crate::diag::{Diagnostic, Severity};
use crate::plan::Plan;
use crate::report::{Report, parse_date};
use crate::validate::{Scope, check_reports};
use crate::workspace::{UsageError, find_plan, pick_year, read_plan, report_files};

/// The plan and a year's reports, checked.
pub struct Year {
    /// The plan.
    pub plan: Plan,
    /// The report year.
    pub year: i32,
    /// The usable reports, one per unit.
    pub reports: Vec<Report>,
    /// Every finding about the plan and the reports.
    pub diags: Vec<Diagnostic>,
    /// Whether some report file could not be read at all.
    pub unreadable: bool,
}

/// Loads the plan alone. Fails (exit 2) when it is unusable, printing its findings.
pub fn load_plan(global: &Global) -> Result<(Plan, Vec<Diagnostic>)> {
    let plan_path = find_plan(Some(&global.plan))?;
    let (plan, diags) = read_plan(&plan_path)?;
    match plan {
        Some(plan) => Ok((plan, diags)),
        None => {
            print_errors(&diags);
            bail!(UsageError(
                "方案文件有错误，请先改正（运行 `nianbao check` 可查看全部问题）".into()
            ))
        }
    }
}

impl Year {
    /// Loads the plan and checks the year's reports. Fails (exit 2) when the plan is
    /// unusable, printing its findings.
    pub fn load(global: &Global) -> Result<Year> {
        let (plan, mut diags) = load_plan(global)?;
        let year = pick_year(&global.reports, global.year)?;
        let files = report_files(&global.reports, year)?;
        let checked = check_reports(&plan, &files, Scope::WholeYear(year));
        diags.extend(checked.diags);
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Ok(Year {
            plan,
            year,
            reports: checked.reports,
            diags,
            unreadable: checked.unreadable,
        })
    }

    /// The findings that are errors.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// The report of a unit, if it has one.
    pub fn report(&self, unit_id: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.unit == unit_id)
    }
}

/// Prints errors to stderr the way `check` shows them.
pub fn print_errors<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    let renderer = crate::cmd::check::renderer();
    for d in diags {
        if d.severity == Severity::Error {
            eprintln!("{}\n", d.render(&renderer));
        }
    }
}

/// "Today": `--today`, else SOURCE_DATE_EPOCH (UTC), else the local clock.
pub fn today(global: &Global) -> Result<NaiveDate> {
    if let Some(t) = &global.today {
        return parse_date(t).ok_or_else(|| {
            UsageError(format!("--today 的日期“{t}”无效，请写成 2026-12-20 的形式")).into()
        });
    }
    if let Some(d) = source_date_epoch()? {
        return Ok(d);
    }
    Ok(chrono::Local::now().date_naive())
}

/// The date SOURCE_DATE_EPOCH names, if it is set.
pub fn source_date_epoch() -> Result<Option<NaiveDate>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => {
            let secs: i64 = epoch.trim().parse().map_err(|_| {
                UsageError(format!(
                    "环境变量 SOURCE_DATE_EPOCH 应为秒数，这里是“{epoch}”"
                ))
            })?;
            Ok(chrono::DateTime::from_timestamp(secs, 0).map(|t| t.date_naive()))
        }
        Err(_) => Ok(None),
    }
}
