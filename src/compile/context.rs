//! The one value templates see: every number, grouping and text of the consolidated report,
//! arranged here so that templates hold only wording and layout. The numbers come from the
//! year's account ([`crate::account`]), the texts from the reports, placeholders left out.
//!
//! `nianbao compile --format json` writes exactly this value.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::account::{GapReason, Tally, TaskAccount, TaskEntry, Totals, YearAccount, percent};
use crate::assess::assess;
use crate::compile::numerals::{cn_date, cn_date_in, cn_numeral, deadline_words};
use crate::compile::yearly::{AssessCtx, ChangesCtx, IndicatorsCtx, changes_ctx, indicators_ctx};
use crate::history::{History, TaskChange, raised_before};
use crate::indicators::indicator_year;
use crate::plan::fmt_num;
use crate::plan::{Plan, Role, Unit, UnitKind};
use crate::progress::UnitProgress;
use crate::register::Received;
use crate::report::{Figure, FigureValue, Report, Status, is_real_text, real_items};

/// How much of the units' text the body carries (`compile --detail`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Detail {
    /// 综合汇总：正文约十页，各单位原文收入附件
    #[default]
    Summary,
    /// 全文：正文逐一列出各单位的进展，不另附汇编
    Full,
}

/// What the context is built with besides the plan and the reports.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The signing date, which is also the cut-off; none leaves a blank to fill by hand.
    pub date: Option<NaiveDate>,
    /// How much text the body carries.
    pub detail: Detail,
    /// When each unit's report was received, from the receipt register.
    pub received: Received,
    /// The reports of earlier years, for indicators' trends and the comparison with last year.
    pub history: History,
    /// Whether to attach the assessment (`compile --assess`).
    pub assess: bool,
}

/// Everything the report templates can use.
#[derive(Debug, Serialize)]
pub struct Context<'a> {
    /// Titles, recipients, dates, phase.
    pub meta: Meta,
    /// The numerals of the body's parts (一、二、…), which shift when a part is left out.
    pub outline: Outline,
    /// The labels of the annexes present (附件1 …), for the body's pointers.
    pub annexes: AnnexLabels,
    /// 总体情况: the numbers.
    pub overview: Overview,
    /// 主要目标指标完成情况; none when the plan defines no indicators.
    pub indicators: Option<IndicatorsCtx>,
    /// Each task's overall status against the year before; none without last year's reports.
    pub changes: Option<ChangesCtx>,
    /// Covered share of assigned pairs by section, for the chart.
    pub coverage_by_section: Vec<SectionCoverage>,
    /// The assessment annex (`--assess`), when the plan has a scheme.
    pub assessment: Option<AssessCtx>,
    /// 重点任务推进情况: sections with their tasks.
    pub sections: Vec<SectionCtx<'a>>,
    /// 存在的问题: by task, then the units' general ones.
    pub problems: Concerns,
    /// 下一步工作打算: by task, then the units' general plans for next year.
    pub next_steps: Concerns,
    /// 报送情况统计表: one row per reporting unit.
    pub submissions: Vec<SubmissionRow>,
    /// 任务—单位覆盖矩阵.
    pub matrix: Matrix,
    /// Units with no report.
    pub missing: Vec<UnitRef>,
    /// Units whose report came after the deadline.
    pub late: Vec<SubmissionRow>,
    /// 重大工程进展表.
    pub projects: Vec<ProjectRow>,
    /// 各地区各部门工作概况: every received report's summary and general texts.
    pub summaries: Vec<UnitSummary<'a>>,
}

