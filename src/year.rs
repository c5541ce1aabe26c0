//! One reporting year as the office commands see it: the plan, the year's reports as
//! `check` leaves them, every finding, and what "today" is.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::account::YearAccount;
use crate::calendar::{plan_years, year_in_force};
use crate::cli::Global;
use crate::compile::numerals::cn_date;
use crate::diag::{Diagnostic, Severity};
use crate::history::History;
use crate::plan::Plan;
use crate::register::{self, Received, Register};
use crate::report::{Report, parse_date};
use crate::validate::{Scope, check_reports_with};
use crate::workspace::{UsageError, find_plan, read_plan, report_files, years};

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
    /// "Today", as `--today`, SOURCE_DATE_EPOCH or the clock say.
    pub today: NaiveDate,
    /// When each unit's filed report was received, from the receipt register.
    pub received: Received,
    /// The reports of earlier years, for comparing.
    pub history: History,
}

/// What a command needs of the year it works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Collecting: the year in force may have no reports yet (everyone is outstanding on
    /// the first day); any other year must have its folder.
    Collecting,
    /// Compiling: the year must have at least one report.
    Reports,
    /// Preparing drafts: any year of the plan will do.
    Drafts,
}

/// Loads the plan alone. Fails (exit 2) when it is unusable, printing its findings.
pub fn load_plan(global: &Global) -> Result<(Plan, Vec<Diagnostic>)> {
    let plan_path = find_plan(global.plan.as_deref(), &[])?;
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
    pub fn load(global: &Global, need: Need) -> Result<Year> {
        let (plan, mut diags) = load_plan(global)?;
        let today = today(global)?;
        let year = pick_year(global, &plan, today, need)?;
        let files = report_files(&global.reports, year)?;
        if need == Need::Reports && files.is_empty() {
            bail!(UsageError(format!(
                "{year} 年度还没有收到任何报告（{} 中没有报告文件），无法汇编。{}",
                crate::source::display_path(&global.reports.join(year.to_string())),
                years_on_file(&global.reports)
            )));
        }
        // A register that cannot be read costs only the receipt dates: the reports are
        // judged by the dates they give, and the office is told why. (intake, which must
        // append to it, refuses instead.)
        let received = match Register::read(&register::path(&global.reports, year)) {
            Ok(register) => register.received(),
            Err(e) => {
                eprintln!("注意：{e:#}。本次按报告所填的报送日期判断是否逾期。");
                Received::new()
            }
        };
        let history = History::load(&plan, &global.reports, year);
        let checked =
            check_reports_with(&plan, &files, Scope::WholeYear(year), Some(today), &history);
        diags.extend(checked.diags);
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Ok(Year {
            plan,
            year,
            reports: checked.reports,
            diags,
            unreadable: checked.unreadable,
            today,
            received,
            history,
        })
    }

    /// The findings that are errors.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// The account of the year ([`YearAccount`]), with a cut-off if the report is signed.
    pub fn account(&self, cutoff: Option<NaiveDate>) -> YearAccount<'_> {
        YearAccount::of(&self.plan, self.year, &self.reports, &self.received, cutoff)
    }

    /// The report of a unit, if it has one.
    pub fn report(&self, unit_id: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.unit == unit_id)
    }
}

/// The year a command works on: `--year` if given, else the year in force on `today`
/// ([`crate::calendar`]). It must lie within the plan's phases; a year other than the one
/// in force must have a folder of reports, since nothing is being collected for it.
pub fn pick_year(global: &Global, plan: &Plan, today: NaiveDate, need: Need) -> Result<i32> {
    let in_force = year_in_force(plan, today);
    let year = global.year.unwrap_or(in_force);
    let what = if global.year.is_some() {
        format!("--year {year}")
    } else {
        format!("按今天（{}）应处理的 {year} 年度", cn_date(today))
    };
    if let Some((start, end)) = plan_years(plan)
        && !(start..=end).contains(&year)
    {
        bail!(UsageError(format!(
            "{what} 不在方案的实施期（{start}—{end}年）内。{}",
            years_on_file(&global.reports)
        )));
    }
    let folder = global.reports.join(year.to_string());
    if need == Need::Collecting && year != in_force && !folder.is_dir() {
        bail!(UsageError(format!(
            "{what} 没有报告文件夹 {}，当前正在收集的是 {in_force} 年度。{}",
            crate::source::display_path(&folder),
            years_on_file(&global.reports)
        )));
    }
    Ok(year)
}

/// A sentence naming the year folders that hold reports, for messages about a wrong year.
fn years_on_file(reports: &std::path::Path) -> String {
    let found: Vec<String> = years(reports)
        .unwrap_or_default()
        .into_iter()
        .filter(|y| {
            report_files(reports, *y)
                .map(|f| !f.is_empty())
                .unwrap_or(false)
        })
        .map(|y| y.to_string())
        .collect();
    if found.is_empty() {
        "报告文件夹中还没有任何年度的报告。".to_string()
    } else {
        format!(
            "已有报告的年度：{}。请用 --year 指定其中之一。",
            found.join("、")
        )
    }
}

/// Prints errors to stderr the way `check` shows them.
pub fn print_errors<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    let renderer = crate::diag::renderer();
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
