//! Charts as SVG: a small writer for the two kinds the reports need (a line over years
//! against a target, horizontal bars for shares), shared by the print page (inline SVG) and
//! Word (rasterised, see [`super::raster`]).
//!
//! Written here rather than with a charting crate (plotters was the candidate): the two
//! charts are simple, and plain SVG written here is the same bytes on every machine, which
//! the snapshot tests rely on, and adds no font machinery to the build.

use std::fmt::Write as _;

use crate::document::{Chart, ChartKind};
use crate::plan::fmt_num;
use crate::writer::text_width;

/// The font families charts ask for, CJK first: the browser (or the rasteriser) takes the
/// first one it has.
pub const FONT_FAMILIES: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'SimHei', 'PingFang SC', sans-serif";

/// Width of a bar chart in SVG units (px at 96 dpi): 15.5 cm, the text block of an A4 page.
pub const WIDTH: f64 = 585.0;
/// Width of a line chart: half the text block, so trends stand two to a row (small
/// multiples) and eight indicators take one page, not three.
pub const HALF_WIDTH: f64 = 288.0;
const FONT: f64 = 12.0;
const COLOURS: [&str; 4] = ["#1f4e9c", "#c0392b", "#7f8c8d", "#27ae60"];

/// The chart as a standalone SVG document.
pub fn svg(chart: &Chart) -> String {
    match chart.kind {
        ChartKind::Line => line(chart),
        ChartKind::Bars => bars(chart),
    }
}

/// The width of a chart in SVG units.
pub fn width(chart: &Chart) -> f64 {
    match chart.kind {
        ChartKind::Line => HALF_WIDTH,
        ChartKind::Bars => WIDTH,
    }
}

/// The height of a chart in SVG units.
pub fn height(chart: &Chart) -> f64 {
    match chart.kind {
        ChartKind::Line => 165.0,
        ChartKind::Bars => 30.0 + 26.0 * chart.categories.len() as f64 + 10.0,
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, w: f64, h: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{}\" font-size=\"{FONT}\">",
        esc(FONT_FAMILIES)
    );
    let _ = write!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>");
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, extra: &str, s: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\"{extra}>{}</text>",
        esc(s)
    );
}

/// A "nice" upper bound and step for an axis that must reach `top`.
fn nice_axis(top: f64) -> (f64, f64) {
    if top <= 0.0 {
        return (1.0, 0.25);
    }
    let raw = top / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| s * 4.0 >= top)
        .unwrap_or(10.0 * mag);
    ((top / step).ceil() * step, step)
}

fn line(chart: &Chart) -> String {
    let (w, h) = (width(chart), height(chart));
    let mut out = String::new();
    open(&mut out, w, h);
    let frame = (40.0, w - 12.0, 46.0, h - 26.0);
    let values: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let (lo, hi, step) = band(&values, chart.max);
    line_with_range(chart, lo, hi, step, out, frame)
}

/// The value axis of a trend: round numbers just around the values (a trend's change is
/// what the reader looks for, so the axis need not start at zero), never below zero nor
/// above the natural maximum (100 for a share).
fn band(values: &[f64], max: Option<f64>) -> (f64, f64, f64) {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() {
        return (0.0, 1.0, 0.25);
    }
    let span = (high - low).max(high.abs() * 0.1).max(1.0);
    let (_, step) = nice_axis(span);
    let mut lo = ((low - step / 2.0) / step).floor() * step;
    let mut hi = ((high + step / 2.0) / step).ceil() * step;
    if low >= 0.0 {
        lo = lo.max(0.0);
    }
    if let Some(m) = max.filter(|m| high <= *m) {
        hi = hi.min(m);
    }
    if hi <= lo {
        hi = lo + step;
    }
    (lo, hi, step)
}