/// One section's covered share of assigned pairs.
#[derive(Debug, Serialize)]
pub struct SectionCoverage {
    /// Section title.
    pub title: String,
    /// Covered share in percent with one decimal, e.g. "92.5".
    pub percent: String,
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
    /// The plan's reporting rule in its own words; empty when the plan omits it.
    pub reporting_rule: String,
    /// The consolidated report's own copy list (抄送); empty unless the plan sets it.
    pub cc: Vec<String>,
    /// Who signs the consolidated report (署名).
    pub signer: String,
    /// 印发机关 in the 版记.
    pub printed_by: String,
    /// 发文机关标志; empty: none.
    pub mark: String,
    /// 发文字号; empty: none.
    pub number: String,
    /// 签发人; empty: none.
    pub sign_off: String,
    /// 附注: contact person; empty: no 附注.
    pub contact: String,
    /// 附注: telephone.
    pub phone: String,
    /// The yearly deadline in words, e.g. 12月底前.
    pub deadline_words: String,
    /// Signature date as 2026年12月25日, or empty when no date was given.
    pub date_cn: String,
    /// Signature date as 2026-12-25, or empty.
    pub date_iso: String,
    /// The year's deadline as 2026年12月31日.
    pub deadline_cn: String,
    /// The date the figures stand at, as 12月28日 (the year added when it is not the report
    /// year): the signing date, else the latest submission; empty when neither exists.
    pub as_of_cn: String,
    /// Whether `as_of_cn` is the signing date (a cut-off) rather than the latest submission.
    pub as_of_is_cutoff: bool,
    /// `summary` or `full`: how much of the units' text the body carries.
    pub detail: Detail,
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

/// The numerals of the body's parts. A part the data leaves out has none, and the parts
/// after it move up.
#[derive(Debug, Serialize)]
pub struct Outline {
    /// 总体情况.
    pub overview: String,
    /// 主要目标指标完成情况: only when the plan defines indicators.
    pub indicators: Option<String>,
    /// 重点任务推进情况.
    pub tasks: String,
    /// 存在的问题.
    pub problems: String,
    /// 下一步工作打算.
    pub next_steps: String,
}

/// The label of each annex present, in the order they are attached.
#[derive(Debug, Serialize)]
pub struct AnnexLabels {
    /// 报送情况统计表.
    pub submissions: String,
    /// 任务—单位覆盖矩阵.
    pub matrix: String,
    /// 未报送和逾期报送单位名单.
    pub missing: String,
    /// 主要目标指标明细 (regions' values, targets and their sources), when the plan has
    /// indicators.
    pub indicators: Option<String>,
    /// 重大工程进展表.
    pub projects: String,
    /// 各地区各部门重点任务进展汇编; none with `--detail full`, where the body holds it.
    pub compendium: Option<String>,
    /// 各地区各部门工作概况.
    pub summaries: String,
    /// 年度报送与进展评估表, with `--assess`.
    pub assessment: Option<String>,
}

/// The overall numbers.
#[derive(Debug, Serialize)]
pub struct Overview {
    /// The year's totals from the account (expected, received, on time, late, missing,
    /// received by the cut-off, pairs assigned and covered, by status, gaps, tasks), shown
    /// as fields of the overview.
    #[serde(flatten)]
    pub totals: Totals,
    /// Units whose report is dated after the signing date, with that date.
    pub after_cutoff: Vec<DatedUnit>,
    /// Units whose report came after the deadline but by the signing date.
    pub late_by_cutoff: Vec<DatedUnit>,
    /// Covered share as a percentage with one decimal, e.g. "89.4".
    pub coverage_percent: String,
    /// Covered assigned pairs by status, every status in display order; adds up to
    /// `pairs_covered`.
    pub status_counts: Vec<StatusCount>,
    /// Assigned pairs without an account, by reason; adds up to the uncovered pairs.
    pub gap_counts: Vec<GapCount>,
    /// Assigned pairs without an account.
    pub pairs_uncovered: usize,
    /// Covered entries for tasks outside a unit's assignment (协同).
    pub extra_entries: usize,
    /// Sections in the plan.
    pub sections: usize,
    /// Tasks by overall status, section by section, and a total row.
    pub by_section: Vec<SectionStatus>,
    /// Tasks that some unit reports behind or not started, with those units.
    pub lagging: Vec<LaggingTask>,
}

/// A unit named with a date.
#[derive(Debug, Clone, Serialize)]
pub struct DatedUnit {
    /// Short name.
    pub unit: String,
    /// The date in Chinese, e.g. 12月29日 or 2027年1月6日.
    pub date_cn: String,
    /// Days after the deadline, 0 if on time.
    pub days_late: i64,
}

/// A status and how many have it.
#[derive(Debug, Serialize)]
pub struct StatusCount {
    /// 已完成, 按计划推进, …
    pub status: &'static str,
    /// How many.
    pub count: usize,
}

/// A gap reason and how many pairs have it.
#[derive(Debug, Serialize)]
pub struct GapCount {
    /// 未报送, 未填报 or 未填写实质内容.
    pub reason: &'static str,
    /// How many pairs.
    pub count: usize,
}

/// One row of the status picture: a section's tasks by overall status.
#[derive(Debug, Default, Serialize)]
pub struct SectionStatus {
    /// Section title, or 合计 for the total row.
    pub title: String,
    /// Tasks in the section.
    pub tasks: usize,
    /// Tasks done.
    pub done: usize,
    /// Tasks on track.
    pub on_track: usize,
    /// Tasks behind.
    pub behind: usize,
    /// Tasks not started.
    pub not_started: usize,
    /// Tasks no unit has reported on.
    pub unreported: usize,
}

/// A task some unit reports behind or not started.
#[derive(Debug, Serialize)]
pub struct LaggingTask {
    /// Task number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Units reporting it behind.
    pub behind: Vec<String>,
    /// Units reporting it not started.
    pub not_started: Vec<String>,
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

/// A task: its overall picture for the body and every account for the annex.
#[derive(Debug, Serialize)]
pub struct TaskCtx<'a> {
    /// Task number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Full text from the plan.
    pub text: String,
    /// Overall status, or 尚无进展报告 when no unit has accounted for it.
    pub status: &'static str,
    /// Last year's overall status where it differs from this year's and both are known.
    pub status_before: Option<&'static str>,
    /// Lead unit's short name.
    pub lead: String,
    /// Participating units' short names.
    pub participants: Vec<String>,
    /// Units that have accounted for the task (entries, 项次).
    pub reported: usize,
    /// Those accounts by status, only the statuses present.
    pub tally: Vec<StatusCount>,
    /// The lead unit's account, if it has given one.
    pub lead_account: Option<Account<'a>>,
    /// Figures reported by units whose account the body does not quote, with the unit.
    pub other_figures: Vec<AttributedFigure>,
    /// Accounts other than the lead's reporting the task behind or not started.
    pub lagging: Vec<Account<'a>>,
    /// Assigned units with no account, grouped by reason.
    pub gaps: Vec<GapGroup>,
    /// Accounts not quoted in the body's summary (all but the lead's and the lagging).
    pub others: usize,
    /// Every account: lead, participants, regions, then units outside the assignment.
    pub accounts: Vec<Account<'a>>,
}

/// One unit's account of one task, its texts in full and placeholders left out.
#[derive(Debug, Clone, Serialize)]
pub struct Account<'a> {
    /// Short name, used for attribution.
    pub unit: &'a str,
    /// Full name.
    pub unit_name: &'a str,
    /// 牵头, 参与, 属地落实 or 协同 (not assigned).
    pub role: &'static str,
    /// Status label.
    pub status: &'static str,
    /// Whether the status says the work lags (滞后 or 未启动): its problems are then
    /// quoted with the account in the body.
    pub lagging: bool,
    /// Progress text (borrowed from the report: the largest text is never copied); empty
    /// for 不涉及.
    pub progress: &'a str,
    /// Measures.
    pub measures: Vec<&'a str>,
    /// Figures as display text, e.g. "再生水利用量1.42亿立方米".
    pub figures: Vec<String>,
    /// Problems on this task.
    pub problems: Vec<&'a str>,
    /// Next steps on this task.
    pub next_steps: Vec<&'a str>,
    /// Why the task does not apply (status 不涉及).
    pub reason: Option<&'a str>,
}

