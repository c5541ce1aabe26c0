//! Reading one report file (YAML) and checking it against the plan.
//!
//! Everything that can be said about a single file is said here: syntax, types, unknown
//! keys, unit and task references, dates, statuses, duplicate entries. What needs all
//! files of a year (duplicates across files, coverage, missing units) is in `validate`.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diag::{Code, Diagnostic};
use crate::extract::{Cx, Fields, Spanned};
use crate::node::{Node, Value, parse_yaml};
use crate::plan::Plan;
use crate::report::model::{
    Contact, Entry, Figure, FigureValue, PLACEHOLDER_MARK, Project, ProjectState, Report, Status,
};
use crate::source::SourceFile;
use crate::suggest::{closest, did_you_mean};

/// Reads a report file. Returns the report when it is usable for coverage (even if it
/// has findings), and every finding.
pub fn load_report(src: &SourceFile, plan: &Plan) -> (Option<Report>, Vec<Diagnostic>) {
    let node = match parse_yaml(src) {
        Ok(node) => node,
        Err(diags) => return (None, diags),
    };
    let mut cx = Cx::new(src);
    let report = read_report(&mut cx, node, plan);
    (report, cx.diags)
}

/// Parses the date forms people type: 2026-12-20, 2026/12/20, 2026.12.20, 2026年12月20日.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let t = t.strip_suffix('日').unwrap_or(t);
    let normalized: String = t
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            c => c,
        })
        .collect();
    NaiveDate::parse_from_str(&normalized, "%Y-%m-%d").ok()
}

fn read_report(cx: &mut Cx, node: Node, plan: &Plan) -> Option<Report> {
    let mut f = Fields::of(cx, node, "")?;
    let unit = f.require(cx, "unit", "报送单位");
    let year = f.require(cx, "year", "报告年度");
    let submitted = f.require(cx, "submitted", "报送日期");
    let contact = f.require(cx, "contact", "联系人");
    let summary = f.require(cx, "summary", "总体情况");
    let tasks_span = f.key_span("tasks").unwrap_or(f.span());
    let tasks = f.require(cx, "tasks", "任务进展");
    let projects = f.take("projects", "重大工程");
    let problems = f.take("problems", "存在的问题");
    let next_year = f.take("next_year", "下一年度工作打算");
    f.finish(cx);

    let unit = unit
        .and_then(|n| cx.text(&n, "unit"))
        .and_then(|t| resolve_unit(cx, plan, t));
    let year = year
        .and_then(|n| cx.int(&n, "year"))
        .and_then(|y| check_year(cx, y));
    let submitted = submitted.and_then(|n| read_date(cx, &n, "submitted"));
    let contact = contact.and_then(|n| read_contact(cx, n));
    let summary = summary.and_then(|n| cx.text(&n, "summary"));
    if let Some(text) = &summary {
        placeholder_left(cx, text, "summary");
        comment_cut(cx, text, "summary");
    }
    let entries = tasks.and_then(|n| read_entries(cx, n, plan));
    let projects = projects
        .map(|n| read_projects(cx, n, plan))
        .unwrap_or_default();
    let problems = problems
        .map(|n| cx.texts(n, "problems"))
        .unwrap_or_default();
    let next_year = next_year
        .map(|n| cx.texts(n, "next_year"))
        .unwrap_or_default();
    for (texts, path) in [(&problems, "problems"), (&next_year, "next_year")] {
        for text in texts {
            placeholder_left(cx, text, path);
            comment_cut(cx, text, path);
        }
    }

    // Only the unit and year are essential: with them the report still counts as
    // submitted and its coverage can be shown, while the other problems are reported.
    let (unit, year) = (unit?, year?);
    // A report for a year is sent during that year or the next; any other date is a slip
    // (1999 for 2026, 2099 for 2026), not a submission 26,000 days late.
    let submitted = submitted.and_then(|d| {
        let first = NaiveDate::from_ymd_opt(year.value, 1, 1)?;
        let last = NaiveDate::from_ymd_opt(year.value + 1, 12, 31)?;
        if (first..=last).contains(&d.value) {
            return Some(d);
        }
        let diag = Diagnostic::new(
            Code::InvalidDate,
            format!(
                "报送日期 {} 不在 {} 年度报告可能的报送时间内（{}年1月1日至{}年12月31日）",
                d.value,
                year.value,
                year.value,
                year.value + 1
            ),
        )
        .hint("核对年份是否写错，报送日期写成 2026-12-20 的形式");
        cx.report(diag, d.span);
        None
    });
    let (submitted, submitted_span) = match submitted {
        Some(s) => (Some(s.value), s.span),
        None => (None, unit.span.clone()),
    };
    Some(Report {
        path: cx.src.path.clone(),
        unit: unit.value,
        unit_span: unit.span,
        year: year.value,
        year_span: year.span,
        submitted,
        submitted_span,
        contact: contact.unwrap_or_default(),
        summary: summary.map(|s| s.value).unwrap_or_default(),
        entries: entries.unwrap_or_default(),
        projects,
        problems: problems.into_iter().map(|t| t.value).collect(),
        next_year: next_year.into_iter().map(|t| t.value).collect(),
        tasks_span,
    })
}

