//! `nianbao compile`: golden files, every format read back with a real parser, conservation
//! of every progress text, hostile text, templates, plan-driven words, and determinism. The
//! checks that need other programs (pandoc, python-docx, LibreOffice, a browser, poppler) are
//! in `external`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

mod external;
mod indicators;
mod read;
mod report;
pub mod tools;

use read::{Para, squeeze};

/// A fresh output folder under the system temp dir, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("nianbao-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file))
            .unwrap_or_else(|e| panic!("{file} was not written: {e}"))
    }
    pub fn bytes(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.0.join(file)).unwrap_or_else(|e| panic!("{file} was not written: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn nianbao(dir: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .args(crate::year_args(dir, args))
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

pub fn ok(run: &Output) {
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Compiles the fixture year (a second plan, with hostile text and gaps) into `out`.
pub fn compile_fixture(out: &Scratch, extra: &[&str]) -> Output {
    let out_dir = out.0.to_str().unwrap();
    let mut args = vec![
        "--plan",
        "../clean/plan",
        "compile",
        "--date",
        "2025-12-10",
        "--format",
        "md,html,docx,json",
        "--out",
        out_dir,
    ];
    args.extend(extra);
    nianbao("tests/fixtures/compile", &args)
}

/// Compiles the shipped plan and 2026 sample reports into `out` (Markdown, HTML, Word).
pub fn compile_sample(out: &Scratch) -> Output {
    let out_dir = out.0.to_str().unwrap();
    nianbao(
        ".",
        &[
            "compile",
            "--date",
            "2026-12-28",
            "--format",
            "md,html,docx",
            "--out",
            out_dir,
        ],
    )
}

/// Task titles of the shipped plan, in order, as the documents number them ("1.优化…").
pub fn shipped_task_headings() -> Vec<String> {
    let plan = std::fs::read_to_string("plan/meili-ningxia.toml").unwrap();
    let value: toml::Value = toml::from_str(&plan).unwrap();
    value["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}.{}",
                t["number"].as_integer().unwrap(),
                t["title"].as_str().unwrap()
            )
        })
        .collect()
}

fn headings(paras: &[Para], level: u8) -> Vec<String> {
    paras
        .iter()
        .filter(|p| p.heading == Some(level))
        .map(|p| p.text.trim().to_string())
        .collect()
}

/// The annexes of the sample's report, in order.
const ANNEX_TITLES: [&str; 7] = [
    "报送情况统计表",
    "任务—单位覆盖矩阵",
    "未报送和逾期报送单位名单",
    "主要目标指标明细",
    "重大工程进展表",
    "各地区各部门重点任务进展汇编",
    "各地区各部门工作概况",
];

const BODY_HEADINGS: [&str; 5] = [
    "一、总体情况",
    "二、主要目标指标完成情况",
    "三、重点任务推进情况",
    "四、存在的问题",
    "五、下一步工作打算",
];

/// Charts in the sample report: coverage by section, and one trend per indicator of the
/// shipped plan (every one has a value on file).
const SAMPLE_CHARTS: usize = 1 + 8;

#[test]
fn fixture_outputs_match_reviewed_golden_files() {
    let out = Scratch::new("golden");
    let run = compile_fixture(&out, &[]);
    ok(&run);
    let golden = Path::new("tests/golden/compile");
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    for file in ["report.md", "report.html", "context.json"] {
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
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("1 个单位未报送（西山市）"), "{stderr}");
}

#[test]
fn same_inputs_give_byte_identical_output_in_every_format() {
    let (a, b) = (Scratch::new("repro-a"), Scratch::new("repro-b"));
    ok(&compile_fixture(&a, &[]));
    ok(&compile_fixture(&b, &[]));
    for file in ["report.md", "report.html", "report.docx", "context.json"] {
        assert_eq!(a.bytes(file), b.bytes(file), "{file}");
    }
}

#[test]
fn sample_markdown_has_the_expected_structure() {
    let out = Scratch::new("md-structure");
    ok(&compile_sample(&out));
    let md = out.read("report.md");
    // The title lives in the front matter only, so pandoc shows it once.
    assert!(md.starts_with("---\ntitle: \"关于2026年度全面推进美丽宁夏建设工作情况的报告\"\n"));
    assert!(md.contains("\nlang: zh-CN\n---\n"));
    assert!(
        !md.contains("\ndate:"),
        "no date under the title in pandoc's output"
    );
    let paras = read::markdown(&md);
    let mut level1 = BODY_HEADINGS.map(String::from).to_vec();
    for (i, annex) in ANNEX_TITLES.iter().enumerate() {
        level1.push(format!("附件{}\u{3000}{annex}", i + 1));
    }
    assert_eq!(headings(&paras, 1), level1);
    // The seven sections in the body, the two subheadings (by task, general) of 存在的问题
    // and 下一步工作打算, the two parts of the indicators annex, and the sections again in
    // the 汇编 annex.
    let sections = headings(&paras, 2);
    let numerals = ["一", "二", "三", "四", "五", "六", "七"];
    assert_eq!(sections.len(), 7 + 4 + 2 + 7, "{sections:?}");
    for (s, numeral) in sections[..7].iter().zip(numerals) {
        assert!(s.starts_with(&format!("（{numeral}）")), "{s}");
    }
    assert_eq!(
        sections[11..13],
        ["（一）目标值及其来源", "（二）各地区指标"]
    );
    assert_eq!(
        sections[..7],
        sections[13..],
        "the 汇编 follows the body's sections"
    );
    // Every task in the body, then again in the 汇编 annex.
    let tasks = shipped_task_headings();
    assert_eq!(headings(&paras, 3), [tasks.clone(), tasks].concat());
    // 附件 list: one line per annex (hard breaks), not one run-on paragraph.
    let list = paras.iter().find(|p| p.text.starts_with("附件：")).unwrap();
    assert_eq!(list.text.lines().count(), 7, "{:?}", list.text);
}

#[test]
fn sample_html_has_the_expected_structure() {
    let out = Scratch::new("html-structure");
    ok(&compile_sample(&out));
    let page = out.read("report.html");
    let html = Html::parse_document(&page);
    let sel = |s: &str| Selector::parse(s).unwrap();
    let all = |s: &str| {
        html.select(&sel(s))
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        all("h1"),
        ["关于2026年度全面推进美丽宁夏建设工作情况的报告"]
    );
    assert_eq!(all("main > h2"), BODY_HEADINGS);
    assert_eq!(all("main > h3").len(), 7 + 4);
    assert_eq!(all("main > h4"), shipped_task_headings());
    assert_eq!(all("section.annex h3").len(), 2 + 7);
    assert_eq!(all("section.annex h4"), shipped_task_headings());
    assert_eq!(all("h2.annex-title"), ANNEX_TITLES);
    let labels: Vec<String> = (1..=7).map(|n| format!("附件{n}")).collect();
    assert_eq!(all("p.annex-label"), labels);
    assert_eq!(
        html.select(&sel("section.annex.landscape table")).count(),
        1
    );
    let tables: Vec<_> = html.select(&sel("table")).collect();
    assert_eq!(
        tables.len(),
        6,
        "status by section, indicators, submissions, matrix, regions' indicators, projects"
    );
    // Seven sections and the total; eight indicators.
    assert_eq!(tables[0].select(&sel("tbody tr")).count(), 8);
    assert_eq!(tables[1].select(&sel("tbody tr")).count(), 8);
    assert_eq!(tables[2].select(&sel("tbody tr")).count(), 31);
    let rows: Vec<_> = tables[3].select(&sel("tbody tr")).collect();
    assert_eq!(rows.len(), 28);
    assert!(rows.iter().all(|r| r.select(&sel("td")).count() == 31));
    assert_eq!(tables[3].select(&sel("thead th.v")).count(), 31);
    // Six regions, each with its three indicators.
    assert_eq!(tables[4].select(&sel("tbody tr")).count(), 6);
    // Charts are drawn inline, each with its caption.
    assert_eq!(
        html.select(&sel("figure.chart > svg")).count(),
        SAMPLE_CHARTS
    );
    assert_eq!(
        html.select(&sel("figure.chart > figcaption")).count(),
        SAMPLE_CHARTS
    );
    // Self-contained: no scripts, no external resources.
    assert_eq!(html.select(&sel("script, link, img, iframe")).count(), 0);
    assert_eq!(html.select(&sel("style")).count(), 1);
    // The 版记 comes after the last annex.
    let colophon = page.find("class=\"colophon\"").unwrap();
    assert!(colophon > page.rfind("class=\"annex").unwrap());
}

/// The attribute `name` of every element `tag` in a Word part.
fn attrs<'a>(xml: &'a roxmltree::Document, tag: &str, name: &str) -> Vec<&'a str> {
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    xml.descendants()
        .filter(|n| n.has_tag_name((W, tag)))
        .filter_map(|n| n.attribute((W, name)))
        .collect()
}

