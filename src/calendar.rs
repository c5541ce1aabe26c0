//! The reporting calendar: which year is being collected or compiled on a given day, when
//! collection of a year closes, and how the deadline reads in a sentence.
//!
//! The rule for the year in force: a year's reports are collected up to its deadline and
//! compiled, chased and completed in the three months after it. So the year in force on a
//! day is the year just ended while that day is no later than the last day of the third
//! month after that year's deadline (31 March for a 31 December deadline), and the current
//! year from then on. The folders present play no part: an `init` for next year made in
//! November does not move the office on to next year.

use chrono::{Datelike, Months, NaiveDate};

use crate::compile::numerals::cn_date;
use crate::plan::Plan;

/// Months after the deadline during which a year stays in force.
pub const GRACE_MONTHS: u32 = 3;

/// The last day on which `year` is still the year in force.
pub fn switch_over(plan: &Plan, year: i32) -> Option<NaiveDate> {
    // The last day of the third month after the deadline's month: the first day of the
    // fourth month after, less one day.
    let deadline = plan.deadline(year)?;
    let first = NaiveDate::from_ymd_opt(deadline.year(), deadline.month(), 1)?;
    first
        .checked_add_months(Months::new(GRACE_MONTHS + 1))?
        .pred_opt()
}

/// The year being collected or compiled on `today`.
pub fn year_in_force(plan: &Plan, today: NaiveDate) -> i32 {
    let last = today.year() - 1;
    match switch_over(plan, last) {
        Some(end) if today <= end => last,
        _ => today.year(),
    }
}

/// The years the plan covers, from the first phase's start to the last phase's end.
pub fn plan_years(plan: &Plan) -> Option<(i32, i32)> {
    let start = plan.phases.iter().map(|p| p.start).min()?;
    let end = plan.phases.iter().map(|p| p.end).max()?;
    Some((start, end))
}

/// A sentence about the deadline: days left, today, or days overdue.
pub fn deadline_sentence(deadline: Option<NaiveDate>, today: NaiveDate) -> String {
    match deadline {
        None => "方案未规定有效的截止日期".to_string(),
        Some(d) => {
            let days = (d - today).num_days();
            let when = match days {
                1.. => format!("还剩 {days} 天"),
                0 => "今天截止".to_string(),
                _ => format!("已过截止日期 {} 天", -days),
            };
            format!(
                "截止日期 {}，{when}（今天是 {}）",
                cn_date(d),
                cn_date(today)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(deadline: &str) -> Plan {
        let text = format!(
            "[plan]\nid = \"t\"\ntitle = \"t\"\nsubject = \"t\"\nissuer = \"t\"\n\
             [reporting]\nto = \"t\"\ncc = \"t\"\ndeadline = \"{deadline}\"\n\
             [[phases]]\nname = \"p\"\nstart = 2021\nend = 2035\ngoal = \"g\"\n\
             [[units]]\nid = \"a\"\nname = \"甲\"\nshort = \"甲\"\nkind = \"region\"\n\
             [[sections]]\nnumber = 1\ntitle = \"s\"\n\
             [[tasks]]\nnumber = 1\nsection = 1\ntitle = \"t\"\ntext = \"t\"\nlead = \"a\"\n"
        );
        let src = crate::source::SourceFile::from_text("p.toml", text);
        let (plan, diags) = crate::plan::load_plan(&src);
        plan.unwrap_or_else(|| panic!("{diags:?}"))
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn year_switches_three_months_after_a_december_deadline() {
        let p = plan("12-31");
        assert_eq!(switch_over(&p, 2026), Some(day("2027-03-31")));
        assert_eq!(year_in_force(&p, day("2026-11-29")), 2026);
        assert_eq!(year_in_force(&p, day("2026-12-31")), 2026);
        assert_eq!(year_in_force(&p, day("2027-01-01")), 2026);
        assert_eq!(year_in_force(&p, day("2027-03-31")), 2026);
        assert_eq!(year_in_force(&p, day("2027-04-01")), 2027);
    }

    #[test]
    fn year_switches_after_a_november_deadline_at_the_end_of_february() {
        let p = plan("11-30");
        assert_eq!(switch_over(&p, 2027), Some(day("2028-02-29")));
        assert_eq!(year_in_force(&p, day("2027-12-15")), 2027);
        assert_eq!(year_in_force(&p, day("2028-02-29")), 2027);
        assert_eq!(year_in_force(&p, day("2028-03-01")), 2028);
    }
}