/// A figure with the unit that reported it.
#[derive(Debug, Serialize)]
pub struct AttributedFigure {
    /// Display text, e.g. "PM2.5年均浓度31微克/立方米".
    pub text: String,
    /// Short name of the unit.
    pub unit: String,
}

/// Assigned units without an account of a task, for one reason.
#[derive(Debug, Serialize)]
pub struct GapGroup {
    /// 未报送, 未填报 or 未填写实质内容.
    pub reason: &'static str,
    /// Short names.
    pub units: Vec<String>,
}

/// Problems or next steps: by section and task, then the units' general ones.
#[derive(Debug, Serialize)]
pub struct Concerns {
    /// Sections with task-level items, in plan order; sections without items left out.
    pub sections: Vec<SectionConcerns>,
    /// The units' general items, by unit kind.
    pub general: Vec<KindConcerns>,
}

/// Task-level items of one section.
#[derive(Debug, Serialize)]
pub struct SectionConcerns {
    /// Chinese numeral of the section.
    pub numeral: String,
    /// Section title.
    pub title: String,
    /// Tasks with items.
    pub tasks: Vec<TaskConcerns>,
}

/// Items on one task.
#[derive(Debug, Serialize)]
pub struct TaskConcerns {
    /// Task number.
    pub number: u32,
    /// Task title.
    pub title: String,
    /// Items, identical ones merged.
    pub items: Vec<Item>,
}

