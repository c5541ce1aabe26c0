//! Programs the external checks need. Under CI (CI=true, where `.ci/run` installs them) a
//! missing one fails the test; elsewhere the test is skipped with a notice.

use std::process::Command;

/// The first candidate that runs with `probe` as its argument.
fn find(candidates: &[&str], probe: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|c| {
            Command::new(c)
                .args(probe)
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|c| c.to_string())
}

/// A program, or `None` (skip) outside CI; under CI its absence fails the test.
pub fn tool(candidates: &[&str], probe: &[&str], what: &str) -> Option<String> {
    let found = find(candidates, probe);
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "{what} is required under CI (.ci/run installs it)");
        eprintln!("skipped: {what} not installed (.ci/run installs it)");
    }
    found
}

pub fn chromium() -> Option<String> {
    tool(
        &["chromium", "chromium-browser", "google-chrome"],
        &["--version"],
        "Chromium",
    )
}

pub fn poppler() -> Option<()> {
    for t in ["pdfinfo", "pdftotext", "pdffonts"] {
        tool(&[t], &["-v"], &format!("poppler-utils ({t})"))?;
    }
    Some(())
}

pub fn pandoc() -> Option<String> {
    tool(&["pandoc"], &["--version"], "pandoc")
}

pub fn python_docx() -> Option<String> {
    tool(
        &["python3"],
        &["-c", "import docx"],
        "python-docx (pip install python-docx)",
    )
}

pub fn libreoffice() -> Option<String> {
    tool(&["soffice", "libreoffice"], &["--version"], "LibreOffice")
}

/// Runs a program and returns its standard output, failing the test if it fails.
pub fn output(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the program runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
