//! Indicators against their targets, the comparison with last year and the assessment
//! (issue 13), on the indicators fixture — a plan with adopted and reference targets, a
//! region's own target and an assessment scheme, and two years of reports — and on the
//! shipped sample.

use std::path::Path;

use scraper::{Html, Selector};
use serde_json::Value;

use super::read;
use super::{Scratch, nianbao, ok};

const FIXTURE: &str = "tests/fixtures/indicators";

/// Compiles the fixture's 2026 reports, with the assessment annex, into `out`.
fn compile_indicators(out: &Scratch) -> std::process::Output {
    nianbao(
        FIXTURE,
        &[
            "--year",
            "2026",
            "compile",
            "--date",
            "2026-12-10",
            "--format",
            "md,html,docx,json",
            "--assess",
            "--out",
            out.0.to_str().unwrap(),
        ],
    )
}

fn context(out: &Scratch) -> Value {
    serde_json::from_str(&out.read("context.json")).unwrap()
}

fn row<'a>(ctx: &'a Value, id: &str) -> &'a Value {
    ctx["indicators"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn indicator_outputs_match_reviewed_golden_files() {
    let out = Scratch::new("golden-indicators");
    ok(&compile_indicators(&out));
    let golden = Path::new("tests/golden/indicators");
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    for file in ["report.md", "context.json"] {
        let got = out.read(file);
        let path = golden.join(file);
        if overwrite {
            std::fs::create_dir_all(golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            got == want,
            "{file} differs from {} (rerun with SNAPSHOTS=overwrite and review the diff)",
            path.display()
        );
    }
}

#[test]
fn attainment_follows_the_direction_and_only_adopted_targets_are_judged() {
    let out = Scratch::new("attainment");
    ok(&compile_indicators(&out));
    let ctx = context(&out);
    // Higher is better: 91 against ≥90.
    let wq = row(&ctx, "water-quality");
    assert_eq!(
        (&wq["value"], &wq["target"], &wq["attainment"]),
        (&"91".into(), &"≥90".into(), &"达标".into())
    );
    // Lower is better: 19.5 against ≤20 is met, and a fall is an improvement.
    let cod = row(&ctx, "cod");
    assert_eq!(cod["attainment"], "达标");
    assert_eq!(
        (&cod["change"], &cod["trend"]),
        (&"下降2.5".into(), &"改善".into())
    );
    // 96 against ≥100: missed.
    assert_eq!(row(&ctx, "outfalls")["attainment"], "未达标");
    // A target nobody adopted is shown with its source, never judged.
    let flow = row(&ctx, "flow-days");
    assert_eq!(flow["attainment"], "参考值");
    assert_eq!(flow["adopted"], false);
    assert!(flow["source"].as_str().unwrap().contains("未核实"));
    // The target in force is the nearest target year at or after 2026 (not 2030's).
    assert_eq!(wq["target_year"], 2026);
    let c = &ctx["indicators"]["counts"];
    assert_eq!(
        (
            c["met"].as_u64(),
            c["missed"].as_u64(),
            c["reference"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    // The body never says 未达标 of the reference value.
    let md = out.read("report.md");
    let table_row = md
        .lines()
        .find(|l| l.starts_with("| 生态流量达标天数 |"))
        .unwrap();
    assert!(table_row.ends_with("| 参考值 |"), "{table_row}");
}

#[test]
fn a_region_is_judged_against_its_own_target_and_a_missing_value_is_no_data() {
    let out = Scratch::new("regions");
    ok(&compile_indicators(&out));
    let ctx = context(&out);
    let rows = ctx["indicators"]["regions"]["rows"].as_array().unwrap();
    let cell = |unit: &str| {
        rows.iter().find(|r| r["unit"] == unit).unwrap()["cells"][0]
            .as_str()
            .unwrap()
            .to_string()
    };
    // 西山市's own target is 85: 86 meets it (the province's 90 would not).
    assert_eq!(cell("西山市"), "86（达标）");
    // 东城市 reported no value.
    assert_eq!(cell("东城市"), "—");
}

#[test]
fn last_years_values_statuses_and_problems_are_compared_by_unit_through_aliases() {
    let out = Scratch::new("year-over-year");
    ok(&compile_indicators(&out));
    let ctx = context(&out);
    assert_eq!(ctx["indicators"]["previous_year"], 2025);
    assert_eq!(row(&ctx, "water-quality")["previous"], "86");
    // Task 3 went from 按计划推进 to 已完成.
    let changed = ctx["changes"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (
            &changed[0]["number"],
            &changed[0]["before"],
            &changed[0]["now"]
        ),
        (&3.into(), &"按计划推进".into(), &"已完成".into())
    );
    let md = out.read("report.md");
    assert!(md.contains("第3项“清理河湖四乱”由按计划推进转为已完成"));
    // Problems raised again are marked; new ones are not. 西山市's report last year was
    // filed as xishan-old.yaml under the name 西山 (an alias) and is still matched.
    for carried in [
        "部分排污口权属不清，整治责任难以落实（环保厅，上年已提出）",
        "基层监测能力不足，部分断面监测频次偏低（环保厅，上年已提出）",
        "城区雨污分流改造资金缺口较大（西山市，上年已提出）",
    ] {
        assert!(md.contains(carried), "{carried}");
    }
    for fresh in [
        "第三方运维机构水平参差不齐（环保厅）",
        "河道保洁队伍不稳定（西山市）",
    ] {
        assert!(md.contains(fresh), "{fresh}");
    }
}

#[test]
fn charts_have_a_series_per_column_with_chinese_labels_and_are_pictures_in_word() {
    let out = Scratch::new("charts");
    ok(&compile_indicators(&out));
    let ctx = context(&out);
    let trends = ctx["indicators"]["trends"].as_array().unwrap();
    // Every indicator has a value on file.
    assert_eq!(trends.len(), 4);
    let page = out.read("report.html");
    let html = Html::parse_document(&page);
    let sel = |s: &str| Selector::parse(s).unwrap();
    let figures: Vec<_> = html.select(&sel("figure.chart")).collect();
    assert_eq!(
        figures.len(),
        1 + trends.len(),
        "coverage and one per trend"
    );
    // The coverage chart: one bar per section with a value.
    let bars = figures[0].select(&sel("rect.series")).count();
    assert_eq!(bars, 2);
    for (figure, trend) in figures[1..].iter().zip(trends) {
        let lines = figure.select(&sel("path.series")).count();
        let series = if trend["target_label"] == "" { 1 } else { 2 };
        assert_eq!(lines, series, "{}", trend["name"]);
        let texts: Vec<String> = figure
            .select(&sel("text"))
            .map(|t| t.text().collect())
            .collect();
        assert!(texts.iter().any(|t| t == "实际值"), "{texts:?}");
        if series == 2 {
            assert!(texts.contains(&trend["target_label"].as_str().unwrap().to_string()));
        }
        for p in trend["points"].as_array().unwrap() {
            assert!(texts.contains(&p["year"].to_string()), "{texts:?}");
        }
        let caption: String = figure
            .select(&sel("figcaption"))
            .next()
            .unwrap()
            .text()
            .collect();
        assert!(caption.ends_with(trend["name"].as_str().unwrap()));
    }
    // Two trend charts to a row.
    assert_eq!(html.select(&sel("div.chart-grid > figure")).count(), 4);
    // Word: the same five charts as pictures, where the machine can set Chinese.
    let bytes = out.bytes("report.docx");
    let media = read::docx_media(&bytes);
    if nianbao::writer::raster::cjk_font().is_some() {
        assert_eq!(media.len(), 5);
        assert!(
            media
                .values()
                .all(|png| png.starts_with(b"\x89PNG\r\n\x1a\n"))
        );
        let rels = &read::docx_parts(&bytes)["word/_rels/document.xml.rels"];
        assert_eq!(rels.matches("relationships/image").count(), 5);
    } else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install a Chinese font"
        );
        assert!(media.is_empty());
    }
}

/// Checks every unit of an `assess --format json` output: the areas add up to the total,
/// the grade is the one the thresholds give, ranks follow the totals.
fn assert_scores_add_up(json: &Value) {
    let grades: Vec<(String, f64)> = json["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_string(),
                g["min"].as_f64().unwrap(),
            )
        })
        .collect();
    let units = json["units"].as_array().unwrap();
    assert!(!units.is_empty());
    for u in units {
        let areas = u["areas"].as_array().unwrap();
        let sum: f64 = areas.iter().map(|a| a["points"].as_f64().unwrap()).sum();
        let total = u["total"].as_f64().unwrap();
        assert!((sum - total).abs() < 0.05, "{}: {sum} ≠ {total}", u["unit"]);
        let grade = grades.iter().find(|(_, min)| total >= *min).unwrap();
        assert_eq!(u["grade"], grade.0.as_str(), "{}", u["unit"]);
        let weights: f64 = areas
            .iter()
            .filter(|a| a["applies"] == true)
            .map(|a| a["effective_weight"].as_f64().unwrap())
            .sum();
        assert!(
            (weights - 100.0).abs() < 0.2,
            "{}: weights {weights}",
            u["unit"]
        );
        let higher = units
            .iter()
            .filter(|o| o["total"].as_f64().unwrap() > total)
            .count();
        assert_eq!(u["rank"].as_u64(), Some(higher as u64 + 1));
    }
}

fn assess_json(dir: &str, today: &str) -> Value {
    let run = nianbao(
        dir,
        &[
            "--year", "2026", "--today", today, "assess", "--format", "json",
        ],
    );
    ok(&run);
    serde_json::from_slice(&run.stdout).unwrap()
}

#[test]
fn scores_add_up_and_a_total_on_a_threshold_earns_that_grade() {
    let json = assess_json(FIXTURE, "2026-12-10");
    assert_scores_add_up(&json);
    let unit = |name: &str| {
        json["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .unwrap()
            .clone()
    };
    // Five days late at 10% a day: 10 of 20, everything else full: exactly 90, 优秀.
    let late = unit("省气象局");
    assert_eq!(late["total"], 90.0);
    assert_eq!(late["grade"], "优秀");
    assert_eq!(late["areas"][0]["points"], 10.0);
    // All covered, all on track: 100, and the ties share rank 1.
    let full = unit("环保厅");
    assert_eq!(
        (full["total"].as_f64(), full["rank"].as_u64()),
        (Some(100.0), Some(1))
    );
    assert_eq!(unit("水务厅")["rank"], 1);
    // 滞后 earns half the progress points for that task.
    assert_eq!(unit("西山市")["areas"][2]["points"], 22.5);
}

#[test]
fn the_sample_assessment_adds_up_scores_no_report_as_zero_and_shares_out_what_does_not_apply() {
    let json = assess_json(".", "2027-01-08");
    assert_scores_add_up(&json);
    let units = json["units"].as_array().unwrap();
    assert_eq!(units.len(), 31);
    let unit = |name: &str| units.iter().find(|u| u["unit"] == name).unwrap();
    // No report: nothing in any area, 不合格.
    let none = unit("固原市");
    assert_eq!(
        (none["total"].as_f64(), &none["grade"]),
        (Some(0.0), &"不合格".into())
    );
    // A department with no indicator: that area does not apply and its 15 points are
    // shared among the other three (20, 40, 25 → 23.5, 47.1, 29.4).
    let water = unit("水利厅");
    assert_eq!(water["areas"][3]["applies"], false);
    assert_eq!(water["areas"][0]["effective_weight"], 23.5);
    // The note says what the assessment is not.
    assert!(
        json["note"]
            .as_str()
            .unwrap()
            .contains("不是美丽宁夏建设成效考核")
    );
}

#[test]
fn assess_without_a_scheme_in_the_plan_says_so() {
    let run = nianbao("tests/fixtures/clean", &["--year", "2025", "assess"]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("方案中没有评估方案"), "{err}");
    let out = Scratch::new("assess-no-scheme");
    let run = nianbao(
        "tests/fixtures/clean",
        &[
            "--year",
            "2025",
            "compile",
            "--assess",
            "--out",
            out.0.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.0.join("report.md").exists());
}

#[test]
fn a_draft_lists_the_indicators_a_unit_owes_and_filling_them_in_clears_the_warning() {
    let out = Scratch::new("draft-indicators");
    let draft = out.0.join("林草局.yaml");
    let draft_arg = draft.to_str().unwrap();
    ok(&nianbao(
        ".",
        &["--year", "2026", "init", "林业和草原局", "--out", draft_arg],
    ));
    let codes = |file: &str| -> Vec<String> {
        let run = nianbao(".", &["check", file, "--format", "json"]);
        let found: Value = serde_json::from_slice(&run.stdout).unwrap();
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    let text = std::fs::read_to_string(&draft).unwrap();
    // Under task 13, the forest cover the bureau reports, ready to un-comment.
    let task13 = text.find("  - task: 13").unwrap();
    let line = text
        .find("indicator: forest-cover")
        .expect("the draft names the indicator");
    assert!(line > task13 && line < text.find("  - task: 14").unwrap_or(text.len()));
    assert!(codes(draft_arg).contains(&"NB408".to_string()));
    let filled = text
        .replace("    #  - {name", "      - {name")
        .replace("value: 数值", "value: 13.2");
    std::fs::write(&draft, filled).unwrap();
    let after = codes(draft_arg);
    assert!(
        !after
            .iter()
            .any(|c| c == "NB408" || c == "NB210" || c == "NB004"),
        "{after:?}"
    );
}

#[test]
fn without_last_years_reports_the_baseline_for_that_year_is_the_comparison() {
    let out = Scratch::new("baseline-as-last-year");
    ok(&nianbao(
        FIXTURE,
        &[
            "--year",
            "2025",
            "compile",
            "--date",
            "2025-12-10",
            "--format",
            "json",
            "--out",
            out.0.to_str().unwrap(),
        ],
    ));
    let ctx = context(&out);
    // No 2024 reports; the plan's 2024 baseline (84) stands for last year.
    let wq = row(&ctx, "water-quality");
    assert_eq!(
        (&wq["previous"], &wq["value"]),
        (&"84".into(), &"86".into())
    );
    assert_eq!(wq["trend"], "改善");
    // An indicator without a baseline has nothing to compare with.
    assert_eq!(row(&ctx, "cod")["previous"], "");
    // And no comparison of tasks without last year's reports.
    assert!(ctx["changes"].is_null());
}
