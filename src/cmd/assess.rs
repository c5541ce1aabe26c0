//! `nianbao assess`: every reporting unit's score by the plan's scheme, with the points of
//! each area and the facts behind them.

use std::io::Write;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::Outcome;
use crate::assess::{UnitScore, assess};
use crate::cli::{AssessArgs, Global, TableFormat};
use crate::cmd::{colored, table};
use crate::indicators::indicator_year;
use crate::workspace::UsageError;
use crate::year::{Need, Year, print_errors};

#[derive(Serialize)]
struct Output<'a> {
    year: i32,
    title: &'a str,
    note: &'a str,
    areas: Vec<AreaHead<'a>>,
    grades: Vec<GradeHead<'a>>,
    units: Vec<UnitScore>,
}

#[derive(Serialize)]
struct AreaHead<'a> {
    name: &'a str,
    measure: crate::plan::Measure,
    weight: f64,
}

#[derive(Serialize)]
struct GradeHead<'a> {
    name: &'a str,
    min: f64,
}

/// Runs `assess`.
pub fn execute(global: &Global, args: &AssessArgs) -> Result<Outcome> {
    let year = Year::load(global, Need::Collecting)?;
    let Some(scheme) = year.plan.assessment.as_ref() else {
        bail!(UsageError(
            "方案中没有评估方案（[assessment]）。请在方案文件中设定评估的方面、分值和等次（写法见 docs/guide.md）".into()
        ));
    };
    let errors = year.errors();
    if !errors.is_empty() {
        print_errors(errors.iter().copied());
        eprintln!(
            "方案或报告中有 {} 个错误，评估结果会不准确，已停止。请先改正（运行 `nianbao check` 可查看全部问题）。",
            errors.len()
        );
        return Ok(Outcome::Findings);
    }
    let acc = year.account(None);
    let readings = indicator_year(&year.plan, year.year, &year.reports, &year.history);
    let mut scores = assess(&year.plan, scheme, &acc, &readings);
    scores.sort_by_key(|s| s.rank);
    let output = Output {
        year: year.year,
        title: &scheme.title,
        note: &scheme.note,
        areas: scheme
            .areas
            .iter()
            .map(|a| AreaHead {
                name: &a.name,
                measure: a.measure,
                weight: a.weight,
            })
            .collect(),
        grades: scheme
            .grades
            .iter()
            .map(|g| GradeHead {
                name: &g.name,
                min: g.min,
            })
            .collect(),
        units: scores,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &output)?;
            writeln!(out)?;
        }
        TableFormat::Csv => {
            let mut w = crate::cmd::excel_csv(out)?;
            let mut head = vec!["名次".to_string(), "单位".into(), "类别".into()];
            head.extend(output.areas.iter().map(|a| a.name.to_string()));
            head.extend(["总分".into(), "等次".into(), "得分依据".into()]);
            w.write_record(&head)?;
            for s in &output.units {
                let mut row = vec![s.rank.to_string(), s.unit.clone(), s.kind.clone()];
                row.extend(s.areas.iter().map(points));
                row.extend([format!("{:.1}", s.total), s.grade.clone(), basis(s)]);
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        TableFormat::Table => {
            writeln!(out, "{}（{} 年度）", output.title, output.year)?;
            let weights: Vec<String> = output
                .areas
                .iter()
                .map(|a| format!("{}{}分", a.name, crate::plan::fmt_num(a.weight)))
                .collect();
            writeln!(out, "满分100分：{}\n", weights.join("，"))?;
            let mut head = vec!["名次".to_string(), "单位".into()];
            head.extend(output.areas.iter().map(|a| a.name.to_string()));
            head.extend(["总分".into(), "等次".into()]);
            let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
            let mut t = table(&head_refs);
            for s in &output.units {
                let mut row = vec![colored(s.rank, None), colored(&s.unit, None)];
                row.extend(s.areas.iter().map(|a| colored(points(a), None)));
                let grade_colour = (Some(&s.grade) == scheme.grades.last().map(|g| &g.name))
                    .then_some(comfy_table::Color::Red);
                row.push(colored(format!("{:.1}", s.total), None));
                row.push(colored(&s.grade, grade_colour));
                t.add_row(row);
            }
            writeln!(out, "{t}\n")?;
            writeln!(out, "得分依据：")?;
            for s in &output.units {
                writeln!(out, "  {}：{}", s.unit, basis(s))?;
            }
            writeln!(out, "\n说明：{}", output.note)?;
            if output
                .units
                .iter()
                .any(|s| s.areas.iter().any(|a| !a.applies))
            {
                writeln!(
                    out,
                    "“—”表示该方面不适用于这个单位，其分值已按比例计入其他方面。"
                )?;
            }
            writeln!(out, "各方面得分保留一位小数，总分为各方面得分之和。")?;
        }
    }
    Ok(Outcome::Clean)
}

fn points(a: &crate::assess::AreaScore) -> String {
    if a.applies {
        format!("{:.1}", a.points)
    } else {
        "—".into()
    }
}

fn basis(s: &UnitScore) -> String {
    s.areas
        .iter()
        .map(|a| {
            if a.applies && (a.effective_weight - a.weight).abs() > 1e-9 {
                format!(
                    "{} {:.1}/{}分（{}）",
                    a.name,
                    a.points,
                    crate::plan::fmt_num(a.effective_weight),
                    a.basis
                )
            } else if a.applies {
                format!("{} {:.1}分（{}）", a.name, a.points, a.basis)
            } else {
                format!("{}（{}）", a.name, a.basis)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}