#[test]
fn sample_docx_has_the_expected_structure() {
    let out = Scratch::new("docx-structure");
    ok(&compile_sample(&out));
    let bytes = out.bytes("report.docx");
    let paras = read::docx(&bytes);
    assert_eq!(headings(&paras, 1), BODY_HEADINGS);
    assert_eq!(headings(&paras, 2).len(), 7 + 4 + 2 + 7);
    let tasks = shipped_task_headings();
    assert_eq!(headings(&paras, 3), [tasks.clone(), tasks].concat());
    let parts = read::docx_parts(&bytes);
    let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let styles = attrs(&doc, "pStyle", "val");
    assert_eq!(styles.first(), Some(&"Title"));
    assert_eq!(styles.iter().filter(|s| **s == "AnnexTitle").count(), 7);
    // Portrait body, landscape matrix, portrait again: three sections.
    let orient: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pgSz"))
        .map(|n| {
            n.attributes()
                .find(|a| a.name() == "orient")
                .map(|a| a.value())
                .unwrap_or("portrait")
        })
        .collect();
    assert_eq!(orient, ["portrait", "landscape", "portrait"]);
    // Every table repeats its header row.
    let tables = doc.descendants().filter(|n| n.has_tag_name("tbl")).count();
    let repeated = doc
        .descendants()
        .filter(|n| n.has_tag_name("tblHeader"))
        .count();
    // A chart is a picture where the machine has a Chinese font, else its table.
    // Trend charts stand two to a row in a borderless table each (four rows for eight);
    // without a Chinese font every chart is printed as its table instead.
    let drawn = nianbao::writer::raster::cjk_font().is_some();
    let (chart_tables, chart_headers) = if drawn {
        (4, 0)
    } else {
        (SAMPLE_CHARTS, SAMPLE_CHARTS)
    };
    assert_eq!(
        tables,
        7 + chart_tables,
        "six tables, the 版记 and the charts"
    );
    assert_eq!(repeated, 6 + chart_headers);
    let pictures = doc
        .descendants()
        .filter(|n| n.has_tag_name("drawing"))
        .count();
    assert_eq!(pictures, if drawn { SAMPLE_CHARTS } else { 0 });
    let media = read::docx_media(&bytes);
    assert_eq!(media.len(), pictures);
    assert!(
        media
            .values()
            .all(|png| png.starts_with(b"\x89PNG\r\n\x1a\n"))
    );
    assert!(parts["word/settings.xml"].contains("<w:evenAndOddHeaders/>"));
    for footer in ["word/footer1.xml", "word/footer2.xml"] {
        assert!(
            parts[footer].contains(" PAGE "),
            "{footer} has a PAGE field"
        );
    }
    assert!(
        parts["docProps/core.xml"]
            .contains("<dc:title>关于2026年度全面推进美丽宁夏建设工作情况的报告</dc:title>")
    );
    assert!(parts["docProps/core.xml"].contains("2026-12-28T00:00:00Z"));
}

