//! `nianbao init`: a report file pre-filled for one unit, ready to fill in and self-check.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::Outcome;
use crate::cli::{DraftForm, Global, InitArgs};
use crate::compile::numerals::cn_date;
use crate::compile::output::write_new;
use crate::plan::{Plan, Unit};
use crate::report::PLACEHOLDER_MARK;
use crate::source::display_path;
use crate::workspace::{UsageError, safe_file_name};
use crate::year::{Need, load_plan, pick_year, today};

/// Runs `init`.
pub fn execute(global: &Global, args: &InitArgs) -> Result<Outcome> {
    let (plan, _) = load_plan(global)?;
    let year = pick_year(global, &plan, today(global)?, Need::Drafts)?;
    let units: Vec<&Unit> = match (&args.unit, args.all) {
        (Some(name), false) => vec![plan.find_unit(name)?],
        (None, true) => plan.reporting_units().collect(),
        (Some(_), true) => {
            return Err(UsageError("写了 --all 就不要再写单位名称".into()).into());
        }
        (None, false) => {
            return Err(UsageError(
                "请写明为哪个单位生成报告草稿（如 nianbao init 水利厅），或用 --all 为全部单位生成"
                    .into(),
            )
            .into());
        }
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(year.to_string()).join("drafts"));
    // `--out 水利厅2026年度报告.yaml` names the file itself, for one unit.
    let named_file = dir.extension().is_some_and(|e| {
        ["yaml", "yml", "xlsx"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    if named_file && units.len() > 1 {
        return Err(UsageError("为多个单位生成时，--out 应是文件夹".into()).into());
    }
    let ext = form_extension(args.form);
    let matches_form = dir.extension().is_some_and(|e| {
        e.eq_ignore_ascii_case(ext)
            || (args.form == DraftForm::Yaml && e.eq_ignore_ascii_case("yml"))
    });
    if named_file && !matches_form {
        return Err(UsageError(format!(
            "--out 的文件名 {} 与草稿的形式不符：--form {ext} 的草稿应以 .{ext} 结尾",
            display_path(&dir)
        ))
        .into());
    }
    let targets: Vec<PathBuf> = units
        .iter()
        .map(|u| {
            if named_file {
                dir.clone()
            } else {
                dir.join(draft_name(u, year, args.form))
            }
        })
        .collect();
    for t in &targets {
        if inside(t, &global.reports) {
            return Err(UsageError(format!(
                "报告草稿不能写入报告文件夹 {}：放在那里会被当作已报送。请写到其他文件夹（默认 out/{year}/drafts/），发给单位填写，收到后用 intake 收取",
                display_path(&global.reports)
            ))
            .into());
        }
        if t.exists() && !args.all {
            return Err(UsageError(format!(
                "{} 已存在，没有覆盖。如要重新生成，请先把原文件改名或移走",
                display_path(t)
            ))
            .into());
        }
    }
    for (unit, target) in units.iter().zip(&targets) {
        if target.exists() {
            say!("{} 已存在，保留原文件", display_path(target));
            continue;
        }
        let bytes = match args.form {
            DraftForm::Yaml => scaffold(&plan, unit, year).into_bytes(),
            DraftForm::Xlsx => crate::workbook::form::form(&plan, unit, year, None)?,
        };
        write_new(target, &bytes)?;
        let assigned = plan.assignments(unit).count();
        say!(
            "已生成{}{year}年度报告草稿：{}（{assigned}项分工任务）",
            unit.short,
            display_path(target)
        );
    }
    say!(
        "请把草稿发给{}填写；填好后可自行检查，报回后由办公室收取。",
        if units.len() == 1 {
            "该单位"
        } else {
            "各单位"
        }
    );
    Ok(Outcome::Clean)
}

/// The draft's file name: 水利厅2026年度报告.yaml (or .xlsx).
pub fn draft_name(unit: &Unit, year: i32, form: DraftForm) -> String {
    safe_file_name(&format!(
        "{}{year}年度报告.{}",
        unit.short,
        form_extension(form)
    ))
}

/// The file extension of a draft's form.
fn form_extension(form: DraftForm) -> &'static str {
    match form {
        DraftForm::Yaml => "yaml",
        DraftForm::Xlsx => "xlsx",
    }
}

/// Whether `path` would lie inside `folder` (neither needs to exist yet).
fn inside(path: &Path, folder: &Path) -> bool {
    let absolute = |p: &Path| {
        let p = std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or(p.to_path_buf());
        // Resolve the longest existing ancestor, so links and `..` are seen through.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut resolved = std::fs::canonicalize(existing).unwrap_or(existing.to_path_buf());
        for name in rest.iter().rev() {
            resolved.push(name);
        }
        resolved
    };
    absolute(path).starts_with(absolute(folder))
}

/// Wraps text into comment lines of about `width` characters, never starting a line with
/// closing punctuation.
fn comment_lines(text: &str, width: usize, indent: &str) -> String {
    const CLOSING: &str = "。，、；：！？）》”’】";
    let mut out = String::new();
    for para in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let chars: Vec<char> = para.chars().collect();
        let mut line = String::new();
        let mut count = 0;
        for (i, &c) in chars.iter().enumerate() {
            line.push(c);
            count += 1;
            let next_closes = chars.get(i + 1).is_some_and(|n| CLOSING.contains(*n));
            if count >= width && !next_closes {
                let _ = writeln!(out, "{indent}#   {line}");
                line.clear();
                count = 0;
            }
        }
        if !line.is_empty() {
            let _ = writeln!(out, "{indent}#   {line}");
        }
    }
    out
}

/// The scaffold text for a unit and year.
pub fn scaffold(plan: &Plan, unit: &Unit, year: i32) -> String {
    let p = PLACEHOLDER_MARK;
    let deadline = plan.deadline(year).map(cn_date).unwrap_or_default();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# =============================================================="
    );
    let _ = writeln!(s, "# {} {year} 年度{}工作情况报告", unit.name, plan.subject);
    let _ = writeln!(s, "# 依据：《{}》", plan.title);
    let _ = writeln!(s, "#");
    let _ = writeln!(
        s,
        "# 报送：{deadline}前报{}，抄送{}。",
        plan.reporting.to, plan.reporting.cc
    );
    let _ = writeln!(
        s,
        "# 填写：把所有“{p}……】”换成实际内容；以 # 开头的行是说明，可以保留。"
    );
    let _ = writeln!(
        s,
        "#       多行文字写在“|-”的下一行，比字段名多缩进两个空格；缩进只用空格，不用 Tab。"
    );
    let _ = writeln!(
        s,
        "# 自查：装有本程序的，保存后运行  nianbao check 本文件名"
    );
    let _ = writeln!(
        s,
        "# ==============================================================\n"
    );
    let _ = writeln!(s, "unit: {}   # {}", unit.id, unit.name);
    let _ = writeln!(s, "year: {year}");
    let _ = writeln!(s, "submitted: {p}报送日期，如 {year}-12-20】");
    let _ = writeln!(s, "contact:");
    let _ = writeln!(s, "  name: {p}联系人姓名】");
    let _ = writeln!(s, "  phone: {p}联系电话】");
    let _ = writeln!(s, "summary: |-");
    let _ = writeln!(s, "  {p}本年度总体情况：主要工作、主要成效和数据】\n");
    let assignments: Vec<_> = plan.assignments(unit).collect();
    let _ = writeln!(
        s,
        "# 以下是方案分给本单位的 {} 项任务，每项都要填写 progress（工作进展）。",
        assignments.len()
    );
    let _ = writeln!(
        s,
        "# status 可填：已完成、按计划推进、滞后、未启动、不涉及（选“不涉及”的，删去 progress，改写 reason: 理由）"
    );
    let _ = writeln!(s, "tasks:");
    // Each indicator the unit reports goes under the first of its tasks the unit has.
    let indicator_task = |ind: &crate::plan::Indicator| {
        ind.tasks
            .iter()
            .copied()
            .find(|n| assignments.iter().any(|(t, _)| t.number == *n))
            .or_else(|| assignments.first().map(|(t, _)| t.number))
    };
    let owed: Vec<(&crate::plan::Indicator, Option<u32>)> = plan
        .indicators_of(unit)
        .map(|i| (i, indicator_task(i)))
        .collect();
    for &(task, role) in &assignments {
        let lead = plan
            .unit(&task.lead)
            .map(|u| u.short.as_str())
            .unwrap_or("");
        let _ = writeln!(
            s,
            "  # ---- 任务 {}：{}（本单位：{}；牵头单位：{lead}）",
            task.number,
            task.title,
            role.label()
        );
        let _ = writeln!(s, "  # 方案原文：");
        s.push_str(&comment_lines(&task.text, 36, "  "));
        let _ = writeln!(s, "  - task: {}", task.number);
        let _ = writeln!(
            s,
            "    status: {p}已完成、按计划推进、滞后、未启动或不涉及，选一个】"
        );
        let _ = writeln!(s, "    progress: |-");
        let _ = writeln!(
            s,
            "      {p}本年度工作进展：做了什么、成效如何（有数据的写数据）】"
        );
        let _ = writeln!(
            s,
            "    measures: []      # 主要措施，可选；每条一行：- 措施"
        );
        let here: Vec<_> = owed
            .iter()
            .filter(|(_, t)| *t == Some(task.number))
            .collect();
        if here.is_empty() {
            let _ = writeln!(
                s,
                "    figures: []       # 数据，可选；每项：- {{name: 指标, value: 95.2, unit: \"%\"}}"
            );
        } else {
            // The indicators the unit owes, as items to un-comment: `figures:` left empty
            // reads as no figures until they are.
            let _ = writeln!(
                s,
                "    figures:          # 本单位应在这里报告下列方案指标：去掉行首的 #，把“数值”换成数字"
            );
            for (ind, _) in here {
                let _ = writeln!(
                    s,
                    "    #  - {{name: {}, value: 数值, unit: {}, indicator: {}}}",
                    serde_json::to_string(&ind.name).unwrap_or_default(),
                    serde_json::to_string(&ind.unit).unwrap_or_default(),
                    ind.id
                );
            }
        }
        let _ = writeln!(s, "    problems: []      # 本项任务存在的问题，可选");
        let _ = writeln!(s, "    next_steps: []    # 本项任务下一步打算，可选\n");
    }
    let _ = writeln!(s, "# 重大工程（可选），每项一段，例如：");
    let _ = writeln!(s, "#   - name: 某某综合治理工程");
    let _ = writeln!(s, "#     task: 9              # 相关任务编号");
    let _ = writeln!(s, "#     investment: 1200     # 投资额，万元");
    let _ = writeln!(s, "#     state: 在建          # 前期、在建、已完工、停缓建");
    let _ = writeln!(s, "projects: []\n");
    let _ = writeln!(s, "problems:");
    let _ = writeln!(s, "  - {p}本单位推进工作中存在的问题，每条一行】");
    let _ = writeln!(s, "next_year:");
    let _ = writeln!(s, "  - {p}下一年度工作打算，每条一行】");
    s
}
