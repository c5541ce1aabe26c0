//! The one value templates see: every number, grouping and text of the consolidated report,
//! computed here so that templates hold only wording and layout.
//!
//! `nianbao compile --format json` writes exactly this value.

use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::compile::numerals::{cn_date, cn_numeral, deadline_words};
use crate::coverage::{TaskState, UnitCoverage};
use crate::plan::{Plan, Role, Task, Unit, UnitKind};
use crate::progress::progress;
use crate::report::{Entry, FigureValue, Report, Status};

/// Everything the report templates can use.
#[derive(Debug, Serialize)]
pub struct Context<'a> {
    /// Titles, recipients, dates, phase.
    pub meta: Meta,
    /// 一、总体情况: the numbers.
    pub overview: Overview,
    /// 二、重点任务推进情况: sections with their tasks and accounts.
    pub sections: Vec<SectionCtx<'a>>,
    /// 三、存在的问题, by unit.
    pub problems: Vec<UnitTexts>,
    /// 四、下一步工作打算, by unit.
    pub next_year: Vec<UnitTexts>,
    /// 附件1: one row per reporting unit.
    pub submissions: Vec<SubmissionRow>,
    /// 附件2: the task × unit coverage matrix.
    pub matrix: Matrix,
    /// 附件3: missing and late units.
    pub missing: Vec<UnitRef>,
    /// 附件3: late units with their dates.
    pub late: Vec<SubmissionRow>,
    /// 附件4: major projects reported.
    pub projects: Vec<ProjectRow>,
}

/// Titles, recipients and dates.
#[derive(Debug, Serialize)]
pub struct Meta {
    /// Report title, e.g. 关于2026年度全面推进美丽宁夏建设工作情况的报告.
    pub title: String,
    /// The title in phrases (关于2026年度 / subject / 工作情况的报告), where a line may break.
    pub title_parts: Vec<String>,
    /// The plan's title.
    pub plan_title: String,
    /// The plan's issuing authority.
    pub issuer: String,
    /// What the reports are about.
    pub subject: String,
    /// Report year.
    pub year: i32,
    /// Addressee of the consolidated report (主送).
    pub to: String,
    /// The body units report to under the plan's reporting rule.
    pub reports_to: String,
    /// The consolidated report's own copy list (抄送); empty unless the plan sets it.
    pub cc: Vec<String>,
    /// Who signs the consolidated report (署名).
    pub signer: String,
    /// 印发机关 in the 版记.
    pub printed_by: String,
    /// The yearly deadline in words, e.g. 12月底前.
    pub deadline_words: String,
    /// Signature date as 2026年12月25日, or empty when no date was given.
    pub date_cn: String,
    /// Signature date as 2026-12-25, or empty.
    pub date_iso: String,
    /// The year's deadline as 2026年12月31日.
    pub deadline_cn: String,
    /// The plan phase the year falls in.
    pub phase: Option<PhaseCtx>,
}

/// A plan phase.
#[derive(Debug, Serialize)]
pub struct PhaseCtx {
    /// Name, e.g. 十五五.
    pub name: String,
    /// First year.
    pub start: i32,
    /// Last year.
    pub end: i32,
    /// Goal.
    pub goal: String,
    /// Which year of the phase this is (1-based).
    pub year_in_phase: i32,
}

/// The overall numbers.
#[derive(Debug, Serialize)]
pub struct Overview {
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
    /// Unit × task pairs assigned by the plan.
    pub pairs_assigned: usize,
    /// Of those, covered by real progress text.
    pub pairs_covered: usize,
    /// Covered share as a percentage with one decimal, e.g. "93.2".
    pub coverage_percent: String,
    /// Entries by status, in display order, with counts.
    pub status_counts: Vec<StatusCount>,
    /// Entries for tasks outside a unit's assignment.
    pub extra_entries: usize,
    /// Number of tasks in the plan.
    pub tasks: usize,
    /// Number of sections in the plan.
    pub sections: usize,
}

/// A status and how many entries have it.
#[derive(Debug, Serialize)]
pub struct StatusCount {
    /// 已完成, 按计划推进, …
    pub status: &'static str,
    /// Number of entries.
    pub count: usize,
}