/// Every progress text of every report, keyed by (task, unit short name).
fn progress_texts(reports: &Path) -> BTreeMap<(u32, String), Vec<String>> {
    use nianbao::plan::load_plan;
    use nianbao::source::SourceFile;
    use nianbao::validate::{Scope, check_reports};
    let plan_path = if reports.starts_with("reports") {
        PathBuf::from("plan/meili-ningxia.toml")
    } else {
        PathBuf::from("tests/fixtures/clean/plan/hexi.toml")
    };
    let (src, _) = SourceFile::read(&plan_path).unwrap();
    let plan = load_plan(&src).0.unwrap();
    let files = nianbao::workspace::yaml_files(reports).unwrap();
    let checked = check_reports(&plan, &files, Scope::Files);
    let mut out = BTreeMap::new();
    for r in &checked.reports {
        let unit = plan.unit(&r.unit).unwrap().short.clone();
        // Placeholders and non-answers are reported as gaps, not printed as content.
        for e in r
            .entries
            .iter()
            .filter(|e| e.is_covered() && e.reason.is_none())
        {
            let paragraphs: Vec<String> = e
                .progress
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            out.insert((e.task, unit.clone()), paragraphs);
        }
    }
    out
}

/// Each text is under its task, after its unit's lead-in, in whitespace-free comparison.
pub fn assert_conserved(
    format: &str,
    tasks: &BTreeMap<u32, String>,
    texts: &BTreeMap<(u32, String), Vec<String>>,
) {
    for ((task, unit), paragraphs) in texts {
        let under = squeeze(
            tasks
                .get(task)
                .unwrap_or_else(|| panic!("{format}: task {task} missing")),
        );
        let lead = under
            .find(&format!("{unit}（"))
            .unwrap_or_else(|| panic!("{format}: task {task}: {unit} not attributed"));
        for p in paragraphs {
            let p = squeeze(p);
            assert!(
                under[lead..].contains(&p),
                "{format}: task {task}, {unit}: {p:?} lost"
            );
        }
    }
}

