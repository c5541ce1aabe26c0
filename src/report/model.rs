//! A unit's yearly report, as read and checked against the plan.

use std::ops::Range;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

/// Text that the `init` scaffold puts where the unit must write; never counts as content.
pub const PLACEHOLDER_MARK: &str = "【请填写";

/// Answers that say nothing and so never count as progress.
const NON_ANSWERS: &[&str] = &[
    "无",
    "暂无",
    "没有",
    "略",
    "同上",
    "待填写",
    "待补充",
    "待定",
    "todo",
    "tbd",
    "xxx",
    "n/a",
    "na",
    "-",
    "--",
    "/",
    "…",
    "...",
];

/// Whether a piece of text is real content rather than empty, a placeholder or a non-answer.
pub fn is_real_text(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.contains(PLACEHOLDER_MARK) {
        return false;
    }
    if t.len() >= 4 && t.as_bytes()[..4].eq_ignore_ascii_case(b"todo") {
        return false;
    }
    // Non-answers are a few characters long; only those need the closer look (this runs
    // on every entry of every report, so long texts must not be copied).
    if t.len() > 32 {
        return true;
    }
    let lower = t.to_lowercase();
    let bare = lower.trim_matches(|c: char| c.is_ascii_punctuation() || "。，；：".contains(c));
    !(NON_ANSWERS.contains(&lower.as_str())
        || NON_ANSWERS.contains(&bare)
        || bare.chars().all(|c| c == 'x'))
}

/// The items of a list that are real content, trimmed; placeholders, blanks and
/// non-answers are left out.
pub fn real_items(items: &[String]) -> impl Iterator<Item = &str> {
    items.iter().map(|t| t.trim()).filter(|t| is_real_text(t))
}

/// Progress status of one task entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// 已完成.
    Done,
    /// 按计划推进.
    OnTrack,
    /// 滞后.
    Behind,
    /// 未启动.
    NotStarted,
    /// 不涉及 (needs a reason).
    NotApplicable,
}

impl Status {
    /// All statuses in display order.
    pub const ALL: [Status; 5] = [
        Status::Done,
        Status::OnTrack,
        Status::Behind,
        Status::NotStarted,
        Status::NotApplicable,
    ];

    /// The Chinese word used in reports and documents.
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::OnTrack => "按计划推进",
            Status::Behind => "滞后",
            Status::NotStarted => "未启动",
            Status::NotApplicable => "不涉及",
        }
    }

    /// Parses the Chinese word or an English alias (any case, `-`, `_` or space).
    pub fn parse(s: &str) -> Option<Status> {
        let key = s.trim().to_lowercase().replace(['_', ' '], "-");
        Some(match key.as_str() {
            "已完成" | "完成" | "done" | "completed" | "complete" => Status::Done,
            "按计划推进" | "推进中" | "正在推进" | "on-track" | "ontrack" | "in-progress"
            | "ongoing" => Status::OnTrack,
            "滞后" | "进度滞后" | "behind" | "delayed" | "late" => Status::Behind,
            "未启动" | "尚未启动" | "not-started" | "notstarted" | "pending" => {
                Status::NotStarted
            }
            "不涉及" | "n/a" | "na" | "not-applicable" | "notapplicable" => {
                Status::NotApplicable
            }
            _ => return None,
        })
    }

    /// The words accepted, for hints.
    pub fn accepted() -> &'static str {
        "已完成（done）、按计划推进（on-track）、滞后（behind）、未启动（not-started）、不涉及（n/a，须在 reason 中说明理由）"
    }
}

/// State of a major project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProjectState {
    /// 前期 (planning and approvals).
    Preparing,
    /// 在建.
    Building,
    /// 已完工.
    Completed,
    /// 停缓建.
    Suspended,
}

impl ProjectState {
    /// The Chinese word.
    pub fn label(self) -> &'static str {
        match self {
            ProjectState::Preparing => "前期",
            ProjectState::Building => "在建",
            ProjectState::Completed => "已完工",
            ProjectState::Suspended => "停缓建",
        }
    }

    /// Parses the Chinese word or an English alias.
    pub fn parse(s: &str) -> Option<ProjectState> {
        let key = s.trim().to_lowercase().replace(['_', ' '], "-");
        Some(match key.as_str() {
            "前期" | "前期工作" | "谋划" | "储备" | "preparing" | "planned" => {
                ProjectState::Preparing
            }
            "在建" | "建设中" | "实施中" | "building" | "under-construction" => {
                ProjectState::Building
            }
            "已完工" | "完工" | "建成" | "已建成" | "completed" | "done" => {
                ProjectState::Completed
            }
            "停缓建" | "暂停" | "缓建" | "suspended" => ProjectState::Suspended,
            _ => return None,
        })
    }
}

/// The person to contact about a report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Telephone.
    pub phone: String,
    /// E-mail, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A figure (indicator value) given in a task entry.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What is measured.
    pub name: String,
    /// The value: a number, or text such as Ⅱ类.
    pub value: FigureValue,
    /// Unit of measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Indicator id in the plan, if the figure reports one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
}

