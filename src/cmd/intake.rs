//! `nianbao intake`: file received reports under their units, record each receipt, and
//! say what became of every file.

use anyhow::Result;
use chrono::NaiveDateTime;

use crate::Outcome;
use crate::cli::{Global, IntakeArgs};
use crate::filing::{self, Filed, Options};
use crate::report::parse_date;
use crate::source::display_path;
use crate::workspace::UsageError;
use crate::year::{load_plan, print_errors, source_date_epoch};

/// Runs `intake`.
pub fn execute(global: &Global, args: &IntakeArgs) -> Result<Outcome> {
    let (plan, _) = load_plan(global)?;
    let options = Options {
        received: received(args.received.as_deref(), global.today.as_deref())?,
        replace: args.replace,
    };
    let mut incoming = Vec::new();
    let mut unreadable = false;
    for file in &args.files {
        match filing::read(&plan, file) {
            Ok(inc) => incoming.push(inc),
            Err(d) => {
                print_errors([&*d]);
                eprintln!("未收取：{}\n", display_path(file));
                unreadable = true;
            }
        }
    }
    for inc in &incoming {
        print_errors(&inc.errors);
    }
    let outcomes = filing::file_all(&plan, &global.reports, incoming, &options)?;
    let mut refused = 0;
    for o in &outcomes {
        let file = display_path(&o.file);
        match &o.result {
            Filed::Filed {
                unit,
                year,
                version,
                path,
            } => say!(
                "已收取 {file} → {}（{unit} {year} 年度报告，第 {version} 版，收文 {}）",
                display_path(path),
                options.received.format("%Y-%m-%d %H:%M")
            ),
            Filed::Unchanged(path) => {
                say!(
                    "{file} 与已收取的 {} 内容相同，无需再收取。",
                    display_path(path)
                )
            }
            Filed::Refused(reason) => {
                refused += 1;
                eprintln!("未收取：{file}。{reason}。\n");
            }
            Filed::FiledUnreadable(reason) => {
                unreadable = true;
                eprintln!("未收取：{file}。{reason}。\n");
            }
            Filed::Invalid => {
                refused += 1;
                eprintln!(
                    "未收取：{file} 有错误（见上），请退回报送单位改正后重新报送（没有保存任何文件）。\n"
                );
            }
        }
        for note in &o.notes {
            say!("  {note}");
        }
    }
    Ok(if unreadable {
        Outcome::InputError
    } else if refused > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// When the files were received: `--received` (a date, or a date and time), else the day
/// `--today` or SOURCE_DATE_EPOCH names, else now.
fn received(given: Option<&str>, today: Option<&str>) -> Result<NaiveDateTime> {
    if let Some(t) = given {
        let t = t.trim();
        for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(dt);
            }
        }
        return parse_date(t)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| {
                UsageError(format!(
                    "--received 的日期“{t}”无效，请写成 2027-01-06 或 \"2027-01-06 09:30\" 的形式"
                ))
                .into()
            });
    }
    if let Some(t) = today {
        return parse_date(t)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| {
                UsageError(format!("--today 的日期“{t}”无效，请写成 2026-12-20 的形式")).into()
            });
    }
    if let Some(d) = source_date_epoch()? {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    }
    Ok(chrono::Local::now().naive_local())
}