/// General items of one kind of unit.
#[derive(Debug, Serialize)]
pub struct KindConcerns {
    /// Kind label, e.g. 自治区部门.
    pub kind: String,
    /// Items, identical ones merged.
    pub items: Vec<Item>,
}

/// A text and the units that gave it.
#[derive(Debug, Serialize)]
pub struct Item {
    /// The text, without closing punctuation (the template adds its own).
    pub text: String,
    /// Short names of the units, in plan order.
    pub units: Vec<String>,
    /// Those of them that raised it the year before too.
    pub carried: Vec<String>,
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
    /// Submission date as 12月20日 (with the year when it is not the report year), or empty.
    pub date_cn: String,
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

/// A received report's general texts: summary, problems, plans for next year.
#[derive(Debug, Serialize)]
pub struct UnitSummary<'a> {
    /// Short name.
    pub unit: &'a str,
    /// Full name.
    pub unit_name: &'a str,
    /// The summary; empty when it holds no real text.
    pub summary: &'a str,
    /// General problems.
    pub problems: Vec<&'a str>,
    /// Plans for next year.
    pub next_year: Vec<&'a str>,
}

/// What a task is called when no unit has accounted for it.
const UNREPORTED: &str = "尚无进展报告";

fn figure_text(f: &Figure) -> String {
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

fn account<'a>(e: &TaskEntry<'a>) -> Account<'a> {
    let entry = e.entry;
    let na = entry.status == Status::NotApplicable;
    Account {
        unit: &e.unit.short,
        unit_name: &e.unit.name,
        role: e.role_label(),
        status: entry.status.label(),
        lagging: lagging_status(entry.status),
        progress: if na || !is_real_text(&entry.progress) {
            ""
        } else {
            entry.progress.trim()
        },
        measures: real_items(&entry.measures).collect(),
        figures: entry.figures.iter().map(figure_text).collect(),
        problems: real_items(&entry.problems).collect(),
        next_steps: real_items(&entry.next_steps).collect(),
        reason: entry
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| na && is_real_text(r)),
    }
}

fn status_counts(t: &Tally, all: bool) -> Vec<StatusCount> {
    t.counts()
        .filter(|(_, n)| all || *n > 0)
        .map(|(s, count)| StatusCount {
            status: s.label(),
            count,
        })
        .collect()
}

