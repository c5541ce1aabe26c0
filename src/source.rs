//! Reading input files into text: encodings, byte offsets, and line/column positions.
//!
//! Every position a diagnostic shows is computed here, from byte offsets into the
//! decoded text, so a GBK file and its UTF-8 twin report the same line and column.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use crate::diag::{Code, Diagnostic};

/// One input file, decoded to UTF-8, with an index of where its lines start.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it or as it was found, used in messages.
    pub path: PathBuf,
    /// The decoded text (BOM removed).
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// Line number, counting from 1.
    pub line: usize,
    /// Column in characters (not bytes), counting from 1.
    pub column: usize,
}

impl SourceFile {
    /// Wraps text that is already decoded (used by tests and by `init`).
    pub fn from_text(path: impl Into<PathBuf>, text: String) -> Self {
        // A lone CR ends a line (old Mac editors, some mail clients), for the parsers and for
        // positions alike. CR and LF are one byte each, so byte offsets do not move.
        let text = if text.contains('\r') {
            lone_cr_to_lf(&text)
        } else {
            text
        };
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Reads and decodes a file. An unreadable file is `Err` (exit code 2); an
    /// encoding problem is returned as a diagnostic next to the text, or as `Err` when
    /// the bytes cannot be decoded at all.
    pub fn read(path: &Path) -> Result<(SourceFile, Option<Diagnostic>), Box<Diagnostic>> {
        let bytes = read_bytes(path)?;
        SourceFile::from_bytes(path, &bytes)
    }

    /// Decodes bytes already in memory as if read from `path`.
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
    ) -> Result<(SourceFile, Option<Diagnostic>), Box<Diagnostic>> {
        let (text, note) = decode(path, bytes)?;
        Ok((SourceFile::from_text(path, text), note))
    }

    /// The path as shown in messages, with forward slashes on every platform.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// Converts a byte offset into a 1-based line and character column.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// Converts a 1-based line and character column back into a byte offset.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..self.line_end(start)];
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(line_text.len());
        start + within
    }

    /// The byte range of the whole line holding `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let lc = self.line_col(offset);
        let start = self.line_starts.get(lc.line - 1).copied().unwrap_or(0);
        start..self.line_end(start)
    }

    /// The lines of the file with their starting byte offsets.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.line_starts
            .iter()
            .map(|&start| (start, &self.text[start..self.line_end(start)]))
    }

    fn line_end(&self, start: usize) -> usize {
        let rest = &self.text[start.min(self.text.len())..];
        let end = rest
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(self.text.len());
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        }
    }
}

static MAX_FILE_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_SIZE);

/// The default limit on an input file's size: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Sets the largest input file that will be read, in bytes.
pub fn set_max_file_size(bytes: u64) {
    MAX_FILE_SIZE.store(bytes, Ordering::Relaxed);
}

/// The largest input file that will be read, in bytes.
pub fn max_file_size() -> u64 {
    MAX_FILE_SIZE.load(Ordering::Relaxed)
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} 字节")
    }
}

/// Replaces every CR that is not followed by LF with LF.
fn lone_cr_to_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads a file's bytes the one safe way: never waiting on something that is not a regular
/// file, and never reading past the size limit (checked before reading, and enforced while
/// reading in case the file grows). Every read of an input goes through here.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let unreadable = |e: std::io::Error| {
        Box::new(
            Diagnostic::new(Code::Unreadable, format!("无法读取文件：{}", io_reason(&e)))
                .in_file(path)
                .hint("确认文件存在、不是文件夹，并且当前用户有读取权限"),
        )
    };
    let limit = max_file_size();
    let file = open_without_waiting(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(unreadable(std::io::Error::from(
            std::io::ErrorKind::IsADirectory,
        )));
    }
    if !meta.is_file() {
        let what = special_kind(&meta);
        return Err(Box::new(
            Diagnostic::new(
                Code::Unreadable,
                format!("无法读取文件：这是{what}，不是普通文件"),
            )
            .in_file(path)
            .hint("报告应是保存在磁盘上的普通 YAML 文件；请把它另存为普通文件后再检查"),
        ));
    }
    let too_big = || {
        Box::new(
            Diagnostic::new(
                Code::TooLarge,
                format!("文件过大：超过 {} 的上限，没有读取", human_size(limit)),
            )
            .in_file(path)
            .hint("年度报告通常只有几十 KB；请确认没有发错文件。确需处理大文件时可用 --max-file-size 调高上限，如 --max-file-size 64M"),
        )
    };
    if meta.len() > limit {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Opens a file for reading without ever waiting: a named pipe with nobody writing to it
/// would block a plain open forever, so on Unix the open does not block (reads of regular
/// files are unaffected by that flag) and the caller checks what it opened.
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
    }
    #[cfg(not(unix))]
    {
        std::fs::File::open(path)
    }
}

