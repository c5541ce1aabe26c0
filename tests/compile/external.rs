//! The outputs read by the programs the office and pandoc users have: pandoc reads the
//! Markdown, python-docx and LibreOffice read the Word file, poppler reads the PDFs that
//! Chromium and LibreOffice print. Fake browsers test the PDF writer's ways out.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use super::read::squeeze;
use super::tools::{self, output};
use super::{
    HOSTILE, Scratch, compile_fixture, compile_sample, nianbao, ok, shipped_task_headings,
};

/// The text of a PDF, one string per page (poppler ends each page with a form feed): in
/// drawing order, or laid out as on the page.
fn pdf_pages(pdf: &Path, layout: bool) -> Vec<String> {
    let mut cmd = Command::new("pdftotext");
    cmd.arg(if layout { "-layout" } else { "-raw" });
    let text = output(cmd.arg(pdf).arg("-"));
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Page sizes as pdfinfo reports them ("594.96 x 841.92").
fn page_sizes(pdf: &Path) -> Vec<(f64, f64)> {
    let info = output(
        Command::new("pdfinfo")
            .args(["-f", "1", "-l", "9999"])
            .arg(pdf),
    );
    info.lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .map(|l| {
            let dims: Vec<f64> = l
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            (dims[1], dims[2])
        })
        .collect()
}

/// The page number printed on each page, read as "— n —" from the page's text.
fn printed_page_numbers(pages: &[String]) -> Vec<Option<usize>> {
    pages
        .iter()
        .map(|p| {
            p.lines().rev().find_map(|l| {
                let s = squeeze(l);
                s.strip_prefix('—')?.strip_suffix('—')?.parse().ok()
            })
        })
        .collect()
}

/// A PDF's text with page numbers removed, whitespace-free, for order-preserving search.
fn pdf_body(pages: &[String]) -> String {
    let mut text = String::new();
    for p in pages {
        for l in p.lines() {
            let s = squeeze(l);
            let number = s.strip_prefix('—').and_then(|r| r.strip_suffix('—'));
            if number.is_none_or(|n| n.parse::<u32>().is_err()) {
                text.push_str(&s);
            }
        }
    }
    text
}

/// Every sample progress text appears after its task's heading and its unit's lead-in,
/// before the next task's heading.
fn assert_pdf_conserves(format: &str, body: &str) {
    // The 汇编 annex holds every account on its own: look there, from its title on.
    let annex = body
        .rfind("各地区各部门重点任务进展汇编")
        .unwrap_or_else(|| panic!("{format}: no 汇编 annex"));
    let body = &body[annex..];
    let headings = shipped_task_headings();
    let mut tasks = BTreeMap::new();
    for (i, h) in headings.iter().enumerate() {
        let start = body
            .find(&squeeze(h))
            .unwrap_or_else(|| panic!("{format}: {h} not in the PDF"));
        let end = headings
            .get(i + 1)
            .and_then(|n| body[start..].find(&squeeze(n)).map(|e| start + e))
            .unwrap_or(body.len());
        tasks.insert(i as u32 + 1, body[start..end].to_string());
    }
    let texts = super::progress_texts(Path::new("reports/2026"));
    super::assert_conserved(format, &tasks, &texts);
}

/// Lengths of the lines of a page made only of Chinese characters, leaving out lines that
/// end in punctuation (which may hang or be compressed at the margin).
fn full_chinese_line_lengths(page: &str) -> Vec<usize> {
    page.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().all(|c| !c.is_ascii() && !c.is_whitespace()))
        .filter(|l| {
            l.chars()
                .last()
                .is_some_and(|c| !"，。；：、）”！？".contains(c))
        })
        .map(|l| l.chars().count())
        .collect()
}