/// Builds the context for a year. `reports` holds at most one report per unit (as `check`
/// leaves them).
pub fn build<'a>(
    plan: &'a Plan,
    year: i32,
    reports: &'a [Report],
    settings: Settings,
) -> Context<'a> {
    let acc = YearAccount::of(plan, year, reports, &settings.received, settings.date);
    let units: Vec<&Unit> = acc.units.iter().map(|p| p.unit).collect();
    let kind = |u: &Unit| plan.kinds.of(u.kind).to_string();

    let submissions: Vec<SubmissionRow> = acc
        .units
        .iter()
        .map(|p| submission_row(plan, year, p))
        .collect();
    let overview = overview(plan, &acc);
    let (changes, changes_all) = changes_ctx(plan, &acc, &settings.history);
    let indicator_years = indicator_year(plan, year, reports, &settings.history);
    let indicators = indicators_ctx(plan, year, &indicator_years, &settings.history);
    let coverage_by_section = plan
        .sections
        .iter()
        .map(|s| {
            let (mut covered, mut assigned) = (0usize, 0usize);
            for t in acc.tasks.iter().filter(|t| t.task.section == s.number) {
                let c = t.entries.iter().filter(|e| e.role.is_some()).count();
                covered += c;
                assigned += c + t.gaps.len();
            }
            SectionCoverage {
                title: s.title.clone(),
                percent: percent(covered, assigned),
            }
        })
        .collect();
    let assessment = plan
        .assessment
        .as_ref()
        .filter(|_| settings.assess)
        .map(|scheme| AssessCtx {
            title: scheme.title.clone(),
            note: scheme.note.clone(),
            areas: scheme
                .areas
                .iter()
                .map(|a| format!("{}（{}分）", a.name, fmt_num(a.weight)))
                .collect(),
            grades: scheme
                .grades
                .iter()
                .map(|g| {
                    if g.min > 0.0 {
                        format!("{}（{}分及以上）", g.name, fmt_num(g.min))
                    } else {
                        format!("{}（其余）", g.name)
                    }
                })
                .collect(),
            scores: assess(plan, scheme, &acc, &indicator_years),
        });

    let mut tasks_by_section: HashMap<u32, Vec<TaskCtx<'a>>> = HashMap::new();
    for t in &acc.tasks {
        tasks_by_section
            .entry(t.task.section)
            .or_default()
            .push(task_ctx(plan, t, &changes_all));
    }
    let sections = plan
        .sections
        .iter()
        .map(|s| SectionCtx {
            number: s.number,
            numeral: cn_numeral(s.number),
            title: s.title.clone(),
            tasks: tasks_by_section.remove(&s.number).unwrap_or_default(),
        })
        .collect();

    let received: Vec<(&Unit, &Report)> = acc
        .units
        .iter()
        .filter_map(|p| Some((p.unit, p.report?)))
        .collect();
    let threshold = plan.reporting.copy_similarity;
    let raised = |unit: &str, task: Option<u32>, text: &str| {
        raised_before(
            settings.history.report(year - 1, unit),
            task,
            text,
            threshold,
        )
    };
    let problems = concerns(
        plan,
        &acc,
        |e| &e.problems,
        &received,
        |r: &Report| &r.problems,
        &raised,
    );
    let next_steps = concerns(
        plan,
        &acc,
        |e| &e.next_steps,
        &received,
        |r: &Report| &r.next_year,
        &|_, _, _| false,
    );

    let matrix = matrix(plan, &acc, &units);

    let missing = acc
        .missing()
        .map(|p| UnitRef {
            unit: p.unit.short.clone(),
            unit_name: p.unit.name.clone(),
            kind: kind(p.unit),
        })
        .collect();
    let late = submissions
        .iter()
        .filter(|s| s.days_late > 0)
        .cloned()
        .collect();
    let projects = received
        .iter()
        .flat_map(|(u, r)| {
            r.projects
                .iter()
                .filter(|p| is_real_text(&p.name))
                .map(|p| ProjectRow {
                    unit: u.short.clone(),
                    name: p.name.trim().to_string(),
                    task: p.task,
                    investment: p.investment.map(format_number).unwrap_or_default(),
                    state: p.state.label(),
                })
        })
        .collect();
    let summaries = received
        .iter()
        .map(|(u, r)| UnitSummary {
            unit: &u.short,
            unit_name: &u.name,
            summary: if is_real_text(&r.summary) {
                r.summary.trim()
            } else {
                ""
            },
            problems: real_items(&r.problems).collect(),
            next_year: real_items(&r.next_year).collect(),
        })
        .filter(|s| !(s.summary.is_empty() && s.problems.is_empty() && s.next_year.is_empty()))
        .collect();

    let meta = meta(plan, year, &acc, &settings);
    let shift = u32::from(indicators.is_some());
    let outline = Outline {
        overview: cn_numeral(1),
        indicators: indicators.as_ref().map(|_| cn_numeral(2)),
        tasks: cn_numeral(2 + shift),
        problems: cn_numeral(3 + shift),
        next_steps: cn_numeral(4 + shift),
    };
    // Annexes are numbered in the order they are attached; those left out take no number.
    let mut next = 0;
    let mut label = |present: bool| {
        present.then(|| {
            next += 1;
            format!("附件{next}")
        })
    };
    let full = settings.detail == Detail::Full;
    // (Fields are evaluated in the order written: the order the annexes are attached.)
    let annexes = AnnexLabels {
        submissions: label(true).unwrap_or_default(),
        matrix: label(true).unwrap_or_default(),
        missing: label(true).unwrap_or_default(),
        indicators: label(indicators.is_some()),
        projects: label(true).unwrap_or_default(),
        compendium: label(!full),
        summaries: label(true).unwrap_or_default(),
        assessment: label(assessment.is_some()),
    };

    Context {
        meta,
        outline,
        annexes,
        overview,
        indicators,
        changes,
        coverage_by_section,
        assessment,
        sections,
        problems,
        next_steps,
        submissions,
        matrix,
        missing,
        late,
        projects,
        summaries,
    }
}