/// A section with its tasks.
#[derive(Debug, Serialize)]
pub struct SectionCtx<'a> {
    /// Number.
    pub number: u32,
    /// Chinese numeral for （一）.
    pub numeral: String,
    /// Title.
    pub title: String,
    /// Tasks in plan order.
    pub tasks: Vec<TaskCtx<'a>>,
}

/// A task with every unit's account.
#[derive(Debug, Serialize)]
pub struct TaskCtx<'a> {
    /// Task number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Full text from the plan.
    pub text: String,
    /// Overall status across accounts (see [`overall_status`]).
    pub status: &'static str,
    /// Lead unit's short name.
    pub lead: String,
    /// Participating units' short names.
    pub participants: Vec<String>,
    /// Accounts: lead first, then participants, then regions, then others.
    pub accounts: Vec<Account<'a>>,
    /// Assigned units with nothing usable on this task.
    pub gaps: Vec<Gap>,
}

/// One unit's account of one task.
#[derive(Debug, Serialize)]
pub struct Account<'a> {
    /// Short name, used for attribution.
    pub unit: &'a str,
    /// Full name.
    pub unit_name: &'a str,
    /// 牵头, 参与, 属地落实 or 协同 (not assigned).
    pub role: &'static str,
    /// Status label.
    pub status: &'static str,
    /// Progress text (borrowed from the report: the largest text is never copied).
    pub progress: &'a str,
    /// Measures.
    pub measures: &'a [String],
    /// Figures as display text, e.g. "再生水利用量 1.42 亿立方米".
    pub figures: Vec<String>,
    /// Problems on this task.
    pub problems: &'a [String],
    /// Next steps on this task.
    pub next_steps: &'a [String],
    /// Why the task does not apply (status 不涉及).
    pub reason: Option<&'a str>,
}

/// An assigned unit that has not accounted for a task.
#[derive(Debug, Serialize)]
pub struct Gap {
    /// Short name.
    pub unit: String,
    /// 牵头, 参与 or 属地落实.
    pub role: &'static str,
    /// 未报送 (no report), 未填报 (report without this task) or 未填写进展 (placeholder).
    pub reason: &'static str,
}

/// Texts attributed to a unit.
#[derive(Debug, Serialize)]
pub struct UnitTexts {
    /// Short name.
    pub unit: String,
    /// The texts, unit-level first, then per task with the task number in front.
    pub items: Vec<String>,
}

/// A unit named in a list.
#[derive(Debug, Serialize)]
pub struct UnitRef {
    /// Short name.
    pub unit: String,
    /// Full name.
    pub unit_name: String,
    /// Kind label, e.g. 自治区部门.
    pub kind: String,
}

/// One row of the submission table.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionRow {
    /// Short name.
    pub unit: String,
    /// Kind label.
    pub kind: String,
    /// 已报送, 逾期报送 or 未报送.
    pub state: &'static str,
    /// Submission date (2026-12-20) or empty.
    pub date: String,
    /// Days after the deadline, 0 if on time.
    pub days_late: i64,
    /// Assigned tasks covered.
    pub covered: usize,
    /// Assigned tasks.
    pub assigned: usize,
}

/// The coverage matrix: tasks down, units across, in one part, or split by unit kind when
/// there are more units than fit across a landscape page.
#[derive(Debug, Serialize)]
pub struct Matrix {
    /// The parts, each a table of its own.
    pub parts: Vec<MatrixPart>,
}

/// Most unit columns one matrix table holds: at 9 pt, a task column and this many mark
/// columns fill the 225 mm of a landscape page, far below Word's 63-column limit.
pub const MATRIX_MAX_UNITS: usize = 40;

/// One table of the matrix.
#[derive(Debug, Serialize)]
pub struct MatrixPart {
    /// The unit kind of this part's columns when the matrix is split, else empty.
    pub kind: String,
    /// Column heads: units' short names in plan order.
    pub units: Vec<String>,
    /// One row per task.
    pub rows: Vec<MatrixRow>,
}

/// One task's row of the matrix.
#[derive(Debug, Serialize)]
pub struct MatrixRow {
    /// Task number.
    pub task: u32,
    /// Task title.
    pub title: String,
    /// One mark per unit: ★ lead covered, ☆ lead not covered, ● covered, ○ not covered,
    /// ＋ reported though not assigned, empty when not involved.
    pub cells: Vec<&'static str>,
}

