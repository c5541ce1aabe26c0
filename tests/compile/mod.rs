//! `nianbao compile`: golden files, document structure read back with real parsers,
//! conservation of every progress text, escaping of hostile text, templates, and printing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use scraper::{ElementRef, Html, Selector};

mod browser;

/// A fresh output folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("nianbao-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file))
            .unwrap_or_else(|e| panic!("{file} was not written: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nianbao(dir: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

/// Compiles the fixture year (a second plan, with hostile text and gaps) into `out`.
fn compile_fixture(out: &Scratch, extra: &[&str]) -> Output {
    let out_dir = out.0.to_str().unwrap();
    let mut args = vec![
        "--plan",
        "../clean/plan",
        "compile",
        "--date",
        "2025-12-10",
        "--format",
        "md,html,json",
        "--out",
        out_dir,
    ];
    args.extend(extra);
    nianbao("tests/fixtures/compile", &args)
}

/// Compiles the shipped plan and 2026 sample reports into `out`.
fn compile_sample(out: &Scratch) -> Output {
    let out_dir = out.0.to_str().unwrap();
    nianbao(".", &["compile", "--date", "2026-12-28", "--out", out_dir])
}

#[test]
fn fixture_outputs_match_reviewed_golden_files() {
    let out = Scratch::new("golden");
    let run = compile_fixture(&out, &[]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
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
fn same_inputs_give_byte_identical_output() {
    let (a, b) = (Scratch::new("repro-a"), Scratch::new("repro-b"));
    compile_fixture(&a, &[]);
    compile_fixture(&b, &[]);
    for file in ["report.md", "report.html", "context.json"] {
        assert_eq!(a.read(file), b.read(file), "{file}");
    }
}

/// Headings of a Markdown document as (level, text).
fn md_headings(md: &str) -> Vec<(HeadingLevel, String)> {
    let mut out = Vec::new();
    let mut current: Option<(HeadingLevel, String)> = None;
    for event in Parser::new_ext(md, Options::all()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// The GFM tables of a Markdown document, each as rows of cell texts (header first).
fn md_tables(md: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for event in Parser::new_ext(md, Options::all()) {
        match event {
            Event::Start(Tag::Table(_)) => rows.clear(),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => {
                if let Some(r) = rows.last_mut() {
                    r.push(String::new())
                }
            }
            Event::Text(t) => {
                if let Some(c) = rows.last_mut().and_then(|r| r.last_mut()) {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::Table) => tables.push(std::mem::take(&mut rows)),
            _ => {}
        }
    }
    tables
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text_of(e: ElementRef) -> String {
    e.text().collect()
}

/// Task titles of the shipped plan, in order, as the documents number them ("1.优化…").
fn shipped_task_headings() -> Vec<String> {
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

#[test]
fn sample_markdown_has_the_expected_structure() {
    let out = Scratch::new("md-structure");
    let run = compile_sample(&out);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let md = out.read("report.md");
    assert!(md.starts_with("---\ntitle: \"关于2026年度全面推进美丽宁夏建设工作情况的报告\"\n"));
    assert!(md.contains("\nlang: zh-CN\n"));
    let headings = md_headings(&md);
    let level = |l| {
        headings
            .iter()
            .filter(move |(h, _)| *h == l)
            .map(|(_, t)| t.as_str())
    };
    assert_eq!(
        level(HeadingLevel::H1).collect::<Vec<_>>(),
        ["关于2026年度全面推进美丽宁夏建设工作情况的报告"]
    );
    assert_eq!(
        level(HeadingLevel::H2).collect::<Vec<_>>(),
        [
            "一、总体情况",
            "二、重点任务推进情况",
            "三、存在的问题",
            "四、下一步工作打算",
            "附件1 报送情况统计表",
            "附件2 任务—单位覆盖矩阵",
            "附件3 未报送和逾期报送单位名单",
            "附件4 重大工程进展表",
        ]
    );
    let sections: Vec<&str> = level(HeadingLevel::H3).collect();
    assert_eq!(sections.len(), 7);
    for (i, numeral) in ["一", "二", "三", "四", "五", "六", "七"]
        .iter()
        .enumerate()
    {
        assert!(
            sections[i].starts_with(&format!("（{numeral}）")),
            "{}",
            sections[i]
        );
    }
    assert_eq!(
        level(HeadingLevel::H4).collect::<Vec<_>>(),
        shipped_task_headings()
    );

    let tables = md_tables(&md);
    assert_eq!(tables.len(), 3, "submissions, matrix, projects");
    let submissions = &tables[0];
    assert_eq!(submissions.len(), 1 + 31);
    assert!(submissions.iter().all(|r| r.len() == 6));
    let matrix = &tables[1];
    assert_eq!(matrix.len(), 1 + 28);
    assert!(
        matrix.iter().all(|r| r.len() == 1 + 31),
        "every matrix row has 32 cells"
    );
    assert_eq!(matrix[1][0], "1.优化国土空间开发保护格局");
    assert_eq!(
        matrix[1][1], "★",
        "自然资源厅 leads task 1 and reported on it"
    );
}

#[test]
fn sample_html_has_the_expected_structure() {
    let out = Scratch::new("html-structure");
    compile_sample(&out);
    let html = Html::parse_document(&out.read("report.html"));
    let all = |s: &str| html.select(&sel(s)).map(text_of).collect::<Vec<_>>();
    assert_eq!(
        all("h1"),
        ["关于2026年度全面推进美丽宁夏建设工作情况的报告"]
    );
    assert_eq!(
        all("main > h2"),
        [
            "一、总体情况",
            "二、重点任务推进情况",
            "三、存在的问题",
            "四、下一步工作打算"
        ]
    );
    assert_eq!(all("h3").len(), 7);
    assert_eq!(all("h4"), shipped_task_headings());
    assert_eq!(all("h2.annex-title").len(), 4);
    assert_eq!(html.select(&sel("table.submissions tbody tr")).count(), 31);
    let rows: Vec<ElementRef> = html.select(&sel("table.matrix tbody tr")).collect();
    assert_eq!(rows.len(), 28);
    assert!(rows.iter().all(|r| r.select(&sel("td")).count() == 31));
    assert_eq!(html.select(&sel("table.matrix thead th")).count(), 32);
    // Self-contained: no scripts, no external resources.
    assert_eq!(html.select(&sel("script, link, img, iframe")).count(), 0);
    assert!(html.select(&sel("style")).count() == 1);
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

fn assert_html_conserves(html: &str, texts: &BTreeMap<(u32, String), Vec<String>>) {
    let doc = Html::parse_document(html);
    for ((task, unit), paragraphs) in texts {
        let selector = sel(&format!(
            "section#task-{task} div.account[data-unit=\"{unit}\"]"
        ));
        let account = doc
            .select(&selector)
            .next()
            .unwrap_or_else(|| panic!("no account of {unit} under task {task}"));
        let text = text_of(account);
        for p in paragraphs {
            assert!(
                text.contains(p.as_str()),
                "task {task}, {unit}: {p:?} not in {text:?}"
            );
        }
    }
}

/// The text of each task's part of a Markdown document, read back through the parser.
fn md_task_texts(md: &str) -> BTreeMap<u32, String> {
    let mut out: BTreeMap<u32, String> = BTreeMap::new();
    let mut current: Option<u32> = None;
    let mut in_h4 = false;
    let mut heading = String::new();
    for event in Parser::new_ext(md, Options::all()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_h4 = level == HeadingLevel::H4;
                heading.clear();
                if !in_h4 {
                    current = None;
                }
            }
            Event::End(TagEnd::Heading(_)) if in_h4 => {
                in_h4 = false;
                current = heading.split('.').next().and_then(|n| n.parse().ok());
            }
            Event::Text(t) | Event::Code(t) => {
                if in_h4 {
                    heading.push_str(&t);
                } else if let Some(n) = current {
                    out.entry(n).or_default().push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                if let Some(n) = current {
                    out.entry(n).or_default().push('\n');
                }
            }
            _ => {}
        }
    }
    out
}

fn assert_md_conserves(md: &str, texts: &BTreeMap<(u32, String), Vec<String>>) {
    let tasks = md_task_texts(md);
    for ((task, unit), paragraphs) in texts {
        let text = tasks
            .get(task)
            .unwrap_or_else(|| panic!("task {task} missing"));
        for (i, p) in paragraphs.iter().enumerate() {
            let expected = if i == 0 {
                format!("{unit}（")
            } else {
                String::new()
            };
            assert!(
                text.contains(&expected),
                "task {task}: {unit} not attributed"
            );
            assert!(
                text.contains(p.as_str()),
                "task {task}, {unit}: {p:?} lost in Markdown"
            );
        }
    }
}

#[test]
fn every_progress_text_appears_under_its_task_and_unit() {
    let sample = Scratch::new("conserve-sample");
    compile_sample(&sample);
    let texts = progress_texts(Path::new("reports/2026"));
    assert!(texts.len() > 250, "the sample has {} entries", texts.len());
    assert_html_conserves(&sample.read("report.html"), &texts);
    assert_md_conserves(&sample.read("report.md"), &texts);

    let fixture = Scratch::new("conserve-fixture");
    compile_fixture(&fixture, &[]);
    let texts = progress_texts(Path::new("tests/fixtures/compile/reports/2025"));
    assert_html_conserves(&fixture.read("report.html"), &texts);
    assert_md_conserves(&fixture.read("report.md"), &texts);
}

#[test]
fn hostile_department_text_stays_text_in_every_format() {
    let out = Scratch::new("hostile");
    compile_fixture(&out, &[]);
    // HTML: no element was smuggled in; the characters are all there as text.
    let html = Html::parse_document(&out.read("report.html"));
    assert_eq!(html.select(&sel("script, b, a")).count(), 0);
    let account = html
        .select(&sel("section#task-1 div.account[data-unit=\"水务厅\"]"))
        .next()
        .unwrap();
    let text = text_of(account);
    for piece in [
        "<script>alert(\"x\")</script>",
        "| 表格分隔符",
        "# 这一行以井号开头",
        "*星号*",
        "& 和号",
        "[链接](http://example.org)",
    ] {
        assert!(
            text.contains(piece),
            "{piece:?} not shown literally in HTML"
        );
    }
    let project = html.select(&sel("table.projects tbody tr")).next().unwrap();
    assert_eq!(project.select(&sel("td")).count(), 6);
    assert!(text_of(project).contains("东河|补水<b>工程</b>"));

    // Markdown: the parser sees no HTML, links, emphasis beyond our own, extra headings
    // or list items, and the table keeps its six columns.
    let md = out.read("report.md");
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
    let h4: Vec<String> = md_headings(&md)
        .into_iter()
        .filter(|(l, _)| *l == HeadingLevel::H4)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(h4, ["1.整治排污口", "2.保障生态流量", "3.清理河湖四乱"]);
    let texts = md_task_texts(&md);
    for piece in [
        "<script>alert(\"x\")</script>",
        "# 这一行以井号开头",
        "- 以减号开头",
        "$x^2$ @引用 ~删除~ `代码`",
    ] {
        assert!(
            texts[&1].contains(piece),
            "{piece:?} not literal in Markdown: {}",
            texts[&1]
        );
    }
    let projects = md_tables(&md).pop().unwrap();
    assert!(projects.iter().all(|r| r.len() == 6));
    assert_eq!(projects[1][1], "东河|补水<b>工程</b>");
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
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    (run, out_dir)
}

#[test]
fn a_template_file_overrides_only_its_builtin() {
    let out = Scratch::new("override");
    let (run, out_dir) =
        compile_with_templates(&out, &[("report.md", "自定义：{{ meta.title }}\n")]);
    assert_eq!(run.status.code(), Some(0));
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert_eq!(
        md,
        "自定义：关于2025年度推进河湖治理三年行动工作情况的报告\n"
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(
        html.contains("<h4>1.整治排污口</h4>"),
        "report.html is still the built-in one"
    );
}

#[test]
fn a_broken_template_names_its_file_and_line_and_writes_nothing() {
    let out = Scratch::new("bad-template");
    let broken = "<p>\n{{ meta.no_such_field }}\n</p>\n";
    let (run, out_dir) = compile_with_templates(&out, &[("report.html", broken)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("report.html"), "{stderr}");
    assert!(stderr.contains("第 2 行"), "{stderr}");
    assert!(
        !out_dir.exists(),
        "nothing is written when a template fails"
    );
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
    assert!(tdir.join("report.html").is_file());
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
            .args(["--plan", "../clean/plan"])
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
