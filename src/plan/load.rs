//! Reading a plan file (TOML) into a [`Plan`] and checking its integrity.

use std::collections::HashMap;
use std::ops::Range;

use crate::diag::{Code, Diagnostic};
use crate::extract::{Cx, Fields, Spanned};
use crate::node::{Node, parse_toml};
use crate::plan::model::{
    KindLabels, Phase, Plan, ReportSpec, Reporting, Section, Task, Unit, UnitKind,
};
use crate::source::SourceFile;
use crate::suggest::did_you_mean;

/// Reads and checks a plan. Returns the plan when it is complete enough to check
/// reports against, and every finding either way.
pub fn load_plan(src: &SourceFile) -> (Option<Plan>, Vec<Diagnostic>) {
    let node = match parse_toml(src) {
        Ok(node) => node,
        Err(diags) => return (None, diags),
    };
    let mut cx = Cx::new(src);
    let plan = read_plan(&mut cx, node);
    (plan, cx.diags)
}

fn read_plan(cx: &mut Cx, node: Node) -> Option<Plan> {
    let mut top = Fields::of(cx, node, "")?;
    let head = top.require(cx, "plan", "方案信息");
    let reporting = top.require(cx, "reporting", "报送要求");
    let kinds = top.take("kinds", "单位类别名称");
    let report = top.take("report", "汇总报告");
    let phases = top.require(cx, "phases", "阶段");
    let units = top.require(cx, "units", "单位名单");
    let sections = top.require(cx, "sections", "章节");
    let tasks = top.require(cx, "tasks", "任务");
    let indicators = top.take("indicators", "主要目标指标");
    let assessment = top.take("assessment", "评估方案");
    top.finish(cx);

    // Read every part before giving up, so one bad unit does not hide the other problems.
    let head = head.and_then(|n| read_head(cx, n));
    let reporting = reporting.and_then(|n| read_reporting(cx, n));
    let kinds = read_kinds(cx, kinds);
    let report = reporting.as_ref().and_then(|r| read_report(cx, report, r));
    let mut complete = true;
    let phases = gather(
        phases.and_then(|n| read_list(cx, n, "phases", read_phase)),
        &mut complete,
    );
    let units = gather(
        units.and_then(|n| read_list(cx, n, "units", read_unit)),
        &mut complete,
    );
    let sections = gather(
        sections.and_then(|n| read_list(cx, n, "sections", read_section)),
        &mut complete,
    );
    let raw_tasks = gather(
        tasks.and_then(|n| read_list(cx, n, "tasks", read_task)),
        &mut complete,
    );

    check_unique(cx, &units, "单位标识", |u| {
        Spanned::new(u.0.id.clone(), u.1[0].clone())
    });
    check_unique(cx, &units, "单位全称", |u| {
        Spanned::new(u.0.name.clone(), u.1[1].clone())
    });
    check_unique(cx, &units, "单位简称", |u| {
        Spanned::new(u.0.short.clone(), u.1[2].clone())
    });
    check_aliases(cx, &units);
    check_unique(cx, &sections, "章节编号", |s| {
        Spanned::new(s.0.number.value.to_string(), s.0.number.span.clone())
    });
    check_unique(cx, &raw_tasks, "任务编号", |t| {
        Spanned::new(t.number.value.to_string(), t.number.span.clone())
    });
    check_unique(cx, &phases, "阶段名称", |p| p.1.clone());

    let (Some(head), Some(reporting), Some(kinds), Some(report)) = (head, reporting, kinds, report)
    else {
        return None;
    };
    let units: Vec<Unit> = units.into_iter().map(|(u, ..)| u).collect();
    let mut plan = Plan {
        id: head.id,
        title: head.title,
        subject: head.subject,
        issuer: head.issuer,
        name_prefixes: head.name_prefixes,
        reporting,
        report,
        kinds,
        phases: phases.into_iter().map(|(p, _)| p).collect(),
        units,
        sections: Vec::new(),
        tasks: Vec::new(),
        indicators: Vec::new(),
        assessment: None,
        unit_names: HashMap::new(),
        task_numbers: HashMap::new(),
    };
    plan.reindex();
    let tasks = resolve_tasks(cx, &plan, &sections, raw_tasks);
    for (section, span) in &sections {
        if !tasks.iter().any(|t| t.section == section.number.value) {
            let d = Diagnostic::new(
                Code::PlanEmptySection,
                format!(
                    "第 {} 章节“{}”下没有任何任务",
                    section.number.value, section.title
                ),
            )
            .hint("给这个章节添加任务（任务的 `section` 写这个章节的编号），或删除这个章节");
            cx.report(d, span.clone());
        }
    }
    plan.sections = sections
        .into_iter()
        .map(|(s, _)| Section {
            number: s.number.value,
            title: s.title,
        })
        .collect();
    plan.tasks = tasks;
    plan.reindex();
    plan.indicators = super::indicator::read_indicators(cx, indicators, &plan);
    match super::scheme::read_scheme(cx, assessment) {
        Some(scheme) => plan.assessment = scheme,
        None => complete = false,
    }
    complete.then_some(plan)
}

