//! The account of a year: who reported and when, what every report covers, and every count
//! the documents and commands print. Computed once here; `compile` and `status` read the
//! same numbers, so the report and the office's table can never disagree.
//!
//! The rules that make the numbers add up:
//! - only a covered entry (real progress text, or 不涉及 with a reason) is counted under a
//!   status; placeholders, blanks and non-answers such as “无” count as gaps;
//! - the statuses of covered assigned entries add up to `pairs_covered`, and with the gaps
//!   (no report, task not listed, no real text) to `pairs_assigned`;
//! - covered entries for tasks outside a unit's assignment are counted apart (`extra`).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::plan::{Plan, Role, Task, Unit};
use crate::progress::{Submission, UnitProgress, progress};
use crate::register::Received;
use crate::report::{Entry, Report, Status};

/// Counts of covered entries by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally([usize; 5]);

impl Tally {
    fn index(status: Status) -> usize {
        Status::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or_default()
    }

    /// Counts one entry.
    pub fn add(&mut self, status: Status) {
        self.0[Tally::index(status)] += 1;
    }

    /// Entries with a status.
    pub fn get(&self, status: Status) -> usize {
        self.0[Tally::index(status)]
    }

    /// All entries counted.
    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// Entries that say how the work stands (all but 不涉及).
    pub fn active(&self) -> usize {
        self.total() - self.get(Status::NotApplicable)
    }

    /// Every status in display order with its count.
    pub fn counts(&self) -> impl Iterator<Item = (Status, usize)> + '_ {
        Status::ALL.iter().map(|s| (*s, self.get(*s)))
    }

    /// The overall status of a task from its entries: 滞后 if any is behind, 已完成 if all
    /// are done, 未启动 if none has started, otherwise 按计划推进; none without entries
    /// other than 不涉及.
    pub fn overall(&self) -> Option<Status> {
        let active = self.active();
        if active == 0 {
            None
        } else if self.get(Status::Behind) > 0 {
            Some(Status::Behind)
        } else if self.get(Status::Done) == active {
            Some(Status::Done)
        } else if self.get(Status::NotStarted) == active {
            Some(Status::NotStarted)
        } else {
            Some(Status::OnTrack)
        }
    }
}

impl Serialize for Tally {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(5))?;
        for (status, n) in self.counts() {
            map.serialize_entry(status.label(), &n)?;
        }
        map.end()
    }
}

/// Why an assigned unit has no account of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapReason {
    /// The unit has not submitted a report.
    NoReport,
    /// The report does not list the task.
    NotListed,
    /// The entry holds no real text: blank, a placeholder or a non-answer.
    NoRealText,
}

impl GapReason {
    /// All reasons in display order.
    pub const ALL: [GapReason; 3] = [
        GapReason::NoReport,
        GapReason::NotListed,
        GapReason::NoRealText,
    ];

    /// The Chinese words.
    pub fn label(self) -> &'static str {
        match self {
            GapReason::NoReport => "未报送",
            GapReason::NotListed => "未填报",
            GapReason::NoRealText => "未填写实质内容",
        }
    }
}

/// Unit × task pairs without an account, by reason.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct GapCounts {
    /// Pairs of units with no report.
    pub no_report: usize,
    /// Pairs whose task the report does not list.
    pub not_listed: usize,
    /// Pairs whose entry holds no real text.
    pub no_real_text: usize,
}

impl GapCounts {
    fn slot(&mut self, reason: GapReason) -> &mut usize {
        match reason {
            GapReason::NoReport => &mut self.no_report,
            GapReason::NotListed => &mut self.not_listed,
            GapReason::NoRealText => &mut self.no_real_text,
        }
    }

    fn add(&mut self, reason: GapReason) {
        *self.slot(reason) += 1;
    }

    /// Gaps for one reason.
    pub fn get(mut self, reason: GapReason) -> usize {
        *self.slot(reason)
    }

    /// All gaps.
    pub fn total(&self) -> usize {
        self.no_report + self.not_listed + self.no_real_text
    }
}

/// The year's totals.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Units expected to report.
    pub expected: usize,
    /// Reports received.
    pub received: usize,
    /// Received by the deadline.
    pub on_time: usize,
    /// Received after the deadline.
    pub late: usize,
    /// Not received.
    pub missing: usize,
    /// Received on or before the cut-off (all received when there is none).
    pub received_by_cutoff: usize,
    /// Tasks in the plan.
    pub tasks: usize,
    /// Unit × task pairs the plan assigns (项次).
    pub pairs_assigned: usize,
    /// Of those, accounted for by a covered entry.
    pub pairs_covered: usize,
    /// Covered assigned entries by status; adds up to `pairs_covered`.
    pub by_status: Tally,
    /// Assigned pairs without an account, by reason; adds up to the uncovered pairs.
    pub gaps: GapCounts,
    /// Covered entries for tasks outside the unit's assignment (协同), by status.
    pub extra: Tally,
}

impl Totals {
    /// Covered share of assigned pairs as a percentage with one decimal, e.g. "89.4".
    pub fn coverage_percent(&self) -> String {
        percent(self.pairs_covered, self.pairs_assigned)
    }
}

