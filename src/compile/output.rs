//! Writing output files safely: a temporary file in the target folder, renamed into place,
//! so a failed or concurrent run never leaves a half-written document.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::source::display_path;

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
    let tmp = tempfile::Builder::new()
        .prefix(".nianbao-")
        .tempfile_in(dir)
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
    fill(&mut w)?;
    w.flush()
        .with_context(|| format!("写入 {} 失败", display_path(path)))?;
    drop(w);
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("写入 {} 失败", display_path(path)))?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Renames the file into place, replacing any file of that name.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp
            .persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("无法保存 {}", display_path(&path)))?;
        Ok(())
    }

    /// Renames the file into place only if no file of that name exists.
    pub fn commit_new(self) -> Result<()> {
        let path = self.path;
        self.tmp
            .persist_noclobber(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("无法保存 {}", display_path(&path)))?;
        Ok(())
    }

    /// Where the file will go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