/// A major project.
#[derive(Debug, Serialize)]
pub struct ProjectRow {
    /// Reporting unit's short name.
    pub unit: String,
    /// Project name.
    pub name: String,
    /// Related task number, if given.
    pub task: Option<u32>,
    /// Investment in 万元 as display text, or empty.
    pub investment: String,
    /// State label.
    pub state: &'static str,
}

/// The overall status of a task from its accounts: 滞后 if any is behind, 已完成 if all are
/// done, 未启动 if none has started, 未报送 with no accounts, otherwise 按计划推进.
pub fn overall_status(statuses: &[Status]) -> &'static str {
    let active: Vec<Status> = statuses
        .iter()
        .copied()
        .filter(|s| *s != Status::NotApplicable)
        .collect();
    if active.is_empty() {
        "未报送"
    } else if active.contains(&Status::Behind) {
        Status::Behind.label()
    } else if active.iter().all(|s| *s == Status::Done) {
        Status::Done.label()
    } else if active.iter().all(|s| *s == Status::NotStarted) {
        Status::NotStarted.label()
    } else {
        Status::OnTrack.label()
    }
}

fn figure_text(f: &crate::report::Figure) -> String {
    let value = match &f.value {
        FigureValue::Number(n) => format_number(*n),
        FigureValue::Text(t) => t.clone(),
    };
    // Chinese text sets numbers and units without spaces: 整改数1263个.
    let unit = f.unit.as_deref().unwrap_or("");
    format!("{}{value}{unit}", f.name)
}

/// Numbers as people write them: no trailing ".0", no float noise.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn account<'a>(unit: &'a Unit, role: &'static str, e: &'a Entry) -> Account<'a> {
    Account {
        unit: &unit.short,
        unit_name: &unit.name,
        role,
        status: e.status.label(),
        progress: e.progress.trim(),
        measures: &e.measures,
        figures: e.figures.iter().map(figure_text).collect(),
        problems: &e.problems,
        next_steps: &e.next_steps,
        reason: e.reason.as_deref(),
    }
}

