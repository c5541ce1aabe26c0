//! Printing the HTML with a real browser: headless Chromium makes a PDF, poppler reads it.
//! Under CI (CI=true) a missing browser or poppler fails the test; locally it is skipped
//! with a notice.

use std::path::Path;
use std::process::Command;

use super::{Scratch, compile_sample, shipped_task_headings};

fn find(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|c| {
            // Chromium answers --version; poppler's tools answer -v.
            let flag = if c.starts_with("pdf") {
                "-v"
            } else {
                "--version"
            };
            Command::new(c)
                .arg(flag)
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|c| c.to_string())
}

fn tool(candidates: &[&str], what: &str) -> Option<String> {
    let found = find(candidates);
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "{what} is required under CI (.ci/run installs it)");
        eprintln!("skipped: {what} not installed (.ci/run installs it)");
    }
    found
}

fn print_to_pdf(chromium: &str, html: &Path, pdf: &Path, profile: &Path) {
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(pdf.is_file(), "chromium wrote no PDF");
}

#[test]
fn chromium_prints_the_sample_as_an_a4_document_with_page_numbers() {
    let Some(chromium) = tool(
        &["chromium", "chromium-browser", "google-chrome"],
        "Chromium",
    ) else {
        return;
    };
    let (Some(pdfinfo), Some(pdftotext)) = (
        tool(&["pdfinfo"], "poppler-utils (pdfinfo)"),
        tool(&["pdftotext"], "poppler-utils (pdftotext)"),
    ) else {
        return;
    };
    let out = Scratch::new("browser");
    compile_sample(&out);
    let html = std::fs::canonicalize(out.0.join("report.html")).unwrap();
    let pdf = out.0.join("report.pdf");
    print_to_pdf(&chromium, &html, &pdf, &out.0.join("profile"));

    let info = Command::new(&pdfinfo)
        .arg("-f")
        .arg("1")
        .arg("-l")
        .arg("999")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports the page count");
    assert!(pages >= 10, "only {pages} pages");
    let sizes: Vec<&str> = info.lines().filter(|l| l.contains(" size:")).collect();
    assert!(
        sizes[0].contains("594.96 x 841.92") && sizes[0].contains("(A4)"),
        "{}",
        sizes[0]
    );
    assert!(
        sizes.iter().any(|s| s.contains("841.92 x 594.96")),
        "the coverage matrix is on a landscape page"
    );

    let text = Command::new(&pdftotext)
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("关于2026年度全面推进美丽宁夏建设工作情况的报告"),
        "title not in the PDF"
    );
    for heading in shipped_task_headings() {
        assert!(text.contains(&heading), "{heading} not in the PDF");
    }
    for n in [1, 2, pages] {
        assert!(
            text.contains(&format!("—{n}—")),
            "page number — {n} — not printed"
        );
    }
}