fn resolve_unit(cx: &mut Cx, plan: &Plan, name: Spanned<String>) -> Option<Spanned<String>> {
    if let Some(u) = plan.unit(&name.value) {
        return Some(Spanned::new(u.id.clone(), name.span));
    }
    let guesses = closest(&name.value, plan.unit_names(), 3);
    let hint = if guesses.is_empty() {
        "填写方案单位名单里的标识、全称或简称，可用 `nianbao units` 查看名单".to_string()
    } else {
        format!(
            "是否应为“{}”？可用 `nianbao units` 查看名单",
            guesses.join("”或“")
        )
    };
    let d = Diagnostic::new(
        Code::UnknownUnit,
        format!("报送单位“{}”不在方案的单位名单中", name.value),
    )
    .hint(hint);
    cx.report(d, name.span);
    None
}

fn check_year(cx: &mut Cx, year: Spanned<i64>) -> Option<Spanned<i32>> {
    match i32::try_from(year.value) {
        Ok(y) if (2000..=2100).contains(&y) => Some(Spanned::new(y, year.span)),
        _ => {
            let d = Diagnostic::new(
                Code::InvalidValue,
                format!("报告年度 {} 不是有效年份", year.value),
            )
            .hint("写四位年份，例如 `year: 2026`");
            cx.report(d, year.span);
            None
        }
    }
}

/// Warns where a `#` after a plain free-text value made the rest of the line a comment:
/// `progress: 完成 #3 机组改造。` reads as "完成", and the typist never sees the loss.
/// Quoted and block values keep their `#`; ids and names are not free text and are not
/// checked, so `unit: shuili   # 宁夏回族自治区水利厅` stays quiet.
fn comment_cut(cx: &mut Cx, text: &Spanned<String>, path: &str) {
    let src = cx.src.text.as_str();
    let span = text.span.clone();
    let first = src.get(span.start..).and_then(|s| s.chars().next());
    if span.is_empty() || matches!(first, None | Some('"' | '\'' | '|' | '>')) {
        return;
    }
    let Some(after) = src.get(span.end..) else {
        return;
    };
    let line_end = span.end + after.find(['\n', '\r']).unwrap_or(after.len());
    let rest = &src[span.end..line_end];
    let comment = rest.trim_start_matches([' ', '\t']);
    if comment.len() == rest.len() || !comment.starts_with('#') {
        return;
    }
    let lost = comment.trim_start_matches('#').trim();
    let d = Diagnostic::new(
        Code::CommentCut,
        format!(
            "`{path}` 中 # 之后的“{lost}”被当作注释，没有读入，只读到“{}”",
            text.value
        ),
    )
    .hint("含 # 的文字请写成 `字段: |-`，在下一行缩进两个空格书写，或把整段文字用引号括起来");
    let start = line_end - comment.len();
    cx.report(d, start..line_end);
}

