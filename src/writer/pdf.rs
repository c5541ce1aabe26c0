//! PDF, printed from the print page ([`super::html`]) by a Chromium-family browser found on
//! the machine: Edge (on every Windows 10/11 machine), Chrome or Chromium, or `--browser`.
//! The browser runs headless with a throw-away profile and a time limit, and is stopped and
//! its profile removed on every way out, Ctrl-C included.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::document::Document;
use crate::interrupt;
use crate::source::display_path;
use crate::writer::{Options, Writer, html};

/// The PDF writer.
pub const WRITER: Writer = Writer {
    name: "pdf",
    extension: "pdf",
    write,
};

/// The first Chromium version that prints `@page` margin boxes (the page numbers).
pub const MARGIN_BOXES_SINCE: u32 = 131;

/// How long the browser may take to print: five minutes, and a second more for every
/// 10 kB of page (a national roll-up prints thousands of pages).
fn time_limit(page: &str) -> Duration {
    Duration::from_secs(300 + page.len() as u64 / 10_000)
}

/// No browser to print with: the other formats are still written.
#[derive(Debug)]
pub struct MissingTool(pub String);

impl std::fmt::Display for MissingTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MissingTool {}

fn write(doc: &Document, options: &Options, w: &mut dyn Write) -> Result<()> {
    let browser = find_browser(options.browser.as_deref())?;
    if let Some(v) = version(&browser)
        && v < MARGIN_BOXES_SINCE
    {
        eprintln!(
            "注意：浏览器 {} 的版本是 {v}，低于 {MARGIN_BOXES_SINCE}，打印出的 PDF 不会有页码。请升级浏览器，或用 --browser 指定较新的浏览器。",
            display_path(&browser)
        );
    }
    let pdf = print(&browser, &html::render(doc))?;
    w.write_all(&pdf)?;
    Ok(())
}

/// Program names looked up on PATH, most likely first for the platform.
fn names() -> &'static [&'static str] {
    if cfg!(windows) {
        &["msedge.exe", "chrome.exe", "chromium.exe"]
    } else {
        &[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
            "microsoft-edge",
            "microsoft-edge-stable",
        ]
    }
}

/// Where browsers are usually installed.
fn usual_places() -> Vec<PathBuf> {
    let mut places = Vec::new();
    if cfg!(windows) {
        let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
        for (base, rel) in [
            (
                "ProgramFiles(x86)",
                r"Microsoft\Edge\Application\msedge.exe",
            ),
            ("ProgramFiles", r"Microsoft\Edge\Application\msedge.exe"),
            ("ProgramFiles", r"Google\Chrome\Application\chrome.exe"),
            ("ProgramFiles(x86)", r"Google\Chrome\Application\chrome.exe"),
            ("LOCALAPPDATA", r"Google\Chrome\Application\chrome.exe"),
            ("LOCALAPPDATA", r"Chromium\Application\chrome.exe"),
        ] {
            if let Some(b) = env(base) {
                places.push(b.join(rel));
            }
        }
    } else {
        for p in [
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
            "/usr/bin/microsoft-edge",
            "/snap/bin/chromium",
            "/opt/google/chrome/chrome",
            "/opt/microsoft/msedge/msedge",
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
        ] {
            places.push(PathBuf::from(p));
        }
    }
    places
}

/// The browser to print with: `--browser`, else the first found on PATH or in its usual place.
pub fn find_browser(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(p.to_path_buf());
        }
        if let Some(found) = lookup(std::env::var_os("PATH").as_deref(), &[p.as_os_str()], &[]) {
            return Ok(found);
        }
        return Err(MissingTool(format!(
            "找不到 --browser 指定的浏览器：{}。请写出浏览器程序的完整位置。",
            display_path(p)
        ))
        .into());
    }
    let names: Vec<&OsStr> = names().iter().map(OsStr::new).collect();
    lookup(std::env::var_os("PATH").as_deref(), &names, &usual_places()).ok_or_else(|| {
        MissingTool(
            "没有写出 PDF：本机找不到可用于打印的浏览器（Microsoft Edge、Google Chrome 或 Chromium）。\
             请安装其中之一（Windows 10/11 自带 Edge），或用 --browser 指定浏览器程序的位置，\
             例如 --browser \"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\"。"
                .to_string(),
        )
        .into()
    })
}

/// The first of `names` in a folder of `path`, else the first of `places` that exists.
fn lookup(path: Option<&OsStr>, names: &[&OsStr], places: &[PathBuf]) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .chain(places.iter().cloned())
        .find(|p| p.is_file())
}

/// The browser's major version: from `--version`, or on Windows, where the browsers print
/// nothing, from the version-named folder beside the program.
pub fn version(browser: &Path) -> Option<u32> {
    let from_output = run_quietly(
        Command::new(browser).arg("--version"),
        Duration::from_secs(20),
    )
    .and_then(|out| major(&out));
    from_output.or_else(|| {
        let dir = browser.parent()?;
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| major(&e.file_name().to_string_lossy()))
            .max()
    })
}