fn submission_row(plan: &Plan, year: i32, p: &UnitProgress) -> SubmissionRow {
    let arrived = p.arrived();
    SubmissionRow {
        unit: p.unit.short.clone(),
        kind: plan.kinds.of(p.unit.kind).to_string(),
        state: p.submission.label(),
        date: arrived.map(|d| d.to_string()).unwrap_or_default(),
        date_cn: arrived.map(|d| cn_date_in(d, year)).unwrap_or_default(),
        days_late: p.days_late,
        covered: p.coverage.covered(),
        assigned: p.coverage.assigned.len(),
    }
}

fn overview(plan: &Plan, acc: &YearAccount) -> Overview {
    let t = &acc.totals;
    let dated = |p: &UnitProgress| DatedUnit {
        unit: p.unit.short.clone(),
        date_cn: p
            .arrived()
            .map(|d| cn_date_in(d, acc.year))
            .unwrap_or_default(),
        days_late: p.days_late,
    };
    let after_cutoff: Vec<DatedUnit> = acc.after_cutoff().map(dated).collect();
    let late_by_cutoff: Vec<DatedUnit> = acc
        .units
        .iter()
        .filter(|p| p.days_late > 0 && !p.after(acc.cutoff))
        .map(dated)
        .collect();
    let mut by_section: Vec<SectionStatus> = plan
        .sections
        .iter()
        .map(|s| SectionStatus {
            title: s.title.clone(),
            ..SectionStatus::default()
        })
        .collect();
    let mut total = SectionStatus {
        title: "合计".to_string(),
        ..SectionStatus::default()
    };
    let mut lagging = Vec::new();
    for task in &acc.tasks {
        let row = plan
            .sections
            .iter()
            .position(|s| s.number == task.task.section);
        for r in row
            .and_then(|i| by_section.get_mut(i))
            .into_iter()
            .chain([&mut total])
        {
            r.tasks += 1;
            match task.tally.overall() {
                Some(Status::Done) => r.done += 1,
                Some(Status::Behind) => r.behind += 1,
                Some(Status::NotStarted) => r.not_started += 1,
                Some(_) => r.on_track += 1,
                None => r.unreported += 1,
            }
        }
        let with = |status: Status| -> Vec<String> {
            task.entries
                .iter()
                .filter(|e| e.entry.status == status)
                .map(|e| e.unit.short.clone())
                .collect()
        };
        let (behind, not_started) = (with(Status::Behind), with(Status::NotStarted));
        if !behind.is_empty() || !not_started.is_empty() {
            lagging.push(LaggingTask {
                number: task.task.number,
                title: task.task.title.clone(),
                behind,
                not_started,
            });
        }
    }
    by_section.push(total);
    Overview {
        totals: t.clone(),
        after_cutoff,
        late_by_cutoff,
        coverage_percent: t.coverage_percent(),
        status_counts: status_counts(&t.by_status, true),
        gap_counts: GapReason::ALL
            .iter()
            .map(|r| GapCount {
                reason: r.label(),
                count: t.gaps.get(*r),
            })
            .filter(|g| g.count > 0)
            .collect(),
        pairs_uncovered: t.gaps.total(),
        extra_entries: t.extra.total(),
        sections: plan.sections.len(),
        by_section,
        lagging,
    }
}

fn lagging_status(s: Status) -> bool {
    matches!(s, Status::Behind | Status::NotStarted)
}

