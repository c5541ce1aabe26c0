//! End-to-end tests: run the `nianbao` binary on fixture trees and compare what it prints
//! with reviewed snapshots in `tests/cmd/` (update them with `TRYCMD=overwrite`), plus
//! checks on the shipped plan and sample reports.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use nianbao::diag::{Code, Severity};
use nianbao::plan::{Plan, UnitKind, load_plan};
use nianbao::source::SourceFile;
use nianbao::validate::{Scope, check_reports};
use nianbao::workspace::report_files;

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}

fn shipped_plan() -> Plan {
    let (src, note) = SourceFile::read(Path::new("plan/meili-ningxia.toml")).unwrap();
    assert!(note.is_none(), "the shipped plan is UTF-8");
    let (plan, diags) = load_plan(&src);
    assert!(diags.is_empty(), "shipped plan has findings: {diags:#?}");
    plan.expect("shipped plan loads")
}

/// The lead (first named unit) of each task and how many units the seed names, tasks 1–28.
const SEED_LEADS: [(&str, usize); 28] = [
    ("自然资源厅", 4),
    ("发展改革委", 4),
    ("发展改革委", 4),
    ("发展改革委", 6),
    ("发展改革委", 6),
    ("住房城乡建设厅", 6),
    ("发展改革委", 8),
    ("生态环境厅", 6),
    ("生态环境厅", 5),
    ("生态环境厅", 4),
    ("生态环境厅", 11),
    ("自然资源厅", 5),
    ("林业和草原局", 4),
    ("生态环境厅", 5),
    ("生态环境厅", 9),
    ("生态环境厅", 3),
    ("农业农村厅", 8),
    ("生态环境厅", 12),
    ("生态环境厅", 4),
    ("住房城乡建设厅", 3),
    ("农业农村厅", 3),
    ("生态环境厅", 5),
    ("生态环境厅", 3),
    ("发展改革委", 7),
    ("生态环境厅", 7),
    ("生态环境厅", 4),
    ("生态环境厅", 5),
    ("生态环境厅", 3),
];

#[test]
fn shipped_plan_matches_the_seed_document() {
    let plan = shipped_plan();
    assert_eq!(plan.sections.len(), 7);
    assert_eq!(plan.tasks.len(), 28);
    assert_eq!(plan.reporting_units().count(), 31);
    assert_eq!(plan.reporting.to, "自治区生态环境保护领导小组");
    assert_eq!(plan.reporting.cc, "自治区生态环境保护领导小组办公室");
    assert_eq!(
        (plan.reporting.deadline_month, plan.reporting.deadline_day),
        (12, 31)
    );
    assert!(plan.reporting.regions_in_all_tasks);
    let phases: Vec<_> = plan.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(phases, ["十四五", "十五五", "十六五"]);
    assert_eq!(
        plan.phase_of(2026).map(|p| p.goal.as_str()),
        Some("巩固拓展、实现生态环境全面改善")
    );
    for (i, task) in plan.tasks.iter().enumerate() {
        assert_eq!(task.number as usize, i + 1, "tasks are in order");
        let (lead, named) = SEED_LEADS[i];
        assert_eq!(
            plan.unit(&task.lead).unwrap().short,
            lead,
            "lead of task {}",
            task.number
        );
        assert_eq!(
            1 + task.participants.len(),
            named,
            "units named in task {}",
            task.number
        );
        assert!(task.open_ended, "task {} list ends in 等", task.number);
        assert!(
            !task.text.contains("责任单位"),
            "task {} text holds only the task",
            task.number
        );
    }
    let count = |k| plan.units.iter().filter(|u| u.kind == k).count();
    assert_eq!(count(UnitKind::Department), 21);
    assert_eq!(count(UnitKind::Central), 4);
    assert_eq!(count(UnitKind::Region), 6);
}