#[test]
fn every_progress_text_appears_under_its_task_and_unit_in_every_format() {
    let sample = Scratch::new("conserve-sample");
    ok(&compile_sample(&sample));
    let texts = progress_texts(Path::new("reports/2026"));
    assert!(texts.len() > 250, "the sample has {} entries", texts.len());
    let fixture = Scratch::new("conserve-fixture");
    ok(&compile_fixture(&fixture, &[]));
    let fixture_texts = progress_texts(Path::new("tests/fixtures/compile/reports/2025"));
    for (out, texts) in [(&sample, &texts), (&fixture, &fixture_texts)] {
        assert_conserved(
            "md",
            &read::by_task(&read::markdown(&out.read("report.md"))),
            texts,
        );
        assert_conserved(
            "html",
            &read::by_task(&read::html(&out.read("report.html"))),
            texts,
        );
        assert_conserved(
            "docx",
            &read::by_task(&read::docx(&out.bytes("report.docx"))),
            texts,
        );
    }
}

/// The lines of the fixture's hostile entry, each of which must come out as this text.
pub const HOSTILE: [&str; 10] = [
    "1. 配合整治排污口 12 个 | 表格分隔符 # 井号 *星号* <script>alert(\"x\")</script> & 和号",
    "# 这一行以井号开头",
    "- 以减号开头 [链接](http://example.org) $x^2$ @引用 ~删除~ `代码`",
    "a. 小写字母开头",
    "(b) 括号编号开头",
    "iv. 罗马数字开头",
    "B. 大写字母开头",
    "网址 http://example.org 与 www.example.com 邮箱 a@b.cn 表情 :smile: 引号\"直的\" -- 和 ... {#id}",
    "东河|补水<b>工程</b>",
    "单独的回车\n之后的文字",
];

