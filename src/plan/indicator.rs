//! Indicators (主要目标指标): what is measured, its targets and where each number comes from.
//!
//! A target is either adopted (the office set it, or it is confirmed from an official source)
//! and then values are judged against it, or it is a reference value (参考值) shown with its
//! source and never judged: a report to the leadership must not say 未达标 against a number
//! nobody adopted.

use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::extract::{Cx, Fields};
use crate::node::Node;
use crate::plan::model::{Plan, UnitKind};

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Higher is better (a share of good days).
    Higher,
    /// Lower is better (a concentration).
    Lower,
}

/// How sure a number from outside is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// Seen in an official or primary source.
    Confirmed,
    /// Consistent secondary sources.
    Likely,
    /// Not verified.
    Unverified,
}

impl Certainty {
    /// The spelling in plan files.
    pub const NAMES: [&'static str; 3] = ["confirmed", "likely", "unverified"];

    fn parse(s: &str) -> Option<Certainty> {
        match s {
            "confirmed" => Some(Certainty::Confirmed),
            "likely" => Some(Certainty::Likely),
            "unverified" => Some(Certainty::Unverified),
            _ => None,
        }
    }

    /// The Chinese word shown beside a sourced number.
    pub fn label(self) -> &'static str {
        match self {
            Certainty::Confirmed => "已核实",
            Certainty::Likely => "较可靠",
            Certainty::Unverified => "未核实",
        }
    }
}

/// A number with its year and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Sourced {
    /// The year the number is for.
    pub year: i32,
    /// The number.
    pub value: f64,
    /// Where it comes from.
    pub source: String,
    /// How sure it is.
    pub certainty: Certainty,
}

/// A target for a year.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// Year, value, source and certainty.
    #[serde(flatten)]
    pub at: Sourced,
    /// The region (unit id) the target is for; none: the province's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Whether values are judged against it.
    pub adopted: bool,
}

/// One indicator of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    /// Stable id, used in reports (`figures[].indicator`).
    pub id: String,
    /// Name as printed.
    pub name: String,
    /// Measurement unit, e.g. % or 微克/立方米.
    pub unit: String,
    /// Higher or lower is better.
    pub direction: Direction,
    /// Physically possible values (inclusive); a value outside is a mistake.
    pub min: f64,
    /// Upper bound, if any (100 for a share).
    pub max: Option<f64>,
    /// The unit (id) that reports the province-wide value.
    pub owner: String,
    /// Tasks the indicator belongs to.
    pub tasks: Vec<u32>,
    /// Whether every region reports its own value.
    pub by_region: bool,
    /// The starting point.
    pub baseline: Option<Sourced>,
    /// Targets by year (and region).
    pub targets: Vec<Target>,
    /// A note shown with the indicator (how it is measured, what basis).
    pub note: String,
}

/// The target a value is judged against and the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Attainment {
    /// Meets an adopted target.
    #[serde(rename = "达标")]
    Met,
    /// Misses an adopted target.
    #[serde(rename = "未达标")]
    Missed,
    /// The target in force is a reference value: no judgement.
    #[serde(rename = "参考值")]
    Reference,
    /// No target in force.
    #[serde(rename = "未设目标")]
    NoTarget,
    /// No value reported.
    #[serde(rename = "无数据")]
    NoData,
}

impl Attainment {
    /// The Chinese word.
    pub fn label(self) -> &'static str {
        match self {
            Attainment::Met => "达标",
            Attainment::Missed => "未达标",
            Attainment::Reference => "参考值",
            Attainment::NoTarget => "未设目标",
            Attainment::NoData => "无数据",
        }
    }
}

impl Indicator {
    /// The target in force for a year: the nearest target year at or after it; a region's
    /// own target where the plan gives one for that region, else the province's.
    pub fn target_for(&self, year: i32, region: Option<&str>) -> Option<&Target> {
        let nearest = |of: Option<&str>| {
            self.targets
                .iter()
                .filter(|t| t.region.as_deref() == of && t.at.year >= year)
                .min_by_key(|t| t.at.year)
        };
        region
            .and_then(|r| nearest(Some(r)))
            .or_else(|| nearest(None))
    }

    /// Whether a value meets a target value.
    pub fn meets(&self, value: f64, target: f64) -> bool {
        match self.direction {
            Direction::Higher => value >= target,
            Direction::Lower => value <= target,
        }
    }