/// What a file that is neither a regular file nor a folder is, in words.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "命名管道（FIFO）";
        }
        if t.is_socket() {
            return "套接字";
        }
        if t.is_char_device() || t.is_block_device() {
            return "设备文件";
        }
    }
    let _ = meta;
    "特殊文件"
}

/// Shows a path the way the system's users read it (backslashes on Windows, forward
/// slashes elsewhere, whichever the path was typed with), and with control characters written as `\x1B` or `\u{85}`, so that a file name can never
/// send escape sequences to the terminal.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // On Windows, the form its users read (C:\报告\shuili.yaml); elsewhere forward
            // slashes, so messages and snapshots read the same.
            '\\' | '/' if cfg!(windows) => out.push('\\'),
            '\\' => out.push('/'),
            c if c.is_control() && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Names an I/O failure in Chinese, keeping the system's own words at the end.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let what = match e.kind() {
        NotFound => "文件或目录不存在",
        PermissionDenied => "没有权限",
        IsADirectory => "这是一个文件夹，不是文件",
        NotADirectory => "这是一个文件，不是文件夹",
        InvalidData => "内容无法读取",
        _ => "读取出错",
    };
    format!("{what}（{e}）")
}

/// Names a failed write in Chinese, keeping the system's own words at the end.
pub fn write_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let what = match e.kind() {
        StorageFull => "磁盘空间不足，磁盘可能已满，请清理出空间后重试",
        QuotaExceeded => "超出磁盘配额",
        ReadOnlyFilesystem => "磁盘是只读的",
        PermissionDenied => "没有权限",
        FileTooLarge => "文件超出了文件系统允许的大小",
        _ => "写入出错",
    };
    format!("{what}（{e}）")
}

/// Decodes file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, Option<Diagnostic>), Box<Diagnostic>> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(path, rest).map(|t| (t, None));
    }
    for (bom, encoding, name) in [
        (&[0xFF, 0xFE][..], UTF_16LE, "UTF-16 LE"),
        (&[0xFE, 0xFF][..], UTF_16BE, "UTF-16 BE"),
    ] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
            if had_errors {
                return Err(Box::new(undecodable(path, name, 0)));
            }
            return Ok((text.into_owned(), Some(foreign_encoding(path, name))));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), None)),
        // Valid UTF-8 up to a character cut off at the very end: a truncated copy.
        Err(e) if e.error_len().is_none() => {
            let text = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let note = Diagnostic::new(
                Code::Encoding,
                "文件末尾有一个不完整的字符，文件可能在传输或复制中被截断",
            )
            .in_file(path)
            .hint("请对照原文件检查结尾的内容是否完整，必要时请报送单位重新发送");
            Ok((text, Some(note)))
        }
        Err(utf8_error) => {
            // Mostly valid UTF-8 with a few bad bytes is a damaged UTF-8 file, not GBK: GBK
            // text almost never forms valid multi-byte UTF-8, and decoding damaged UTF-8 as
            // GBK gives mojibake that intake would store.
            let (utf8_chars, bad) = utf8_census(bytes);
            if utf8_chars >= 4 && utf8_chars >= 4 * bad {
                return Err(Box::new(damaged_utf8(path, bytes, bad)));
            }
            let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
            if had_errors || !looks_like_text(&text) {
                Err(Box::new(undecodable(
                    path,
                    "UTF-8",
                    utf8_error.valid_up_to(),
                )))
            } else {
                Ok((
                    text.into_owned(),
                    Some(foreign_encoding(path, "GBK/GB18030")),
                ))
            }
        }
    }
}