/// Collapses runs of spaces, as every Markdown reader does.
fn spaces(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_hostile_literal(format: &str, paras: &[Para]) {
    let texts: Vec<String> = paras.iter().map(|p| spaces(&p.text)).collect();
    for piece in HOSTILE {
        let piece = spaces(piece);
        assert!(
            texts.iter().any(|t| t.contains(&piece)),
            "{format}: {piece:?} not shown literally"
        );
    }
    // No structure was made from department text: the fixture has exactly three tasks,
    // in the body and again in the 汇编 annex.
    let h3: Vec<String> = paras
        .iter()
        .filter(|p| p.heading == Some(3))
        .map(|p| p.text.clone())
        .collect();
    let tasks = ["1.整治排污口", "2.保障生态流量", "3.清理河湖四乱"];
    assert_eq!(h3, [tasks, tasks].concat(), "{format}");
}

#[test]
fn hostile_department_text_stays_text_in_every_format() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let out = Scratch::new("hostile");
    ok(&compile_fixture(&out, &[]));
    let md = out.read("report.md");
    assert!(
        !md.contains('\r'),
        "a lone CR is a line break, not a byte in the file"
    );
    for event in Parser::new_ext(&md, Options::all()) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML reached Markdown: {h}"),
            Event::Start(Tag::Link { .. }) => panic!("a link was created"),
            Event::Start(Tag::Emphasis) => panic!("emphasis was created"),
            Event::Start(Tag::List(_)) => panic!("a list was created"),
            Event::InlineMath(_) | Event::DisplayMath(_) => panic!("math was created"),
            _ => {}
        }
    }
    assert_hostile_literal("md", &read::markdown(&md));

    let page = out.read("report.html");
    let html = Html::parse_document(&page);
    let smuggled = Selector::parse("main script, main b, main a").unwrap();
    assert_eq!(html.select(&smuggled).count(), 0);
    assert_hostile_literal("html", &read::html(&page));

    let docx = out.bytes("report.docx");
    assert_hostile_literal("docx", &read::docx(&docx));
    // The projects table keeps six columns with the pipe inside a cell.
    let parts = read::docx_parts(&docx);
    let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let last_table = doc
        .descendants()
        .filter(|n| n.has_tag_name("tbl"))
        .rfind(|t| t.descendants().any(|n| n.has_tag_name("tblHeader")))
        .unwrap();
    assert_eq!(
        last_table
            .descendants()
            .filter(|n| n.has_tag_name("gridCol"))
            .count(),
        6
    );
}

/// Compiles the fixture with a templates folder holding `files`; returns the run and
/// the output folder.
fn compile_with_templates(out: &Scratch, files: &[(&str, &str)]) -> (Output, PathBuf) {
    let templates = out.0.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for (name, text) in files {
        std::fs::write(templates.join(name), text).unwrap();
    }
    let out_dir = out.0.join("doc");
    let run = nianbao(
        "tests/fixtures/compile",
        &[
            "--plan",
            "../clean/plan",
            "--templates",
            templates.to_str().unwrap(),
            "compile",
            "--format",
            "md,html,docx",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    (run, out_dir)
}

#[test]
fn one_template_override_changes_every_format() {
    let out = Scratch::new("override");
    let template = "# 自定义：{{ meta.title | md }}\n\n{{ meta.to | md }}：正文由办公室改写。\n";
    let (run, dir) = compile_with_templates(&out, &[("report.md", template)]);
    ok(&run);
    let title = "自定义：关于2025年度推进河湖治理三年行动工作情况的报告";
    let body = "省河湖长制工作领导小组：正文由办公室改写。";
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains(&format!("title: \"{title}\"")) && md.contains(body),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains(&format!("<span>{title}</span>")) && html.contains(body));
    let docx = read::docx(&std::fs::read(dir.join("report.docx")).unwrap());
    let texts: Vec<&str> = docx.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, [title, body]);
}

#[test]
fn an_override_of_a_retired_template_is_reported_not_ignored() {
    let out = Scratch::new("retired");
    let (run, _) = compile_with_templates(&out, &[("report.html", "<p>旧模板</p>\n")]);
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("report.html 已不再使用") && stderr.contains("report.md"),
        "{stderr}"
    );
    let list = nianbao(
        ".",
        &[
            "--templates",
            out.0.join("templates").to_str().unwrap(),
            "templates",
        ],
    );
    assert!(String::from_utf8_lossy(&list.stdout).contains("report.html\t已不再使用"));
}