/// A figure's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FigureValue {
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
}

/// One task entry in a report.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Task number.
    pub task: u32,
    /// Status.
    pub status: Status,
    /// Whether the unit chose the status (a draft leaves it for the unit to choose).
    #[serde(skip)]
    pub status_chosen: bool,
    /// Progress made this year.
    pub progress: String,
    /// Measures taken.
    pub measures: Vec<String>,
    /// Figures.
    pub figures: Vec<Figure>,
    /// Problems in this task.
    pub problems: Vec<String>,
    /// Next steps for this task.
    pub next_steps: Vec<String>,
    /// Why the task does not apply (with status 不涉及).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Byte range of the task number, for messages.
    #[serde(skip)]
    pub task_span: Range<usize>,
    /// Byte range of the progress text (or of the entry when absent).
    #[serde(skip)]
    pub progress_span: Range<usize>,
}

impl Entry {
    /// Whether the entry accounts for its task: a chosen status with real progress text,
    /// or 不涉及 with a reason.
    pub fn is_covered(&self) -> bool {
        if !self.status_chosen {
            return false;
        }
        match self.status {
            Status::NotApplicable => self.reason.as_deref().is_some_and(is_real_text),
            _ => is_real_text(&self.progress),
        }
    }
}

/// A major project (重大工程).
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// Project name.
    pub name: String,
    /// Related task number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<u32>,
    /// Investment in 万元.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investment: Option<f64>,
    /// State.
    pub state: ProjectState,
}

/// A unit's report for one year.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The file it was read from.
    pub path: PathBuf,
    /// Unit id, resolved from whatever name the file used.
    pub unit: String,
    /// Report year.
    pub year: i32,
    /// Submission date; `None` only when the file's date was invalid (an error is reported).
    pub submitted: Option<NaiveDate>,
    /// Contact person.
    pub contact: Contact,
    /// Overall summary.
    pub summary: String,
    /// Task entries in file order.
    pub entries: Vec<Entry>,
    /// Major projects.
    pub projects: Vec<Project>,
    /// The unit's overall problems.
    pub problems: Vec<String>,
    /// The unit's plans for next year.
    pub next_year: Vec<String>,
    /// Byte range of the unit name, for messages.
    #[serde(skip)]
    pub unit_span: Range<usize>,
    /// Byte range of the year, for messages.
    #[serde(skip)]
    pub year_span: Range<usize>,
    /// Byte range of the submission date, for messages.
    #[serde(skip)]
    pub submitted_span: Range<usize>,
    /// Byte range of the `tasks` key, for messages about tasks not listed.
    #[serde(skip)]
    pub tasks_span: Range<usize>,
}

impl Report {
    /// The entry for a task, if the report has one.
    pub fn entry(&self, task: u32) -> Option<&Entry> {
        self.entries.iter().find(|e| e.task == task)
    }

    /// Whether some figure names a plan indicator (whatever its value).
    pub fn names_indicator(&self, id: &str) -> bool {
        self.entries
            .iter()
            .flat_map(|e| &e.figures)
            .any(|f| f.indicator.as_deref() == Some(id))
    }

    /// The value the report gives for a plan indicator: the first figure that names it.
    pub fn indicator_value(&self, id: &str) -> Option<f64> {
        self.entries
            .iter()
            .flat_map(|e| &e.figures)
            .find(|f| f.indicator.as_deref() == Some(id))
            .and_then(|f| match f.value {
                FigureValue::Number(x) => Some(x),
                FigureValue::Text(_) => None,
            })
    }

    /// Whether not one task is filled in (a draft sent back as it was): such a report
    /// counts as not submitted.
    pub fn is_unfilled(&self) -> bool {
        !self.entries.iter().any(Entry::is_covered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_non_answers_are_not_real_text() {
        for t in [
            "",
            "  ",
            "无",
            "无。",
            "TODO",
            "todo: 补充",
            "【请填写本年度进展】",
            "XXX",
            "暂无",
        ] {
            assert!(!is_real_text(t), "{t:?} counted as real text");
        }
        for t in [
            "完成造林 12.6 万亩。",
            "无废城市建设通过国家评估",
            "X 光机辐射安全检查 36 家",
        ] {
            assert!(is_real_text(t), "{t:?} not counted as real text");
        }
    }

    #[test]
    fn statuses_accept_chinese_and_english() {
        assert_eq!(Status::parse("按计划推进"), Some(Status::OnTrack));
        assert_eq!(Status::parse("On Track"), Some(Status::OnTrack));
        assert_eq!(Status::parse("not_started"), Some(Status::NotStarted));
        assert_eq!(Status::parse("N/A"), Some(Status::NotApplicable));
        assert_eq!(Status::parse("进行中了"), None);
        for s in Status::ALL {
            assert_eq!(Status::parse(s.label()), Some(s));
        }
    }
}