fn task_ctx<'a>(plan: &'a Plan, t: &TaskAccount<'a>, changes: &[TaskChange]) -> TaskCtx<'a> {
    let status_before = changes
        .iter()
        .find(|c| c.number == t.task.number && c.before.is_some() && c.before != c.now)
        .and_then(|c| Some(c.before?.label()))
        .filter(|_| t.tally.overall().is_some());
    let accounts: Vec<Account<'a>> = t.entries.iter().map(account).collect();
    let lead_account = t.lead().map(account);
    let lagging: Vec<Account<'a>> = t
        .entries
        .iter()
        .filter(|e| e.role != Some(Role::Lead) && lagging_status(e.entry.status))
        .map(account)
        .collect();
    let quoted = lagging.len() + usize::from(t.lead().is_some());
    let quoted_in_body =
        |e: &&TaskEntry| e.role == Some(Role::Lead) || lagging_status(e.entry.status);
    let other_figures = t
        .entries
        .iter()
        .filter(|e| !quoted_in_body(e))
        .flat_map(|e| {
            e.entry.figures.iter().map(|f| AttributedFigure {
                text: figure_text(f),
                unit: e.unit.short.clone(),
            })
        })
        .collect();
    let gaps = GapReason::ALL
        .iter()
        .filter_map(|reason| {
            let units: Vec<String> = t
                .gaps
                .iter()
                .filter(|g| g.reason == *reason)
                .map(|g| g.unit.short.clone())
                .collect();
            (!units.is_empty()).then_some(GapGroup {
                reason: reason.label(),
                units,
            })
        })
        .collect();
    let name = |id: &str| plan.unit(id).map(|u| u.short.clone()).unwrap_or_default();
    TaskCtx {
        number: t.task.number,
        title: t.task.title.clone(),
        text: t.task.text.trim().to_string(),
        status: t.tally.overall().map(Status::label).unwrap_or(UNREPORTED),
        status_before,
        lead: name(&t.task.lead),
        participants: t.task.participants.iter().map(|p| name(p)).collect(),
        reported: t.entries.len(),
        tally: status_counts(&t.tally, false),
        lead_account,
        other_figures,
        lagging,
        gaps,
        others: t.entries.len() - quoted,
        accounts,
    }
}

/// The key under which identical items merge: the text without surrounding space or
/// closing punctuation.
fn item_text(text: &str) -> &str {
    text.trim()
        .trim_end_matches(['。', '；', ';', '，', ',', '.', '、'])
        .trim_end()
}

/// Adds a unit's items to a list, merging identical texts.
/// `raised_before` says whether the unit gave the text the year before too.
fn merge_into<'t>(
    items: &mut Vec<Item>,
    unit: &str,
    texts: impl Iterator<Item = &'t str>,
    raised_before: &dyn Fn(&str) -> bool,
) {
    for text in texts {
        let carried = raised_before(text);
        let text = item_text(text);
        let i = match items.iter().position(|i| i.text == text) {
            Some(i) => i,
            None => {
                items.push(Item {
                    text: text.to_string(),
                    units: Vec::new(),
                    carried: Vec::new(),
                });
                items.len() - 1
            }
        };
        let item = &mut items[i];
        if !item.units.iter().any(|u| u == unit) {
            item.units.push(unit.to_string());
            if carried {
                item.carried.push(unit.to_string());
            }
        }
    }
}

fn concerns(
    plan: &Plan,
    acc: &YearAccount,
    per_task: fn(&crate::report::Entry) -> &Vec<String>,
    received: &[(&Unit, &Report)],
    general: fn(&Report) -> &Vec<String>,
    raised_before: &dyn Fn(&str, Option<u32>, &str) -> bool,
) -> Concerns {
    let mut sections: Vec<SectionConcerns> = Vec::new();
    for s in &plan.sections {
        let tasks: Vec<TaskConcerns> = acc
            .tasks
            .iter()
            .filter(|t| t.task.section == s.number)
            .filter_map(|t| {
                let mut items = Vec::new();
                for e in &t.entries {
                    merge_into(
                        &mut items,
                        &e.unit.short,
                        real_items(per_task(e.entry)),
                        &|text| raised_before(&e.unit.id, Some(t.task.number), text),
                    );
                }
                (!items.is_empty()).then(|| TaskConcerns {
                    number: t.task.number,
                    title: t.task.title.clone(),
                    items,
                })
            })
            .collect();
        if !tasks.is_empty() {
            sections.push(SectionConcerns {
                numeral: cn_numeral(s.number),
                title: s.title.clone(),
                tasks,
            });
        }
    }
    let general = [UnitKind::Department, UnitKind::Central, UnitKind::Region]
        .iter()
        .filter_map(|kind| {
            let mut items = Vec::new();
            for (u, r) in received.iter().filter(|(u, _)| u.kind == *kind) {
                merge_into(&mut items, &u.short, real_items(general(r)), &|text| {
                    raised_before(&u.id, None, text)
                });
            }
            (!items.is_empty()).then(|| KindConcerns {
                kind: plan.kinds.of(*kind).to_string(),
                items,
            })
        })
        .collect();
    Concerns { sections, general }
}

