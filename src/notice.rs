//! Notices to units with something outstanding: a 提醒 up to the deadline, a 催报通知
//! after it. This module decides who gets which notice and gathers the facts each one
//! states; the words are in the `remind.md` template, the layout in the writers.

use chrono::NaiveDate;
use serde::Serialize;

use crate::account::{Outstanding, OwedTask, YearAccount};
use crate::compile::numerals::{cn_date, deadline_words};
use crate::plan::Plan;

/// Which notice a unit gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NoticeKind {
    /// Before or on the deadline: a reminder.
    #[serde(rename = "提醒")]
    Reminder,
    /// After the deadline: a notice to report without further delay.
    #[serde(rename = "催报通知")]
    Urge,
}

impl NoticeKind {
    /// The notice's name, as its title ends.
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Reminder => "提醒",
            NoticeKind::Urge => "催报通知",
        }
    }

    /// The notice due on `today` for a year with this deadline.
    pub fn on(today: NaiveDate, deadline: Option<NaiveDate>) -> NoticeKind {
        match deadline {
            Some(d) if today > d => NoticeKind::Urge,
            _ => NoticeKind::Reminder,
        }
    }
}

/// The unit a notice is addressed to.
#[derive(Debug, Serialize)]
pub struct Addressee {
    /// Unit id.
    pub id: String,
    /// Short name.
    pub short: String,
    /// Full name: the addressee line.
    pub name: String,
}

/// Everything one notice states; the `remind.md` template's context.
#[derive(Debug, Serialize)]
pub struct Notice {
    /// 提醒 or 催报通知.
    pub kind: NoticeKind,
    /// The report year.
    pub year: i32,
    /// What the reports are about.
    pub subject: String,
    /// The plan's title.
    pub plan_title: String,
    /// The plan's reporting rule, quoted (may be empty).
    pub rule: String,
    /// Whom units report to.
    pub to: String,
    /// Whom units copy.
    pub cc: String,
    /// The deadline as 每年12月底前 words.
    pub deadline_words: String,
    /// The deadline, as 2026年12月31日.
    pub deadline_cn: String,
    /// Days left before the deadline (0 on the day), for a reminder.
    pub days_left: i64,
    /// Days since the deadline, for an urge.
    pub days_over: i64,
    /// The new date to report by (`--by`), as 2027年1月10日.
    pub by_cn: String,
    /// Today, as 2026年12月20日.
    pub today_cn: String,
    /// Today, as 2026-12-20 (the document's date).
    pub today_iso: String,
    /// The addressee.
    pub unit: Addressee,
    /// Whether no report counts as received.
    pub report_missing: bool,
    /// Whether a file came but not one task in it is filled in.
    pub unfilled: bool,
    /// The tasks owed.
    pub tasks: Vec<OwedTask>,
    /// How many tasks the unit is assigned.
    pub assigned: usize,
    /// Whether the unit is assigned every task of the plan.
    pub all_tasks: bool,
    /// The office's contact person and phone (plan `[report]`), may be empty.
    pub contact: String,
    /// The contact's phone.
    pub phone: String,
    /// Who signs: the office.
    pub signer: String,
}

/// A notice for every unit with something outstanding, in plan order. `by` is a new date
/// to report by, for notices after the deadline.
pub fn notices(
    plan: &Plan,
    account: &YearAccount,
    today: NaiveDate,
    by: Option<NaiveDate>,
) -> Vec<Notice> {
    let deadline = account.deadline;
    let kind = NoticeKind::on(today, deadline);
    let days = deadline.map(|d| (d - today).num_days()).unwrap_or(0);
    account
        .outstanding()
        .into_iter()
        .map(|o: Outstanding| {
            let assigned = account
                .units
                .iter()
                .find(|p| p.unit.id == o.id)
                .map(|p| p.coverage.assigned.len())
                .unwrap_or(o.tasks.len());
            Notice {
                kind,
                year: account.year,
                subject: plan.subject.clone(),
                plan_title: plan.title.clone(),
                rule: plan.reporting.rule.clone(),
                to: plan.reporting.to.clone(),
                cc: plan.reporting.cc.clone(),
                deadline_words: deadline_words(
                    plan.reporting.deadline_month,
                    plan.reporting.deadline_day,
                ),
                deadline_cn: deadline.map(cn_date).unwrap_or_default(),
                days_left: days.max(0),
                days_over: (-days).max(0),
                by_cn: by.map(cn_date).unwrap_or_default(),
                today_cn: cn_date(today),
                today_iso: today.to_string(),
                unit: Addressee {
                    id: o.id,
                    short: o.unit,
                    name: o.name,
                },
                report_missing: o.report_missing,
                unfilled: o.unfilled,
                all_tasks: assigned == plan.tasks.len(),
                assigned,
                tasks: o.tasks,
                contact: plan.report.contact.clone(),
                phone: plan.report.phone.clone(),
                signer: plan.report.signer.clone(),
            }
        })
        .collect()
}