/// The major number of the first dotted version in a text ("Chromium 156.0.8078.73").
fn major(text: &str) -> Option<u32> {
    text.split(|c: char| c.is_whitespace())
        .find(|w| {
            let mut parts = w.split('.');
            parts.clone().count() >= 2
                && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .and_then(|w| w.split('.').next()?.parse().ok())
}

/// Runs a command for its standard output, giving up after `limit`.
fn run_quietly(cmd: &mut Command, limit: Duration) -> Option<String> {
    let out = tempfile::tempfile().ok()?;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone().ok()?)
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut child = Running(child);
    let start = Instant::now();
    loop {
        match child.0.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
    use std::io::{Read, Seek};
    let mut out = out;
    out.rewind().ok()?;
    let mut text = String::new();
    out.read_to_string(&mut text).ok()?;
    Some(text)
}

/// A child process that is stopped when this value goes away, whatever the way out.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Prints an HTML page to PDF and returns the PDF's bytes.
pub fn print(browser: &Path, page: &str) -> Result<Vec<u8>> {
    let work = tempfile::Builder::new()
        .prefix("nianbao-pdf-")
        .tempdir()
        .context("无法创建打印 PDF 用的临时文件夹")?;
    let result = print_in(browser, page, work.path());
    // The browser is gone by now; its profile goes with the folder. On Windows a helper may
    // still hold a file for a moment, so try a few times.
    for _ in 0..20 {
        if std::fs::remove_dir_all(work.path()).is_ok() || !work.path().exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    result
}

fn print_in(browser: &Path, page: &str, work: &Path) -> Result<Vec<u8>> {
    let html = work.join("report.html");
    let pdf = work.join("report.pdf");
    let log = work.join("browser.log");
    std::fs::write(&html, page).context("无法写出打印用的页面")?;
    let mut profile = OsString::from("--user-data-dir=");
    profile.push(work.join("profile"));
    let mut target = OsString::from("--print-to-pdf=");
    target.push(&pdf);
    let log_file = std::fs::File::create(&log).context("无法写出浏览器日志")?;
    let watch = interrupt::watch();
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-pdf-header-footer",
        ])
        .arg(profile)
        .arg(target)
        .arg(file_url(&html))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .with_context(|| format!("无法启动浏览器 {}", display_path(browser)))?;
    let mut child = Running(child);
    let start = Instant::now();
    let limit = time_limit(page);
    let status = loop {
        if let Some(status) = child.0.try_wait()? {
            break status;
        }
        if interrupt::interrupted() {
            drop(child);
            bail!("已中断：浏览器已关闭，PDF 和其他文件都没有写出");
        }
        if start.elapsed() > limit {
            drop(child);
            bail!(
                "浏览器 {} 在 {} 秒内没有打印完成，已停止；PDF 没有写出",
                display_path(browser),
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(watch);
    match std::fs::read(&pdf) {
        Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = said.lines().rev().take(5).collect();
            bail!(
                "浏览器 {} 没有打印出 PDF（{}）{}",
                display_path(browser),
                status,
                if tail.is_empty() {
                    String::new()
                } else {
                    format!(
                        "：{}",
                        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
                    )
                }
            )
        }
    }
}

/// A `file:` URL for a local path, with every byte outside the unreserved set percent-encoded
/// (temporary folders may have Chinese or spaces in them).
fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from(if text.starts_with('/') {
        "file://"
    } else {
        "file:///"
    });
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_what_browsers_print() {
        assert_eq!(major("Chromium 156.0.8078.73 built on Debian"), Some(156));
        assert_eq!(major("Google Chrome 120.0.6099.109"), Some(120));
        assert_eq!(major("Microsoft Edge 131.0.2903.86 "), Some(131));
        assert_eq!(major("120.0.2210.91"), Some(120));
        assert_eq!(major("no version here"), None);
    }

    #[test]
    fn lookup_takes_path_before_usual_places() {
        let dir = tempfile::tempdir().unwrap();
        let on_path = dir.path().join("bin");
        std::fs::create_dir_all(&on_path).unwrap();
        std::fs::write(on_path.join("chromium"), "").unwrap();
        let place = dir.path().join("opt-chrome");
        std::fs::write(&place, "").unwrap();
        let path = std::env::join_paths([on_path.clone()]).unwrap();
        let names = [OsStr::new("chromium")];
        assert_eq!(
            lookup(Some(&path), &names, std::slice::from_ref(&place)),
            Some(on_path.join("chromium"))
        );
        assert_eq!(
            lookup(None, &names, std::slice::from_ref(&place)),
            Some(place)
        );
        assert_eq!(lookup(None, &names, &[dir.path().join("none")]), None);
    }

    #[test]
    fn file_urls_encode_spaces_and_chinese() {
        assert_eq!(
            file_url(Path::new("/tmp/年报 1/r.html")),
            "file:///tmp/%E5%B9%B4%E6%8A%A5%201/r.html"
        );
        assert_eq!(
            file_url(Path::new(r"C:\Users\张\r.html")),
            "file:///C:/Users/%E5%BC%A0/r.html"
        );
    }
}
