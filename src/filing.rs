//! Filing received reports (收文): every check that keeps one unit's report from being
//! swapped for another's or for an older version, the year folder's lock, the history of
//! replaced versions and the receipt register. `nianbao intake` prints what this decides.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;

use crate::calendar::switch_over;
use crate::compile::numerals::cn_date;
use crate::compile::output::{write_atomic, write_new};
use crate::coverage::UnitCoverage;
use crate::diag::{Diagnostic, Severity};
use crate::plan::{Plan, Unit};
use crate::register::{self, FILED, Receipt, Register, checksum};
use crate::report::{Report, load_report};
use crate::source::{SourceFile, display_path, read_bytes};

/// One file as received.
pub struct Incoming {
    /// The path given.
    pub path: PathBuf,
    /// The bytes as received (checksummed as they are).
    bytes: Vec<u8>,
    /// The report, when the file is valid.
    report: Option<Report>,
    /// The text to file (UTF-8).
    text: String,
    /// A note on the encoding, when it was not UTF-8.
    pub encoding_note: Option<String>,
    /// Errors that stop the file from being filed.
    pub errors: Vec<Diagnostic>,
    /// The unit and year named, even when the file has errors.
    named: Option<(String, i32)>,
}

/// What became of one received file.
#[derive(Debug)]
pub struct Outcome {
    /// The file as given.
    pub file: PathBuf,
    /// Filed, already on file, or refused.
    pub result: Filed,
    /// Further lines to show: history, changes, warnings.
    pub notes: Vec<String>,
}

/// The result of filing one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Filed {
    /// Filed as this version at this path.
    Filed {
        /// The unit's short name.
        unit: String,
        /// The report year.
        year: i32,
        /// The version number.
        version: u32,
        /// Where it was filed.
        path: PathBuf,
    },
    /// The same text is already filed.
    Unchanged(PathBuf),
    /// Not filed; the reason, which says what to do.
    Refused(String),
    /// Not filed: the file has errors (printed by the caller).
    Invalid,
    /// Not filed: the report already on file cannot be read, so it is left alone.
    FiledUnreadable(String),
}

/// How to file.
pub struct Options {
    /// When the files were received.
    pub received: NaiveDateTime,
    /// Let a file replace a newer version, or a file whose name names another unit.
    pub replace: bool,
}

/// Reads and checks one received file, writing nothing.
pub fn read(plan: &Plan, path: &Path) -> std::result::Result<Incoming, Box<Diagnostic>> {
    let bytes = read_bytes(path)?;
    // A workbook is filed as the YAML it converts to; its findings point at its cells.
    let (src, note, cells) = if crate::workbook::is_workbook(path) {
        let (src, cells) = crate::workbook::read::convert(path, &bytes)?;
        (src, None, Some(cells))
    } else {
        let (src, note) = SourceFile::from_bytes(path, &bytes)?;
        (src, note, None)
    };
    let (report, diags) = load_report(&src, plan);
    let errors: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| match &cells {
            Some(c) => c.relocate(d),
            None => d,
        })
        .collect();
    let named = report.as_ref().map(|r| (r.unit.clone(), r.year));
    let mut text = src.text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(Incoming {
        path: path.to_path_buf(),
        bytes,
        report: report.filter(|_| errors.is_empty()),
        text,
        encoding_note: note.map(|n| n.message),
        errors,
        named,
    })
}

/// The units a file name names (by id, name, short name or alias), longest names first.
pub fn units_named_in<'a>(plan: &'a Plan, file: &Path) -> Vec<&'a Unit> {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_lowercase();
    let mut found: Vec<&Unit> = Vec::new();
    for u in &plan.units {
        let names = [&u.id, &u.name, &u.short]
            .into_iter()
            .chain(&u.aliases)
            .filter(|n| n.chars().count() >= 2);
        if names.into_iter().any(|n| stem.contains(&n.to_lowercase())) {
            found.push(u);
        }
    }
    found
}