/// Reports a scaffold placeholder left in a field; returns whether there was one.
fn placeholder_left(cx: &mut Cx, text: &Spanned<String>, path: &str) -> bool {
    if !text.value.contains(PLACEHOLDER_MARK) {
        return false;
    }
    let d = Diagnostic::new(Code::Placeholder, format!("`{path}` 仍是模板中的占位文字"))
        .hint("把“【请填写……】”换成实际内容");
    cx.report(d, text.span.clone());
    true
}

fn read_date(cx: &mut Cx, node: &Node, path: &str) -> Option<Spanned<NaiveDate>> {
    let text = cx.text(node, path)?;
    if placeholder_left(cx, &text, path) {
        return None;
    }
    match parse_date(&text.value) {
        Some(d) => Some(Spanned::new(d, text.span)),
        None => {
            let d = Diagnostic::new(
                Code::InvalidDate,
                format!("`{path}` 的日期“{}”无效", text.value),
            )
            .hint("日期写成 2026-12-20 的形式，并确认是日历上存在的日期");
            cx.report(d, text.span);
            None
        }
    }
}

/// The largest investment a single project can plausibly report, in 万元 (1 万亿元).
const MAX_INVESTMENT: f64 = 1e8;

/// An investment in 万元 must be a finite, non-negative amount of plausible size; the
/// message quotes the value as written, never a 309-digit expansion of it.
fn investment_in_range(cx: &mut Cx, v: Spanned<f64>) -> Option<f64> {
    let written = cx
        .src
        .text
        .get(v.span.clone())
        .unwrap_or("")
        .trim()
        .to_string();
    let problem = if !v.value.is_finite() {
        Some(format!("投资额“{written}”不是一个数额"))
    } else if v.value < 0.0 {
        Some(format!("投资额“{written}”万元是负数"))
    } else if v.value > MAX_INVESTMENT {
        Some(format!(
            "投资额“{written}”万元超出合理范围（单个工程不超过 1 万亿元）"
        ))
    } else {
        None
    };
    match problem {
        None => Some(v.value),
        Some(message) => {
            let d = Diagnostic::new(Code::InvalidValue, message).hint(
                "investment 填以万元为单位的总投资，例如 12000 表示 1.2 亿元；请核对数字和单位",
            );
            cx.report(d, v.span);
            None
        }
    }
}

fn nonempty(cx: &mut Cx, f: &mut Fields, key: &'static str, label: &'static str) -> Option<String> {
    let text = f.require_text(cx, key, label)?;
    placeholder_left(cx, &text, &f.path_of(key));
    Some(text.value)
}

fn read_contact(cx: &mut Cx, node: Node) -> Option<Contact> {
    let mut f = Fields::of(cx, node, "contact")?;
    let name = nonempty(cx, &mut f, "name", "联系人姓名");
    let phone = nonempty(cx, &mut f, "phone", "联系电话");
    let email = f.take("email", "电子邮箱");
    f.finish(cx);
    let email = email
        .and_then(|n| cx.text(&n, "contact.email"))
        .map(|t| t.value)
        .filter(|t| !t.trim().is_empty());
    Some(Contact {
        name: name?,
        phone: phone?,
        email,
    })
}

fn task_number(cx: &mut Cx, plan: &Plan, node: &Node, path: &str) -> Option<Spanned<u32>> {
    let n = cx.int(node, path)?;
    match u32::try_from(n.value)
        .ok()
        .filter(|&v| plan.task(v).is_some())
    {
        Some(v) => Some(Spanned::new(v, n.span)),
        None => {
            let last = plan.tasks.iter().map(|t| t.number).max().unwrap_or(0);
            let d = Diagnostic::new(
                Code::UnknownTask,
                format!("方案中没有第 {} 项任务", n.value),
            )
            .hint(format!("任务编号是方案中的 1—{last}，只写编号数字；可用 `nianbao tasks --unit 本单位` 查看分工"));
            cx.report(d, n.span);
            None
        }
    }
}

