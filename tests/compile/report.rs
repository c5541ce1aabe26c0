//! The consolidated report's rules (issue 10): numbers that add up and match `status`,
//! every submitted text once in the annexes, a stated cut-off, words from the plan, no
//! placeholder in any output, Chinese dates, the full-detail body and the 上行文 masthead.

use std::path::Path;

use serde_json::Value;

use super::read::{self, Para, squeeze};
use super::{Scratch, compile_fixture, compile_sample, nianbao, ok};

/// Copies the shipped plan and sample reports into a scratch folder.
fn sample_tree(name: &str) -> Scratch {
    let dir = Scratch::new(name);
    for sub in ["plan", "reports/2026"] {
        let to = dir.0.join(sub);
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(sub).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
    }
    dir
}

fn compile_in(dir: &Scratch, args: &[&str]) -> std::process::Output {
    let mut all = vec!["compile", "--format", "md,html,docx,json", "--out", "out"];
    all.extend(args);
    nianbao(dir.0.to_str().unwrap(), &all)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn sum(list: &Value, field: &str) -> u64 {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_u64().unwrap())
        .sum()
}

#[test]
fn the_numbers_add_up_and_are_the_numbers_status_shows() {
    let dir = sample_tree("sums");
    ok(&compile_in(&dir, &["--date", "2026-12-28"]));
    let ctx = json(&std::fs::read_to_string(dir.0.join("out/context.json")).unwrap());
    let o = &ctx["overview"];
    let n = |k: &str| o[k].as_u64().unwrap();
    // Statuses of covered entries add up to the covered pairs; with the gaps, to all.
    assert_eq!(sum(&o["status_counts"], "count"), n("pairs_covered"));
    assert_eq!(sum(&o["gap_counts"], "count"), n("pairs_uncovered"));
    assert_eq!(
        n("pairs_covered") + n("pairs_uncovered"),
        n("pairs_assigned")
    );
    assert_eq!(n("on_time") + n("late") + n("missing"), n("expected"));
    // 商务厅's task 22 is still the scaffold's placeholder: a gap, never 按计划推进.
    let gaps: Vec<(&str, u64)> = o["gap_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["reason"].as_str().unwrap(), g["count"].as_u64().unwrap()))
        .collect();
    assert!(gaps.contains(&("未填写实质内容", 1)), "{gaps:?}");
    // Tasks by overall status: every row adds up, the total row is the plan's 28.
    let rows = o["by_section"].as_array().unwrap();
    for r in rows {
        let parts: u64 = ["done", "on_track", "behind", "not_started", "unreported"]
            .iter()
            .map(|k| r[k].as_u64().unwrap())
            .sum();
        assert_eq!(parts, r["tasks"].as_u64().unwrap(), "{r}");
    }
    assert_eq!(rows.last().unwrap()["tasks"], 28);
    // Per task: the accounts counted by status are the accounts listed.
    for s in ctx["sections"].as_array().unwrap() {
        for t in s["tasks"].as_array().unwrap() {
            assert_eq!(sum(&t["tally"], "count"), t["reported"].as_u64().unwrap());
            assert_eq!(
                t["accounts"].as_array().unwrap().len() as u64,
                t["reported"].as_u64().unwrap()
            );
        }
    }

    // `status` shows the same numbers, computed by the same account.
    let run = nianbao(
        dir.0.to_str().unwrap(),
        &["status", "--format", "json", "--today", "2026-12-28"],
    );
    let status = json(&String::from_utf8_lossy(&run.stdout));
    for (s, c) in [
        ("received", "received"),
        ("expected", "expected"),
        ("late", "late"),
        ("pairs_covered", "pairs_covered"),
        ("pairs_assigned", "pairs_assigned"),
        ("coverage_percent", "coverage_percent"),
    ] {
        assert_eq!(status[s], o[c], "{s}");
    }
    for c in o["status_counts"].as_array().unwrap() {
        let label = c["status"].as_str().unwrap();
        assert_eq!(status["by_status"][label], c["count"], "{label}");
    }
    let units = status["units"].as_array().unwrap();
    let rows = ctx["submissions"].as_array().unwrap();
    assert_eq!(units.len(), rows.len());
    for (u, r) in units.iter().zip(rows) {
        assert_eq!((&u["unit"], &u["covered"]), (&r["unit"], &r["covered"]));
    }
}

/// The paragraphs from the first annex on.
fn annexes(paras: &[Para]) -> &[Para] {
    let start = paras
        .iter()
        .position(|p| p.text.trim() == "附件1" || p.text.starts_with("附件1\u{3000}"))
        .expect("the annexes start with 附件1");
    &paras[start..]
}

/// Every text one report submitted, with the unit's short name and the task it is about.
struct Submitted {
    unit: String,
    task: Option<u32>,
    text: String,
}

fn submitted_texts() -> Vec<Submitted> {
    use nianbao::compile::context::format_number;
    use nianbao::plan::load_plan;
    use nianbao::report::{FigureValue, is_real_text};
    use nianbao::source::SourceFile;
    use nianbao::validate::{Scope, check_reports};
    let (src, _) = SourceFile::read(Path::new("plan/meili-ningxia.toml")).unwrap();
    let plan = load_plan(&src).0.unwrap();
    let files = nianbao::workspace::yaml_files(Path::new("reports/2026")).unwrap();
    let checked = check_reports(&plan, &files, Scope::Files);
    let mut out = Vec::new();
    for r in &checked.reports {
        let unit = plan.unit(&r.unit).unwrap().short.clone();
        let mut add = |task: Option<u32>, text: &str| {
            for line in text.lines().map(str::trim).filter(|l| is_real_text(l)) {
                out.push(Submitted {
                    unit: unit.clone(),
                    task,
                    text: line.to_string(),
                });
            }
        };
        add(None, &r.summary);
        for t in r.problems.iter().chain(&r.next_year) {
            add(None, t);
        }
        for p in &r.projects {
            add(None, &p.name);
        }
        for e in r.entries.iter().filter(|e| e.is_covered()) {
            add(Some(e.task), &e.progress);
            for t in e.measures.iter().chain(&e.problems).chain(&e.next_steps) {
                add(Some(e.task), t);
            }
            if let Some(reason) = &e.reason {
                add(Some(e.task), reason);
            }
            for f in &e.figures {
                let value = match &f.value {
                    FigureValue::Number(n) => format_number(*n),
                    FigureValue::Text(t) => t.clone(),
                };
                let text = format!("{}{value}{}", f.name, f.unit.as_deref().unwrap_or(""));
                add(Some(e.task), &text);
            }
        }
    }
    out
}

fn assert_every_text_once_in_the_annexes(format: &str, paras: &[Para]) {
    let annex_paras = annexes(paras);
    let annex = squeeze(
        &annex_paras
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let tasks = read::by_task(annex_paras);
    let texts = submitted_texts();
    assert!(texts.len() > 350, "the sample has {} texts", texts.len());
    // All texts as submitted, one after another: a text that occurs inside another (a
    // figure inside a progress text) is expected as often in the annexes as in the sources.
    let sources: String = texts
        .iter()
        .map(|t| squeeze(&t.text))
        .collect::<Vec<_>>()
        .join("|");
    for t in &texts {
        let text = squeeze(&t.text);
        let expected = sources.matches(&text).count();
        let found = annex.matches(&text).count();
        assert_eq!(
            found, expected,
            "{format}: {}'s {:?} is in the annexes {found} times, not {expected}",
            t.unit, t.text
        );
        // Task texts sit under their task, after their unit's lead-in.
        if let Some(task) = t.task {
            let under = squeeze(&tasks[&task]);
            let lead = under
                .find(&format!("{}（", t.unit))
                .unwrap_or_else(|| panic!("{format}: task {task}: {} not attributed", t.unit));
            assert!(
                under[lead..].contains(&text),
                "{format}: task {task}, {}: {:?} not under its unit",
                t.unit,
                t.text
            );
        }
    }
}

#[test]
fn every_submitted_text_appears_once_in_the_annexes_in_every_format() {
    let out = Scratch::new("annex-texts");
    ok(&compile_sample(&out));
    assert_every_text_once_in_the_annexes("md", &read::markdown(&out.read("report.md")));
    assert_every_text_once_in_the_annexes("html", &read::html(&out.read("report.html")));
    assert_every_text_once_in_the_annexes("docx", &read::docx(&out.bytes("report.docx")));
    // The summaries annex names each unit before its summary.
    let md = out.read("report.md");
    assert!(md.contains("**商务厅**：自治区商务厅推进绿色流通和绿色消费"));
}

#[test]
fn the_report_states_its_cut_off_and_warns_of_reports_dated_after_it() {
    let out = Scratch::new("cutoff");
    let run = compile_sample(&out);
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "2 份报告的报送日期晚于落款日期12月28日：药监局（2027年1月6日）、宁东基地（12月29日）"
        ),
        "{stderr}"
    );
    let md = out.read("report.md");
    assert!(md.contains("截至12月28日，应报送的31个单位中已有25个报送年度工作情况"));
    assert!(md.contains("此后又收到药监局（2027年1月6日，逾期6天）、宁东基地（12月29日）的报告"));
    assert!(
        md.contains(
            "尚未报送的有4个：机关事务管理局、人力资源社会保障厅、宁夏消防救援总队、固原市"
        )
    );

    // No signing date: the date of the latest report, and no cut-off warning.
    let dir = sample_tree("no-cutoff");
    let run = compile_in(&dir, &[]);
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains("晚于落款日期"), "{stderr}");
    let md = std::fs::read_to_string(dir.0.join("out/report.md")).unwrap();
    assert!(md.contains("截至2027年1月6日（收到最后一份报告之日），应报送的31个单位中已有27个"));
    assert!(md.contains("其中逾期报送1个（药监局于2027年1月6日报送，逾期6天）"));
}