/// Files a batch of received files. Files that cannot be read or have errors are refused
/// at once; two valid files for one unit in the batch are both refused; the rest are
/// filed year by year, each year folder locked while its reports and register change.
pub fn file_all(
    plan: &Plan,
    reports: &Path,
    incoming: Vec<Incoming>,
    options: &Options,
) -> Result<Vec<Outcome>> {
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    let mut by_year: BTreeMap<i32, Vec<(usize, Incoming)>> = BTreeMap::new();
    let mut per_unit: HashMap<(String, i32), Vec<usize>> = HashMap::new();
    for (i, inc) in incoming.into_iter().enumerate() {
        outcomes.push(None);
        if let Some((unit, year)) = inc.named.clone() {
            if inc.report.is_some() {
                per_unit.entry((unit, year)).or_default().push(i);
            }
            by_year.entry(year).or_default().push((i, inc));
        } else {
            outcomes[i] = Some(Outcome {
                file: inc.path,
                result: Filed::Invalid,
                notes: Vec::new(),
            });
        }
    }
    // Two versions of one unit's report in one batch: the office must choose.
    let mut twins: HashMap<usize, Vec<usize>> = HashMap::new();
    for indexes in per_unit.values().filter(|v| v.len() > 1) {
        for &i in indexes {
            twins.insert(i, indexes.clone());
        }
    }
    let names: HashMap<usize, String> = by_year
        .values()
        .flatten()
        .map(|(i, inc)| (*i, display_path(&inc.path)))
        .collect();

    for (year, items) in by_year {
        let dir = reports.join(year.to_string());
        let _lock = lock(&dir)?;
        let mut register = Register::read(&register::path(reports, year))?;
        for (i, inc) in items {
            let outcome = if let Some(group) = twins.get(&i) {
                let unit = inc
                    .report
                    .as_ref()
                    .and_then(|r| plan.unit(&r.unit))
                    .map(|u| u.short.clone())
                    .unwrap_or_default();
                let files: Vec<&str> = group.iter().map(|j| names[j].as_str()).collect();
                let reason = format!(
                    "同一批中有{}份{unit}的报告（{}），都没有收取。请确认哪一份是最终稿，只收取那一份",
                    files.len(),
                    files.join("、")
                );
                refuse(&mut register, plan, &inc, options, reason)
            } else if inc.report.is_none() {
                let reason = format!("有{}个错误", inc.errors.len());
                let mut o = refuse(&mut register, plan, &inc, options, reason);
                o.result = Filed::Invalid;
                o
            } else {
                file_one(plan, &dir, &mut register, inc, options)?
            };
            outcomes[i] = Some(outcome);
        }
        register.save()?;
    }
    Ok(outcomes.into_iter().flatten().collect())
}

/// Holds an exclusive lock on a year folder until dropped. The operating system releases
/// it when the process ends, however it ends, so a killed run never leaves it held.
fn lock(dir: &Path) -> Result<File> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建文件夹 {}", display_path(dir)))?;
    let path = dir.join(".intake.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("无法打开 {}", display_path(&path)))?;
    file.lock()
        .with_context(|| format!("无法锁定 {}", display_path(dir)))?;
    Ok(file)
}

