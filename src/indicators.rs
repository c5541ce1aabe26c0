//! The year's indicator values against their targets, with last year's for comparison.
//! Computed once here for `compile`, `assess` and their JSON.

use serde::Serialize;

use crate::history::History;
use crate::plan::{Attainment, Direction, Indicator, Plan, Target, Unit, UnitKind};
use crate::report::Report;

/// One value of an indicator (province-wide or a region's) and how it stands.
#[derive(Debug, Clone, Serialize)]
pub struct Reading<'a> {
    /// The value reported this year.
    pub value: Option<f64>,
    /// The target in force, if any.
    pub target: Option<&'a Target>,
    /// 达标 / 未达标 / 参考值 / 未设目标 / 无数据.
    pub attainment: Attainment,
    /// The value reported the year before, if on file.
    pub previous: Option<f64>,
}

impl Reading<'_> {
    /// This year's value less last year's, when both are there.
    pub fn change(&self) -> Option<f64> {
        Some(self.value? - self.previous?)
    }
}

/// One indicator for the year: the province-wide reading and each region's.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorYear<'a> {
    /// The indicator.
    pub indicator: &'a Indicator,
    /// The owner's (province-wide) reading.
    pub province: Reading<'a>,
    /// Each region's reading, in plan order (empty unless regions report the indicator).
    pub regions: Vec<(&'a Unit, Reading<'a>)>,
    /// The province-wide value by year: the baseline, the years on file, this year.
    pub series: Vec<(i32, Option<f64>)>,
}

fn value_in(reports: &[Report], unit: &str, id: &str) -> Option<f64> {
    reports
        .iter()
        .find(|r| r.unit == unit && !r.is_unfilled())
        .and_then(|r| r.indicator_value(id))
}

fn reading<'a>(
    ind: &'a Indicator,
    year: i32,
    region: Option<&str>,
    value: Option<f64>,
    previous: Option<f64>,
) -> Reading<'a> {
    Reading {
        value,
        target: ind.target_for(year, region),
        attainment: ind.judge(value, year, region),
        previous,
    }
}

/// Every indicator of the plan for a year.
pub fn indicator_year<'a>(
    plan: &'a Plan,
    year: i32,
    reports: &[Report],
    history: &History,
) -> Vec<IndicatorYear<'a>> {
    let earlier = history.reports(year - 1);
    plan.indicators
        .iter()
        .map(|ind| {
            // Last year's value as reported, else the plan's baseline when it is for that year.
            let baseline_last_year = ind
                .baseline
                .as_ref()
                .filter(|b| b.year == year - 1)
                .map(|b| b.value);
            let province = reading(
                ind,
                year,
                None,
                value_in(reports, &ind.owner, &ind.id),
                value_in(earlier, &ind.owner, &ind.id).or(baseline_last_year),
            );
            let regions = if ind.by_region {
                plan.units
                    .iter()
                    .filter(|u| u.kind == UnitKind::Region)
                    .map(|u| {
                        (
                            u,
                            reading(
                                ind,
                                year,
                                Some(&u.id),
                                value_in(reports, &u.id, &ind.id),
                                value_in(earlier, &u.id, &ind.id),
                            ),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let mut series: Vec<(i32, Option<f64>)> = Vec::new();
            if let Some(b) = &ind.baseline
                && b.year < year
            {
                series.push((b.year, Some(b.value)));
            }
            for y in history.years().filter(|&y| y < year) {
                let v = value_in(history.reports(y), &ind.owner, &ind.id);
                match series.iter_mut().find(|(sy, _)| *sy == y) {
                    // A reported value replaces the baseline for the same year.
                    Some(slot) if v.is_some() => slot.1 = v,
                    Some(_) => {}
                    None => series.push((y, v)),
                }
            }
            series.push((year, province.value));
            series.sort_by_key(|(y, _)| *y);
            IndicatorYear {
                indicator: ind,
                province,
                regions,
                series,
            }
        })
        .collect()
}

/// Whether a change is for the better, the worse, or neither, by the indicator's direction.
pub fn change_word(ind: &Indicator, change: f64) -> &'static str {
    if change.abs() < 1e-9 {
        "持平"
    } else if (change > 0.0) == (ind.direction == Direction::Higher) {
        "改善"
    } else {
        "变差"
    }
}