fn read_entries(cx: &mut Cx, node: Node, plan: &Plan) -> Option<Vec<Entry>> {
    let items = cx.list(node, "tasks")?;
    let mut entries: Vec<Entry> = Vec::with_capacity(items.len());
    let mut first_line: HashMap<u32, usize> = HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("tasks[{}]", i + 1);
        let Some(entry) = read_entry(cx, item, plan, &path) else {
            continue;
        };
        if let Some(line) = first_line.get(&entry.task) {
            let d = Diagnostic::new(
                Code::DuplicateEntry,
                format!(
                    "第 {} 项任务填报了两次，第 {line} 行已有这项任务",
                    entry.task
                ),
            )
            .hint("把两处内容合并到一项中，删除多余的一项");
            cx.report(d, entry.task_span.clone());
            continue;
        }
        first_line.insert(entry.task, cx.src.line_col(entry.task_span.start).line);
        entries.push(entry);
    }
    Some(entries)
}

fn read_entry(cx: &mut Cx, node: Node, plan: &Plan, path: &str) -> Option<Entry> {
    let entry_span = node.span.clone();
    let mut f = Fields::of(cx, node, path)?;
    let task = f.require(cx, "task", "任务编号");
    let status = f.require(cx, "status", "进展状态");
    let progress = f.take("progress", "工作进展");
    let measures = f.take("measures", "主要措施");
    let figures = f.take("figures", "数据指标");
    let problems = f.take("problems", "存在的问题");
    let next_steps = f.take("next_steps", "下一步打算");
    let reason = f.take("reason", "不涉及的理由");
    f.finish(cx);

    let task = task.and_then(|n| task_number(cx, plan, &n, &format!("{path}.task")));
    let status = status.and_then(|n| read_status(cx, &n, path));
    let has_progress = progress.is_some();
    let progress = match progress {
        Some(n) => cx.text(&n, &format!("{path}.progress")),
        None => Some(Spanned::new(String::new(), entry_span)),
    };
    let measures = measures
        .map(|n| cx.texts(n, &format!("{path}.measures")))
        .unwrap_or_default();
    let figures = figures
        .map(|n| read_figures(cx, n, plan, path))
        .unwrap_or_default();
    let problems = problems
        .map(|n| cx.texts(n, &format!("{path}.problems")))
        .unwrap_or_default();
    let next_steps = next_steps
        .map(|n| cx.texts(n, &format!("{path}.next_steps")))
        .unwrap_or_default();
    let reason = reason.and_then(|n| cx.text(&n, &format!("{path}.reason")));
    if let Some(Some(p)) = has_progress.then_some(progress.as_ref()) {
        comment_cut(cx, p, &format!("{path}.progress"));
    }
    for (texts, key) in [
        (&measures, "measures"),
        (&problems, "problems"),
        (&next_steps, "next_steps"),
    ] {
        for t in texts {
            comment_cut(cx, t, &format!("{path}.{key}"));
        }
    }
    if let Some(r) = &reason {
        comment_cut(cx, r, &format!("{path}.reason"));
    }

    // Keep the entry whenever its task is known, so coverage reflects what was written;
    // a bad status or progress value has been reported already.
    let task = task?;
    let status_chosen = status.is_some();
    let status = status.unwrap_or(Spanned::new(Status::OnTrack, task.span.clone()));
    let progress = progress.unwrap_or(Spanned::new(String::new(), task.span.clone()));
    if status.value == Status::NotApplicable
        && !reason
            .as_ref()
            .is_some_and(|r| crate::report::is_real_text(&r.value))
    {
        let d = Diagnostic::new(
            Code::NoReason,
            format!("第 {} 项任务标为“不涉及”，但没有说明理由", task.value),
        )
        .hint("在这一项中添加 `reason: …`，写明本单位不涉及这项任务的原因");
        cx.report(d, status.span.clone());
    }
    Some(Entry {
        task: task.value,
        task_span: task.span,
        status: status.value,
        status_chosen,
        progress: progress.value,
        progress_span: progress.span,
        measures: measures.into_iter().map(|t| t.value).collect(),
        figures,
        problems: problems.into_iter().map(|t| t.value).collect(),
        next_steps: next_steps.into_iter().map(|t| t.value).collect(),
        reason: reason.map(|r| r.value),
    })
}