#[test]
fn pandoc_reads_the_markdown_back_as_the_same_text() {
    let Some(pandoc) = tools::pandoc() else {
        return;
    };
    let out = Scratch::new("pandoc");
    ok(&compile_fixture(&out, &[]));
    let md = out.0.join("report.md");
    for reader in ["markdown", "gfm"] {
        let json = output(
            Command::new(&pandoc)
                .args(["-f", reader, "-t", "json"])
                .arg(&md),
        );
        // No structure made from department text: no links, lists, code, math, citations,
        // emoji, raw HTML or dashes. (pandoc reads the template's own “…” as Quoted, which
        // it writes back unchanged; that straight quotes stay straight is checked below.)
        for element in [
            "\"Link\"",
            "\"OrderedList\"",
            "\"BulletList\"",
            "\"Code\"",
            "\"CodeBlock\"",
            "\"Math\"",
            "\"Cite\"",
            "\"RawInline\"",
            "\"RawBlock\"",
            "\"Emph\"",
            "\"Strikeout\"",
            "\"Superscript\"",
            "\"Subscript\"",
            "\"emoji\"",
            "\"BlockQuote\"",
        ] {
            assert!(
                !json.contains(element),
                "{reader}: {element} in pandoc's reading"
            );
        }
        let plain = output(
            Command::new(&pandoc)
                .args(["-f", reader, "-t", "plain", "--wrap=none"])
                .arg(&md),
        );
        let plain = squeeze(&plain);
        for piece in HOSTILE {
            assert!(
                plain.contains(&squeeze(piece)),
                "{reader}: {piece:?} changed in pandoc's reading"
            );
        }
    }
    // The title is shown once, from the front matter, with no date under it.
    let sample = Scratch::new("pandoc-title");
    ok(&compile_sample(&sample));
    let html = output(
        Command::new(&pandoc)
            .args(["-f", "markdown", "-s", "-t", "html5"])
            .arg(sample.0.join("report.md")),
    );
    let body = &html[html.find("<body>").unwrap()..];
    assert_eq!(
        body.matches("关于2026年度全面推进美丽宁夏建设工作情况的报告")
            .count(),
        1
    );
    assert!(!body.contains("class=\"date\""));
}

