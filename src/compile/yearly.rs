//! The parts of the report's context that look beyond the year's own reports: indicators
//! against their targets (主要目标指标完成情况), the comparison with the year before, and
//! the assessment annex. The numbers come from [`crate::indicators`], [`crate::history`] and
//! [`crate::assess`]; here they are only put into words and cells.

use serde::Serialize;

use crate::account::YearAccount;
use crate::assess::UnitScore;
use crate::history::{self, History, TaskChange, task_changes};
use crate::indicators::{IndicatorYear, Reading, change_word};
use crate::plan::{Attainment, Indicator, Plan, fmt_num};
use crate::report::Report;

/// 主要目标指标完成情况.
#[derive(Debug, Serialize)]
pub struct IndicatorsCtx {
    /// The year compared with, when its reports are on file.
    pub previous_year: Option<i32>,
    /// One row per indicator (province-wide).
    pub rows: Vec<IndicatorRow>,
    /// Rows by attainment.
    pub counts: AttainmentCounts,
    /// Indicators each region reports, by region.
    pub regions: Option<RegionTable>,
    /// One trend chart per indicator with at least one value.
    pub trends: Vec<Trend>,
}

/// How many rows have each attainment.
#[derive(Debug, Serialize)]
pub struct AttainmentCounts {
    /// 达标.
    pub met: usize,
    /// 未达标.
    pub missed: usize,
    /// The target in force is a reference value.
    pub reference: usize,
    /// No target in force.
    pub no_target: usize,
    /// No value reported.
    pub no_data: usize,
}

/// One indicator's row.
#[derive(Debug, Serialize)]
pub struct IndicatorRow {
    /// Indicator id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Measurement unit.
    pub unit: String,
    /// The unit that reports it.
    pub owner: String,
    /// The year's value as printed, empty when none.
    pub value: String,
    /// The target in force, e.g. ≤28, empty when none.
    pub target: String,
    /// The target's year, e.g. 2027.
    pub target_year: Option<i32>,
    /// Whether the target is adopted (judged) rather than a reference value.
    pub adopted: bool,
    /// 达标 / 未达标 / 参考值 / 未设目标 / 无数据.
    pub attainment: &'static str,
    /// Last year's value as printed, empty when none.
    pub previous: String,
    /// The change in words, e.g. 下降0.9, empty without both values.
    pub change: String,
    /// 改善, 变差 or 持平, empty without both values.
    pub trend: &'static str,
    /// Where the target comes from and how sure it is, empty without a target.
    pub source: String,
    /// The plan's note on the indicator.
    pub note: String,
}

/// Values each region reports for its own area.
#[derive(Debug, Serialize)]
pub struct RegionTable {
    /// Column heads: indicator name with its unit.
    pub columns: Vec<String>,
    /// One row per region.
    pub rows: Vec<RegionRow>,
}

/// One region's values.
#[derive(Debug, Serialize)]
pub struct RegionRow {
    /// Short name.
    pub unit: String,
    /// One cell per column: the value, with 未达标 or 达标 against an adopted target.
    pub cells: Vec<String>,
}

/// One indicator over the years, for a chart.
#[derive(Debug, Serialize)]
pub struct Trend {
    /// Indicator name.
    pub name: String,
    /// Measurement unit.
    pub unit: String,
    /// 100 for shares (unit %), so the chart's axis never passes it; none otherwise.
    pub max: Option<f64>,
    /// The target series' name, e.g. 2027年目标（参考值）; empty without a target.
    pub target_label: String,
    /// Year, value and target as chart cells (numbers, or empty).
    pub points: Vec<TrendPoint>,
}

/// One year of a trend.
#[derive(Debug, Serialize)]
pub struct TrendPoint {
    /// Year.
    pub year: i32,
    /// Value, empty when none.
    pub value: String,
    /// Target in force, empty when none.
    pub target: String,
}

fn value_text(v: Option<f64>) -> String {
    v.map(fmt_num).unwrap_or_default()
}

fn change_text(ind: &Indicator, r: &Reading) -> (String, &'static str) {
    match r.change() {
        Some(c) if c.abs() < 1e-9 => ("持平".into(), "持平"),
        Some(c) => (
            format!(
                "{}{}",
                if c > 0.0 { "上升" } else { "下降" },
                fmt_num(c.abs())
            ),
            change_word(ind, c),
        ),
        None => (String::new(), ""),
    }
}

