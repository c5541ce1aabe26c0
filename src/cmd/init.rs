//! `nianbao init`: a report file pre-filled for one unit, ready to fill in and self-check.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Global, InitArgs};
use crate::cmd::find_unit;
use crate::compile::numerals::cn_date;
use crate::compile::output::write_new;
use crate::plan::{Plan, Unit};
use crate::report::PLACEHOLDER_MARK;
use crate::source::display_path;
use crate::workspace::{UsageError, years};
use crate::year::{load_plan, today};

/// Runs `init`.
pub fn execute(global: &Global, args: &InitArgs) -> Result<Outcome> {
    let (plan, _) = load_plan(global)?;
    let unit = find_unit(&plan, &args.unit)?;
    let year = match global.year {
        Some(y) => y,
        None => match years(&global.reports).ok().and_then(|y| y.last().copied()) {
            Some(y) => y,
            None => chrono::Datelike::year(&today(global)?),
        },
    };
    let out = args.out.clone().unwrap_or_else(|| {
        global
            .reports
            .join(year.to_string())
            .join(format!("{}.yaml", unit.id))
    });
    if out.exists() {
        return Err(UsageError(format!(
            "{} 已存在，没有覆盖。如要重新生成，请先把原文件改名或移走",
            display_path(&out)
        ))
        .into());
    }
    write_new(
        &out,
        scaffold(&plan, unit, year, &display_path(&out)).as_bytes(),
    )?;
    let assigned = plan.assignments(unit).count();
    say!(
        "已为{}生成 {} 年度报告：{}（预填了 {assigned} 项分工任务）",
        unit.short,
        year,
        display_path(&out)
    );
    say!(
        "填写后请运行 `nianbao check {}` 自查。",
        display_path(&PathBuf::from(&out))
    );
    Ok(Outcome::Clean)
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
pub fn scaffold(plan: &Plan, unit: &Unit, year: i32, path: &str) -> String {
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
    let _ = writeln!(s, "# 自查：保存后运行  nianbao check {path}");
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
    for (task, role) in assignments {
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
        let _ = writeln!(s, "    status: 按计划推进");
        let _ = writeln!(s, "    progress: |-");
        let _ = writeln!(
            s,
            "      {p}本年度工作进展：做了什么、成效如何（有数据的写数据）】"
        );
        let _ = writeln!(
            s,
            "    measures: []      # 主要措施，可选；每条一行：- 措施"
        );
        let _ = writeln!(
            s,
            "    figures: []       # 数据，可选；每项：- {{name: 指标, value: 95.2, unit: \"%\"}}"
        );
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
