//! Where the inputs live: the plan file, the reports folder, and the year to work on.

use std::path::{Path, PathBuf};

use anyhow::Result;

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

/// Finds the plan file. Given a path (`--plan`): that file, or the one `.toml` in that
/// folder. Otherwise a `plan/` folder, looked for in order: in each of `near` and the
/// folders above it (the folders of the files being checked, so a unit can check its
/// report from anywhere inside a copy of the project), in the working folder, and beside
/// the program itself (a bundle that ships the plan next to `nianbao.exe`).
pub fn find_plan(given: Option<&Path>, near: &[&Path]) -> Result<PathBuf> {
    if let Some(path) = given {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        if !path.is_dir() {
            return Err(usage(format!(
                "找不到 --plan 指定的方案文件 {}",
                display_path(path)
            )));
        }
        return plan_in(path);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut places: Vec<PathBuf> = Vec::new();
    for start in near {
        let start = if start.as_os_str().is_empty() {
            cwd.clone()
        } else {
            cwd.join(start)
        };
        places.extend(start.ancestors().map(Path::to_path_buf));
    }
    places.push(cwd.clone());
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf));
    places.extend(exe_dir.clone());
    for dir in &places {
        let folder = dir.join("plan");
        if folder.is_dir() {
            return plan_in(&relative_to(&folder, &cwd));
        }
    }
    let mut looked = Vec::new();
    if !near.is_empty() {
        looked.push("所查文件所在的文件夹及其上级文件夹".to_string());
    }
    looked.push(format!("当前文件夹 {}", display_path(&cwd)));
    if let Some(e) = exe_dir {
        looked.push(format!("程序所在的文件夹 {} ", display_path(&e)));
    }
    Err(usage(format!(
        "找不到方案文件：{}中都没有 plan 文件夹。请在项目文件夹（含 plan/ 和 reports/）中运行，或用 --plan 指定方案文件",
        looked.join("、")
    )))
}

/// A path shown relative to the working folder where it lies inside it.
fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    path.strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The one `.toml` in a plan folder.
fn plan_in(path: &Path) -> Result<PathBuf> {
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

/// Names Windows reserves for devices, whatever the extension: `NUL.yaml` is the device.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Whether a name is one Windows reserves for a device (`con`, `NUL.txt`, `com1`).
pub fn is_reserved_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

/// A file name made from text (a unit's name, say) that is valid on Windows as well as
/// Linux: characters Windows forbids become `_`, trailing dots and spaces (which Windows
/// drops) are removed, and a reserved device name gets a `_` in front.
pub fn safe_file_name(text: &str) -> String {
    let mut name: String = text
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    while name.ends_with(['.', ' ']) {
        name.pop();
    }
    if name.is_empty() {
        name.push('_');
    }
    if is_reserved_name(&name) {
        name.insert(0, '_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_valid_on_windows() {
        assert_eq!(safe_file_name("水利厅-提醒.md"), "水利厅-提醒.md");
        assert_eq!(safe_file_name("a/b:c*?"), "a_b_c__");
        assert_eq!(safe_file_name("报告. ."), "报告");
        assert_eq!(safe_file_name("CON.md"), "_CON.md");
        assert_eq!(safe_file_name("nul"), "_nul");
        assert_eq!(safe_file_name("console.md"), "console.md");
        assert!(is_reserved_name("com1.yaml") && is_reserved_name("Lpt9"));
        assert!(!is_reserved_name("com10") && !is_reserved_name("connect"));
    }
}