#[test]
fn python_docx_reads_styles_headings_sections_footers_and_tables() {
    let Some(python) = tools::python_docx() else {
        return;
    };
    let out = Scratch::new("python-docx");
    ok(&compile_sample(&out));
    let json = output(
        Command::new(python)
            .arg("tests/compile/docx_check.py")
            .arg(out.0.join("report.docx")),
    );
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(d["title"], "关于2026年度全面推进美丽宁夏建设工作情况的报告");
    assert_eq!(d["first_paragraph_style"], "Title");
    let style = |name: &str| &d["styles"][name];
    assert_eq!(style("Title")["font"], "方正小标宋简体");
    assert_eq!(style("Title")["size"], 22.0);
    assert_eq!(style("Heading 1")["font"], "黑体");
    assert_eq!(style("Heading 2")["font"], "楷体_GB2312");
    assert_eq!(style("Heading 3")["font"], "仿宋_GB2312");
    assert_eq!(style("Heading 4")["font"], "仿宋_GB2312");
    for (name, level) in [
        ("Heading 1", "0"),
        ("Heading 2", "1"),
        ("Heading 3", "2"),
        ("Heading 4", "3"),
    ] {
        assert_eq!(style(name)["size"], 16.0, "{name} is 3号");
        assert_eq!(
            style(name)["outline"],
            level,
            "{name} is in the navigation pane"
        );
    }
    // A level-3 heading is bold 仿宋; a unit's lead-in is 楷体, so the two differ.
    assert_eq!(style("Heading 3")["bold"], true);
    assert_eq!(style("Lead In")["font"], "楷体_GB2312");
    assert_eq!(style("Lead In")["bold"], false);
    assert_eq!(style("Annex Title")["size"], 22.0);
    assert_eq!(style("footer")["font"], "宋体");
    assert_eq!(style("footer")["size"], 14.0);
    let headings: Vec<String> = d["headings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0] == "Heading 3")
        .map(|h| h[1].as_str().unwrap().to_string())
        .collect();
    let tasks = shipped_task_headings();
    assert_eq!(
        headings,
        [tasks.clone(), tasks].concat(),
        "body, then the 汇编"
    );
    assert_eq!(d["odd_and_even"], true);
    let sections = d["sections"].as_array().unwrap();
    let landscape: Vec<bool> = sections.iter().map(|s| s["landscape"] == true).collect();
    assert_eq!(landscape, [false, true, false]);
    for s in sections {
        let portrait = s["landscape"] == false;
        let (w, h) = if portrait {
            (210.0, 297.0)
        } else {
            (297.0, 210.0)
        };
        assert_eq!(
            (s["width_mm"].as_f64(), s["height_mm"].as_f64()),
            (Some(w), Some(h))
        );
        // A 156 × 225 mm text block, turned on landscape pages.
        let across = w - s["left_mm"].as_f64().unwrap() - s["right_mm"].as_f64().unwrap();
        let down = h - s["top_mm"].as_f64().unwrap() - s["bottom_mm"].as_f64().unwrap();
        let (want_across, want_down) = if portrait {
            (156.0, 225.0)
        } else {
            (225.0, 156.0)
        };
        assert!(
            (across - want_across).abs() < 0.2 && (down - want_down).abs() < 0.2,
            "{s}"
        );
        if portrait {
            assert_eq!(s["top_mm"], 37.0);
            assert_eq!(s["left_mm"], 28.0);
        }
        assert_eq!(s["odd_footer_page"], true);
        assert_eq!(s["even_footer_page"], true);
    }
    let tables = d["tables"].as_array().unwrap();
    // The eight trend charts stand two to a row in four borderless tables (with a Chinese
    // font on the machine, which CI installs; without one, charts are printed as tables and
    // the shapes below do not apply).
    if nianbao::writer::raster::cjk_font().is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install a Chinese font"
        );
        return;
    }
    let chart_tables = 4;
    assert_eq!(
        tables.len(),
        7 + chart_tables,
        "status by section, indicators, the charts, submissions, matrix, regions, projects and the 版记"
    );
    let tables: Vec<&serde_json::Value> = tables
        .iter()
        .enumerate()
        .filter(|(i, _)| !(2..2 + chart_tables).contains(i))
        .map(|(_, t)| t)
        .collect();
    let shape = |t: &serde_json::Value| (t["rows"].as_u64(), t["cols"].as_u64());
    assert_eq!(shape(tables[0]), (Some(9), Some(7)));
    assert_eq!(shape(tables[1]), (Some(9), Some(8)));
    assert_eq!(shape(tables[2]), (Some(32), Some(6)));
    assert_eq!(shape(tables[3]), (Some(29), Some(32)));
    assert_eq!(shape(tables[4]), (Some(7), Some(4)));
    assert_eq!(shape(tables[5]), (Some(11), Some(6)));
    for t in &tables[..6] {
        assert_eq!(t["header_repeats"], true);
    }
    // The charts are pictures python-docx finds: coverage and eight trends.
    assert_eq!(d["pictures"], 9);
    assert_eq!(tables[3]["header"][1], "自然资源厅");
}

#[test]
fn libreoffice_prints_the_word_file_with_every_text_and_the_layout() {
    let (Some(soffice), Some(())) = (tools::libreoffice(), tools::poppler()) else {
        return;
    };
    let out = Scratch::new("libreoffice");
    ok(&compile_sample(&out));
    let profile = out.0.join("lo-profile");
    output(
        Command::new(soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out.0)
            .arg(out.0.join("report.docx")),
    );
    let pdf = out.0.join("report.pdf");
    let sizes = page_sizes(&pdf);
    assert!(sizes.len() >= 10, "{} pages", sizes.len());
    assert!(sizes[0].0 < sizes[0].1, "portrait first page");
    assert!(
        sizes.iter().any(|(w, h)| w > h),
        "a landscape page for the matrix"
    );
    let pages = pdf_pages(&pdf, false);
    let body = pdf_body(&pages);
    assert!(body.starts_with(&squeeze("关于2026年度全面推进美丽宁夏建设工作情况的报告")));
    assert_pdf_conserves("docx via LibreOffice", &body);
    // Odd/even footers: "— n —" on every page, in order.
    let numbers = printed_page_numbers(&pages);
    let expected: Vec<Option<usize>> = (1..=pages.len()).map(Some).collect();
    assert_eq!(numbers, expected);
    // A full line holds 28 characters (the 156 mm block at 3号).
    let lengths: Vec<usize> = pages[1..6]
        .iter()
        .flat_map(|p| full_chinese_line_lengths(p))
        .collect();
    // (Lines of 12 pt notes hold 36; they are not body lines.)
    let body_lines: Vec<usize> = lengths.iter().copied().filter(|&n| n < 34).collect();
    assert_eq!(body_lines.iter().max(), Some(&28), "{lengths:?}");
}