/// Takes the items read from a list, noting whether anything was left unread.
fn gather<T>(parts: Option<(Vec<T>, bool)>, complete: &mut bool) -> Vec<T> {
    match parts {
        Some((items, ok)) => {
            *complete &= ok;
            items
        }
        None => {
            *complete = false;
            Vec::new()
        }
    }
}

/// Reads every item of a list; returns what could be read and whether all of it could.
fn read_list<T>(
    cx: &mut Cx,
    node: Node,
    path: &str,
    read: fn(&mut Cx, Node, &str) -> Option<T>,
) -> Option<(Vec<T>, bool)> {
    let items = cx.list(node, path)?;
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.into_iter().enumerate() {
        match read(cx, item, &format!("{path}[{}]", i + 1)) {
            Some(v) => out.push(v),
            None => ok = false,
        }
    }
    Some((out, ok))
}

fn int(
    cx: &mut Cx,
    f: &mut Fields,
    key: &'static str,
    label: &'static str,
) -> Option<Spanned<i64>> {
    let node = f.require(cx, key, label)?;
    cx.int(&node, &f.path_of(key))
}

/// The `[plan]` table: id, title, subject, issuer and the optional name prefixes.
struct Head {
    id: String,
    title: String,
    subject: String,
    issuer: String,
    name_prefixes: Vec<String>,
}

fn read_head(cx: &mut Cx, node: Node) -> Option<Head> {
    let mut f = Fields::of(cx, node, "plan")?;
    let id = f.require_text(cx, "id", "方案标识");
    let title = f.require_text(cx, "title", "方案标题");
    let subject = f.require_text(cx, "subject", "报告事项");
    let issuer = f.require_text(cx, "issuer", "印发机关");
    let prefixes = f.take("name_prefixes", "单位名称可省略的前缀");
    f.finish(cx);
    let mut name_prefixes: Vec<String> = prefixes
        .map(|n| cx.texts(n, "plan.name_prefixes"))
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.value.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    // The longest first, so 宁夏回族自治区 is taken off before 自治区 is tried.
    name_prefixes.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    Some(Head {
        id: id?.value,
        title: title?.value,
        subject: subject?.value,
        issuer: issuer?.value,
        name_prefixes,
    })
}