#[test]
fn the_reporting_rule_deadline_and_heads_come_from_the_plan() {
    let out = Scratch::new("plan-words");
    ok(&compile_sample(&out));
    let md = out.read("report.md");
    let plan: toml::Value =
        toml::from_str(&std::fs::read_to_string("plan/meili-ningxia.toml").unwrap()).unwrap();
    let rule = plan["reporting"]["rule"].as_str().unwrap();
    assert!(md.contains(&format!(
        "《自治区全面推进美丽宁夏建设的实施方案》要求，“{rule}”。"
    )));
    assert!(md.contains("\n特此报告。\n"));
    // The office signs the report; it is not copied to itself, and the plan sets no 抄送.
    assert!(!md.contains("抄送"), "no 抄送 line in the 版记");
    // The fixture plan has no rule sentence and a deadline of 11-30.
    let fixture = Scratch::new("plan-words-fixture");
    ok(&compile_fixture(&fixture, &[]));
    let md = fixture.read("report.md");
    assert!(md.contains("每年11月底前向"), "{md:.300}");
    assert!(!md.contains("12月底前"));
}

#[test]
fn no_placeholder_reaches_any_output_after_a_scaffold_lands_in_reports() {
    let dir = sample_tree("scaffold");
    // The draft is copied into reports/ by hand, as a hurried office might.
    let run = nianbao(
        dir.0.to_str().unwrap(),
        &["init", "固原市", "--out", "draft.yaml"],
    );
    ok(&run);
    std::fs::copy(
        dir.0.join("draft.yaml"),
        dir.0.join("reports/2026/guyuan.yaml"),
    )
    .unwrap();
    let scaffold = std::fs::read_to_string(dir.0.join("reports/2026/guyuan.yaml")).unwrap();
    assert!(scaffold.contains("【请填写"));
    ok(&compile_in(&dir, &["--date", "2026-12-28"]));
    let out = dir.0.join("out");
    let docx = read::docx(&std::fs::read(out.join("report.docx")).unwrap());
    let docx: Vec<&str> = docx.iter().map(|p| p.text.as_str()).collect();
    for (name, text) in [
        (
            "md",
            std::fs::read_to_string(out.join("report.md")).unwrap(),
        ),
        (
            "html",
            std::fs::read_to_string(out.join("report.html")).unwrap(),
        ),
        (
            "json",
            std::fs::read_to_string(out.join("context.json")).unwrap(),
        ),
        ("docx", docx.join("\n")),
    ] {
        assert!(!text.contains("请填写"), "{name} shows a placeholder");
    }
    // An unfilled draft is no report: 固原市 is named as not submitted in each task.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_eq!(md.matches("固原市未报送").count(), 28);
    assert_eq!(md.matches("固原市未填写实质内容").count(), 0);
}