fn refuse(
    register: &mut Register,
    plan: &Plan,
    inc: &Incoming,
    options: &Options,
    reason: String,
) -> Outcome {
    let (unit, declared) = match &inc.report {
        Some(r) => (
            plan.unit(&r.unit),
            r.submitted.map(|d| d.to_string()).unwrap_or_default(),
        ),
        None => (
            inc.named.as_ref().and_then(|(u, _)| plan.unit(u)),
            String::new(),
        ),
    };
    register.push(Receipt {
        time: Some(options.received),
        unit: unit.map(|u| u.id.clone()).unwrap_or_default(),
        unit_name: unit.map(|u| u.short.clone()).unwrap_or_default(),
        original: file_name(&inc.path),
        declared,
        version: None,
        checksum: checksum(&inc.bytes),
        result: format!("未收取：{reason}"),
        filed: String::new(),
    });
    Outcome {
        file: inc.path.clone(),
        result: Filed::Refused(reason),
        notes: Vec::new(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_one(
    plan: &Plan,
    dir: &Path,
    register: &mut Register,
    inc: Incoming,
    options: &Options,
) -> Result<Outcome> {
    let Some(report) = &inc.report else {
        return Ok(Outcome {
            file: inc.path,
            result: Filed::Invalid,
            notes: Vec::new(),
        });
    };
    let unit = plan
        .unit(&report.unit)
        .context("unit resolved by load_report")?;
    let target = dir.join(format!("{}.yaml", unit.id));
    let mut notes = Vec::new();

    // A draft sent back unfilled is not a report.
    if report.is_unfilled() {
        let reason = format!(
            "{}的这份报告还没有填写任何任务的进展（仍是草稿），不能算作报送。请退回报送单位填写后重新报送",
            unit.short
        );
        return Ok(refuse(register, plan, &inc, options, reason));
    }

    // The file name names another unit than the content: a copy-paste slip, most likely.
    let named = units_named_in(plan, &inc.path);
    if !named.is_empty() && !named.iter().any(|u| u.id == unit.id) && !options.replace {
        let other: Vec<&str> = named.iter().map(|u| u.short.as_str()).collect();
        let reason = format!(
            "文件名“{}”指的是{}，内容中写的报送单位却是{}。请与报送单位核实：确是{}的报告的，加 --replace 重新收取；否则退回报送单位改正后重新报送",
            file_name(&inc.path),
            other.join("、"),
            unit.short,
            unit.short
        );
        return Ok(refuse(register, plan, &inc, options, reason));
    }

    let previous = if target.exists() {
        match read_bytes(&target) {
            Ok(bytes) => Some(bytes),
            Err(d) => {
                let reason = format!(
                    "已收取的报告 {} 无法读取（{}），为免丢失，没有替换它。请先查看并处理已有的文件",
                    display_path(&target),
                    d.message
                );
                let mut o = refuse(register, plan, &inc, options, reason.clone());
                o.result = Filed::FiledUnreadable(reason);
                return Ok(o);
            }
        }
    } else {
        None
    };
    let old = previous.as_ref().and_then(|bytes| {
        SourceFile::from_bytes(&target, bytes)
            .ok()
            .and_then(|(s, _)| load_report(&s, plan).0)
    });
    // The version on file: the register's count, and at least 1 for a report filed before
    // the register existed.
    let filed_version = (register.next_version(&unit.id) - 1).max(u32::from(previous.is_some()));
    if previous.as_deref() == Some(inc.text.as_bytes()) {
        // Nothing to file, but the arrival is recorded.
        let reason = format!("与已收取的第{filed_version}版内容相同");
        refuse(register, plan, &inc, options, reason);
        return Ok(Outcome {
            file: inc.path,
            result: Filed::Unchanged(target),
            notes,
        });
    }
    // An older version must not replace a newer one unnoticed.
    if let (Some(old), Some(new)) = (old.as_ref().and_then(|o| o.submitted), report.submitted)
        && new < old
        && !options.replace
    {
        let reason = format!(
            "这份报告所填的报送日期（{}）早于已收取的版本（{}，{}），可能是旧版本。确要用它替换的，加 --replace 重新收取",
            cn_date(new),
            cn_date(old),
            display_path(&target)
        );
        return Ok(refuse(register, plan, &inc, options, reason));
    }

    let version = filed_version + 1;
    if crate::workbook::is_workbook(&inc.path) {
        // The workbook as received is kept beside the versions, under the version it became.
        let ext = inc
            .path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("xlsx")
            .to_lowercase();
        let kept = keep_in_history(dir, &unit.id, version, &inc.bytes, options.received, &ext)?;
        notes.push(format!("收到的工作簿已保存到 {}", display_path(&kept)));
    }
    if let Some(bytes) = &previous {
        let history = keep_in_history(
            dir,
            &unit.id,
            filed_version,
            bytes,
            options.received,
            "yaml",
        )?;
        notes.push(format!("原报告已保存到 {}", display_path(&history)));
        notes.push(match &old {
            Some(old) => changes(old, report),
            None => "原报告无法读取，无法比较修改内容".to_string(),
        });
    }
    write_atomic(&target, inc.text.as_bytes())?;
    if let Some(note) = &inc.encoding_note {
        // Name the encoding that was guessed, so the office can check the text.
        notes.push(format!("{note}，已转换为 UTF-8 保存；请核对文字是否正常"));
    }
    register.push(Receipt {
        time: Some(options.received),
        unit: unit.id.clone(),
        unit_name: unit.short.clone(),
        original: file_name(&inc.path),
        declared: report.submitted.map(|d| d.to_string()).unwrap_or_default(),
        version: Some(version),
        checksum: checksum(&inc.bytes),
        result: FILED.to_string(),
        filed: display_path(&target),
    });

    // The date the unit wrote is its own claim; say when it does not fit the receipt.
    let received = options.received.date();
    if let Some(s) = report.submitted {
        if s > received {
            notes.push(format!(
                "注意：报告所填报送日期 {} 晚于收文日期 {}，是否填错？逾期与否按收文日期计",
                cn_date(s),
                cn_date(received)
            ));
        } else if let Some(end) = switch_over(plan, report.year)
            && s > end
        {
            notes.push(format!(
                "注意：报告所填报送日期 {} 已在 {} 年度的收集期（至 {}）之后",
                cn_date(s),
                report.year,
                cn_date(end)
            ));
        }
    }
    let coverage = UnitCoverage::of(plan, unit, Some(report));
    let gaps: Vec<String> = coverage.gaps().map(|a| a.task.to_string()).collect();
    if !gaps.is_empty() {
        notes.push(format!(
            "注意：分工任务 {} 尚未填报实质进展",
            gaps.join("、")
        ));
    }
    Ok(Outcome {
        file: inc.path,
        result: Filed::Filed {
            unit: unit.short.clone(),
            year: report.year,
            version,
            path: target,
        },
        notes,
    })
}

/// Keeps a replaced version (or a workbook as received) as
/// `history/<id>-v<N>-<time>.<ext>`, never over an existing file.
fn keep_in_history(
    dir: &Path,
    id: &str,
    version: u32,
    bytes: &[u8],
    received: NaiveDateTime,
    ext: &str,
) -> Result<PathBuf> {
    let stamp = received.format("%Y%m%d-%H%M%S");
    let history = dir.join("history");
    let mut n = 0;
    loop {
        n += 1;
        let name = if n == 1 {
            format!("{id}-v{version}-{stamp}.{ext}")
        } else {
            format!("{id}-v{version}-{stamp}-{n}.{ext}")
        };
        let path = history.join(name);
        if path.exists() {
            continue;
        }
        match write_new(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(_) if path.exists() => continue,
            Err(e) => return Err(e),
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// What changed between two versions of a unit's report, in one sentence.
pub fn changes(old: &Report, new: &Report) -> String {
    let numbers = |r: &Report| r.entries.iter().map(|e| e.task).collect::<Vec<_>>();
    let (old_n, new_n) = (numbers(old), numbers(new));
    let join = |v: Vec<u32>| v.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
    let added: Vec<u32> = new_n
        .iter()
        .copied()
        .filter(|n| !old_n.contains(n))
        .collect();
    let removed: Vec<u32> = old_n
        .iter()
        .copied()
        .filter(|n| !new_n.contains(n))
        .collect();
    let changed: Vec<u32> = new
        .entries
        .iter()
        .filter(|e| old.entry(e.task).is_some_and(|o| json(o) != json(e)))
        .map(|e| e.task)
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("新增任务 {}", join(added)));
    }
    if !removed.is_empty() {
        parts.push(format!("删去任务 {}", join(removed)));
    }
    if !changed.is_empty() {
        parts.push(format!("修改了任务 {} 的内容", join(changed)));
    }
    let fields: [(&str, bool); 6] = [
        ("报送日期", json(&old.submitted) == json(&new.submitted)),
        ("联系人", json(&old.contact) == json(&new.contact)),
        ("总体情况", json(&old.summary) == json(&new.summary)),
        ("重大工程", json(&old.projects) == json(&new.projects)),
        ("存在的问题", json(&old.problems) == json(&new.problems)),
        ("下一年度打算", json(&old.next_year) == json(&new.next_year)),
    ];
    let other: Vec<&str> = fields
        .iter()
        .filter(|(_, same)| !same)
        .map(|(n, _)| *n)
        .collect();
    if !other.is_empty() {
        parts.push(format!("修改了{}", other.join("、")));
    }
    if parts.is_empty() {
        "与原报告相比内容没有变化".to_string()
    } else {
        format!("与原报告相比：{}", parts.join("；"))
    }
}