fn read_reporting(cx: &mut Cx, node: Node) -> Option<Reporting> {
    let mut f = Fields::of(cx, node, "reporting")?;
    let to = f.require_text(cx, "to", "主送机关");
    let cc = f.require_text(cx, "cc", "抄送机关");
    let deadline = f.require_text(cx, "deadline", "每年报送截止日期");
    let regions = f.take("regions_in_all_tasks", "地区是否参与全部任务");
    let similarity = f.take("copy_similarity", "与上年雷同的相似度阈值");
    let rule = f
        .take("rule", "报送要求原文")
        .and_then(|n| cx.text(&n, "reporting.rule"))
        .map(|t| t.value.trim().to_string())
        .unwrap_or_default();
    f.finish(cx);
    let regions_in_all_tasks = match regions {
        None => false,
        Some(Node {
            value: crate::node::Value::Bool(b),
            ..
        }) => b,
        Some(node) => {
            let d = Diagnostic::new(
                Code::WrongType,
                "`reporting.regions_in_all_tasks` 应当是 true 或 false",
            )
            .hint("写 `regions_in_all_tasks = true`（地区参与全部任务）或 `false`");
            cx.report(d, node.span);
            return None;
        }
    };
    let copy_similarity = match similarity {
        None => DEFAULT_COPY_SIMILARITY,
        Some(node) => {
            let v = cx.number(&node, "reporting.copy_similarity")?;
            if !(0.5..=1.0).contains(&v.value) {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    format!("相似度阈值 {} 应在 0.5 到 1 之间", v.value),
                )
                .hint("例如 `copy_similarity = 0.9`：与上年同一任务的进展有九成相同即提醒");
                cx.report(d, v.span);
                return None;
            }
            v.value
        }
    };
    let deadline = deadline?;
    let parsed = deadline
        .value
        .split_once('-')
        .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
        .filter(|&(m, d)| chrono::NaiveDate::from_ymd_opt(2000, m, d).is_some());
    let Some((deadline_month, deadline_day)) = parsed else {
        let d = Diagnostic::new(
            Code::InvalidDate,
            format!("截止日期“{}”不是有效的“月-日”", deadline.value),
        )
        .hint("写成 `deadline = \"12-31\"` 的形式");
        cx.report(d, deadline.span);
        return None;
    };
    Some(Reporting {
        to: to?.value,
        cc: cc?.value,
        deadline_month,
        deadline_day,
        regions_in_all_tasks,
        rule,
        copy_similarity,
    })
}

/// How alike (0–1) a progress text may be to the same unit's entry for the task last year
/// before `check` says it looks copied, when the plan does not say.
pub const DEFAULT_COPY_SIMILARITY: f64 = 0.9;

/// The consolidated report's `[report]` table; every key is optional: 主送 defaults to the
/// body units report to, 署名 to the office they copy, 印发机关 to the signer, 抄送 to none.
fn read_report(cx: &mut Cx, node: Option<Node>, reporting: &Reporting) -> Option<ReportSpec> {
    let mut spec = ReportSpec {
        to: reporting.to.clone(),
        signer: reporting.cc.clone(),
        cc: Vec::new(),
        printed_by: String::new(),
        mark: String::new(),
        number: String::new(),
        sign_off: String::new(),
        contact: String::new(),
        phone: String::new(),
    };
    if let Some(node) = node {
        let mut f = Fields::of(cx, node, "report")?;
        for (key, label, slot) in [
            ("to", "主送机关", &mut spec.to),
            ("signer", "署名机关", &mut spec.signer),
            ("printed_by", "印发机关", &mut spec.printed_by),
            ("mark", "发文机关标志", &mut spec.mark),
            ("number", "发文字号", &mut spec.number),
            ("sign_off", "签发人", &mut spec.sign_off),
            ("contact", "联系人", &mut spec.contact),
            ("phone", "联系电话", &mut spec.phone),
        ] {
            if let Some(n) = f.take(key, label)
                && let Some(t) = cx.text(&n, &format!("report.{key}"))
                && !t.value.trim().is_empty()
            {
                *slot = t.value.trim().to_string();
            }
        }
        if let Some(n) = f.take("cc", "抄送机关") {
            spec.cc = cx
                .texts(n, "report.cc")
                .into_iter()
                .map(|t| t.value.trim().to_string())
                .collect();
        }
        f.finish(cx);
    }
    if spec.printed_by.is_empty() {
        spec.printed_by = spec.signer.clone();
    }
    Some(spec)
}

fn read_kinds(cx: &mut Cx, node: Option<Node>) -> Option<KindLabels> {
    let mut labels = KindLabels {
        department: "部门".to_string(),
        central: "中央驻地单位".to_string(),
        region: "地区".to_string(),
    };
    let Some(node) = node else {
        return Some(labels);
    };
    let mut f = Fields::of(cx, node, "kinds")?;
    for (key, slot) in [
        ("department", &mut labels.department),
        ("central", &mut labels.central),
        ("region", &mut labels.region),
    ] {
        if let Some(n) = f.take(key, "类别名称")
            && let Some(t) = cx.text(&n, &format!("kinds.{key}"))
        {
            *slot = t.value;
        }
    }
    f.finish(cx);
    Some(labels)
}