/// How many non-ASCII characters are valid UTF-8, and how many byte runs are not.
fn utf8_census(bytes: &[u8]) -> (usize, usize) {
    let mut valid = 0;
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    (valid, bad)
}

/// A UTF-8 file with `bad` damaged places, pointing at the first one by line and column.
fn damaged_utf8(path: &Path, bytes: &[u8], bad: usize) -> Diagnostic {
    // Each damaged run becomes one U+FFFD, so lines and columns (in characters) are the
    // file's own.
    let src = SourceFile::from_text(path, String::from_utf8_lossy(bytes).into_owned());
    let at = src.text.find('\u{FFFD}').unwrap_or(0);
    Diagnostic::new(
        Code::Encoding,
        format!("文件是 UTF-8 编码，但有 {bad} 处字节已损坏，无法可靠读取（标为 � 处）"),
    )
    .error()
    .at(&src, at..at + '\u{FFFD}'.len_utf8())
    .hint("请报送单位用原文件重新发送，或在编辑器中把标出的字改正后另存为 UTF-8")
}

fn utf8(path: &Path, bytes: &[u8]) -> Result<String, Box<Diagnostic>> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| Box::new(undecodable(path, "UTF-8", e.valid_up_to() + 3)))
}

/// GB18030 decodes almost any byte string; binary junk shows up as control characters.
fn looks_like_text(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn foreign_encoding(path: &Path, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Encoding,
        format!("文件不是 UTF-8 编码，按 {name} 编码读取"),
    )
    .in_file(path)
    .hint("请在编辑器中“另存为”并选择 UTF-8 编码后再报送（记事本：另存为 → 编码 → UTF-8）")
}

fn undecodable(path: &Path, expected: &str, offset: usize) -> Diagnostic {
    Diagnostic::new(
        Code::Encoding,
        format!(
            "文件不是文本文件，或不是 {expected}/GBK 编码：从第 {} 个字节起无法识别",
            offset + 1
        ),
    )
    .error()
    .in_file(path)
    .hint("报告应是用文本编辑器保存的 YAML 文件（UTF-8 编码），不能是 Word、Excel 或压缩文件")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = SourceFile::from_text("a.yaml", "单位: 水利厅\nyear: 2026\n".to_string());
        let offset = src.text.find("水利厅").unwrap();
        assert_eq!(src.line_col(offset), LineCol { line: 1, column: 5 });
        let offset = src.text.find("2026").unwrap();
        assert_eq!(src.line_col(offset), LineCol { line: 2, column: 7 });
        assert_eq!(src.offset_of(2, 7), offset);
    }

    #[test]
    fn line_range_excludes_crlf() {
        let src = SourceFile::from_text("a.yaml", "a: 1\r\nb: 2\r\n".to_string());
        let r = src.line_range(7);
        assert_eq!(&src.text[r], "b: 2");
    }

    #[test]
    fn gbk_bytes_are_decoded_with_a_note() {
        let (bytes, _, _) = GB18030.encode("unit: 水利厅\n");
        let (text, note) = decode(Path::new("x.yaml"), &bytes).unwrap();
        assert_eq!(text, "unit: 水利厅\n");
        let note = note.unwrap();
        assert_eq!(note.code, Code::Encoding);
        assert!(note.message.contains("GBK"));
    }

    #[test]
    fn binary_junk_is_refused_with_the_byte_offset() {
        let err = decode(Path::new("x.yaml"), b"PK\x03\x04\x00\x00\xff\xfe\x00").unwrap_err();
        assert!(err.message.contains("第 7 个字节"), "{}", err.message);
    }

    #[test]
    fn a_character_cut_off_at_the_end_is_named_as_truncation() {
        let mut bytes = "summary: 完成".as_bytes().to_vec();
        bytes.pop();
        let (text, note) = decode(Path::new("x.yaml"), &bytes).unwrap();
        assert_eq!(text, "summary: 完");
        assert!(note.unwrap().message.contains("截断"));
    }

    #[test]
    fn utf8_bom_is_removed() {
        let (text, note) = decode(Path::new("x.yaml"), b"\xEF\xBB\xBFa: 1\n").unwrap();
        assert_eq!(text, "a: 1\n");
        assert!(note.is_none());
    }
}