fn line_with_range(
    chart: &Chart,
    lo: f64,
    hi: f64,
    step: f64,
    mut out: String,
    (left, right, top, bottom): (f64, f64, f64, f64),
) -> String {
    let y_of = |v: f64| bottom - (v - lo) / (hi - lo) * (bottom - top);
    // Years are placed by their distance apart (2023, 2025, 2026 are not evenly spaced);
    // other categories evenly.
    let n = chart.categories.len();
    let years: Option<Vec<f64>> = chart
        .categories
        .iter()
        .map(|c| c.trim().parse::<f64>().ok())
        .collect();
    let positions: Vec<f64> = match years {
        Some(ys) if n > 1 && ys[n - 1] > ys[0] => ys
            .iter()
            .map(|y| (y - ys[0]) / (ys[n - 1] - ys[0]))
            .collect(),
        _ if n > 1 => (0..n).map(|i| i as f64 / (n - 1) as f64).collect(),
        _ => vec![0.5],
    };
    let x_of = |i: usize| left + 24.0 + positions[i] * (right - left - 48.0);
    // Grid and value axis.
    let mut v = lo;
    while v <= hi + step / 1000.0 {
        let y = y_of(v);
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" stroke=\"#dddddd\" stroke-width=\"1\"/>"
        );
        text(
            &mut out,
            left - 6.0,
            y + 4.0,
            "end",
            " fill=\"#555555\"",
            &fmt_num(v),
        );
        v += step;
    }
    if !chart.unit.is_empty() {
        text(
            &mut out,
            4.0,
            top - 10.0,
            "start",
            " fill=\"#555555\"",
            &chart.unit,
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#333333\" stroke-width=\"1\"/>"
    );
    for (i, c) in chart.categories.iter().enumerate() {
        text(&mut out, x_of(i), bottom + 17.0, "middle", "", c);
    }
    // Series: the first solid with points and values, the others dashed.
    for (k, s) in chart.series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let dash = if k == 0 {
            ""
        } else {
            " stroke-dasharray=\"6 4\""
        };
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1} {:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_of(i),
                        y_of(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path class=\"series\" d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
                path.trim_end()
            );
        }
        if k == 0 {
            for (i, v) in s.values.iter().enumerate() {
                if let Some(v) = v {
                    let (x, y) = (x_of(i), y_of(*v));
                    let _ = write!(
                        out,
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"/>"
                    );
                    text(
                        &mut out,
                        x,
                        y - 8.0,
                        "middle",
                        &format!(" fill=\"{colour}\""),
                        &fmt_num(*v),
                    );
                }
            }
        }
    }
    legend(&mut out, chart, right);
    out.push_str("</svg>");
    out
}

fn legend(out: &mut String, chart: &Chart, right: f64) {
    let mut x = right;
    for (k, s) in chart.series.iter().enumerate().rev() {
        let w = text_width(&s.name) as f64 * FONT;
        x -= w;
        text(out, x, 16.0, "start", "", &s.name);
        x -= 30.0;
        let colour = COLOURS[k % COLOURS.len()];
        let dash = if k == 0 {
            ""
        } else {
            " stroke-dasharray=\"6 4\""
        };
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" y1=\"12\" x2=\"{:.1}\" y2=\"12\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
            x + 24.0
        );
        x -= 16.0;
    }
}