fn read_phase(cx: &mut Cx, node: Node, path: &str) -> Option<(Phase, Spanned<String>)> {
    let mut f = Fields::of(cx, node, path)?;
    let name = f.require_text(cx, "name", "阶段名称");
    let start = int(cx, &mut f, "start", "起始年份");
    let end = int(cx, &mut f, "end", "结束年份");
    let goal = f.require_text(cx, "goal", "阶段目标");
    f.finish(cx);
    let name = name?;
    let (start, end) = (start?, end?);
    if end.value < start.value {
        let d = Diagnostic::new(Code::InvalidValue, "阶段的结束年份早于起始年份")
            .hint("检查 `start` 和 `end` 是否写反");
        cx.report(d, end.span);
        return None;
    }
    Some((
        Phase {
            name: name.value.clone(),
            start: start.value as i32,
            end: end.value as i32,
            goal: goal?.value,
        },
        name,
    ))
}

/// Unit ids name files, so they are limited to characters safe on every system, and may
/// not be a name Windows reserves for a device (`con`, `nul`, `com1` …).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !crate::workspace::is_reserved_name(id)
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A unit with the places of its id, full name and short name, and its aliases.
type UnitAt = (Unit, [Range<usize>; 3], Vec<Spanned<String>>);

fn read_unit(cx: &mut Cx, node: Node, path: &str) -> Option<UnitAt> {
    let mut f = Fields::of(cx, node, path)?;
    let id = f.require_text(cx, "id", "单位标识");
    let name = f.require_text(cx, "name", "单位全称");
    let short = f.require_text(cx, "short", "单位简称");
    let kind = f.require_text(cx, "kind", "单位类别");
    let counties = f.take("counties", "所辖县（市、区）");
    let aliases = f.take("aliases", "其他常用名称");
    f.finish(cx);
    let counties = counties
        .map(|n| cx.texts(n, &format!("{path}.counties")))
        .unwrap_or_default();
    let aliases: Vec<Spanned<String>> = aliases
        .map(|n| cx.texts(n, &format!("{path}.aliases")))
        .unwrap_or_default()
        .into_iter()
        .map(|a| Spanned::new(a.value.trim().to_string(), a.span))
        .filter(|a| !a.value.is_empty())
        .collect();
    let (id, kind) = (id?, kind?);
    if !is_valid_id(&id.value) {
        let d = Diagnostic::new(
            Code::InvalidValue,
            if crate::workspace::is_reserved_name(&id.value) {
                format!("单位标识“{}”是 Windows 保留的设备名，不能用作文件名", id.value)
            } else {
                format!("单位标识“{}”含有不允许的字符", id.value)
            },
        )
        .hint("单位标识用作报告文件名，只能用小写英文字母、数字和连字符“-”，例如 `shuili`；不能用 con、nul、com1 等 Windows 保留的名称");
        cx.report(d, id.span.clone());
        return None;
    }
    let Some(kind_value) = UnitKind::parse(&kind.value) else {
        cx.not_one_of(
            "单位类别",
            &kind,
            &UnitKind::NAMES,
            "类别只能是 department（部门）、central（中央驻地单位）或 region（地区）",
        );
        return None;
    };
    let (name, short) = (name?, short?);
    let spans = [id.span, name.span, short.span];
    Some((
        Unit {
            id: id.value,
            name: name.value,
            short: short.value,
            kind: kind_value,
            counties: counties.into_iter().map(|c| c.value).collect(),
            aliases: aliases.iter().map(|a| a.value.clone()).collect(),
        },
        spans,
        aliases,
    ))
}

struct RawSection {
    number: Spanned<u32>,
    title: String,
}

