//! Earlier years: the reports on file for the years before the one being worked on, and
//! what comparing with them shows — how like last year's a text is (copied entries,
//! problems raised again) and how each task's overall status moved.
//!
//! Years are compared by unit and task number. A report names its unit by any of its names,
//! so a unit whose id or file name changed is still matched through the plan's aliases.
//! Tasks renumbered between versions of a plan are not followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;

use crate::account::YearAccount;
use crate::plan::Plan;
use crate::register::Received;
use crate::report::{Report, Status, is_real_text};
use crate::validate::{Scope, check_reports};
use crate::workspace::{report_files, years};

/// Texts shorter than this (in characters, spaces left out) are not compared: two years of
/// "按计划推进。" say nothing about copying.
pub const MIN_COMPARED_CHARS: usize = 20;

/// How much of a long text is compared (the edit distance grows with the product of the
/// lengths; the opening of a copied text is copied too).
const MAX_COMPARED_CHARS: usize = 3000;

/// The reports of earlier years, as `check` leaves them (one per unit). A year's folder is
/// read the first time it is asked for, so `check` of one file reads only last year's.
#[derive(Debug, Default, Clone)]
pub struct History {
    /// Where the folders are read from; none for a history built from reports in hand.
    source: Option<(Plan, PathBuf)>,
    years: BTreeMap<i32, OnceLock<Vec<Report>>>,
}

impl History {
    /// The year folders before `year` under `root`. Reports that cannot be read are left
    /// out quietly: `check --year` on that year says what is wrong with them.
    pub fn load(plan: &Plan, root: &Path, year: i32) -> History {
        let years = years(root)
            .unwrap_or_default()
            .into_iter()
            .filter(|&y| y < year)
            .map(|y| (y, OnceLock::new()))
            .collect();
        History {
            source: Some((plan.clone(), root.to_path_buf())),
            years,
        }
    }

    /// Builds a history from reports already read (for tests and callers that have them).
    pub fn from_years(years: impl IntoIterator<Item = (i32, Vec<Report>)>) -> History {
        History {
            source: None,
            years: years
                .into_iter()
                .map(|(y, r)| (y, OnceLock::from(r)))
                .collect(),
        }
    }

    /// The years on file that hold reports, oldest first.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years
            .keys()
            .copied()
            .filter(|y| !self.reports(*y).is_empty())
    }

    /// A year's reports (empty when the year is not on file).
    pub fn reports(&self, year: i32) -> &[Report] {
        let Some(cell) = self.years.get(&year) else {
            return &[];
        };
        cell.get_or_init(|| {
            let Some((plan, root)) = &self.source else {
                return Vec::new();
            };
            let files = report_files(root, year).unwrap_or_default();
            if files.is_empty() {
                return Vec::new();
            }
            check_reports(plan, &files, Scope::WholeYear(year)).reports
        })
    }

    /// Reads every year on file now. A year is read with rayon; it must not first be asked
    /// for from inside a parallel loop, where a worker that steals a second item could ask
    /// for the same year again while reading it.
    pub fn read_all(&self) {
        for y in self.years.keys() {
            self.reports(*y);
        }
    }

    /// A unit's report for a year, if on file.
    pub fn report(&self, year: i32, unit: &str) -> Option<&Report> {
        self.reports(year).iter().find(|r| r.unit == unit)
    }
}

/// How alike two texts are, from 0 (nothing in common) to 1 (the same), spaces ignored.
/// `None` when either is too short to judge.
pub fn similarity(a: &str, b: &str) -> Option<f64> {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .take(MAX_COMPARED_CHARS)
            .collect()
    };
    let (a, b) = (squeeze(a), squeeze(b));
    if a.chars().count() < MIN_COMPARED_CHARS || b.chars().count() < MIN_COMPARED_CHARS {
        return None;
    }
    Some(strsim::normalized_levenshtein(&a, &b))
}

/// How alike two texts are when it is at least `threshold`; none otherwise or when too
/// short to judge. Texts whose lengths alone rule it out are not compared character by
/// character (an edit distance is at least the difference in length).
pub fn alike(a: &str, b: &str, threshold: f64) -> Option<f64> {
    let len = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .count()
            .min(MAX_COMPARED_CHARS)
    };
    let (la, lb) = (len(a) as f64, len(b) as f64);
    if (la - lb).abs() > (1.0 - threshold) * la.max(lb) {
        return None;
    }
    similarity(a, b).filter(|s| *s >= threshold)
}

/// A task entry whose progress repeats the unit's entry for the task the year before.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    /// Task number.
    pub task: u32,
    /// The earlier year.
    pub year: i32,
    /// Similarity, 0–1.
    pub similarity: f64,
}

