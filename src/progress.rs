//! Where each reporting unit stands in a year: submitted or not, late or not, which
//! assigned tasks it has covered. [`crate::account`] builds the year's account on it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::coverage::UnitCoverage;
use crate::plan::{Plan, Role, Unit};
use crate::register::Received;
use crate::report::{Report, Status};

/// Whether and when a unit's report arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Submission {
    /// Received by the deadline.
    OnTime,
    /// Received after the deadline.
    Late,
    /// Not received.
    Missing,
}

impl Submission {
    /// The Chinese word.
    pub fn label(self) -> &'static str {
        match self {
            Submission::OnTime => "已报送",
            Submission::Late => "逾期报送",
            Submission::Missing => "未报送",
        }
    }
}

/// One reporting unit's standing.
#[derive(Debug)]
pub struct UnitProgress<'a> {
    /// The unit.
    pub unit: &'a Unit,
    /// Its report, if received.
    pub report: Option<&'a Report>,
    /// Its assigned tasks and how they stand.
    pub coverage: UnitCoverage,
    /// On time, late or missing.
    pub submission: Submission,
    /// Days after the deadline (0 when on time or missing).
    pub days_late: i64,
    /// When the office received the filed report, as its receipt register records.
    pub received: Option<NaiveDate>,
    /// Whether a report file is there but not one task is filled in (an unfilled draft):
    /// it counts as not submitted.
    pub unfilled: bool,
}

impl UnitProgress<'_> {
    /// Covered entries with the given status (placeholders and blanks have no status).
    pub fn count(&self, status: Status) -> usize {
        self.report
            .map(|r| {
                r.entries
                    .iter()
                    .filter(|e| e.status == status && e.is_covered())
                    .count()
            })
            .unwrap_or(0)
    }

    /// The date the report counts as submitted: when it was received where the register
    /// records that, else the date the report gives.
    pub fn arrived(&self) -> Option<NaiveDate> {
        arrival(self.report, self.received)
    }

    /// Whether the report arrived after a cut-off (never without one).
    pub fn after(&self, cutoff: Option<NaiveDate>) -> bool {
        match (self.arrived(), cutoff) {
            (Some(s), Some(c)) => s > c,
            _ => false,
        }
    }

    /// The date the report gives, as 2026-12-20, or empty when there is none.
    pub fn date(&self) -> String {
        self.report
            .and_then(|r| r.submitted)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    /// The date the register records the report as received, or empty.
    pub fn received_date(&self) -> String {
        self.received.map(|d| d.to_string()).unwrap_or_default()
    }

    /// Lead tasks not yet covered.
    pub fn owed_lead_tasks(&self) -> Vec<u32> {
        self.coverage
            .gaps()
            .filter(|a| a.role == Role::Lead)
            .map(|a| a.task)
            .collect()
    }

    /// Whether anything is outstanding: no report, or an assigned task not covered.
    pub fn is_outstanding(&self) -> bool {
        self.report.is_none() || self.coverage.gaps().next().is_some()
    }
}

/// When a report counts as arrived: its receipt date where recorded, else its own date.
fn arrival(report: Option<&Report>, received: Option<NaiveDate>) -> Option<NaiveDate> {
    report.and_then(|r| received.or(r.submitted))
}

/// The standing of every reporting unit, in plan order. `received` holds the dates the
/// receipt register records; a report without one is judged by the date it gives.
pub fn progress<'a>(
    plan: &'a Plan,
    year: i32,
    reports: &'a [Report],
    received: &Received,
) -> Vec<UnitProgress<'a>> {
    let by_unit: HashMap<&str, &Report> = reports.iter().map(|r| (r.unit.as_str(), r)).collect();
    let deadline = plan.deadline(year);
    plan.reporting_units()
        .map(|unit| {
            let file = by_unit.get(unit.id.as_str()).copied();
            // A file in which not one task is filled in is a draft, not a submission.
            let unfilled = file.is_some_and(Report::is_unfilled);
            let report = file.filter(|_| !unfilled);
            let received = report.and(received.get(&unit.id).copied());
            let arrived = arrival(report, received);
            let days_late = match (arrived, deadline) {
                (Some(s), Some(d)) if s > d => (s - d).num_days(),
                _ => 0,
            };
            let submission = match (report, days_late) {
                (None, _) => Submission::Missing,
                (Some(_), 0) => Submission::OnTime,
                _ => Submission::Late,
            };
            UnitProgress {
                unit,
                report,
                coverage: UnitCoverage::of(plan, unit, report),
                submission,
                days_late,
                received,
                unfilled,
            }
        })
        .collect()
}