#[test]
fn a_broken_template_names_its_file_and_line_and_writes_nothing() {
    let out = Scratch::new("bad-template");
    let broken = "# 标题\n\n{{ meta.no_such_field }}\n";
    let (run, dir) = compile_with_templates(&out, &[("report.md", broken)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("report.md") && stderr.contains("第 3 行"),
        "{stderr}"
    );
    assert!(!dir.exists(), "nothing is written when a template fails");
}

/// Regression: with `json` among the formats, a broken template left an empty output folder
/// behind (the data file was staged before the template was rendered).
#[test]
fn a_broken_template_leaves_no_folder_even_with_json_requested() {
    let out = Scratch::new("bad-template-json");
    let templates = out.0.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("report.md"), "# 标题\n\n{{ meta.nope }}\n").unwrap();
    let dir = out.0.join("doc");
    let run = nianbao(
        "tests/fixtures/compile",
        &[
            "--plan",
            "../clean/plan",
            "--templates",
            templates.to_str().unwrap(),
            "compile",
            "--format",
            "json,md",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(!dir.exists(), "nothing is written when a template fails");
}

#[test]
fn a_template_with_an_unknown_block_says_where_and_writes_nothing() {
    let out = Scratch::new("bad-marker");
    let broken = "# 标题\n\n::: sidebar\n文字\n:::\n\n::: signature\n只有一段\n:::\n";
    let (run, dir) = compile_with_templates(&out, &[("report.md", broken)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("report.md"), "{stderr}");
    assert!(
        stderr.contains("第 3 行") && stderr.contains("sidebar"),
        "{stderr}"
    );
    assert!(
        stderr.contains("第 7 行") && stderr.contains("signature"),
        "{stderr}"
    );
    assert!(!dir.exists());
}

#[test]
fn the_deadline_and_the_report_heads_come_from_the_plan() {
    // The fixture plan's deadline is 11-30 and it sets no [report] table.
    let out = Scratch::new("plan-words");
    ok(&compile_fixture(&out, &[]));
    for (format, text) in [
        ("md", out.read("report.md")),
        ("html", out.read("report.html")),
        ("docx", {
            let paras = read::docx(&out.bytes("report.docx"));
            paras
                .iter()
                .map(|p| p.text.clone())
                .collect::<Vec<_>>()
                .join("\n")
        }),
    ] {
        assert!(text.contains("每年11月底前"), "{format}");
        assert!(!text.contains("12月底前"), "{format}");
        // 主送 and 署名 default to the reporting rule's body and office; no 抄送 line.
        assert!(text.contains("省河湖长制工作领导小组："), "{format}");
        assert!(text.contains("省河湖长制办公室"), "{format}");
        assert!(!text.contains("抄送"), "{format}");
    }
    // The shipped plan names them in its [report] table.
    let sample = Scratch::new("plan-words-sample");
    ok(&compile_sample(&sample));
    let md = sample.read("report.md");
    assert!(md.contains("\n自治区生态环境保护领导小组：\n"));
    assert!(md.contains("\n自治区生态环境保护领导小组办公室\n\n2026年12月28日\n"));
    assert!(md.contains("自治区生态环境保护领导小组办公室　　2026年12月28日印发"));
    assert!(!md.contains("抄送"));
}

#[test]
fn figures_are_set_without_spaces_around_numbers() {
    let out = Scratch::new("figures");
    ok(&compile_sample(&out));
    let md = out.read("report.md");
    assert!(
        md.contains("主要数据：耕地“非农化”问题图斑整改数1263个。"),
        "{md:.0}"
    );
    assert!(!md.contains("整改数 1263 个"));
}

use crate::generator;

#[test]
fn a_matrix_wider_than_a_page_splits_by_unit_kind() {
    let dir = Scratch::new("wide-plan");
    generator::generate(
        &dir.0,
        &generator::Spec {
            units: 120,
            missing: 0.1,
            gaps: 0.05,
            seed: 3,
        },
    );
    let out = dir.0.join("out");
    let run = nianbao(
        dir.0.to_str().unwrap(),
        &[
            "compile",
            "--format",
            "html,docx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    ok(&run);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let html = Html::parse_document(&page);
    let tables: Vec<_> = html
        .select(&Selector::parse("section.landscape table").unwrap())
        .collect();
    assert!(tables.len() >= 3, "split into {} tables", tables.len());
    let cols = Selector::parse("thead th").unwrap();
    let total: usize = tables.iter().map(|t| t.select(&cols).count() - 1).sum();
    assert_eq!(total, 120, "every unit has a column in some part");
    assert!(tables.iter().all(|t| t.select(&cols).count() <= 41));
    let notes: Vec<String> = html
        .select(&Selector::parse("section.landscape p.note").unwrap())
        .map(|e| e.text().collect())
        .collect();
    assert!(notes.iter().any(|n| n.starts_with("地区")), "{notes:?}");
    // Word allows at most 63 columns in a table.
    let parts = read::docx_parts(&std::fs::read(out.join("report.docx")).unwrap());
    let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    for t in doc.descendants().filter(|n| n.has_tag_name("tblGrid")) {
        assert!(t.children().filter(|c| c.is_element()).count() <= 63);
    }
}

#[test]
fn the_signature_centres_the_signer_over_the_date_in_html_and_word() {
    let out = Scratch::new("signature");
    ok(&compile_sample(&out));
    // 16 characters of signer over 7 of date: the signer keeps two characters from the
    // edge and the date is centred under it (6.5 characters in).
    let html = out.read("report.html");
    assert!(html.contains(
        "<p class=\"signer\" style=\"padding-right: 2em\">自治区生态环境保护领导小组办公室</p>"
    ));
    assert!(html.contains("<p class=\"date\" style=\"padding-right: 6.5em\">2026年12月28日</p>"));
    let parts = read::docx_parts(&out.bytes("report.docx"));
    let doc = &parts["word/document.xml"];
    assert!(doc.contains("w:rightChars=\"200\""));
    assert!(doc.contains("w:rightChars=\"650\""));
}

#[test]
fn strict_refuses_while_anything_is_outstanding() {
    let out = Scratch::new("strict");
    let run = compile_fixture(&out, &["--strict"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--strict"));
    assert!(!out.0.join("report.md").exists());
    let clean = Scratch::new("strict-clean");
    let run = nianbao(
        "tests/fixtures/clean",
        &["compile", "--strict", "--out", clean.0.to_str().unwrap()],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "a complete year compiles under --strict"
    );
}

#[test]
fn input_errors_stop_compile_with_checks_messages() {
    let out = Scratch::new("errors");
    let run = nianbao(
        "tests/fixtures/broken",
        &[
            "--plan",
            "../clean/plan",
            "compile",
            "--out",
            out.0.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("错误[NB201]"), "{stderr}");
    assert!(stderr.contains("已停止汇编"), "{stderr}");
    assert!(!out.0.join("report.md").exists());
}

#[test]
fn templates_command_lists_and_writes_without_overwriting() {
    let dir = Scratch::new("templates-cmd");
    let tdir = dir.0.join("templates");
    let t = tdir.to_str().unwrap();
    let run = nianbao(".", &["--templates", t, "templates", "--write"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(tdir.join("report.md").is_file());
    assert!(tdir.join("remind.md").is_file());
    assert!(
        !tdir.join("report.html").exists(),
        "one template per document"
    );
    std::fs::write(tdir.join("report.md"), "mine\n").unwrap();
    let again = nianbao(".", &["--templates", t, "templates", "--write"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("已存在，未覆盖"));
    assert_eq!(
        std::fs::read_to_string(tdir.join("report.md")).unwrap(),
        "mine\n"
    );
    let list = nianbao(".", &["--templates", t, "templates"]);
    let listing = String::from_utf8_lossy(&list.stdout);
    assert!(listing.contains("report.md\t自定义"), "{listing}");
}

#[test]
fn signature_date_comes_from_date_today_or_source_date_epoch_else_stays_blank() {
    let run = |out: &Scratch, args: &[&str], epoch: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
        cmd.current_dir("tests/fixtures/compile")
            .args(["--plan", "../clean/plan", "--year", "2025"])
            .args(args)
            .args([
                "compile",
                "--format",
                "md",
                "--out",
                out.0.to_str().unwrap(),
            ])
            .env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        assert!(cmd.output().unwrap().status.success());
        out.read("report.md")
    };
    let out = Scratch::new("dates");
    // 1798761600 is 2027-01-01T00:00:00Z.
    assert!(run(&out, &[], Some("1798761600")).contains("\n2027年1月1日\n"));
    assert!(
        run(&out, &["--today", "2025-12-20"], Some("1798761600")).contains("\n2025年12月20日\n")
    );
    let blank = run(&out, &[], None);
    assert!(blank.contains("\n　　　　年　　月　　日\n"));
    assert!(
        !blank.contains("\ndate:"),
        "no date in the front matter without one"
    );
}