fn read_status(cx: &mut Cx, node: &Node, path: &str) -> Option<Spanned<Status>> {
    let t = cx.text(node, &format!("{path}.status"))?;
    if t.value.contains(PLACEHOLDER_MARK) {
        let d = Diagnostic::new(
            Code::Placeholder,
            format!("`{path}.status` 还没有选择进展状态"),
        )
        .hint(format!(
            "把“【请填写……】”换成其中一个：{}",
            Status::accepted()
        ));
        cx.report(d, t.span);
        return None;
    }
    match Status::parse(&t.value) {
        Some(s) => Some(Spanned::new(s, t.span)),
        None => {
            let labels = Status::ALL.map(Status::label);
            let guess = did_you_mean(&t.value, labels);
            let d = Diagnostic::new(Code::InvalidValue, format!("进展状态“{}”无法识别", t.value))
                .hint(format!(
                    "{}可填：{}",
                    guess
                        .map(|g| format!("是否应为“{g}”？"))
                        .unwrap_or_default(),
                    Status::accepted()
                ));
            cx.report(d, t.span);
            None
        }
    }
}

fn read_figures(cx: &mut Cx, node: Node, plan: &Plan, path: &str) -> Vec<Figure> {
    let path = format!("{path}.figures");
    let Some(items) = cx.list(node, &path) else {
        return Vec::new();
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let p = format!("{path}[{}]", i + 1);
            let mut f = Fields::of(cx, item, &p)?;
            let name = nonempty(cx, &mut f, "name", "指标名称");
            let value = f.require(cx, "value", "数值");
            let unit = f.take("unit", "计量单位");
            let indicator = f.take("indicator", "对应的方案指标");
            f.finish(cx);
            let value_span = value.as_ref().map(|v| v.span.clone());
            let value = match value? {
                Node {
                    value: Value::Int(i),
                    ..
                } => FigureValue::Number(i as f64),
                Node {
                    value: Value::Float(x),
                    ..
                } => FigureValue::Number(x),
                other => FigureValue::Text(cx.text(&other, &format!("{p}.value"))?.value),
            };
            let opt = |cx: &mut Cx, n: Option<Node>, key: &str| {
                n.and_then(|n| cx.text(&n, &format!("{p}.{key}")))
                    .map(|t| t.value)
                    .filter(|t| !t.trim().is_empty())
            };
            let unit = opt(cx, unit, "unit");
            let indicator = match indicator {
                Some(n) => {
                    let value_span = value_span.clone()?;
                    Some(plan_indicator(cx, plan, &n, &value, value_span, &p)?)
                }
                None => None,
            };
            Some(Figure {
                name: name?,
                value,
                unit,
                indicator,
            })
        })
        .collect()
}