#[test]
fn every_region_is_assigned_every_task_and_departments_only_theirs() {
    let plan = shipped_plan();
    let yinchuan = plan.unit("银川市").unwrap();
    assert_eq!(plan.assignments(yinchuan).count(), 28);
    let shuili = plan.unit("水利厅").unwrap();
    let tasks: Vec<u32> = plan.assignments(shuili).map(|(t, _)| t.number).collect();
    assert_eq!(
        tasks,
        [1, 6, 7, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 25]
    );
}

#[test]
fn shipped_sample_reports_parse_and_show_the_expected_gaps() {
    let plan = shipped_plan();
    let files = report_files(Path::new("reports"), 2026).unwrap();
    assert_eq!(files.len(), 27);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            text.starts_with("# 示例数据"),
            "{} is labelled as sample data",
            f.display()
        );
    }
    let checked = check_reports(&plan, &files, Scope::WholeYear(2026));
    assert!(!checked.unreadable);
    let found: BTreeSet<(String, String)> = checked
        .diags
        .iter()
        .map(|d| (d.code.id().to_string(), d.file.clone().unwrap_or_default()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("NB401", ""),
        ("NB402", "reports/2026/yaojian.yaml"),
        ("NB403", "reports/2026/jiaotong.yaml"),
        ("NB404", "reports/2026/shangwu.yaml"),
    ]
    .into_iter()
    .map(|(c, f)| (c.to_string(), f.to_string()))
    .collect();
    assert_eq!(found, expected);
    let missing = checked
        .diags
        .iter()
        .filter(|d| d.code == Code::Missing)
        .count();
    assert_eq!(missing, 4);
    assert!(checked.diags.iter().all(|d| d.severity != Severity::Error));
}

/// Runs `nianbao <args> --format json` in `dir`; returns the exit code and the findings.
fn check_json(dir: &str, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .args(year_args(dir, args))
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{dir}: output is not JSON ({e})"));
    let findings = findings.as_array().expect("a JSON array").clone();
    (out.status.code(), findings)
}

/// Every fixture run the snapshots use, with `--format json` to read the codes.
const FIXTURE_RUNS: &[(&str, &[&str])] = &[
    (
        "tests/fixtures/broken",
        &["--plan", "../clean/plan", "check"],
    ),
    ("tests/fixtures/bad-plan", &["check", "--year", "2025"]),
    (
        "tests/fixtures/encodings",
        &[
            "--plan",
            "../clean/plan",
            "check",
            "gbk.yaml",
            "tabs.yaml",
            "syntax.yaml",
            "empty.yaml",
            "junk.yaml",
            "list.yaml",
            "nothere.yaml",
        ],
    ),
    (
        "tests/fixtures/clean",
        &["check", "--year", "2026", "--today", "2026-11-01"],
    ),
    // Reports dated after "today" (NB407).
    (
        "tests/fixtures/clean",
        &["check", "--year", "2025", "--today", "2025-11-01"],
    ),
    (
        "tests/fixtures/hostile",
        &[
            "--max-file-size",
            "2K",
            "--plan",
            "../clean/plan",
            "check",
            "2026/deep-nesting.yaml",
        ],
    ),
    (
        "tests/fixtures/hostile",
        &["--plan", "../../../plan", "check", "2026/hash-in-text.yaml"],
    ),
    // An indicator not reported (NB408) and entries copied from last year (NB409).
    (
        "tests/fixtures/indicators",
        &["check", "--year", "2026", "--today", "2026-12-10"],
    ),
    // Unknown indicators and impossible values (NB209, NB210).
    ("tests/fixtures/indicators", &["check", "bad/figures.yaml"]),
];

#[test]
fn every_diagnostic_code_is_caught_by_some_fixture() {
    let mut seen = BTreeSet::new();
    for (dir, args) in FIXTURE_RUNS {
        for f in check_json(dir, args).1 {
            assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()));
            seen.insert(f["code"].as_str().unwrap().to_string());
        }
    }
    let all: BTreeSet<String> = Code::ALL.iter().map(|c| c.id().to_string()).collect();
    let untested: Vec<_> = all.difference(&seen).collect();
    assert!(
        untested.is_empty(),
        "codes no fixture triggers: {untested:?}"
    );
}