fn bars(chart: &Chart) -> String {
    let (w, h) = (width(chart), height(chart));
    let mut out = String::new();
    open(&mut out, w, h);
    let label_w = chart
        .categories
        .iter()
        .map(|c| text_width(c) as f64 * FONT)
        .fold(0.0, f64::max)
        + 12.0;
    let (left, right, top) = (label_w, w - 56.0, 30.0);
    let series = &chart.series[0];
    let high = series.values.iter().flatten().copied().fold(0.0, f64::max);
    let hi = chart.max.unwrap_or_else(|| nice_axis(high).0);
    let x_of = |v: f64| left + v / hi * (right - left);
    if !chart.unit.is_empty() {
        text(
            &mut out,
            right + 50.0,
            16.0,
            "end",
            " fill=\"#555555\"",
            &format!("单位：{}", chart.unit),
        );
    }
    let colour = COLOURS[0];
    for (i, (c, v)) in chart.categories.iter().zip(&series.values).enumerate() {
        let y = top + i as f64 * 26.0;
        text(&mut out, left - 8.0, y + 14.0, "end", "", c);
        let _ = write!(
            out,
            "<rect x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"18\" fill=\"#eeeeee\"/>",
            right - left
        );
        if let Some(v) = v {
            let _ = write!(
                out,
                "<rect class=\"series\" x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"18\" fill=\"{colour}\"/>",
                x_of(v.clamp(0.0, hi)) - left
            );
            text(&mut out, right + 6.0, y + 14.0, "start", "", &fmt_num(*v));
        } else {
            text(&mut out, right + 6.0, y + 14.0, "start", "", "—");
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Series, Table};

    fn chart(kind: ChartKind, categories: &[&str], series: &[(&str, &[Option<f64>])]) -> Chart {
        Chart {
            kind,
            caption: vec![],
            unit: "%".into(),
            max: Some(100.0),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            series: series
                .iter()
                .map(|(n, v)| Series {
                    name: n.to_string(),
                    values: v.to_vec(),
                })
                .collect(),
            table: Table {
                columns: vec![],
                header: vec![],
                rows: vec![],
                vertical_header: false,
                dense: false,
                row_heads: false,
            },
        }
    }

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).expect("well-formed SVG")
    }

    #[test]
    fn a_line_chart_has_one_path_per_series_and_every_label() {
        let c = chart(
            ChartKind::Line,
            &["2024", "2025", "2026"],
            &[
                ("实际值", &[Some(80.5), None, Some(84.1)]),
                ("2027年目标", &[Some(90.0), Some(90.0), Some(90.0)]),
            ],
        );
        let s = svg(&c);
        let doc = parse(&s);
        let paths = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("series"))
            .count();
        assert_eq!(paths, 2);
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for label in [
            "2024",
            "2025",
            "2026",
            "实际值",
            "2027年目标",
            "80.5",
            "84.1",
        ] {
            assert!(texts.contains(&label), "{label} missing from {texts:?}");
        }
        // The gap year breaks the line: two separate moves.
        assert_eq!(s.matches("d=\"M").count(), 2);
        assert!(s.contains(" M"), "a missing value should lift the pen: {s}");
    }

    #[test]
    fn a_bar_chart_has_a_bar_per_value_and_a_dash_for_none() {
        let c = chart(
            ChartKind::Bars,
            &["加快发展方式绿色转型", "持续深入推进污染防治攻坚"],
            &[("覆盖率", &[Some(92.5), None])],
        );
        let s = svg(&c);
        let doc = parse(&s);
        let bars = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("series"))
            .count();
        assert_eq!(bars, 1);
        assert!(s.contains(">加快发展方式绿色转型<") && s.contains(">—<"));
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_axis(31.9), (40.0, 10.0));
        assert_eq!(nice_axis(8.0), (8.0, 2.0));
        assert_eq!(nice_axis(0.0), (1.0, 0.25));
    }

    #[test]
    fn a_trend_axis_hugs_the_values_within_zero_and_the_natural_maximum() {
        // PM2.5 from 30.6 to 28 (the target): a band around them, not 0–500.
        let (lo, hi, _) = band(&[30.6, 29.8, 28.9, 28.0], None);
        assert!(
            (20.0..=28.0).contains(&lo) && (30.6..=40.0).contains(&hi),
            "{lo}–{hi}"
        );
        // A share at 100 stops at 100.
        let (_, hi, _) = band(&[100.0, 94.0], Some(100.0));
        assert_eq!(hi, 100.0);
        // Small non-negative values never go below zero.
        let (lo, _, _) = band(&[0.1, 0.2], None);
        assert_eq!(lo, 0.0);
    }
}