/// A share as a percentage with one decimal, e.g. "89.4"; "0.0" of nothing.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0.0".to_string()
    } else {
        format!("{:.1}", 100.0 * part as f64 / whole as f64)
    }
}

/// One unit's covered entry on a task.
#[derive(Debug, Clone, Copy)]
pub struct TaskEntry<'a> {
    /// The unit.
    pub unit: &'a Unit,
    /// Its role in the task; none when it reports outside its assignment.
    pub role: Option<Role>,
    /// The entry.
    pub entry: &'a Entry,
}

impl TaskEntry<'_> {
    /// The role in words: 牵头, 参与, 属地落实, or 协同 outside the assignment.
    pub fn role_label(&self) -> &'static str {
        self.role.map(Role::label).unwrap_or("协同")
    }
}

/// An assigned unit without an account of a task.
#[derive(Debug, Clone, Copy)]
pub struct TaskGap<'a> {
    /// The unit.
    pub unit: &'a Unit,
    /// Its role.
    pub role: Role,
    /// Why there is no account.
    pub reason: GapReason,
}

/// One task's account: the covered entries and the gaps.
#[derive(Debug)]
pub struct TaskAccount<'a> {
    /// The task.
    pub task: &'a Task,
    /// Covered entries: the lead, participants in the plan's order, regions, then units
    /// outside the assignment.
    pub entries: Vec<TaskEntry<'a>>,
    /// Assigned units without an account, in the same order.
    pub gaps: Vec<TaskGap<'a>>,
    /// The entries by status.
    pub tally: Tally,
}

impl<'a> TaskAccount<'a> {
    /// The lead unit's entry, if it has accounted for the task.
    pub fn lead(&self) -> Option<&TaskEntry<'a>> {
        self.entries.iter().find(|e| e.role == Some(Role::Lead))
    }
}

/// One assigned task a unit still owes.
#[derive(Debug, Clone, Serialize)]
pub struct OwedTask {
    /// Task number.
    pub task: u32,
    /// Task title.
    pub title: String,
    /// 牵头, 参与 or 属地落实.
    pub role: &'static str,
    /// Why it is owed: 未报送, 未填报 or 未填写实质内容.
    pub state: &'static str,
}

/// A unit with something outstanding.
#[derive(Debug, Clone, Serialize)]
pub struct Outstanding {
    /// Unit id.
    pub id: String,
    /// Short name.
    pub unit: String,
    /// Full name.
    pub name: String,
    /// Whether no report counts as received (none came, or only an unfilled draft).
    pub report_missing: bool,
    /// Whether a file came but not one task in it is filled in.
    pub unfilled: bool,
    /// The assigned tasks without an account (all of them when the report is missing).
    pub tasks: Vec<OwedTask>,
}

/// The account of one reporting year.
#[derive(Debug)]
pub struct YearAccount<'a> {
    /// The report year.
    pub year: i32,
    /// The reporting deadline, if the plan's is a real date that year.
    pub deadline: Option<NaiveDate>,
    /// The cut-off the report is signed at, if any.
    pub cutoff: Option<NaiveDate>,
    /// Every reporting unit's standing, in plan order.
    pub units: Vec<UnitProgress<'a>>,
    /// Every task's account, in plan order.
    pub tasks: Vec<TaskAccount<'a>>,
    /// The totals.
    pub totals: Totals,
}

impl<'a> YearAccount<'a> {
    /// Accounts for a year. `reports` holds at most one report per unit (as `check` leaves
    /// them); `cutoff` is the date the consolidated report is signed, if known.
    pub fn of(
        plan: &'a Plan,
        year: i32,
        reports: &'a [Report],
        received: &Received,
        cutoff: Option<NaiveDate>,
    ) -> YearAccount<'a> {
        let units = progress(plan, year, reports, received);
        // The reports that count: an unfilled draft is no report.
        let by_unit: HashMap<&str, &Report> = units
            .iter()
            .filter_map(|p| Some((p.unit.id.as_str(), p.report?)))
            .collect();
        let tasks: Vec<TaskAccount> = plan
            .tasks
            .iter()
            .map(|t| task_account(plan, t, &units, &by_unit))
            .collect();