#[test]
fn json_findings_carry_file_line_and_column() {
    let (code, findings) = check_json(
        "tests/fixtures/broken",
        &["--plan", "../clean/plan", "check"],
    );
    assert_eq!(code, Some(1));
    let typo = findings
        .iter()
        .find(|f| f["code"] == "NB103" && f["message"].as_str().unwrap().contains("next_yaer"))
        .expect("the typo is reported");
    assert_eq!(typo["file"], "reports/2025/shuiwu.yaml");
    assert_eq!(typo["line"], 10);
    assert_eq!(typo["column"], 1);
    assert!(typo["hint"].as_str().unwrap().contains("`next_year`"));
}

#[test]
fn diagnostics_doc_lists_every_code() {
    let doc = std::fs::read_to_string("docs/diagnostics.md").unwrap();
    for code in Code::ALL {
        assert!(
            doc.contains(&format!("| {} |", code.id())),
            "docs/diagnostics.md does not describe {}",
            code.id()
        );
    }
}

#[test]
fn report_format_example_passes_check_against_the_shipped_plan() {
    let doc = std::fs::read_to_string("docs/report-format.md").unwrap();
    let example = doc
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the doc has a yaml example");
    let dir = std::env::temp_dir().join(format!("nianbao-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shuili.yaml");
    std::fs::write(&path, example).unwrap();
    let plan = shipped_plan();
    let checked = check_reports(&plan, std::slice::from_ref(&path), Scope::Files);
    std::fs::remove_dir_all(&dir).unwrap();
    let report = checked
        .reports
        .first()
        .expect("the example is a readable report");
    assert_eq!(report.unit, "shuili");
    assert_eq!(report.entries.len(), 3);
    // The example shows only three of the unit's tasks: the rest are reported uncovered,
    // and nothing else is wrong with it.
    assert!(
        checked.diags.iter().all(|d| d.code == Code::Uncovered),
        "{:#?}",
        checked.diags
    );
}

/// Regression: a unit whose report file exists but cannot be parsed was also listed as
/// "not submitted" (NB401), which sent the office chasing a unit that had reported.
#[test]
fn broken_report_file_is_not_listed_as_missing() {
    let (code, findings) = check_json(
        "tests/fixtures/syntax-in-year",
        &["--plan", "../clean/plan", "check"],
    );
    assert_eq!(code, Some(1));
    assert!(findings.iter().any(|f| f["code"] == "NB004"));
    let missing: Vec<_> = findings.iter().filter(|f| f["code"] == "NB401").collect();
    assert_eq!(missing.len(), 4, "the other four units are missing");
    assert!(
        missing
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("shuiwu"))
    );
}

/// `--year Y` for a run in a fixture tree whose reports folder holds the one year `Y`,
/// unless the run names a year itself. The trees are dated; the clock is not, and the
/// default year follows the clock (tested on its own in `workflow`).
pub fn year_args(dir: impl AsRef<Path>, args: &[&str]) -> Vec<String> {
    // `help` takes no options.
    if args.contains(&"--year") || args.first() == Some(&"help") {
        return Vec::new();
    }
    let years: Vec<String> = std::fs::read_dir(dir.as_ref().join("reports"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.len() == 4 && n.parse::<i32>().is_ok())
                .collect()
        })
        .unwrap_or_default();
    match years.as_slice() {
        [y] => vec!["--year".to_string(), y.clone()],
        _ => Vec::new(),
    }
}

#[path = "compile/mod.rs"]
mod compile;

#[path = "workflow/mod.rs"]
mod workflow;

#[path = "workbook/mod.rs"]
mod workbook;

#[path = "hostile/mod.rs"]
mod hostile;

#[path = "props/mod.rs"]
mod props;

#[path = "scale/mod.rs"]
mod scale;

/// The deterministic corpus generator the benchmark uses, for tests that need a large plan.
#[path = "../examples/corpus/gen.rs"]
#[allow(dead_code)]
mod generator;