    /// Judges a value (if any) for a year and region.
    pub fn judge(&self, value: Option<f64>, year: i32, region: Option<&str>) -> Attainment {
        let Some(value) = value else {
            return Attainment::NoData;
        };
        match self.target_for(year, region) {
            None => Attainment::NoTarget,
            Some(t) if !t.adopted => Attainment::Reference,
            Some(t) if self.meets(value, t.at.value) => Attainment::Met,
            Some(_) => Attainment::Missed,
        }
    }

    /// Whether a value is physically possible.
    pub fn in_range(&self, value: f64) -> bool {
        value.is_finite() && value >= self.min && self.max.is_none_or(|m| value <= m)
    }

    /// The possible range in words, e.g. 0～100.
    pub fn range_words(&self) -> String {
        match self.max {
            Some(max) => format!("{}～{}", fmt_num(self.min), fmt_num(max)),
            None => format!("不小于{}", fmt_num(self.min)),
        }
    }

    /// The "better" comparison in words for a target, e.g. ≤28 or ≥90.
    pub fn target_words(&self, target: f64) -> String {
        let sign = match self.direction {
            Direction::Higher => "≥",
            Direction::Lower => "≤",
        };
        format!("{sign}{}", fmt_num(target))
    }
}

/// A number as people write it: no trailing zeros, at most two decimals.
pub fn fmt_num(x: f64) -> String {
    // A slip such as 1e308 is shown as typed, not as three hundred digits.
    if x.abs() >= 1e12 {
        return format!("{x:e}");
    }
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Reads `[[indicators]]` and checks owners, tasks and targets against the plan.
pub(super) fn read_indicators(cx: &mut Cx, node: Option<Node>, plan: &Plan) -> Vec<Indicator> {
    let Some(node) = node else {
        return Vec::new();
    };
    let Some(items) = cx.list(node, "indicators") else {
        return Vec::new();
    };
    let mut out: Vec<Indicator> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("indicators[{}]", i + 1);
        let Some((ind, id_span)) = read_indicator(cx, item, &path, plan) else {
            continue;
        };
        if out.iter().any(|o| o.id == ind.id) {
            let d = Diagnostic::new(Code::PlanDuplicate, format!("指标标识“{}”重复", ind.id))
                .hint("每个指标的 id 只能用一次");
            cx.report(d, id_span);
            continue;
        }
        out.push(ind);
    }
    out
}