        let mut totals = Totals {
            expected: units.len(),
            received: 0,
            on_time: 0,
            late: 0,
            missing: 0,
            received_by_cutoff: 0,
            tasks: plan.tasks.len(),
            pairs_assigned: 0,
            pairs_covered: 0,
            by_status: Tally::default(),
            gaps: GapCounts::default(),
            extra: Tally::default(),
        };
        for p in &units {
            match p.submission {
                Submission::OnTime => totals.on_time += 1,
                Submission::Late => totals.late += 1,
                Submission::Missing => totals.missing += 1,
            }
            if p.report.is_some() {
                totals.received += 1;
                if !p.after(cutoff) {
                    totals.received_by_cutoff += 1;
                }
            }
            totals.pairs_assigned += p.coverage.assigned.len();
        }
        for t in &tasks {
            for e in &t.entries {
                if e.role.is_some() {
                    totals.pairs_covered += 1;
                    totals.by_status.add(e.entry.status);
                } else {
                    totals.extra.add(e.entry.status);
                }
            }
            for g in &t.gaps {
                totals.gaps.add(g.reason);
            }
        }
        YearAccount {
            year,
            deadline: plan.deadline(year),
            cutoff,
            units,
            tasks,
            totals,
        }
    }

    /// Units whose report is dated after the cut-off, in plan order.
    pub fn after_cutoff(&self) -> impl Iterator<Item = &UnitProgress<'a>> {
        self.units.iter().filter(|p| p.after(self.cutoff))
    }

    /// Every unit with something outstanding (no report, or an assigned task without an
    /// account), in plan order, with the tasks it owes in plan order.
    pub fn outstanding(&self) -> Vec<Outstanding> {
        self.units
            .iter()
            .filter_map(|p| {
                let tasks: Vec<OwedTask> = self
                    .tasks
                    .iter()
                    .flat_map(|t| {
                        t.gaps
                            .iter()
                            .filter(|g| g.unit.id == p.unit.id)
                            .map(|g| OwedTask {
                                task: t.task.number,
                                title: t.task.title.clone(),
                                role: g.role.label(),
                                state: g.reason.label(),
                            })
                    })
                    .collect();
                let report_missing = p.report.is_none();
                (report_missing || !tasks.is_empty()).then(|| Outstanding {
                    id: p.unit.id.clone(),
                    unit: p.unit.short.clone(),
                    name: p.unit.name.clone(),
                    report_missing,
                    unfilled: p.unfilled,
                    tasks,
                })
            })
            .collect()
    }

    /// Units with no report, in plan order.
    pub fn missing(&self) -> impl Iterator<Item = &UnitProgress<'a>> {
        self.units
            .iter()
            .filter(|p| p.submission == Submission::Missing)
    }

    /// The date the account stands at: the cut-off, or else the latest submission date.
    pub fn as_of(&self) -> Option<NaiveDate> {
        self.cutoff.or_else(|| {
            self.units
                .iter()
                .filter_map(|p| p.report.and_then(|r| r.submitted))
                .max()
        })
    }
}

fn task_account<'a>(
    plan: &'a Plan,
    task: &'a Task,
    units: &[UnitProgress<'a>],
    by_unit: &HashMap<&str, &'a Report>,
) -> TaskAccount<'a> {
    // The order a reader expects: lead, participants as the plan names them, regions, others.
    let rank = |u: &Unit| -> (u8, usize) {
        match plan.role(u, task) {
            Some(Role::Lead) => (0, 0),
            Some(Role::Participant) => (
                1,
                task.participants
                    .iter()
                    .position(|p| *p == u.id)
                    .unwrap_or(0),
            ),
            Some(Role::Region) => (2, 0),
            None => (3, 0),
        }
    };
    let mut ordered: Vec<&Unit> = units.iter().map(|p| p.unit).collect();
    ordered.sort_by_key(|u| rank(u));

    let mut account = TaskAccount {
        task,
        entries: Vec::new(),
        gaps: Vec::new(),
        tally: Tally::default(),
    };
    for unit in ordered {
        let role = plan.role(unit, task);
        let report = by_unit.get(unit.id.as_str());
        let entry = report.and_then(|r| r.entry(task.number));
        let gap = match (entry, report) {
            (Some(e), _) if e.is_covered() => {
                account.tally.add(e.status);
                account.entries.push(TaskEntry {
                    unit,
                    role,
                    entry: e,
                });
                continue;
            }
            (Some(_), _) => GapReason::NoRealText,
            (None, Some(_)) => GapReason::NotListed,
            (None, None) => GapReason::NoReport,
        };
        if let Some(role) = role {
            account.gaps.push(TaskGap {
                unit,
                role,
                reason: gap,
            });
        }
    }
    account
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(statuses: &[Status]) -> Tally {
        let mut t = Tally::default();
        for s in statuses {
            t.add(*s);
        }
        t
    }

    #[test]
    fn overall_status_rules() {
        use Status::*;
        assert_eq!(tally(&[]).overall(), None);
        assert_eq!(tally(&[NotApplicable]).overall(), None);
        assert_eq!(tally(&[Done, Behind, OnTrack]).overall(), Some(Behind));
        assert_eq!(tally(&[Done, Done, NotApplicable]).overall(), Some(Done));
        assert_eq!(tally(&[NotStarted]).overall(), Some(NotStarted));
        assert_eq!(tally(&[Done, OnTrack]).overall(), Some(OnTrack));
        assert_eq!(tally(&[Done, NotStarted]).overall(), Some(OnTrack));
    }

    #[test]
    fn tally_counts_and_totals() {
        use Status::*;
        let t = tally(&[Done, Done, Behind, NotApplicable]);
        assert_eq!((t.get(Done), t.total(), t.active()), (2, 4, 3));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"已完成":2,"按计划推进":0,"滞后":1,"未启动":0,"不涉及":1}"#
        );
    }
}