#[test]
fn dates_in_the_document_are_written_in_chinese() {
    let out = Scratch::new("cn-dates");
    ok(&compile_sample(&out));
    let md = out.read("report.md");
    let body = &md[md.find("\n---\n").unwrap()..];
    let iso = body.as_bytes().windows(10).any(|w| {
        w.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
    });
    assert!(!iso, "an ISO date in the document");
    // Table cells leave out the report year; other years are written in full.
    assert!(md.contains("| 12月24日 |"));
    assert!(md.contains("| 2027年1月6日 |"));
    assert!(md.contains("药监局（2027年1月6日报送，逾期6天）"));
}

#[test]
fn full_detail_keeps_every_account_in_the_body_and_drops_the_compendium() {
    let out = Scratch::new("detail-full");
    let run = nianbao(
        ".",
        &[
            "compile",
            "--date",
            "2026-12-28",
            "--detail",
            "full",
            "--format",
            "md",
            "--out",
            out.0.to_str().unwrap(),
        ],
    );
    ok(&run);
    let md = out.read("report.md");
    assert!(!md.contains("各地区各部门重点任务进展汇编"));
    assert!(md.contains("附件6\u{3000}各地区各部门工作概况"));
    let body = &md[..md.find("附件1\u{3000}").unwrap()];
    assert!(body.contains("**银川市（属地落实，按计划推进）：**"));
    assert!(!body.contains("的进展见附件"));
}

