//! The assessment scheme (`[assessment]`): areas, weights and grade thresholds. Which
//! measures exist is code (what the reports can tell); how much each counts is the
//! office's to set, so it lives in the plan.

use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::extract::{Cx, Fields};
use crate::node::Node;
use crate::report::Status;

/// What an area measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Submitted by the deadline (by the receipt date where recorded).
    Timeliness,
    /// Share of assigned tasks accounted for.
    Coverage,
    /// Credit for the status of each assigned task accounted for.
    Progress,
    /// Share of the unit's indicators that meet an adopted target.
    Indicators,
}

impl Measure {
    /// The spelling in plan files.
    pub const NAMES: [&'static str; 4] = ["timeliness", "coverage", "progress", "indicators"];

    fn parse(s: &str) -> Option<Measure> {
        Some(match s {
            "timeliness" => Measure::Timeliness,
            "coverage" => Measure::Coverage,
            "progress" => Measure::Progress,
            "indicators" => Measure::Indicators,
            _ => return None,
        })
    }
}

/// One scored area.
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    /// What it measures.
    pub measure: Measure,
    /// Name as printed, e.g. 按时报送.
    pub name: String,
    /// Points out of 100.
    pub weight: f64,
    /// Timeliness: percent of the area's points lost per day late.
    pub late_deduction: f64,
    /// Progress: percent of credit for each status (by [`Status::ALL`] order; 不涉及 is
    /// left out of the count).
    pub credit: Vec<(Status, f64)>,
}

/// A grade and the lowest total that earns it.
#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    /// 优秀, 良好, 合格 or 不合格.
    pub name: String,
    /// The lowest total (inclusive).
    pub min: f64,
}

/// The whole scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Scheme {
    /// Title, e.g. 年度报送与进展评估.
    pub title: String,
    /// What the scheme is and is not, printed with every result.
    pub note: String,
    /// Areas; weights add up to 100.
    pub areas: Vec<Area>,
    /// Grades from the highest threshold down; the last starts at 0.
    pub grades: Vec<Grade>,
}

impl Scheme {
    /// The grade a total earns (thresholds are inclusive).
    pub fn grade(&self, total: f64) -> &str {
        self.grades
            .iter()
            .find(|g| total + 1e-9 >= g.min)
            .map(|g| g.name.as_str())
            .unwrap_or("")
    }
}

pub(super) fn read_scheme(cx: &mut Cx, node: Option<Node>) -> Option<Option<Scheme>> {
    let Some(node) = node else {
        return Some(None);
    };
    let span = node.span.clone();
    let mut f = Fields::of(cx, node, "assessment")?;
    let title = f.require_text(cx, "title", "评估名称");
    let note = f.require_text(cx, "note", "评估说明");
    let areas = f.require(cx, "areas", "评分方面");
    let grades = f.require(cx, "grades", "等次");
    f.finish(cx);
    let mut out_areas = Vec::new();
    for (i, a) in cx.list(areas?, "assessment.areas")?.into_iter().enumerate() {
        out_areas.push(read_area(cx, a, &format!("assessment.areas[{}]", i + 1))?);
    }
    let total: f64 = out_areas.iter().map(|a| a.weight).sum();
    if (total - 100.0).abs() > 1e-6 {
        let d = Diagnostic::new(
            Code::InvalidValue,
            format!("评估各方面的分值（weight）合计应为 100，现为 {total}"),
        )
        .hint("调整各方面的 weight，使合计为 100");
        cx.report(d, span.clone());
        return None;
    }
    let mut out_grades = Vec::new();
    for (i, g) in cx
        .list(grades?, "assessment.grades")?
        .into_iter()
        .enumerate()
    {
        let path = format!("assessment.grades[{}]", i + 1);
        let mut gf = Fields::of(cx, g, &path)?;
        let name = gf.require_text(cx, "name", "等次名称");
        let min = gf.require(cx, "min", "最低分");
        gf.finish(cx);
        let min = cx.number(&min?, &format!("{path}.min"))?;
        out_grades.push(Grade {
            name: name?.value,
            min: min.value,
        });
    }
    let descending = out_grades.windows(2).all(|w| w[0].min > w[1].min);
    if out_grades.is_empty() || !descending || out_grades.last().is_some_and(|g| g.min != 0.0) {
        let d = Diagnostic::new(
            Code::InvalidValue,
            "评估等次（grades）应按最低分从高到低排列，最后一个等次的最低分为 0",
        )
        .hint("例如 优秀 90、良好 80、合格 60、不合格 0");
        cx.report(d, span);
        return None;
    }
    Some(Some(Scheme {
        title: title?.value,
        note: note?.value,
        areas: out_areas,
        grades: out_grades,
    }))
}

fn read_area(cx: &mut Cx, node: Node, path: &str) -> Option<Area> {
    let mut f = Fields::of(cx, node, path)?;
    let measure = f.require_text(cx, "measure", "评分内容");
    let name = f.require_text(cx, "name", "方面名称");
    let weight = f.require(cx, "weight", "分值");
    let late = f.take("late_deduction", "每逾期一天扣减的百分比");
    let credit = f.take("credit", "各进展状态的得分比例");
    f.finish(cx);
    let measure = measure?;
    let Some(m) = Measure::parse(&measure.value) else {
        cx.not_one_of(
            "评分内容",
            &measure,
            &Measure::NAMES,
            "可用：timeliness（按时报送）、coverage（分工任务覆盖）、progress（任务进展）、indicators（指标达标）",
        );
        return None;
    };
    let weight = cx.number(&weight?, &format!("{path}.weight"))?;
    let late_deduction = match late {
        Some(n) => cx.number(&n, &format!("{path}.late_deduction"))?.value,
        None => 0.0,
    };
    let mut credits = Vec::new();
    if let Some(n) = credit {
        let mut cf = Fields::of(cx, n, &format!("{path}.credit"))?;
        let mut found = Vec::new();
        for s in Status::ALL {
            if s == Status::NotApplicable {
                continue;
            }
            if let Some(v) = cf.take(s.label(), s.label()) {
                found.push((s, v));
            }
        }
        cf.finish(cx);
        for (s, v) in found {
            let v = cx.number(&v, &format!("{path}.credit.{}", s.label()))?;
            credits.push((s, v.value));
        }
    }
    if m == Measure::Progress && credits.is_empty() {
        let d = Diagnostic::new(
            Code::MissingField,
            format!("`{path}` 是任务进展方面，缺少各状态的得分比例 credit"),
        )
        .hint("例如 `credit = { \"已完成\" = 100, \"按计划推进\" = 100, \"滞后\" = 50, \"未启动\" = 0 }`");
        cx.report(d, weight.span);
        return None;
    }
    Some(Area {
        measure: m,
        name: name?.value,
        weight: weight.value,
        late_deduction,
        credit: credits,
    })
}