/// Builds the indicators part, or none when the plan has no indicators.
pub fn indicators_ctx(
    plan: &Plan,
    year: i32,
    years: &[IndicatorYear],
    history: &History,
) -> Option<IndicatorsCtx> {
    if plan.indicators.is_empty() {
        return None;
    }
    let rows: Vec<IndicatorRow> = years
        .iter()
        .map(|iy| {
            let ind = iy.indicator;
            let r = &iy.province;
            let (change, trend) = change_text(ind, r);
            IndicatorRow {
                id: ind.id.clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                owner: plan
                    .unit(&ind.owner)
                    .map(|u| u.short.clone())
                    .unwrap_or_default(),
                value: value_text(r.value),
                target: r
                    .target
                    .map(|t| ind.target_words(t.at.value))
                    .unwrap_or_default(),
                target_year: r.target.map(|t| t.at.year),
                adopted: r.target.is_some_and(|t| t.adopted),
                attainment: r.attainment.label(),
                previous: value_text(r.previous),
                change,
                trend,
                source: r
                    .target
                    .map(|t| format!("{}（{}）", t.at.source, t.at.certainty.label()))
                    .unwrap_or_default(),
                note: ind.note.clone(),
            }
        })
        .collect();
    let count = |a: Attainment| rows.iter().filter(|r| r.attainment == a.label()).count();
    let counts = AttainmentCounts {
        met: count(Attainment::Met),
        missed: count(Attainment::Missed),
        reference: count(Attainment::Reference),
        no_target: count(Attainment::NoTarget),
        no_data: count(Attainment::NoData),
    };
    let regional: Vec<&IndicatorYear> = years.iter().filter(|iy| !iy.regions.is_empty()).collect();
    let regions = (!regional.is_empty()).then(|| RegionTable {
        columns: regional
            .iter()
            .map(|iy| format!("{}（{}）", iy.indicator.name, iy.indicator.unit))
            .collect(),
        rows: regional[0]
            .regions
            .iter()
            .enumerate()
            .map(|(i, (u, _))| RegionRow {
                unit: u.short.clone(),
                cells: regional
                    .iter()
                    .map(|iy| {
                        let r = &iy.regions[i].1;
                        match (r.value, r.attainment) {
                            (None, _) => "—".to_string(),
                            (Some(v), Attainment::Met | Attainment::Missed) => {
                                format!("{}（{}）", fmt_num(v), r.attainment.label())
                            }
                            (Some(v), _) => fmt_num(v),
                        }
                    })
                    .collect(),
            })
            .collect(),
    });
    let trends = years
        .iter()
        .filter(|iy| iy.series.iter().any(|(_, v)| v.is_some()))
        .map(|iy| {
            let ind = iy.indicator;
            let target = iy.province.target;
            Trend {
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                // Only a share has a natural top worth ending the axis at.
                max: ind.max.filter(|_| ind.unit == "%"),
                target_label: target
                    .map(|t| {
                        format!(
                            "{}年目标{}",
                            t.at.year,
                            if t.adopted { "" } else { "（参考值）" }
                        )
                    })
                    .unwrap_or_default(),
                points: iy
                    .series
                    .iter()
                    .map(|(y, v)| TrendPoint {
                        year: *y,
                        value: value_text(*v),
                        target: target.map(|t| fmt_num(t.at.value)).unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    Some(IndicatorsCtx {
        previous_year: history.years().any(|y| y == year - 1).then_some(year - 1),
        rows,
        counts,
        regions,
        trends,
    })
}

/// Each task's overall status against the year before.
#[derive(Debug, Serialize)]
pub struct ChangesCtx {
    /// The year compared with.
    pub year: i32,
    /// Tasks whose status improved or slipped, in plan order.
    pub changed: Vec<ChangeRow>,
    /// Tasks with the same status both years.
    pub same: usize,
    /// Tasks without a status in one of the years.
    pub not_comparable: usize,
}

/// One task whose overall status moved.
#[derive(Debug, Serialize)]
pub struct ChangeRow {
    /// Task number.
    pub number: u32,
    /// Task title.
    pub title: String,
    /// Last year's status.
    pub before: &'static str,
    /// This year's status.
    pub now: &'static str,
    /// 好转 or 退步.
    pub trend: &'static str,
}

/// The comparison with the year before, when its reports are on file.
pub fn changes_ctx(
    plan: &Plan,
    acc: &YearAccount,
    history: &History,
) -> (Option<ChangesCtx>, Vec<TaskChange>) {
    let year = acc.year - 1;
    let earlier: &[Report] = history.reports(year);
    if earlier.is_empty() {
        return (None, Vec::new());
    }
    let all = task_changes(plan, acc, earlier);
    let changed = all
        .iter()
        .filter(|c| c.trend.moved())
        .filter_map(|c| {
            Some(ChangeRow {
                number: c.number,
                title: c.title.clone(),
                before: c.before?.label(),
                now: c.now?.label(),
                trend: c.trend.label(),
            })
        })
        .collect();
    let same = all
        .iter()
        .filter(|c| c.trend == history::Trend::Same)
        .count();
    let not_comparable = all
        .iter()
        .filter(|c| c.before.is_none() || c.now.is_none())
        .count();
    (
        Some(ChangesCtx {
            year,
            changed,
            same,
            not_comparable,
        }),
        all,
    )
}

/// The assessment annex.
#[derive(Debug, Serialize)]
pub struct AssessCtx {
    /// Title, e.g. 年度报送与进展评估.
    pub title: String,
    /// What it is and is not.
    pub note: String,
    /// Area names with their weights, e.g. 按时报送（20分）.
    pub areas: Vec<String>,
    /// Grades with thresholds, e.g. 优秀（90分及以上）.
    pub grades: Vec<String>,
    /// Every unit's score.
    pub scores: Vec<UnitScore>,
}
