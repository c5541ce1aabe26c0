//! The yearly reporting and progress assessment (`nianbao assess`): every reporting unit
//! scored by the plan's scheme ([`crate::plan::Scheme`]), each area's points with the facts
//! behind them. Not the official 考核: that also weighs what the reports do not hold.
//!
//! An area that does not apply to a unit (no indicator with an adopted target; every task
//! 不涉及) is left out and its points are shared among the others in proportion to their
//! weights. Each area's points are rounded to one decimal and the total is their sum, so
//! a breakdown always adds up to the total shown.

use serde::Serialize;

use crate::account::YearAccount;
use crate::coverage::TaskState;
use crate::indicators::IndicatorYear;
use crate::plan::{Area, Attainment, Measure, Plan, Scheme, Unit};
use crate::progress::Submission;
use crate::report::Status;

/// One area of one unit's score.
#[derive(Debug, Clone, Serialize)]
pub struct AreaScore {
    /// The area's name, e.g. 按时报送.
    pub name: String,
    /// The weight the scheme gives it.
    pub weight: f64,
    /// The weight after areas that do not apply were shared out (0 when this one does not).
    pub effective_weight: f64,
    /// Points earned, one decimal.
    pub points: f64,
    /// Whether the area applies to the unit.
    pub applies: bool,
    /// The facts behind the points, in words.
    pub basis: String,
}

/// One unit's score.
#[derive(Debug, Clone, Serialize)]
pub struct UnitScore {
    /// Unit id.
    pub id: String,
    /// Short name.
    pub unit: String,
    /// Kind label.
    pub kind: String,
    /// The areas, in the scheme's order.
    pub areas: Vec<AreaScore>,
    /// Sum of the areas' points.
    pub total: f64,
    /// The grade the total earns.
    pub grade: String,
    /// Rank among all units (ties share a rank).
    pub rank: usize,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A share (0–1) of an area and the words saying why, or none when it does not apply.
fn share(
    area: &Area,
    acc: &YearAccount,
    unit: &Unit,
    indicators: &[IndicatorYear],
) -> Option<(f64, String)> {
    let p = acc.units.iter().find(|p| p.unit.id == unit.id)?;
    let no_report = p.report.is_none();
    match area.measure {
        Measure::Timeliness => Some(match p.submission {
            Submission::OnTime => (1.0, "在截止日期前报送".into()),
            Submission::Late => {
                let kept = (1.0 - p.days_late as f64 * area.late_deduction / 100.0).max(0.0);
                (
                    kept,
                    format!(
                        "逾期{}天，每天扣本项{}%",
                        p.days_late,
                        crate::plan::fmt_num(area.late_deduction)
                    ),
                )
            }
            Submission::Missing if p.unfilled => (0.0, "报来空白稿，视为未报送".into()),
            Submission::Missing => (0.0, "未报送".into()),
        }),
        Measure::Coverage => {
            let assigned = p.coverage.assigned.len();
            if assigned == 0 {
                return None;
            }
            let covered = p.coverage.covered();
            Some((
                covered as f64 / assigned as f64,
                format!("分工任务{assigned}项，已报告{covered}项"),
            ))
        }
        Measure::Progress => {
            if no_report {
                return Some((0.0, "未报送".into()));
            }
            let report = p.report?;
            let statuses: Vec<Status> = p
                .coverage
                .assigned
                .iter()
                .filter(|a| a.state == TaskState::Covered)
                .filter_map(|a| report.entry(a.task).map(|e| e.status))
                .filter(|s| *s != Status::NotApplicable)
                .collect();
            if statuses.is_empty() {
                return if p.coverage.covered() > 0 {
                    None
                } else {
                    Some((0.0, "没有已报告的分工任务".into()))
                };
            }
            let credit = |s: Status| {
                area.credit
                    .iter()
                    .find(|(c, _)| *c == s)
                    .map(|(_, v)| *v / 100.0)
                    .unwrap_or(0.0)
            };
            let sum: f64 = statuses.iter().map(|s| credit(*s)).sum();
            let mut parts = Vec::new();
            for s in Status::ALL {
                let n = statuses.iter().filter(|x| **x == s).count();
                if n > 0 {
                    parts.push(format!("{}{n}项", s.label()));
                }
            }
            Some((sum / statuses.len() as f64, parts.join("、")))
        }
        Measure::Indicators => {
            // The unit's readings whose target in force is adopted: a value missing there
            // counts as not met, since the unit was to report it.
            let mut judged = 0usize;
            let mut met = 0usize;
            let mut missing = 0usize;
            for iy in indicators {
                let reading = if iy.indicator.owner == unit.id {
                    Some(&iy.province)
                } else {
                    iy.regions
                        .iter()
                        .find(|(u, _)| u.id == unit.id)
                        .map(|(_, r)| r)
                };
                let Some(r) = reading else { continue };
                if !r.target.is_some_and(|t| t.adopted) {
                    continue;
                }
                judged += 1;
                match r.attainment {
                    Attainment::Met => met += 1,
                    Attainment::NoData => missing += 1,
                    _ => {}
                }
            }
            if judged == 0 {
                return None;
            }
            let mut basis = format!("有采用目标的指标{judged}项，达标{met}项");
            if missing > 0 {
                basis.push_str(&format!("，未报告数值{missing}项"));
            }
            Some((met as f64 / judged as f64, basis))
        }
    }
}

/// Scores every reporting unit, in plan order, with ranks.
pub fn assess(
    plan: &Plan,
    scheme: &Scheme,
    acc: &YearAccount,
    indicators: &[IndicatorYear],
) -> Vec<UnitScore> {
    let mut scores: Vec<UnitScore> = acc
        .units
        .iter()
        .map(|p| {
            let shares: Vec<Option<(f64, String)>> = scheme
                .areas
                .iter()
                .map(|a| share(a, acc, p.unit, indicators))
                .collect();
            let applicable: f64 = scheme
                .areas
                .iter()
                .zip(&shares)
                .filter(|(_, s)| s.is_some())
                .map(|(a, _)| a.weight)
                .sum();
            let scale = if applicable > 0.0 {
                100.0 / applicable
            } else {
                0.0
            };
            let areas: Vec<AreaScore> = scheme
                .areas
                .iter()
                .zip(shares)
                .map(|(a, s)| match s {
                    Some((share, basis)) => AreaScore {
                        name: a.name.clone(),
                        weight: a.weight,
                        effective_weight: round1(a.weight * scale),
                        points: round1(share * a.weight * scale),
                        applies: true,
                        basis,
                    },
                    None => AreaScore {
                        name: a.name.clone(),
                        weight: a.weight,
                        effective_weight: 0.0,
                        points: 0.0,
                        applies: false,
                        basis: "不适用".into(),
                    },
                })
                .collect();
            let total = round1(areas.iter().map(|a| a.points).sum());
            UnitScore {
                id: p.unit.id.clone(),
                unit: p.unit.short.clone(),
                kind: plan.kinds.of(p.unit.kind).to_string(),
                grade: scheme.grade(total).to_string(),
                areas,
                total,
                rank: 0,
            }
        })
        .collect();
    let totals: Vec<f64> = scores.iter().map(|s| s.total).collect();
    for s in &mut scores {
        s.rank = 1 + totals.iter().filter(|t| **t > s.total + 1e-9).count();
    }
    scores
}