/// The sample printed with `nianbao compile --format pdf`, once for all the PDF tests (in
/// Cargo's temporary folder for tests); `None` when the tools are missing outside CI.
fn sample_pdf() -> Option<&'static Path> {
    static PDF: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    PDF.get_or_init(|| {
        let browser = tools::chromium()?;
        tools::poppler()?;
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sample-pdf");
        let run = nianbao(
            ".",
            &[
                "compile",
                "--date",
                "2026-12-28",
                "--format",
                "html,pdf",
                "--browser",
                &browser,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        ok(&run);
        Some(out.join("report.pdf"))
    })
    .as_deref()
}

#[test]
fn the_pdf_is_a4_with_landscape_matrix_embedded_cjk_fonts_and_page_numbers_in_order() {
    let Some(pdf) = sample_pdf() else {
        return;
    };
    let sizes = page_sizes(pdf);
    assert!(sizes.len() >= 10, "only {} pages", sizes.len());
    assert_eq!(sizes[0], (594.96, 841.92), "A4 portrait");
    let landscape: Vec<usize> = (0..sizes.len())
        .filter(|&i| sizes[i] == (841.92, 594.96))
        .collect();
    assert!(
        !landscape.is_empty(),
        "the coverage matrix is on a landscape page"
    );

    // Every font is embedded and maps to Unicode (text can be searched and copied).
    // Chromium writes CFF-based CJK fonts (Noto CJK) as nameless Type 3 fonts, so the CJK
    // check is on the text itself: the body below is Chinese read back from the PDF.
    let fonts = output(Command::new("pdffonts").arg(pdf));
    let rows: Vec<Vec<&str>> = fonts
        .lines()
        .skip(2)
        .map(|r| r.split_whitespace().collect())
        .collect();
    assert!(!rows.is_empty(), "{fonts}");
    for r in &rows {
        let n = r.len();
        assert_eq!(
            (r[n - 5], r[n - 3]),
            ("yes", "yes"),
            "embedded with a Unicode map: {fonts}"
        );
    }

    let pages = pdf_pages(pdf, false);
    let expected: Vec<Option<usize>> = (1..=pages.len()).map(Some).collect();
    assert_eq!(printed_page_numbers(&pages), expected);
    let body = pdf_body(&pages);
    // The charts are drawn with their Chinese labels as text: a legend in each of the eight
    // trend charts, the axis unit of the coverage chart.
    assert_eq!(body.matches("实际值").count(), 8, "trend legends");
    assert!(body.contains(&squeeze("2027年目标（参考值）")));
    assert!(body.contains(&squeeze("单位：%")));
    let title = squeeze("关于2026年度全面推进美丽宁夏建设工作情况的报告");
    assert_eq!(body.matches(&title).count(), 1, "the title once");
    assert_pdf_conserves("pdf", &body);
    // 28 characters to a full line: 156 mm at 16 pt holds 27 without the tightened pitch.
    let lengths: Vec<usize> = pages[1..6]
        .iter()
        .flat_map(|p| full_chinese_line_lengths(p))
        .collect();
    // (Lines of 12 pt notes hold 36; they are not body lines.)
    let body_lines: Vec<usize> = lengths.iter().copied().filter(|&n| n < 34).collect();
    assert_eq!(body_lines.iter().max(), Some(&28), "{lengths:?}");
    // The 版记 is on the last page, after everything else.
    assert!(pages.last().unwrap().contains("印发"));
    // The body, before 附件1, is a consolidated draft of at most 17 pages: the 14 pages of
    // issue 10 and 二、主要目标指标完成情况 (the table and eight trend charts, three pages);
    // every account is in the annexes (checked above).
    // (-raw text puts the page number first.)
    let annex1 = pages
        .iter()
        .position(|p| p.lines().take(2).any(|l| l.trim() == "附件1"))
        .expect("a page starts with 附件1");
    assert!(annex1 <= 17, "the body runs to {annex1} pages");
    // Regression: the 附件 list broke across two pages; it is kept on one.
    let list = pages
        .iter()
        .find(|p| squeeze(p).contains("附件：1.报送情况统计表"))
        .expect("the 附件 list is printed");
    assert!(
        squeeze(list).contains("7.各地区各部门工作概况"),
        "the 附件 list runs onto the next page"
    );
}

/// Words of a PDF page with their boxes, from pdftotext -bbox.
fn words(pdf: &Path, page: usize) -> Vec<(String, f64, f64, f64, f64)> {
    let html = output(
        Command::new("pdftotext")
            .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(pdf)
            .arg("-"),
    );
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("word").unwrap();
    doc.select(&sel)
        .map(|w| {
            let n = |a: &str| w.value().attr(a).unwrap().parse::<f64>().unwrap();
            (
                w.text().collect(),
                n("xmin"),
                n("ymin"),
                n("xmax"),
                n("ymax"),
            )
        })
        .collect()
}

#[test]
fn printed_tables_keep_titles_off_the_marks_and_unit_names_whole() {
    let Some(pdf) = sample_pdf() else {
        return;
    };
    let sizes = page_sizes(pdf);
    let first_landscape = sizes.iter().position(|(w, h)| w > h).unwrap() + 1;
    // 附件2: every task title ends left of the first column of marks.
    let w = words(pdf, first_landscape);
    let top = w
        .iter()
        .find(|(t, ..)| t.starts_with("1.优化"))
        .map(|(_, _, y, ..)| *y)
        .expect("task 1 is on the matrix page");
    let is_mark = |t: &str| t.chars().all(|c| "★☆●○＋".contains(c));
    let first_mark = w
        .iter()
        .filter(|(t, _, y, ..)| *y >= top - 1.0 && is_mark(t))
        .map(|(_, x, ..)| *x)
        .fold(f64::MAX, f64::min);
    // The table's rows end at the last mark; the page number below them is not a title.
    let bottom = w
        .iter()
        .filter(|(t, ..)| is_mark(t))
        .map(|(.., y1)| *y1)
        .fold(0.0, f64::max);
    for (t, _, y, x1, _) in &w {
        if *y >= top - 1.0 && *y <= bottom && !is_mark(t) {
            assert!(
                *x1 <= first_mark + 0.5,
                "{t:?} runs under the marks ({x1} > {first_mark})"
            );
        }
    }
    // 附件5: unit names never break inside the name.
    let pages = pdf_pages(pdf, true);
    let projects = pages
        .iter()
        .rev()
        .find(|p| p.contains("重大工程进展表"))
        .unwrap();
    for unit in [
        "自然资源厅",
        "生态环境厅",
        "发展改革委",
        "林业和草原局",
        "宁东基地",
    ] {
        assert!(
            projects.contains(unit),
            "{unit} is split in 附件5:\n{projects}"
        );
    }
    // Annex titles are 2号 (22 pt) like the document's title; body type is 16 pt.
    let annex = pages
        .iter()
        .position(|p| p.contains("报送情况统计表"))
        .unwrap()
        + 1;
    let (_, _, y0, _, y1) = words(pdf, annex)
        .into_iter()
        .find(|(t, ..)| t.contains("报送情况统计表"))
        .unwrap();
    assert!(y1 - y0 > 20.0, "annex title is {:.1} pt high", y1 - y0);
}

/// A stand-in browser: answers --version as `version`, and prints by writing a tiny PDF,
/// or with FAKE_HANG set, by waiting until it is killed. It writes its pid and profile
/// folder to $FAKE_LOG.
#[cfg(unix)]
fn fake_browser(dir: &Path, version: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-chromium");
    let script = format!(
        "#!/bin/sh\n\
         case \"$1\" in --version) echo \"Chromium {version}\"; exit 0;; esac\n\
         for a in \"$@\"; do case \"$a\" in --print-to-pdf=*) out=\"${{a#--print-to-pdf=}}\";; --user-data-dir=*) prof=\"${{a#--user-data-dir=}}\";; esac; done\n\
         mkdir -p \"$prof\"\n\
         echo \"$$ $prof\" > \"$FAKE_LOG\"\n\
         if [ -n \"$FAKE_HANG\" ]; then exec sleep 300; fi\n\
         printf '%%PDF-1.4 fake' > \"$out\"\n"
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[cfg(unix)]
#[test]
fn an_old_browser_is_named_and_still_prints() {
    let dir = Scratch::new("old-browser");
    let browser = fake_browser(&dir.0, "120.0.6099.109");
    let out = dir.0.join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir("tests/fixtures/compile")
        .args(["--year", "2025"])
        .args([
            "--plan",
            "../clean/plan",
            "compile",
            "--format",
            "pdf",
            "--browser",
        ])
        .arg(&browser)
        .arg("--out")
        .arg(&out)
        .env("FAKE_LOG", dir.0.join("log"))
        .output()
        .unwrap();
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("版本是 120，低于 131") && stderr.contains("页码"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("report.pdf")).unwrap(),
        b"%PDF-1.4 fake"
    );
    // The throw-away profile is gone.
    let log = std::fs::read_to_string(dir.0.join("log")).unwrap();
    let profile = log.split_whitespace().nth(1).unwrap();
    assert!(!Path::new(profile).exists(), "{profile} left behind");
}

#[test]
fn without_a_browser_the_other_formats_are_written_and_the_run_exits_2() {
    let out = Scratch::new("no-browser");
    let run = nianbao(
        "tests/fixtures/compile",
        &[
            "--plan",
            "../clean/plan",
            "compile",
            "--format",
            "md,pdf,docx",
            "--browser",
            "/no/such/browser",
            "--out",
            out.0.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("找不到 --browser 指定的浏览器"), "{stderr}");
    assert!(out.0.join("report.md").is_file() && out.0.join("report.docx").is_file());
    assert!(!out.0.join("report.pdf").exists());
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_printing_stops_the_browser_and_leaves_nothing() {
    use std::time::{Duration, Instant};
    let dir = Scratch::new("interrupt");
    let browser = fake_browser(&dir.0, "156.0.1.2");
    let out = dir.0.join("out");
    let log = dir.0.join("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir("tests/fixtures/compile")
        .args(["--year", "2025"])
        .args([
            "--plan",
            "../clean/plan",
            "compile",
            "--format",
            "md,html,pdf",
            "--browser",
        ])
        .arg(&browser)
        .arg("--out")
        .arg(&out)
        .env("FAKE_LOG", &log)
        .env("FAKE_HANG", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !log.exists() || std::fs::read_to_string(&log).unwrap().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the browser never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    let mut fields = logged.split_whitespace();
    let (pid, profile) = (
        fields.next().unwrap().to_string(),
        fields.next().unwrap().to_string(),
    );
    assert!(Path::new(&profile).exists());
    output(Command::new("kill").args(["-INT", &child.id().to_string()]));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "nianbao did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success());
    let alive = Command::new("kill")
        .args(["-0", &pid])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(!alive, "the browser (pid {pid}) was left running");
    assert!(
        !Path::new(&profile).exists(),
        "the profile {profile} was left behind"
    );
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in the output folder: {left:?}");
}

#[test]
fn hostile_text_prints_as_text_and_the_pdf_repeats_its_text_and_pages() {
    let Some(browser) = tools::chromium() else {
        return;
    };
    if tools::poppler().is_none() {
        return;
    }
    let print = |out: &Scratch| {
        ok(&compile_fixture(
            out,
            &["--format", "pdf", "--browser", &browser],
        ));
        let pdf = out.0.join("report.pdf");
        (pdf_pages(&pdf, false), page_sizes(&pdf))
    };
    let (a, b) = (Scratch::new("pdf-hostile-a"), Scratch::new("pdf-hostile-b"));
    let (pages, sizes) = print(&a);
    let body = pdf_body(&pages);
    for piece in HOSTILE {
        assert!(
            body.contains(&squeeze(piece)),
            "{piece:?} not printed as text"
        );
    }
    // The browser stamps its own creation time, so the bytes differ; text and pages do not.
    assert_eq!(print(&b), (pages, sizes));
}