/// The plan indicator a figure reports: it must exist, and its value must be a number the
/// indicator can take. Returns the indicator's id.
fn plan_indicator(
    cx: &mut Cx,
    plan: &Plan,
    node: &Node,
    value: &FigureValue,
    value_span: std::ops::Range<usize>,
    path: &str,
) -> Option<String> {
    let id = cx.text(node, &format!("{path}.indicator"))?;
    let key = id.value.trim();
    let Some(ind) = plan.indicator(key) else {
        let guess = did_you_mean(key, plan.indicators.iter().map(|i| i.id.as_str()));
        let known: Vec<String> = plan
            .indicators
            .iter()
            .map(|i| format!("{}（{}）", i.id, i.name))
            .collect();
        let d = Diagnostic::new(
            Code::UnknownIndicator,
            format!("方案中没有标识为“{key}”的指标"),
        )
        .hint(if known.is_empty() {
            "方案没有定义指标：删去 indicator 这一行，数据照常汇总".to_string()
        } else {
            format!(
                "{}方案中的指标有：{}；不对应方案指标的数据删去 indicator 这一行即可",
                guess
                    .map(|g| format!("是否应为 `{g}`？"))
                    .unwrap_or_default(),
                known.join("、")
            )
        });
        cx.report(d, id.span);
        return None;
    };
    let problem = match value {
        FigureValue::Number(x) if ind.in_range(*x) => None,
        FigureValue::Number(x) if !x.is_finite() => Some(format!(
            "指标“{}”的数值不是一个有限的数（读到的是 {x}）",
            ind.name
        )),
        FigureValue::Number(x) => Some(format!(
            "指标“{}”的数值 {} 超出可能的范围（{}{}）",
            ind.name,
            crate::plan::fmt_num(*x),
            ind.range_words(),
            ind.unit
        )),
        FigureValue::Text(t) => Some(format!("指标“{}”的数值应是数字，这里是“{t}”", ind.name)),
    };
    // The figure still names the indicator: the error says what is wrong with its value,
    // and no second finding says the indicator was not reported.
    if let Some(message) = problem {
        let example = ind
            .baseline
            .as_ref()
            .map(|b| b.value)
            .or_else(|| ind.targets.first().map(|t| t.at.value))
            .map(crate::plan::fmt_num)
            .unwrap_or_else(|| "95.2".into());
        let d = Diagnostic::new(Code::IndicatorValue, message).hint(format!(
            "填写以“{}”计的数字，不带单位，例如 `value: {example}`；单位写在 unit 中",
            ind.unit
        ));
        cx.report(d, value_span);
    }
    Some(ind.id.clone())
}

fn read_projects(cx: &mut Cx, node: Node, plan: &Plan) -> Vec<Project> {
    let Some(items) = cx.list(node, "projects") else {
        return Vec::new();
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let p = format!("projects[{}]", i + 1);
            let mut f = Fields::of(cx, item, &p)?;
            let name = nonempty(cx, &mut f, "name", "工程名称");
            let task = f.take("task", "相关任务编号");
            let investment = f.take("investment", "投资额（万元）");
            let state = f.require(cx, "state", "建设状态");
            f.finish(cx);
            let task = match task {
                Some(n) => Some(task_number(cx, plan, &n, &format!("{p}.task"))?.value),
                None => None,
            };
            let investment = match investment {
                Some(n) if n.value != Value::Null => {
                    let v = cx.number(&n, &format!("{p}.investment"))?;
                    Some(investment_in_range(cx, v)?)
                }
                _ => None,
            };
            let state = cx.text(&state?, &format!("{p}.state"))?;
            let Some(state_value) = ProjectState::parse(&state.value) else {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    format!("工程建设状态“{}”无法识别", state.value),
                )
                .hint("可填：前期、在建、已完工、停缓建");
                cx.report(d, state.span);
                return None;
            };
            Some(Project {
                name: name?,
                task,
                investment,
                state: state_value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::plan::load_plan;

    /// Regression: a blank contact name was dropped without a finding, so a report with
    /// no contact person passed check.
    #[test]
    fn blank_contact_name_is_reported() {
        let plan_src = SourceFile::from_text(
            "p.toml",
            std::fs::read_to_string("tests/fixtures/clean/plan/hexi.toml").unwrap(),
        );
        let plan = load_plan(&plan_src).0.unwrap();
        let src = SourceFile::from_text(
            "shuiwu.yaml",
            "unit: shuiwu\nyear: 2025\nsubmitted: 2025-11-01\ncontact:\n  name: \"  \"\n  phone: \"1\"\nsummary: s\ntasks: []\n"
                .to_string(),
        );
        let (report, diags) = load_report(&src, &plan);
        assert!(report.is_some());
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, Code::MissingField);
        assert_eq!(diags[0].line, Some(5));
    }

    #[test]
    fn dates_in_common_forms() {
        let want = NaiveDate::from_ymd_opt(2026, 12, 20);
        for s in [
            "2026-12-20",
            "2026/12/20",
            "2026.12.20",
            "2026年12月20日",
            " 2026-12-20 ",
        ] {
            assert_eq!(parse_date(s), want, "{s}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("12月20日"), None);
    }
}
