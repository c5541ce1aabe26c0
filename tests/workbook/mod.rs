//! Reports as workbooks, end to end: the same report as a workbook and as YAML gives the
//! same findings and the same documents; a form filled in by a script the way a unit would
//! is checked by cell and taken in; LibreOffice and openpyxl read what nianbao writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nianbao::plan::load_plan;
use nianbao::report::load_report;
use nianbao::source::SourceFile;

use crate::compile::Scratch;
use crate::compile::tools::{libreoffice, tool};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

/// Converts a file with LibreOffice, in a profile of its own (concurrent runs sharing one
/// profile fail without a word).
fn convert(soffice: &str, scratch: &Path, to: &str, outdir: &Path, file: &Path) {
    let conv = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            scratch.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .arg(file)
        .output()
        .unwrap();
    assert!(conv.status.success(), "{}", stderr(&conv));
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch project with the shipped plan and an empty 2026 folder.
fn project(name: &str) -> Scratch {
    let dir = Scratch::new(name);
    std::fs::create_dir_all(dir.0.join("plan")).unwrap();
    std::fs::create_dir_all(dir.0.join("reports/2026")).unwrap();
    std::fs::copy(
        "plan/meili-ningxia.toml",
        dir.0.join("plan/meili-ningxia.toml"),
    )
    .unwrap();
    dir
}

/// Every sample report written as a prefilled workbook, as a unit would send it.
fn sample_workbooks(to: &Path) -> Vec<(PathBuf, PathBuf)> {
    let (src, _) = SourceFile::read(Path::new("plan/meili-ningxia.toml")).unwrap();
    let plan = load_plan(&src).0.unwrap();
    let mut pairs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir("reports/2026")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for yaml in files {
        let (src, _) = SourceFile::read(&yaml).unwrap();
        let report = load_report(&src, &plan).0.unwrap();
        let unit = plan.unit(&report.unit).unwrap();
        let bytes = nianbao::workbook::form::form(&plan, unit, report.year, Some(&report)).unwrap();
        let xlsx = to.join(format!("{}2026年度报告.xlsx", unit.short));
        std::fs::write(&xlsx, bytes).unwrap();
        pairs.push((yaml, xlsx));
    }
    pairs
}

fn findings(dir: &Path, file: &Path) -> Vec<(String, String)> {
    let out = run(
        dir,
        &[
            "check",
            file.to_str().unwrap(),
            "--format",
            "json",
            "--today",
            "2027-01-08",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_workbook_and_the_same_report_in_yaml_give_the_same_findings_and_documents() {
    let books = project("workbook-equal-books");
    let yamls = project("workbook-equal-yamls");
    let inbox = books.0.join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let pairs = sample_workbooks(&inbox);
    assert_eq!(pairs.len(), 27);
    let here = std::env::current_dir().unwrap();
    for (yaml, xlsx) in &pairs {
        let yaml = here.join(yaml);
        assert_eq!(
            findings(&books.0, xlsx),
            findings(&yamls.0, &yaml),
            "{}",
            xlsx.display()
        );
        for (dir, file) in [(&books.0, xlsx), (&yamls.0, &yaml)] {
            let taken = run(
                dir,
                &[
                    "intake",
                    file.to_str().unwrap(),
                    "--received",
                    "2026-12-25 09:00",
                ],
            );
            assert_eq!(taken.status.code(), Some(0), "{}", stderr(&taken));
        }
    }
    // The workbook as received is kept; what is filed is YAML.
    let kept = std::fs::read_dir(books.0.join("reports/2026/history"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "xlsx")
        .count();
    assert_eq!(kept, 27);
    for dir in [&books.0, &yamls.0] {
        let out = run(
            dir,
            &[
                "--year",
                "2026",
                "compile",
                "--date",
                "2026-12-28",
                "--format",
                "md,html,docx",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    for f in ["report.md", "report.html", "report.docx"] {
        let a = std::fs::read(books.0.join("out/2026").join(f)).unwrap();
        let b = std::fs::read(yamls.0.join("out/2026").join(f)).unwrap();
        assert!(a == b, "{f} differs between workbooks and YAML");
    }
}

/// A Python script filling the blank form as a unit would, with openpyxl.
const FILL: &str = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
b = wb["基本信息"]
for row in b.iter_rows(min_row=2):
    label = row[0].value
    if label == "报送日期": row[1].value = "2026年12月20日"
    if label == "联系人": row[1].value = "李红"
    if label == "联系电话": row[1].value = "0951-5550318"
    if label == "总体情况": row[1].value = "全年水利工作稳步推进。\n重点任务按计划完成。"
t = wb["任务进展"]
for row in t.iter_rows(min_row=2):
    if row[0].value is None:
        continue
    row[3].value = "按计划推进"
    row[4].value = "完成第%s项任务的年度工作。" % row[0].value
t["E2"] = "第一段：完成河湖长制考核。\n第二段：整治入河排污口12个。"
t["F2"] = "健全河湖长制\n开展专项整治"
t["G2"] = "整治排污口：12 个\n水质优良比例：96.7 %"
t["D3"] = None
wb.save(sys.argv[1])
"#;

/// A unit's blank form, edited by a Python script with openpyxl; `None` (skip) without
/// openpyxl outside CI.
fn form_edited_by(dir: &Scratch, unit: &str, script: &str) -> Option<PathBuf> {
    let python = openpyxl()?;
    let made = run(&dir.0, &["init", unit, "--year", "2026", "--form", "xlsx"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let form = dir
        .0
        .join(format!("out/2026/drafts/{unit}2026年度报告.xlsx"));
    let file = dir.0.join("edit.py");
    std::fs::write(&file, script).unwrap();
    let done = Command::new(python).arg(&file).arg(&form).output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    Some(form)
}

fn openpyxl() -> Option<String> {
    tool(
        &["python3"],
        &["-c", "import openpyxl"],
        "openpyxl (pip install openpyxl)",
    )
}

#[test]
fn a_form_filled_by_a_script_is_checked_by_cell_and_taken_in() {
    let dir = project("workbook-filled");
    let Some(form) = form_edited_by(&dir, "水利厅", FILL) else {
        return;
    };

    // The blank status is found, at its cell; nothing else is wrong.
    let out = run(
        &dir.0,
        &[
            "check",
            form.to_str().unwrap(),
            "--format",
            "json",
            "--today",
            "2027-01-08",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["cell"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(found.contains(&("NB404", "任务进展!D3")), "{found:?}");
    assert_eq!(found.len(), 1, "only the status: {found:?}");
    let human = run(
        &dir.0,
        &["check", form.to_str().unwrap(), "--today", "2027-01-08"],
    );
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("水利厅2026年度报告.xlsx 任务进展!D3"),
        "{text}"
    );

    // Taken in: filed as YAML with the date typed as text, paragraphs and list items.
    let taken = run(
        &dir.0,
        &["intake", form.to_str().unwrap(), "--received", "2026-12-21"],
    );
    assert_eq!(taken.status.code(), Some(0), "{}", stderr(&taken));
    let filed = std::fs::read_to_string(dir.0.join("reports/2026/shuili.yaml")).unwrap();
    let (src, _) = SourceFile::read(&dir.0.join("reports/2026/shuili.yaml")).unwrap();
    let (psrc, _) = SourceFile::read(Path::new("plan/meili-ningxia.toml")).unwrap();
    let plan = load_plan(&psrc).0.unwrap();
    let report = load_report(&src, &plan).0.unwrap();
    assert_eq!(
        report.submitted.unwrap().to_string(),
        "2026-12-20",
        "{filed}"
    );
    let first = &report.entries[0];
    assert_eq!(
        first.progress,
        "第一段：完成河湖长制考核。\n第二段：整治入河排污口12个。"
    );
    assert_eq!(first.measures, ["健全河湖长制", "开展专项整治"]);
    assert_eq!(first.figures.len(), 2);
    assert_eq!(first.figures[1].unit.as_deref(), Some("%"));
    assert!(
        !report.entries[1].is_covered(),
        "the blank status counts for nothing"
    );

    // Re-saved by LibreOffice (standing in for WPS), it reads the same.
    if let Some(soffice) = libreoffice() {
        let resaved = dir.0.join("resaved");
        convert(&soffice, &dir.0, "xlsx", &resaved, &form);
        let again = resaved.join("水利厅2026年度报告.xlsx");
        assert_eq!(findings(&dir.0, &again), findings(&dir.0, &form));
        // Saved as OpenDocument instead, it reads the same too.
        convert(&soffice, &dir.0, "ods", &resaved, &form);
        let ods = resaved.join("水利厅2026年度报告.ods");
        assert_eq!(findings(&dir.0, &ods), findings(&dir.0, &form));
    }
}

/// Sheets renamed, one deleted, columns moved, rows hidden: what a unit may do to a form.
const MANGLE: &str = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
t = wb["任务进展"]
for row in t.iter_rows(min_row=2):
    if row[0].value is None:
        continue
    row[3].value = "已完成"
    row[4].value = "完成了第%s项。" % row[0].value
t.insert_cols(1)
t["A1"] = "备注"
t.row_dimensions[3].hidden = True
t.title = "进展"
del wb["重大工程"]
b = wb["基本信息"]
for row in b.iter_rows(min_row=2):
    if row[0].value == "报送日期": row[1].value = 46376
    if row[0].value == "联系人": row[1].value = "李红"
    if row[0].value == "联系电话": row[1].value = 5550318
    if row[0].value == "总体情况": row[1].value = "全年工作完成。"
wb.save(sys.argv[1])
"#;

#[test]
fn a_renamed_sheet_moved_columns_and_a_serial_date_read_the_same() {
    let dir = project("workbook-mangled");
    let Some(form) = form_edited_by(&dir, "财政厅", MANGLE) else {
        return;
    };
    // Every task is filled in (in the moved columns of the renamed sheet, one row hidden)
    // and the date is a serial number: nothing to report.
    let found = findings(&dir.0, &form);
    assert!(found.is_empty(), "{found:?}");
    let taken = run(
        &dir.0,
        &["intake", form.to_str().unwrap(), "--received", "2026-12-21"],
    );
    assert_eq!(taken.status.code(), Some(0), "{}", stderr(&taken));
    let filed = std::fs::read_to_string(dir.0.join("reports/2026/caizheng.yaml")).unwrap();
    assert!(
        filed.contains("submitted: \"2026-12-20\""),
        "a serial number is a date: {filed}"
    );
    assert!(
        filed.contains("phone: \"5550318\""),
        "a number typed is text: {filed}"
    );
    assert_eq!(filed.matches("status: \"已完成\"").count(), 4, "{filed}");
}

/// The progress column deleted.
const DELETE_COLUMN: &str = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["任务进展"].delete_cols(5)
wb.save(sys.argv[1])
"#;

#[test]
fn a_deleted_column_is_named_not_read_as_blank_cells() {
    let dir = project("workbook-deleted-column");
    let Some(form) = form_edited_by(&dir, "财政厅", DELETE_COLUMN) else {
        return;
    };
    let out = run(&dir.0, &["check", form.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("“任务进展”表中没有“工作进展”一列"), "{text}");
    assert!(text.contains("任务进展!A1"), "{text}");
}

#[test]
fn a_file_that_is_not_a_workbook_is_named_and_nothing_is_taken_in() {
    let dir = project("workbook-junk");
    let junk = dir.0.join("水利厅2026年度报告.xlsx");
    std::fs::write(&junk, "unit: 水利厅\nyear: 2026\n").unwrap();
    let out = run(&dir.0, &["check", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("无法作为工作簿读取"), "{text}");
    let taken = run(&dir.0, &["intake", junk.to_str().unwrap()]);
    assert_ne!(taken.status.code(), Some(0));
    assert!(!dir.0.join("reports/2026/shuili.yaml").exists());
}

/// Regression: `init --form xlsx --out 草稿.yaml` wrote a workbook under a .yaml name,
/// which the unit's self-check then could not read.
#[test]
fn a_draft_file_name_must_match_its_form() {
    let dir = project("workbook-draft-name");
    for (form, name) in [("xlsx", "草稿.yaml"), ("yaml", "草稿.xlsx")] {
        let out = run(
            &dir.0,
            &[
                "init",
                "水利厅",
                "--year",
                "2026",
                "--form",
                form,
                "--out",
                name,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{form} {name}");
        assert!(stderr(&out).contains("--form"), "{}", stderr(&out));
        assert!(!dir.0.join(name).exists(), "{name} was written");
    }
}

/// What openpyxl sees in the blank form: sheets, headers, drop-downs, protection.
const INSPECT_FORM: &str = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
t = wb["任务进展"]
out = {
  "sheets": wb.sheetnames,
  "headers": [c.value for c in t[1]],
  "validations": [[str(v.sqref), v.formula1] for v in t.data_validations.dataValidation],
  "protected": t.protection.sheet,
  "number_locked": t["A2"].protection.locked,
  "progress_locked": t["E2"].protection.locked,
  "note": bool(t["B2"].comment and "方案原文" in t["B2"].comment.text),
  "frozen": t.freeze_panes,
}
print(json.dumps(out, ensure_ascii=False))
"#;

#[test]
fn openpyxl_reads_the_form_as_documented() {
    let Some(python) = openpyxl() else {
        return;
    };
    let dir = project("workbook-inspect");
    let made = run(
        &dir.0,
        &["init", "固原市", "--year", "2026", "--form", "xlsx"],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let out = Command::new(python)
        .args(["-c", INSPECT_FORM])
        .arg(dir.0.join("out/2026/drafts/固原市2026年度报告.xlsx"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["sheets"],
        serde_json::json!([
            "填报说明",
            "基本信息",
            "任务进展",
            "重大工程",
            "存在的问题",
            "下一年度打算"
        ])
    );
    assert_eq!(
        v["headers"],
        serde_json::json!(nianbao::workbook::tasks::ALL)
    );
    let validations = v["validations"].to_string();
    assert!(validations.contains("D2:D59"), "{validations}");
    assert!(
        validations.contains("已完成,按计划推进,滞后,未启动,不涉及"),
        "{validations}"
    );
    assert_eq!(v["protected"], true);
    assert_eq!(v["number_locked"], true);
    assert_eq!(v["progress_locked"], false);
    assert_eq!(v["note"], true);
    assert_eq!(v["frozen"], "C2");
}

/// The ledger's rows and summary, as openpyxl reads them.
const INSPECT_LEDGER: &str = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
l = wb["台账"]
s = wb["汇总"]
print(json.dumps({
  "rows": l.max_row - 1,
  "filter": l.auto_filter.ref,
  "summary": {r[0].value: r[1].value for r in s.iter_rows(min_row=2)},
}, ensure_ascii=False))
"#;

#[test]
fn the_ledger_holds_every_unit_and_task_with_the_reports_numbers() {
    let dir = Scratch::new("workbook-ledger");
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "--year",
            "2026",
            "ledger",
            "--out",
            dir.0.join("台账.xlsx").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["--year", "2026", "status", "--format", "json"])
        .output()
        .unwrap();
    let s: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let Some(python) = openpyxl() else {
        return;
    };
    let read = Command::new(python)
        .args(["-c", INSPECT_LEDGER])
        .arg(dir.0.join("台账.xlsx"))
        .output()
        .unwrap();
    assert!(read.status.success(), "{}", stderr(&read));
    let v: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    let summary = &v["summary"];
    assert_eq!(summary["已收到报告（份）"], s["received"]);
    assert_eq!(summary["分工任务（项次）"], s["pairs_assigned"]);
    assert_eq!(summary["已报告进展（项次）"], s["pairs_covered"]);
    let extra = summary["分工之外的协同工作（项次）"].as_u64().unwrap();
    assert_eq!(
        v["rows"].as_u64().unwrap(),
        s["pairs_assigned"].as_u64().unwrap() + extra,
        "one row per assigned pair, and one per entry outside the assignment"
    );
    assert!(v["filter"].as_str().unwrap().starts_with("A1:P"));
    // LibreOffice opens it: the ledger sheet as CSV has a line per row.
    if let Some(soffice) = libreoffice() {
        // UTF-8 (76), comma-separated, quoted text: what the csv reader expects.
        convert(
            &soffice,
            &dir.0,
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            &dir.0,
            &dir.0.join("台账.xlsx"),
        );
        let csv = std::fs::read(dir.0.join("台账.csv")).unwrap();
        let records = csv::Reader::from_reader(csv.as_slice()).records().count() as u64;
        assert_eq!(records, v["rows"].as_u64().unwrap());
    }
}