fn read_indicator(
    cx: &mut Cx,
    node: Node,
    path: &str,
    plan: &Plan,
) -> Option<(Indicator, std::ops::Range<usize>)> {
    let mut f = Fields::of(cx, node, path)?;
    let id = f.require_text(cx, "id", "指标标识");
    let name = f.require_text(cx, "name", "指标名称");
    let unit = f.require_text(cx, "unit", "计量单位");
    let direction = f.require_text(cx, "direction", "方向（higher 越高越好，lower 越低越好）");
    let range = f.take("range", "取值范围");
    let owner = f.require_text(cx, "owner", "报告全区数值的单位");
    let tasks = f.take("tasks", "所属任务");
    let by_region = f.take("by_region", "各地区是否报告本地数值");
    let baseline = f.take("baseline", "基准值");
    let targets = f.take("targets", "目标值");
    let note = f.take("note", "说明");
    f.finish(cx);

    let id = id?;
    if !super::is_valid_id(&id.value) {
        let d = Diagnostic::new(
            Code::InvalidValue,
            format!("指标标识“{}”含有不允许的字符", id.value),
        )
        .hint("指标标识写在报告的 indicator 中，只能用小写英文字母、数字和连字符，例如 `pm25`");
        cx.report(d, id.span.clone());
        return None;
    }
    let direction = direction?;
    let direction = match direction.value.as_str() {
        "higher" => Direction::Higher,
        "lower" => Direction::Lower,
        _ => {
            cx.not_one_of(
                "指标方向",
                &direction,
                &["higher", "lower"],
                "写 `direction = \"higher\"`（越高越好）或 `\"lower\"`（越低越好）",
            );
            return None;
        }
    };
    let unit = unit?.value;
    let (min, max) = match range {
        Some(n) => {
            let span = n.span.clone();
            let bounds: Vec<f64> = match cx.list(n, &format!("{path}.range")) {
                Some(items) => items
                    .iter()
                    .filter_map(|b| cx.number(b, &format!("{path}.range")).map(|s| s.value))
                    .collect(),
                None => return None,
            };
            match bounds[..] {
                [lo, hi] if lo < hi => (lo, Some(hi)),
                [lo] => (lo, None),
                _ => {
                    let d = Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{path}.range` 应是 [最小值, 最大值]，且最小值小于最大值"),
                    )
                    .hint("例如 `range = [0, 100]`；只有下限时写 `range = [0]`");
                    cx.report(d, span);
                    return None;
                }
            }
        }
        // A share cannot pass 100; any other measure here is a non-negative amount.
        None if unit == "%" => (0.0, Some(100.0)),
        None => (0.0, None),
    };
    let owner = owner?;
    let owner_id = match plan.unit(&owner.value) {
        Some(u) => u.id.clone(),
        None => {
            super::load::unknown_unit(cx, plan, &owner, "报告这个指标的单位");
            return None;
        }
    };
    let mut task_numbers = Vec::new();
    for t in tasks
        .and_then(|n| cx.list(n, &format!("{path}.tasks")))
        .unwrap_or_default()
    {
        let n = cx.int(&t, &format!("{path}.tasks"))?;
        match u32::try_from(n.value)
            .ok()
            .filter(|&n| plan.task(n).is_some())
        {
            Some(n) => task_numbers.push(n),
            None => {
                let d = Diagnostic::new(
                    Code::UnknownTask,
                    format!("指标所属的第 {} 项任务不存在", n.value),
                )
                .hint(format!("任务编号为 1～{}", plan.tasks.len()));
                cx.report(d, n.span);
                return None;
            }
        }
    }
    let by_region = match by_region {
        Some(n) => cx.bool(&n, &format!("{path}.by_region"))?.value,
        None => false,
    };
    let baseline = match baseline {
        Some(n) => Some(read_sourced(cx, n, &format!("{path}.baseline"), &[])?.0),
        None => None,
    };
    let mut target_list = Vec::new();
    for (i, t) in targets
        .and_then(|n| cx.list(n, &format!("{path}.targets")))
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let tp = format!("{path}.targets[{}]", i + 1);
        let (at, rest) = read_sourced(cx, t, &tp, &["region", "adopted"])?;
        let mut region = None;
        let mut adopted = false;
        for (key, node) in rest {
            match key {
                "region" => {
                    let name = cx.text(&node, &format!("{tp}.region"))?;
                    match plan
                        .unit(&name.value)
                        .filter(|u| u.kind == UnitKind::Region)
                    {
                        Some(u) => region = Some(u.id.clone()),
                        None => {
                            super::load::unknown_unit(cx, plan, &name, "目标所属的地区");
                            return None;
                        }
                    }
                }
                _ => {
                    let b = cx.bool(&node, &format!("{tp}.adopted"))?;
                    // Only a confirmed number may be adopted: a leadership report judges
                    // against it.
                    if b.value && at.certainty != Certainty::Confirmed {
                        let d = Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{tp}` 的来源未核实（certainty 不是 confirmed），不能作为采用的目标"),
                        )
                        .hint("核实来源后把 certainty 改为 confirmed，或把 adopted 改为 false（只作参考值，不判断是否达标）");
                        cx.report(d, b.span);
                        return None;
                    }
                    adopted = b.value;
                }
            }
        }
        target_list.push(Target {
            at,
            region,
            adopted,
        });
    }
    let note = match note {
        Some(n) => cx
            .text(&n, &format!("{path}.note"))?
            .value
            .trim()
            .to_string(),
        None => String::new(),
    };
    let span = id.span.clone();
    Some((
        Indicator {
            id: id.value,
            name: name?.value,
            unit,
            direction,
            min,
            max,
            owner: owner_id,
            tasks: task_numbers,
            by_region,
            baseline,
            targets: target_list,
            note,
        },
        span,
    ))
}