fn positive(cx: &mut Cx, v: Spanned<i64>, what: &str) -> Option<Spanned<u32>> {
    match u32::try_from(v.value) {
        Ok(n) if n > 0 => Some(Spanned::new(n, v.span)),
        _ => {
            let d = Diagnostic::new(
                Code::InvalidValue,
                format!("{what}应当是正整数，这里是 {}", v.value),
            )
            .hint(format!("{what}从 1 开始编"));
            cx.report(d, v.span);
            None
        }
    }
}

fn read_section(cx: &mut Cx, node: Node, path: &str) -> Option<(RawSection, Range<usize>)> {
    let span = node.span.clone();
    let mut f = Fields::of(cx, node, path)?;
    let number = int(cx, &mut f, "number", "章节编号");
    let title = f.require_text(cx, "title", "章节标题");
    f.finish(cx);
    let number = positive(cx, number?, "章节编号")?;
    Some((
        RawSection {
            number,
            title: title?.value,
        },
        span,
    ))
}

struct RawTask {
    number: Spanned<u32>,
    section: Spanned<u32>,
    title: String,
    text: String,
    lead: Spanned<String>,
    participants: Vec<Spanned<String>>,
    open_ended: bool,
}

fn read_task(cx: &mut Cx, node: Node, path: &str) -> Option<RawTask> {
    let mut f = Fields::of(cx, node, path)?;
    let number = int(cx, &mut f, "number", "任务编号");
    let section = int(cx, &mut f, "section", "所属章节编号");
    let title = f.require_text(cx, "title", "任务标题");
    let body = f.require_text(cx, "text", "任务全文");
    let lead = f.require_text(cx, "lead", "牵头单位");
    let participants = f.take("participants", "参与单位");
    let open_ended = f.take("open_ended", "名单是否以“等”结尾");
    f.finish(cx);
    let participants = participants
        .map(|n| cx.texts(n, &format!("{path}.participants")))
        .unwrap_or_default();
    let open_ended = matches!(
        open_ended,
        Some(Node {
            value: crate::node::Value::Bool(true),
            ..
        })
    );
    Some(RawTask {
        number: positive(cx, number?, "任务编号")?,
        section: positive(cx, section?, "章节编号")?,
        title: title?.value,
        text: body?.value,
        lead: lead?,
        participants,
        open_ended,
    })
}

fn resolve_tasks(
    cx: &mut Cx,
    plan: &Plan,
    sections: &[(RawSection, Range<usize>)],
    raw: Vec<RawTask>,
) -> Vec<Task> {
    let resolve = |cx: &mut Cx, name: &Spanned<String>, task: u32| -> Option<String> {
        let found = plan.unit(&name.value).map(|u| u.id.clone());
        if found.is_none() {
            unknown_unit(cx, plan, name, &format!("任务 {task} 的责任单位"));
        }
        found
    };
    raw.into_iter()
        .map(|t| {
            if !sections
                .iter()
                .any(|(s, _)| s.number.value == t.section.value)
            {
                let d = Diagnostic::new(
                    Code::PlanUnknownSection,
                    format!(
                        "任务 {} 所属的第 {} 章节不存在",
                        t.number.value, t.section.value
                    ),
                )
                .hint("在 [[sections]] 中添加这个章节，或改正 `section` 编号");
                cx.report(d, t.section.span.clone());
            }
            let lead = resolve(cx, &t.lead, t.number.value).unwrap_or_default();
            let participants = t
                .participants
                .iter()
                .filter_map(|p| resolve(cx, p, t.number.value))
                .collect();
            Task {
                number: t.number.value,
                section: t.section.value,
                title: t.title,
                text: t.text,
                lead,
                participants,
                open_ended: t.open_ended,
            }
        })
        .collect()
}

/// Reports a unit name the registry does not have, with the closest name as a suggestion.
pub(super) fn unknown_unit(cx: &mut Cx, plan: &Plan, name: &Spanned<String>, what: &str) {
    let guess = did_you_mean(&name.value, plan.unit_names());
    let d = Diagnostic::new(
        Code::PlanUnknownUnit,
        format!("{what}“{}”不在单位名单（[[units]]）中", name.value),
    )
    .hint(match guess {
        Some(g) => format!("是否应为“{g}”？如确是新单位，请先在 [[units]] 中登记"),
        None => "先在 [[units]] 中登记这个单位，或改成名单中已有的标识、全称或简称".to_string(),
    });
    cx.report(d, name.span.clone());
}