#[test]
fn the_masthead_number_sign_off_and_note_appear_when_the_plan_sets_them() {
    let dir = sample_tree("masthead");
    let plan_path = dir.0.join("plan/meili-ningxia.toml");
    let plan = std::fs::read_to_string(&plan_path).unwrap().replacen(
        "cc = []\n",
        "cc = []\nmark = \"自治区生态环境保护领导小组办公室\"\nnumber = \"宁美建办〔2026〕12号\"\nsign_off = \"王建国\"\ncontact = \"李明\"\nphone = \"0951-5046000\"\n",
        1,
    );
    std::fs::write(&plan_path, plan).unwrap();
    ok(&compile_in(&dir, &["--date", "2026-12-28"]));
    let out = dir.0.join("out");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let page = scraper::Html::parse_document(&html);
    let text = |s: &str| {
        page.select(&scraper::Selector::parse(s).unwrap())
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        text("header.masthead .mark"),
        ["自治区生态环境保护领导小组办公室"]
    );
    assert_eq!(
        text("header.masthead .number span"),
        ["宁美建办〔2026〕12号", "签发人：王建国", "王建国"]
    );
    assert_eq!(text("header.masthead .name"), ["王建国"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("\n（联系人：李明，联系电话：0951-5046000）\n"));
    let docx = std::fs::read(out.join("report.docx")).unwrap();
    let parts = read::docx_parts(&docx);
    let doc = &parts["word/document.xml"];
    assert!(doc.contains("<w:pStyle w:val=\"Mark\"/>"));
    assert!(doc.contains("<w:pStyle w:val=\"DocNumber\"/>"));
    let paras = read::docx(&docx);
    assert_eq!(paras[0].text, "自治区生态环境保护领导小组办公室");
    assert_eq!(paras[1].text, "宁美建办〔2026〕12号\t签发人：王建国");

    // The shipped plan sets none of them: no masthead, no 附注.
    let sample = Scratch::new("no-masthead");
    ok(&compile_sample(&sample));
    assert!(!sample.read("report.html").contains("class=\"masthead\""));
    assert!(!sample.read("report.md").contains("联系人"));
}