/// Builds the context for a year. `reports` holds at most one report per unit (as `check`
/// leaves them); `date` is the signature date, if any.
pub fn build<'a>(
    plan: &'a Plan,
    year: i32,
    reports: &'a [Report],
    date: Option<NaiveDate>,
) -> Context<'a> {
    let by_unit: HashMap<&str, &Report> = reports.iter().map(|r| (r.unit.as_str(), r)).collect();
    let standing = progress(plan, year, reports);
    let units: Vec<&Unit> = standing.iter().map(|p| p.unit).collect();
    let coverage: HashMap<&str, &UnitCoverage> = standing
        .iter()
        .map(|p| (p.unit.id.as_str(), &p.coverage))
        .collect();
    let deadline = plan.deadline(year);

    let submissions: Vec<SubmissionRow> = standing
        .iter()
        .map(|p| SubmissionRow {
            unit: p.unit.short.clone(),
            kind: plan.kinds.of(p.unit.kind).to_string(),
            state: p.submission.label(),
            date: p.date(),
            days_late: p.days_late,
            covered: p.coverage.covered(),
            assigned: p.coverage.assigned.len(),
        })
        .collect();

    let mut status_counts: HashMap<Status, usize> = HashMap::new();
    for r in reports {
        for e in &r.entries {
            *status_counts.entry(e.status).or_default() += 1;
        }
    }
    let pairs_assigned: usize = coverage.values().map(|c| c.assigned.len()).sum();
    let pairs_covered: usize = coverage.values().map(|c| c.covered()).sum();
    let late = submissions.iter().filter(|s| s.state == "逾期报送").count();
    let overview = Overview {
        expected: units.len(),
        received: by_unit.len(),
        on_time: by_unit.len() - late,
        late,
        missing: units.len() - by_unit.len(),
        pairs_assigned,
        pairs_covered,
        coverage_percent: if pairs_assigned == 0 {
            "0.0".to_string()
        } else {
            format!(
                "{:.1}",
                100.0 * pairs_covered as f64 / pairs_assigned as f64
            )
        },
        status_counts: Status::ALL
            .iter()
            .map(|s| StatusCount {
                status: s.label(),
                count: status_counts.get(s).copied().unwrap_or(0),
            })
            .collect(),
        extra_entries: coverage.values().map(|c| c.extra.len()).sum(),
        tasks: plan.tasks.len(),
        sections: plan.sections.len(),
    };

    // Each task's accounts are independent of the others: build them in parallel.
    let mut by_section: HashMap<u32, Vec<TaskCtx<'a>>> = HashMap::new();
    let task_ctxs: Vec<(u32, TaskCtx<'a>)> = plan
        .tasks
        .par_iter()
        .map(|t| (t.section, task_ctx(plan, t, &units, &by_unit)))
        .collect();
    for (section, t) in task_ctxs {
        by_section.entry(section).or_default().push(t);
    }
    let sections = plan
        .sections
        .iter()
        .map(|s| SectionCtx {
            number: s.number,
            numeral: cn_numeral(s.number),
            title: s.title.clone(),
            tasks: by_section.remove(&s.number).unwrap_or_default(),
        })
        .collect();

    let texts = |pick: fn(&Report) -> Vec<String>, per_task: fn(&Entry) -> &Vec<String>| {
        units
            .iter()
            .filter_map(|u| {
                let r = by_unit.get(u.id.as_str())?;
                let mut items = pick(r);
                for e in &r.entries {
                    items.extend(per_task(e).iter().map(|t| format!("（任务{}）{t}", e.task)));
                }
                (!items.is_empty()).then(|| UnitTexts {
                    unit: u.short.clone(),
                    items,
                })
            })
            .collect::<Vec<_>>()
    };
    let problems = texts(|r| r.problems.clone(), |e| &e.problems);
    let next_year = texts(|r| r.next_year.clone(), |e| &e.next_steps);

    let matrix_part = |kind: String, part: &[&Unit]| MatrixPart {
        kind,
        units: part.iter().map(|u| u.short.clone()).collect(),
        rows: plan
            .tasks
            .iter()
            .map(|t| MatrixRow {
                task: t.number,
                title: t.title.clone(),
                cells: part
                    .iter()
                    .map(|u| matrix_cell(plan, t, u, coverage[u.id.as_str()]))
                    .collect(),
            })
            .collect(),
    };
    let matrix = Matrix {
        parts: if units.len() <= MATRIX_MAX_UNITS {
            vec![matrix_part(String::new(), &units)]
        } else {
            let mut parts = Vec::new();
            for kind in [UnitKind::Department, UnitKind::Central, UnitKind::Region] {
                let of_kind: Vec<&Unit> =
                    units.iter().copied().filter(|u| u.kind == kind).collect();
                let chunks = of_kind.len().div_ceil(MATRIX_MAX_UNITS).max(1);
                for (i, chunk) in of_kind.chunks(MATRIX_MAX_UNITS).enumerate() {
                    let label = plan.kinds.of(kind);
                    let kind = if chunks > 1 {
                        format!("{label}（{}）", cn_numeral(i as u32 + 1))
                    } else {
                        label.to_string()
                    };
                    parts.push(matrix_part(kind, chunk));
                }
            }
            parts
        },
    };

    let missing = units
        .iter()
        .filter(|u| !by_unit.contains_key(u.id.as_str()))
        .map(|u| UnitRef {
            unit: u.short.clone(),
            unit_name: u.name.clone(),
            kind: plan.kinds.of(u.kind).to_string(),
        })
        .collect();
    let late_rows = submissions
        .iter()
        .filter(|s| s.state == "逾期报送")
        .cloned()
        .collect();

    let projects = units
        .iter()
        .filter_map(|u| by_unit.get(u.id.as_str()).map(|r| (u, r)))
        .flat_map(|(u, r)| {
            r.projects.iter().map(|p| ProjectRow {
                unit: u.short.clone(),
                name: p.name.clone(),
                task: p.task,
                investment: p.investment.map(format_number).unwrap_or_default(),
                state: p.state.label(),
            })
        })
        .collect();

    let phase = plan.phase_of(year).map(|p| PhaseCtx {
        name: p.name.clone(),
        start: p.start,
        end: p.end,
        goal: p.goal.clone(),
        year_in_phase: year - p.start + 1,
    });
    let meta = Meta {
        title: format!("关于{year}年度{}工作情况的报告", plan.subject),
        title_parts: vec![
            format!("关于{year}年度"),
            plan.subject.clone(),
            "工作情况的报告".to_string(),
        ],
        plan_title: plan.title.clone(),
        issuer: plan.issuer.clone(),
        subject: plan.subject.clone(),
        year,
        to: plan.report.to.clone(),
        reports_to: plan.reporting.to.clone(),
        cc: plan.report.cc.clone(),
        signer: plan.report.signer.clone(),
        printed_by: plan.report.printed_by.clone(),
        deadline_words: deadline_words(plan.reporting.deadline_month, plan.reporting.deadline_day),
        date_cn: date.map(cn_date).unwrap_or_default(),
        date_iso: date.map(|d| d.to_string()).unwrap_or_default(),
        deadline_cn: deadline.map(cn_date).unwrap_or_default(),
        phase,
    };

    Context {
        meta,
        overview,
        sections,
        problems,
        next_year,
        submissions,
        matrix,
        missing,
        late: late_rows,
        projects,
    }
}