/// An alias may name one unit only: not another unit's id, name or short name, nor
/// another alias.
fn check_aliases(cx: &mut Cx, units: &[UnitAt]) {
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (u, ..) in units {
        for name in [&u.id, &u.name, &u.short] {
            owner.entry(name.as_str()).or_insert(u.short.as_str());
        }
    }
    for (u, _, aliases) in units {
        for alias in aliases {
            match owner.get(alias.value.as_str()) {
                Some(other) if *other != u.short => {
                    let d = Diagnostic::new(
                        Code::PlanDuplicate,
                        format!("其他常用名称“{}”已用于“{other}”", alias.value),
                    )
                    .hint("一个名称只能指一个单位，请删去这个别名或改用其他写法");
                    cx.report(d, alias.span.clone());
                }
                Some(_) => {}
                None => {
                    owner.insert(alias.value.as_str(), u.short.as_str());
                }
            }
        }
    }
}

fn check_unique<T>(cx: &mut Cx, items: &[T], what: &str, key: impl Fn(&T) -> Spanned<String>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in items {
        let k = key(item);
        if let Some(first) = seen.get(&k.value) {
            let first_line = cx.src.line_col(*first).line;
            let d = Diagnostic::new(
                Code::PlanDuplicate,
                format!("{what}“{}”重复，第 {first_line} 行已经用过", k.value),
            )
            .hint(format!(
                "每个{what}只能出现一次，请改用其他值或删除重复的一项"
            ));
            cx.report(d, k.span);
        } else {
            seen.insert(k.value, k.span.start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_file_names_on_every_system() {
        assert!(is_valid_id("shuili") && is_valid_id("ningdong-2"));
        for bad in [
            "", "Shuili", "huan bao", "-x", "con", "nul", "com1", "lpt9", "aux",
        ] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
        assert!(is_valid_id("com10") && is_valid_id("console"));
    }

    #[test]
    fn an_alias_naming_another_unit_is_reported() {
        let text = "[plan]\nid = \"t\"\ntitle = \"t\"\nsubject = \"t\"\nissuer = \"t\"\n\
                    [reporting]\nto = \"t\"\ncc = \"t\"\ndeadline = \"12-31\"\n\
                    [[phases]]\nname = \"p\"\nstart = 2021\nend = 2035\ngoal = \"g\"\n\
                    [[units]]\nid = \"a\"\nname = \"甲厅\"\nshort = \"甲\"\nkind = \"department\"\n\
                    aliases = [\"乙\"]\n\
                    [[units]]\nid = \"b\"\nname = \"乙厅\"\nshort = \"乙\"\nkind = \"department\"\n\
                    [[sections]]\nnumber = 1\ntitle = \"s\"\n\
                    [[tasks]]\nnumber = 1\nsection = 1\ntitle = \"t\"\ntext = \"t\"\nlead = \"a\"\n\
                    participants = [\"b\"]\n";
        let src = SourceFile::from_text("p.toml", text.to_string());
        let (_, diags) = load_plan(&src);
        assert!(
            diags
                .iter()
                .any(|d| d.code == Code::PlanDuplicate && d.message.contains("“乙”已用于“乙”")),
            "{diags:?}"
        );
    }

    /// A minimal plan with one unit and one task, followed by `extra` TOML.
    fn with(extra: &str) -> Vec<crate::diag::Diagnostic> {
        let text = format!(
            "[plan]\nid = \"t\"\ntitle = \"t\"\nsubject = \"t\"\nissuer = \"t\"\n\
             [reporting]\nto = \"t\"\ncc = \"t\"\ndeadline = \"12-31\"\n\
             [[phases]]\nname = \"p\"\nstart = 2021\nend = 2035\ngoal = \"g\"\n\
             [[units]]\nid = \"a\"\nname = \"甲厅\"\nshort = \"甲\"\nkind = \"department\"\n\
             [[sections]]\nnumber = 1\ntitle = \"s\"\n\
             [[tasks]]\nnumber = 1\nsection = 1\ntitle = \"t\"\ntext = \"t\"\nlead = \"a\"\n{extra}"
        );
        load_plan(&SourceFile::from_text("p.toml", text)).1
    }

    fn says(diags: &[crate::diag::Diagnostic], code: Code, words: &str) -> bool {
        diags.iter().any(|d| {
            d.code == code
                && format!("{}{}", d.message, d.hint.clone().unwrap_or_default()).contains(words)
        })
    }

    #[test]
    fn mistakes_in_indicators_are_reported_with_what_to_write() {
        let ind = |body: &str| {
            with(&format!(
                "[[indicators]]\nid = \"x\"\nname = \"x\"\nunit = \"%\"\nowner = \"甲\"\n{body}"
            ))
        };
        assert!(with("").is_empty(), "{:?}", with(""));
        let d = ind("direction = \"higer\"\n");
        assert!(says(&d, Code::InvalidValue, "`higher`"), "{d:?}");
        let d = with(
            "[[indicators]]\nid = \"x\"\nname = \"x\"\nunit = \"%\"\ndirection = \"lower\"\nowner = \"丙厅\"\n",
        );
        assert!(says(&d, Code::PlanUnknownUnit, "丙厅"), "{d:?}");
        // A target may be adopted only when its source is confirmed.
        let d = ind(
            "direction = \"lower\"\n[[indicators.targets]]\nyear = 2027\nvalue = 28\nadopted = true\nsource = \"s\"\ncertainty = \"likely\"\n",
        );
        assert!(says(&d, Code::InvalidValue, "不能作为采用的目标"), "{d:?}");
        let d = ind(
            "direction = \"lower\"\n[[indicators.targets]]\nyear = 2027\nvalue = 28\nsource = \"s\"\ncertainty = \"sure\"\n",
        );
        assert!(says(&d, Code::InvalidValue, "可靠程度“sure”"), "{d:?}");
        let d = ind("direction = \"lower\"\nrange = [100, 0]\n");
        assert!(says(&d, Code::InvalidValue, "range"), "{d:?}");
        let d = ind("direction = \"lower\"\ntasks = [9]\n");
        assert!(says(&d, Code::UnknownTask, "第 9 项任务"), "{d:?}");
    }

    #[test]
    fn an_assessment_scheme_must_add_up_to_100_with_grades_from_high_to_zero() {
        let scheme = |areas: &str, grades: &str| {
            with(&format!(
                "[assessment]\ntitle = \"t\"\nnote = \"n\"\n{areas}{grades}"
            ))
        };
        let area = |m: &str, w: u32| {
            format!("[[assessment.areas]]\nmeasure = \"{m}\"\nname = \"{m}\"\nweight = {w}\n")
        };
        let grades = "[[assessment.grades]]\nname = \"好\"\nmin = 60\n[[assessment.grades]]\nname = \"差\"\nmin = 0\n";
        let ok = scheme(&(area("timeliness", 40) + &area("coverage", 60)), grades);
        assert!(ok.is_empty(), "{ok:?}");
        let d = scheme(&(area("timeliness", 40) + &area("coverage", 50)), grades);
        assert!(says(&d, Code::InvalidValue, "合计应为 100"), "{d:?}");
        let d = scheme(&(area("timelines", 40) + &area("coverage", 60)), grades);
        assert!(says(&d, Code::InvalidValue, "`timeliness`"), "{d:?}");
        let d = scheme(&(area("progress", 40) + &area("coverage", 60)), grades);
        assert!(says(&d, Code::MissingField, "credit"), "{d:?}");
        let upside_down = "[[assessment.grades]]\nname = \"差\"\nmin = 0\n[[assessment.grades]]\nname = \"好\"\nmin = 60\n";
        let d = scheme(
            &(area("timeliness", 40) + &area("coverage", 60)),
            upside_down,
        );
        assert!(says(&d, Code::InvalidValue, "从高到低"), "{d:?}");
    }
}