/// The entries of `report` whose progress is at least `threshold` alike to the same unit's
/// entry for the same task in `earlier`.
pub fn copied_entries(report: &Report, earlier: &Report, threshold: f64) -> Vec<Copied> {
    report
        .entries
        .iter()
        .filter(|e| is_real_text(&e.progress))
        .filter_map(|e| {
            let before = earlier.entry(e.task)?;
            let s = alike(&e.progress, &before.progress, threshold)?;
            Some(Copied {
                task: e.task,
                year: earlier.year,
                similarity: s,
            })
        })
        .collect()
}

/// Whether a problem was raised by the unit the year before: under the same task
/// (`task` given) or among its general problems.
pub fn raised_before(
    earlier: Option<&Report>,
    task: Option<u32>,
    text: &str,
    threshold: f64,
) -> bool {
    let Some(earlier) = earlier else {
        return false;
    };
    let before: &[String] = match task {
        Some(n) => earlier
            .entry(n)
            .map(|e| e.problems.as_slice())
            .unwrap_or_default(),
        None => &earlier.problems,
    };
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !"。；;，,.".contains(*c))
            .collect()
    };
    before
        .iter()
        .any(|b| norm(b) == norm(text) || alike(b, text, threshold).is_some())
}

/// One task's overall status this year and the year before.
#[derive(Debug, Clone, Serialize)]
pub struct TaskChange {
    /// Task number.
    pub number: u32,
    /// Task title.
    pub title: String,
    /// Overall status the year before; none when no unit reported on it.
    pub before: Option<Status>,
    /// Overall status this year; none when no unit reported on it.
    pub now: Option<Status>,
    /// How it moved.
    pub trend: Trend,
}

/// How a task's overall status moved from one year to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Trend {
    /// Further along than last year.
    #[serde(rename = "好转")]
    Better,
    /// Less far along than last year.
    #[serde(rename = "退步")]
    Worse,
    /// The same status both years.
    #[serde(rename = "持平")]
    Same,
    /// Reported this year only.
    #[serde(rename = "新增报告")]
    New,
    /// Reported last year only.
    #[serde(rename = "本年无报告")]
    Gone,
    /// Reported in neither year.
    #[serde(rename = "均无报告")]
    Neither,
}

impl Trend {
    /// The Chinese word.
    pub fn label(self) -> &'static str {
        match self {
            Trend::Better => "好转",
            Trend::Worse => "退步",
            Trend::Same => "持平",
            Trend::New => "新增报告",
            Trend::Gone => "本年无报告",
            Trend::Neither => "均无报告",
        }
    }

    /// Whether the status moved (better or worse).
    pub fn moved(self) -> bool {
        matches!(self, Trend::Better | Trend::Worse)
    }
}

fn rank(s: Status) -> i32 {
    match s {
        Status::Done => 3,
        Status::OnTrack => 2,
        Status::Behind => 1,
        Status::NotStarted | Status::NotApplicable => 0,
    }
}

/// Every task's overall status now and the year before, in plan order.
pub fn task_changes(plan: &Plan, now: &YearAccount, earlier: &[Report]) -> Vec<TaskChange> {
    let before = YearAccount::of(plan, now.year - 1, earlier, &Received::new(), None);
    now.tasks
        .iter()
        .zip(&before.tasks)
        .map(|(n, b)| {
            let (now_s, before_s) = (n.tally.overall(), b.tally.overall());
            let trend = match (before_s, now_s) {
                (Some(b), Some(n)) if rank(n) > rank(b) => Trend::Better,
                (Some(b), Some(n)) if rank(n) < rank(b) => Trend::Worse,
                (Some(_), Some(_)) => Trend::Same,
                (None, Some(_)) => Trend::New,
                (Some(_), None) => Trend::Gone,
                (None, None) => Trend::Neither,
            };
            TaskChange {
                number: n.task.number,
                title: n.task.title.clone(),
                before: before_s,
                now: now_s,
                trend,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "完成钢铁、焦化企业超低排放改造3家，但1家焦化企业改造因资金问题推迟，PM2.5平均浓度32微克/立方米。";

    #[test]
    fn identical_and_nearly_identical_texts_are_alike_and_different_ones_are_not() {
        assert_eq!(similarity(TEXT, TEXT), Some(1.0));
        let near = TEXT.replace("32", "31");
        assert!(similarity(TEXT, &near).unwrap() > 0.95);
        let spaced = TEXT.replace('，', "， ");
        assert_eq!(similarity(TEXT, &spaced), Some(1.0));
        let other = "新建城市绿道42公里，完成老旧小区改造126个，城市生活垃圾分类覆盖率达到95%。";
        assert!(similarity(TEXT, other).unwrap() < 0.5);
        assert_eq!(similarity("按计划推进。", "按计划推进。"), None);
        // The length filter never drops a pair the full comparison would keep.
        assert!(alike(TEXT, &near, 0.9).is_some());
        assert!(alike(TEXT, other, 0.9).is_none());
        let longer = format!("{TEXT}{}", "另".repeat(40));
        assert!(alike(TEXT, &longer, 0.9).is_none());
    }
}
