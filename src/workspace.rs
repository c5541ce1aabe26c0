//! Where the inputs live: the plan file, the reports folder, and the year to work on.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::diag::Diagnostic;
use crate::plan::{Plan, load_plan};
use crate::source::{SourceFile, display_path, io_reason};

/// Error for inputs that cannot be used at all (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// Lists a folder, naming it in the error a user sees (exit code 2).
fn read_folder(dir: &Path) -> Result<std::fs::ReadDir> {
    std::fs::read_dir(dir).map_err(|e| {
        usage(format!(
            "无法读取文件夹 {}：{}",
            display_path(dir),
            io_reason(&e)
        ))
    })
}

/// Finds the plan file: the given path (a file, or a folder holding one `.toml`), or `plan/`.
pub fn find_plan(given: Option<&Path>) -> Result<PathBuf> {
    let path = given.unwrap_or(Path::new("plan"));
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if !path.is_dir() {
        return Err(usage(format!(
            "找不到方案文件 {}：请在项目文件夹（含 plan/ 和 reports/）中运行，或用 --plan 指定方案文件",
            display_path(path)
        )));
    }
    let mut tomls: Vec<PathBuf> = read_folder(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    tomls.sort();
    match tomls.len() {
        1 => Ok(tomls.remove(0)),
        0 => Err(usage(format!(
            "{} 中没有方案文件（.toml）",
            display_path(path)
        ))),
        _ => Err(usage(format!(
            "{} 中有多个方案文件（{}），请用 --plan 指定其中一个",
            display_path(path),
            tomls
                .iter()
                .map(|p| display_path(p))
                .collect::<Vec<_>>()
                .join("、")
        ))),
    }
}

/// Reads the plan. Returns the plan (if usable) and its findings; an unreadable file is an error.
pub fn read_plan(path: &Path) -> Result<(Option<Plan>, Vec<Diagnostic>)> {
    let (src, note) = SourceFile::read(path).map_err(|d| {
        usage(format!(
            "无法读取方案文件 {}：{}",
            display_path(path),
            d.message
        ))
    })?;
    let (plan, mut diags) = load_plan(&src);
    diags.splice(0..0, note);
    Ok((plan, diags))
}

/// The year folders under the reports folder, sorted.
pub fn years(reports: &Path) -> Result<Vec<i32>> {
    let entries = read_folder(reports)?;
    let mut years: Vec<i32> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .filter(|y| (2000..=2100).contains(y))
        .collect();
    years.sort();
    Ok(years)
}

/// The year to work on: the one given, or the latest year folder.
pub fn pick_year(reports: &Path, given: Option<i32>) -> Result<i32> {
    if let Some(y) = given {
        return Ok(y);
    }
    match years(reports)?.last() {
        Some(&y) => Ok(y),
        None => bail!(UsageError(format!(
            "{} 中没有年度文件夹（如 2026/），请用 --year 指定年度",
            display_path(reports)
        ))),
    }
}

/// The report files of a year, sorted by name. A missing folder means no reports yet.
pub fn report_files(reports: &Path, year: i32) -> Result<Vec<PathBuf>> {
    let dir = reports.join(year.to_string());
    if !dir.exists() {
        return Ok(Vec::new());
    }
    yaml_files(&dir)
}

/// The `.yaml`/`.yml` files directly in a folder, sorted by name.
pub fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = read_folder(dir)?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        })
        .collect();
    files.sort();
    Ok(files)
}