/// Reads `{ year, value, source, certainty }` and hands back the extra keys asked for.
fn read_sourced(
    cx: &mut Cx,
    node: Node,
    path: &str,
    extra: &[&'static str],
) -> Option<(Sourced, Vec<(&'static str, Node)>)> {
    let mut f = Fields::of(cx, node, path)?;
    let year = f.require(cx, "year", "年份");
    let value = f.require(cx, "value", "数值");
    let source = f.require_text(cx, "source", "来源");
    let certainty = f.require_text(cx, "certainty", "可靠程度");
    let mut rest = Vec::new();
    for &key in extra {
        let label = if key == "region" {
            "地区"
        } else {
            "是否采用"
        };
        if let Some(n) = f.take(key, label) {
            rest.push((key, n));
        }
    }
    f.finish(cx);
    let year = cx.int(&year?, &format!("{path}.year"))?;
    let value = cx.number(&value?, &format!("{path}.value"))?;
    let certainty = certainty?;
    let Some(c) = Certainty::parse(&certainty.value) else {
        cx.not_one_of(
            "可靠程度",
            &certainty,
            &Certainty::NAMES,
            "写 confirmed（已核实）、likely（较可靠）或 unverified（未核实）",
        );
        return None;
    };
    Some((
        Sourced {
            year: year.value as i32,
            value: value.value,
            source: source?.value,
            certainty: c,
        },
        rest,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(direction: Direction, targets: &[(i32, f64, Option<&str>, bool)]) -> Indicator {
        Indicator {
            id: "x".into(),
            name: "x".into(),
            unit: "%".into(),
            direction,
            min: 0.0,
            max: Some(100.0),
            owner: "o".into(),
            tasks: vec![],
            by_region: true,
            baseline: None,
            targets: targets
                .iter()
                .map(|&(year, value, region, adopted)| Target {
                    at: Sourced {
                        year,
                        value,
                        source: String::new(),
                        certainty: Certainty::Confirmed,
                    },
                    region: region.map(str::to_string),
                    adopted,
                })
                .collect(),
            note: String::new(),
        }
    }

    #[test]
    fn attainment_follows_the_direction() {
        let higher = indicator(Direction::Higher, &[(2027, 90.0, None, true)]);
        assert_eq!(higher.judge(Some(90.0), 2026, None), Attainment::Met);
        assert_eq!(higher.judge(Some(89.9), 2026, None), Attainment::Missed);
        let lower = indicator(Direction::Lower, &[(2027, 28.0, None, true)]);
        assert_eq!(lower.judge(Some(28.0), 2026, None), Attainment::Met);
        assert_eq!(lower.judge(Some(28.9), 2026, None), Attainment::Missed);
        assert_eq!(lower.judge(None, 2026, None), Attainment::NoData);
    }

    #[test]
    fn the_target_in_force_is_the_next_target_year_and_a_region_may_have_its_own() {
        let ind = indicator(
            Direction::Lower,
            &[
                (2035, 25.0, None, true),
                (2027, 28.0, None, true),
                (2027, 30.0, Some("guyuan"), true),
            ],
        );
        assert_eq!(ind.target_for(2026, None).unwrap().at.value, 28.0);
        assert_eq!(ind.target_for(2027, None).unwrap().at.value, 28.0);
        assert_eq!(ind.target_for(2028, None).unwrap().at.value, 25.0);
        assert!(ind.target_for(2036, None).is_none());
        assert_eq!(ind.target_for(2026, Some("guyuan")).unwrap().at.value, 30.0);
        // After the region's own target year, the province's next target applies.
        assert_eq!(ind.target_for(2030, Some("guyuan")).unwrap().at.value, 25.0);
        assert_eq!(
            ind.target_for(2026, Some("yinchuan")).unwrap().at.value,
            28.0
        );
        assert_eq!(ind.judge(Some(29.5), 2026, Some("guyuan")), Attainment::Met);
        assert_eq!(ind.judge(Some(29.5), 2036, None), Attainment::NoTarget);
    }

    #[test]
    fn a_target_not_adopted_is_never_judged() {
        let ind = indicator(Direction::Higher, &[(2027, 90.0, None, false)]);
        assert_eq!(ind.judge(Some(10.0), 2026, None), Attainment::Reference);
        assert_eq!(ind.judge(Some(99.0), 2026, None), Attainment::Reference);
    }

    #[test]
    fn numbers_are_written_without_trailing_zeros() {
        assert_eq!(fmt_num(28.0), "28");
        assert_eq!(fmt_num(28.90), "28.9");
        assert_eq!(fmt_num(11.554), "11.55");
        assert_eq!(fmt_num(-0.001), "0");
        assert_eq!(fmt_num(1e308), "1e308");
    }
}
