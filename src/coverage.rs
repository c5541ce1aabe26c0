//! Which assigned tasks a report accounts for: the one definition of "covered".

use serde::Serialize;

use crate::plan::{Plan, Role, Unit};
use crate::report::Report;

/// How a report stands on one assigned task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskState {
    /// An entry with real progress text (or 不涉及 with a reason).
    Covered,
    /// An entry whose text is empty, a placeholder or a non-answer.
    Placeholder,
    /// No entry for the task.
    Absent,
}

/// One assigned task and how the unit's report stands on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// Task number.
    pub task: u32,
    /// The unit's role in it.
    pub role: Role,
    /// Covered, placeholder or absent.
    pub state: TaskState,
}

/// A unit's assigned tasks with their state, plus entries for tasks not assigned to it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitCoverage {
    /// Assigned tasks in plan order.
    pub assigned: Vec<Assignment>,
    /// Numbers of tasks reported on though not assigned (allowed: lists end in 等).
    pub extra: Vec<u32>,
}

impl UnitCoverage {
    /// Computes coverage for a unit; with no report every assigned task is absent.
    pub fn of(plan: &Plan, unit: &Unit, report: Option<&Report>) -> UnitCoverage {
        let assigned = plan
            .assignments(unit)
            .map(|(task, role)| {
                let state = match report.and_then(|r| r.entry(task.number)) {
                    Some(e) if e.is_covered() => TaskState::Covered,
                    Some(_) => TaskState::Placeholder,
                    None => TaskState::Absent,
                };
                Assignment {
                    task: task.number,
                    role,
                    state,
                }
            })
            .collect::<Vec<_>>();
        let extra = report
            .map(|r| {
                r.entries
                    .iter()
                    .filter(|e| {
                        plan.task(e.task)
                            .is_some_and(|t| plan.role(unit, t).is_none())
                    })
                    .map(|e| e.task)
                    .collect()
            })
            .unwrap_or_default();
        UnitCoverage { assigned, extra }
    }

    /// Number of assigned tasks covered.
    pub fn covered(&self) -> usize {
        self.assigned
            .iter()
            .filter(|a| a.state == TaskState::Covered)
            .count()
    }

    /// Assigned tasks not covered.
    pub fn gaps(&self) -> impl Iterator<Item = &Assignment> {
        self.assigned
            .iter()
            .filter(|a| a.state != TaskState::Covered)
    }
}