fn task_ctx<'a>(
    plan: &'a Plan,
    task: &'a Task,
    units: &[&'a Unit],
    by_unit: &HashMap<&str, &'a Report>,
) -> TaskCtx<'a> {
    // Accounts in the order a reader expects: lead, participants, regions, then others.
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
    let mut ordered: Vec<&Unit> = units.to_vec();
    ordered.sort_by_key(|u| rank(u));

    let mut accounts = Vec::new();
    let mut gaps = Vec::new();
    for u in ordered {
        let role = plan.role(u, task);
        let entry = by_unit
            .get(u.id.as_str())
            .and_then(|r| r.entry(task.number));
        match (role, by_unit.get(u.id.as_str()), entry) {
            (Some(role), None, _) => gaps.push(Gap {
                unit: u.short.clone(),
                role: role.label(),
                reason: "未报送",
            }),
            (Some(role), Some(_), None) => gaps.push(Gap {
                unit: u.short.clone(),
                role: role.label(),
                reason: "未填报",
            }),
            // A placeholder or non-answer is not content: it shows as a gap, not as text.
            (Some(role), Some(_), Some(e)) if !e.is_covered() => gaps.push(Gap {
                unit: u.short.clone(),
                role: role.label(),
                reason: "未填写进展",
            }),
            (Some(role), Some(_), Some(e)) => accounts.push(account(u, role.label(), e)),
            (None, _, Some(e)) if e.is_covered() => accounts.push(account(u, "协同", e)),
            (None, _, _) => {}
        }
    }
    let statuses: Vec<Status> = by_unit
        .values()
        .filter_map(|r| r.entry(task.number))
        .filter(|e| e.is_covered() || e.status == Status::NotStarted)
        .map(|e| e.status)
        .collect();
    let name = |id: &str| plan.unit(id).map(|u| u.short.clone()).unwrap_or_default();
    TaskCtx {
        number: task.number,
        title: task.title.clone(),
        text: task.text.trim().to_string(),
        status: overall_status(&statuses),
        lead: name(&task.lead),
        participants: task.participants.iter().map(|p| name(p)).collect(),
        accounts,
        gaps,
    }
}

fn matrix_cell(plan: &Plan, task: &Task, unit: &Unit, cov: &UnitCoverage) -> &'static str {
    let state = cov
        .assigned
        .iter()
        .find(|a| a.task == task.number)
        .map(|a| a.state);
    match (plan.role(unit, task), state) {
        (Some(Role::Lead), Some(TaskState::Covered)) => "★",
        (Some(Role::Lead), _) => "☆",
        (Some(_), Some(TaskState::Covered)) => "●",
        (Some(_), _) => "○",
        (None, _) if cov.extra.contains(&task.number) => "＋",
        (None, _) => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_status_rules() {
        use Status::*;
        assert_eq!(overall_status(&[]), "未报送");
        assert_eq!(overall_status(&[NotApplicable]), "未报送");
        assert_eq!(overall_status(&[Done, Behind, OnTrack]), "滞后");
        assert_eq!(overall_status(&[Done, Done, NotApplicable]), "已完成");
        assert_eq!(overall_status(&[NotStarted]), "未启动");
        assert_eq!(overall_status(&[Done, OnTrack]), "按计划推进");
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(format_number(95.0), "95");
        assert_eq!(format_number(1.42), "1.42");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
    }
}
