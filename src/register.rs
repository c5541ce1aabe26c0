//! The receipt register (收文登记) of a year: one row for every file `intake` took in or
//! refused, with the time it was received, its original name, its checksum, the version it
//! became and the result. It is a CSV file the office opens in Excel or WPS; whatever those
//! save it as (UTF-8 with or without a byte-order mark, GBK, UTF-16) is read back, and rows
//! or columns the office added are kept when new rows are appended.
//!
//! Lateness is judged by the time a report was received, where the register records one:
//! the date a unit writes in its report is its own claim.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{NaiveDate, NaiveDateTime};

use crate::compile::output::write_atomic;
use crate::source::{SourceFile, display_path, read_bytes};
use crate::workspace::UsageError;

/// The register's file name inside `reports/<year>/`.
pub const FILE_NAME: &str = "收文登记.csv";

/// The columns, in the order a new register is written.
const COLUMNS: [&str; 9] = [
    "收文时间",
    "单位标识",
    "单位",
    "原文件名",
    "报告所填报送日期",
    "版本",
    "SHA-256校验值",
    "结果",
    "存放位置",
];

/// The result of a receipt that filed the report.
pub const FILED: &str = "已收取";

/// The date each unit's filed report was received, by unit id.
pub type Received = HashMap<String, NaiveDate>;

/// One row of the register.
#[derive(Debug, Clone, Default)]
pub struct Receipt {
    /// When the file was received.
    pub time: Option<NaiveDateTime>,
    /// The unit id, if the file named a known unit.
    pub unit: String,
    /// The unit's short name.
    pub unit_name: String,
    /// The file name as received.
    pub original: String,
    /// The submission date the report itself gives.
    pub declared: String,
    /// The version number this receipt became (filed receipts only).
    pub version: Option<u32>,
    /// SHA-256 of the received bytes, in hex.
    pub checksum: String,
    /// 已收取, or 未收取 with the reason.
    pub result: String,
    /// Where the report was filed.
    pub filed: String,
}

impl Receipt {
    fn cell(&self, column: &str) -> String {
        match column {
            "收文时间" => self
                .time
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
            "单位标识" => self.unit.clone(),
            "单位" => self.unit_name.clone(),
            "原文件名" => self.original.clone(),
            "报告所填报送日期" => self.declared.clone(),
            "版本" => self.version.map(|v| v.to_string()).unwrap_or_default(),
            "SHA-256校验值" => self.checksum.clone(),
            "结果" => self.result.clone(),
            "存放位置" => self.filed.clone(),
            _ => String::new(),
        }
    }

    /// Whether this receipt filed the report.
    pub fn is_filed(&self) -> bool {
        self.result == FILED
    }
}

/// A year's register as read, plus the rows added by this run.
#[derive(Debug)]
pub struct Register {
    path: PathBuf,
    /// The text as read (decoded), kept whole so nothing the office added is lost.
    text: String,
    /// The header as found (or the default one for a new register).
    header: Vec<String>,
    /// Every row, read and new, in order.
    pub rows: Vec<Receipt>,
    added: usize,
}

/// The path of a year's register.
pub fn path(reports: &Path, year: i32) -> PathBuf {
    reports.join(year.to_string()).join(FILE_NAME)
}

/// Reads a time as this program writes it or as Excel and WPS re-save it.
fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y年%m月%d日 %H:%M:%S",
        "%Y年%m月%d日 %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    crate::report::parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0))
}