fn matrix(plan: &Plan, acc: &YearAccount, units: &[&Unit]) -> Matrix {
    // Which unit has accounted for which task, and in what role.
    let mut reported: HashMap<(&str, u32), Option<Role>> = HashMap::new();
    for t in &acc.tasks {
        for e in &t.entries {
            reported.insert((e.unit.id.as_str(), t.task.number), e.role);
        }
    }
    let part = |kind: String, part: &[&Unit]| MatrixPart {
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
                    .map(|u| {
                        let covered = reported.contains_key(&(u.id.as_str(), t.number));
                        match (plan.role(u, t), covered) {
                            (Some(Role::Lead), true) => "★",
                            (Some(Role::Lead), false) => "☆",
                            (Some(_), true) => "●",
                            (Some(_), false) => "○",
                            (None, true) => "＋",
                            (None, false) => "",
                        }
                    })
                    .collect(),
            })
            .collect(),
    };
    let parts = if units.len() <= MATRIX_MAX_UNITS {
        vec![part(String::new(), units)]
    } else {
        let mut parts = Vec::new();
        for kind in [UnitKind::Department, UnitKind::Central, UnitKind::Region] {
            let of_kind: Vec<&Unit> = units.iter().copied().filter(|u| u.kind == kind).collect();
            let chunks = of_kind.len().div_ceil(MATRIX_MAX_UNITS).max(1);
            for (i, chunk) in of_kind.chunks(MATRIX_MAX_UNITS).enumerate() {
                let label = plan.kinds.of(kind);
                let kind = if chunks > 1 {
                    format!("{label}（{}）", cn_numeral(i as u32 + 1))
                } else {
                    label.to_string()
                };
                parts.push(part(kind, chunk));
            }
        }
        parts
    };
    Matrix { parts }
}

fn meta(plan: &Plan, year: i32, acc: &YearAccount, settings: &Settings) -> Meta {
    let date = settings.date;
    let spec = &plan.report;
    Meta {
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
        to: spec.to.clone(),
        reports_to: plan.reporting.to.clone(),
        reporting_rule: plan.reporting.rule.clone(),
        cc: spec.cc.clone(),
        signer: spec.signer.clone(),
        printed_by: spec.printed_by.clone(),
        mark: spec.mark.clone(),
        number: spec.number.clone(),
        sign_off: spec.sign_off.clone(),
        contact: spec.contact.clone(),
        phone: spec.phone.clone(),
        deadline_words: deadline_words(plan.reporting.deadline_month, plan.reporting.deadline_day),
        date_cn: date.map(cn_date).unwrap_or_default(),
        date_iso: date.map(|d| d.to_string()).unwrap_or_default(),
        deadline_cn: acc.deadline.map(cn_date).unwrap_or_default(),
        as_of_cn: acc.as_of().map(|d| cn_date_in(d, year)).unwrap_or_default(),
        as_of_is_cutoff: date.is_some(),
        detail: settings.detail,
        phase: plan.phase_of(year).map(|p| PhaseCtx {
            name: p.name.clone(),
            start: p.start,
            end: p.end,
            goal: p.goal.clone(),
            year_in_phase: year - p.start + 1,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(format_number(95.0), "95");
        assert_eq!(format_number(1.42), "1.42");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
    }

    #[test]
    fn identical_items_merge_whatever_their_closing_punctuation() {
        let mut items = Vec::new();
        let never = |_: &str| false;
        merge_into(
            &mut items,
            "甲",
            ["资金不足。", "人手紧张"].into_iter(),
            &never,
        );
        merge_into(
            &mut items,
            "乙",
            ["资金不足", " 人手紧张；"].into_iter(),
            &never,
        );
        merge_into(&mut items, "乙", ["资金不足"].into_iter(), &never);
        let got: Vec<(&str, Vec<&str>)> = items
            .iter()
            .map(|i| {
                (
                    i.text.as_str(),
                    i.units.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("资金不足", vec!["甲", "乙"]),
                ("人手紧张", vec!["甲", "乙"])
            ]
        );
    }
}
