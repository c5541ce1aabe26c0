//! Writing output files safely: a temporary file in the target folder, renamed into place,
//! so a failed or concurrent run never leaves a half-written document.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::interrupt;
use crate::source::{display_path, io_reason, write_reason};

/// Writes `contents` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    stage(path, |w| Ok(w.write_all(contents)?))?.commit()
}

/// Writes a new file atomically; fails if `path` exists, even if it appears meanwhile.
pub fn write_new(path: &Path, contents: &[u8]) -> Result<()> {
    stage(path, |w| Ok(w.write_all(contents)?))?.commit_new()
}

/// A finished file waiting in a temporary file beside its target. Dropping it without
/// committing removes the temporary file, leaving the target as it was.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Writes a file's content (streamed by `fill`) into a temporary file in the target folder.
pub fn stage(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建输出文件夹 {}", display_path(dir)))?;
    sweep_stale(dir);
    // The owning process's id is in the name, so a later run can tell a dead run's leftovers
    // from a concurrent run's files.
    let tmp = interrupt::create_temporary(
        || {
            tempfile::Builder::new()
                .prefix(&format!(".nianbao-{}-", std::process::id()))
                .tempfile_in(dir)
        },
        |t| t.path(),
    )
    .with_context(|| format!("无法在 {} 中写入文件", display_path(dir)))?;
    // Temporary files are private (0600); a report is for the whole office to read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("无法设置 {} 的权限", display_path(path)))?;
    }
    let mut w = std::io::BufWriter::new(tmp.as_file());
    // A failed write names the file and why, never the template or the format.
    let failed = |e: std::io::Error| {
        anyhow::anyhow!("写入 {} 失败：{}", display_path(path), write_reason(&e))
    };
    fill(&mut w).map_err(|e| e.downcast::<std::io::Error>().map_or_else(|e| e, failed))?;
    w.flush().map_err(failed)?;
    drop(w);
    tmp.as_file().sync_all().map_err(failed)?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Renames the file into place, replacing any file of that name.
    pub fn commit(self) -> Result<()> {
        let (tmp, path) = (self.tmp, self.path);
        let temporary = tmp.path().to_path_buf();
        let done = tmp.persist(&path).map_err(|e| e.error);
        interrupt::forget_temporary(&temporary);
        done.with_context(|| format!("无法保存 {}", display_path(&path)))?;
        Ok(())
    }

    /// Renames the file into place only if no file of that name exists.
    pub fn commit_new(self) -> Result<()> {
        let (tmp, path) = (self.tmp, self.path);
        let temporary = tmp.path().to_path_buf();
        let done = tmp.persist_noclobber(&path).map_err(|e| e.error);
        interrupt::forget_temporary(&temporary);
        done.with_context(|| format!("无法保存 {}", display_path(&path)))?;
        Ok(())
    }

    /// Where the file will go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Puts a run's staged files in place, all or none: every target that exists is first
/// opened for writing, so a document held open by Word or WPS (a sharing violation on
/// Windows), a read-only file or a folder in the way stops the run before anything is
/// renamed — the Markdown and HTML are never new while the Word file is old. Returns the
/// paths written, in order.
pub fn commit_all(staged: Vec<Staged>) -> Result<Vec<PathBuf>> {
    for s in &staged {
        replaceable(&s.path)?;
    }
    let mut written = Vec::with_capacity(staged.len());
    for s in staged {
        let path = s.path.clone();
        s.commit()?;
        written.push(path);
    }
    Ok(written)
}

/// Whether an existing file can be replaced; a missing one always can.
fn replaceable(path: &Path) -> Result<()> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) => {
            // ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33): open in another
            // program.
            let held = cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33));
            let why = if held {
                "文件正被其他程序（如 Word、WPS 或浏览器）打开，请先关闭它".to_string()
            } else {
                io_reason(&e)
            };
            anyhow::bail!(
                "无法替换 {}：{why}。本次没有写入任何文件，原有文件保持不变",
                display_path(path)
            )
        }
    }
}

/// Removes temporary files that runs which no longer exist left in `dir` (killed, or
/// interrupted before the clean-up could run). Files of a run that is still going, and files
/// whose owner cannot be told, are left alone.
fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(".nianbao-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && process_is_gone(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether no process with this id exists (Unix). Elsewhere nothing is known for sure, so
/// nothing is swept.
fn process_is_gone(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        !alive && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (#12, item 9): a full disk was reported as a template error.
    #[test]
    fn a_full_disk_names_the_file_and_says_the_disk_may_be_full() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        let result = stage(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull).into())
        });
        let message = format!("{:#}", result.err().unwrap());
        assert!(message.contains("report.md"), "{message}");
        assert!(message.contains("磁盘可能已满"), "{message}");
        assert!(!message.contains("模板"), "{message}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "nothing is left behind");
    }

    /// Regression (#14): a target that cannot be replaced (held open by Word on Windows;
    /// here a folder in its place) left the other formats renamed and that one old.
    #[test]
    fn when_one_target_cannot_be_replaced_none_is() {
        let dir = tempfile::tempdir().unwrap();
        let md = dir.path().join("report.md");
        let docx = dir.path().join("report.docx");
        std::fs::write(&md, "old").unwrap();
        std::fs::create_dir(&docx).unwrap();
        let staged = vec![
            stage(&md, |w| Ok(w.write_all(b"new")?)).unwrap(),
            stage(&docx, |w| Ok(w.write_all(b"new")?)).unwrap(),
        ];
        let message = format!("{:#}", commit_all(staged).unwrap_err());
        assert!(message.contains("report.docx"), "{message}");
        assert!(message.contains("没有写入任何文件"), "{message}");
        assert_eq!(std::fs::read_to_string(&md).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(".nianbao-"))
            .collect();
        assert!(names.is_empty(), "temporary files are removed: {names:?}");
    }

    #[test]
    fn writes_and_replaces_without_leaving_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/report.md");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["report.md"]);
    }
}