impl Register {
    /// Reads the register at `path`; a missing file is an empty register.
    pub fn read(path: &Path) -> Result<Register> {
        if !path.exists() {
            return Ok(Register {
                path: path.to_path_buf(),
                text: String::new(),
                header: COLUMNS.iter().map(|c| c.to_string()).collect(),
                rows: Vec::new(),
                added: 0,
            });
        }
        let bad = |why: String| -> anyhow::Error {
            UsageError(format!(
                "收文登记 {} 无法读取：{why}。请用 Excel 或 WPS 打开核对，另存为 CSV 后重试；如无法修复，可改名保留后重新收取",
                display_path(path)
            ))
            .into()
        };
        let bytes = read_bytes(path).map_err(|d| bad(d.message))?;
        let (src, _) = SourceFile::from_bytes(path, &bytes).map_err(|d| bad(d.message))?;
        let text = src.text;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(time_col), Some(unit_col)) = (col("收文时间"), col("单位标识")) else {
            return Err(bad("第一行没有“收文时间”“单位标识”两列".into()));
        };
        let cols: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let get = |i: Option<usize>| {
                i.and_then(|i| record.get(i))
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            rows.push(Receipt {
                time: parse_time(&get(Some(time_col))),
                unit: get(Some(unit_col)),
                unit_name: get(cols[2]),
                original: get(cols[3]),
                declared: get(cols[4]),
                version: get(cols[5]).parse().ok(),
                checksum: get(cols[6]),
                result: get(cols[7]),
                filed: get(cols[8]),
            });
        }
        Ok(Register {
            path: path.to_path_buf(),
            text,
            header,
            rows,
            added: 0,
        })
    }

    /// The date each unit's filed report was received: its latest filed receipt.
    pub fn received(&self) -> Received {
        let mut out = Received::new();
        for r in self.rows.iter().filter(|r| r.is_filed()) {
            if let Some(t) = r.time {
                out.insert(r.unit.clone(), t.date());
            }
        }
        out
    }

    /// The number the next filed version of a unit's report gets.
    pub fn next_version(&self, unit: &str) -> u32 {
        self.rows
            .iter()
            .filter(|r| r.unit == unit && r.is_filed())
            .filter_map(|r| r.version)
            .max()
            .unwrap_or(0)
            + 1
    }

    /// Adds a row, written by [`Register::save`].
    pub fn push(&mut self, receipt: Receipt) {
        self.rows.push(receipt);
        self.added += 1;
    }

    /// Writes the register: the text as read, converted to UTF-8 with a byte-order mark
    /// (which Excel and WPS need to show Chinese), with the new rows appended in the
    /// file's own column order. Nothing is written when nothing was added.
    pub fn save(&self) -> Result<()> {
        if self.added == 0 {
            return Ok(());
        }
        let mut out = Vec::new();
        out.extend_from_slice("\u{feff}".as_bytes());
        if self.text.trim().is_empty() {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&self.header)?;
            w.flush()?;
        } else {
            let text = self.text.replace("\r\n", "\n").replace('\n', "\r\n");
            out.extend_from_slice(text.as_bytes());
            if !text.ends_with('\n') {
                out.extend_from_slice(b"\r\n");
            }
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for r in &self.rows[self.rows.len() - self.added..] {
            w.write_record(self.header.iter().map(|h| r.cell(h)))?;
        }
        w.flush()?;
        drop(w);
        write_atomic(&self.path, &out)
    }
}

/// The SHA-256 of some bytes, in lower-case hex.
pub fn checksum(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_excel_resaves_them() {
        let t = parse_time("2026/12/20 9:30").unwrap();
        assert_eq!(t.to_string(), "2026-12-20 09:30:00");
        assert!(parse_time("2026-12-20 09:30:15").is_some());
        assert!(parse_time("2026-12-20").is_some());
        assert!(parse_time("昨天").is_none());
    }

    #[test]
    fn a_gbk_register_with_an_added_column_is_read_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let text =
            "收文时间,单位标识,备注,结果,版本\r\n2026/12/30 10:05,shuili,电子邮件,已收取,1\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        std::fs::write(&path, &gbk).unwrap();
        let mut reg = Register::read(&path).unwrap();
        assert_eq!(
            reg.received().get("shuili"),
            NaiveDate::from_ymd_opt(2026, 12, 30).as_ref()
        );
        assert_eq!(reg.next_version("shuili"), 2);
        reg.push(Receipt {
            time: parse_time("2027-01-02 08:00"),
            unit: "shuili".into(),
            result: FILED.into(),
            version: Some(2),
            ..Default::default()
        });
        reg.save().unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(saved.starts_with('\u{feff}'));
        assert!(saved.contains("2026/12/30 10:05,shuili,电子邮件,已收取,1\r\n"));
        assert!(saved.ends_with("2027-01-02 08:00:00,shuili,,已收取,2\r\n"));
        assert_eq!(
            Register::read(&path).unwrap().received().get("shuili"),
            NaiveDate::from_ymd_opt(2027, 1, 2).as_ref()
        );
    }
}
