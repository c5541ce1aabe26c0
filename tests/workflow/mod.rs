//! The office's yearly cycle end to end on a scratch copy of the shipped data: init a
//! report, fill it, intake received files (renamed, re-sent, GBK, invalid), remind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch workspace holding a copy of the shipped plan and some sample reports.
struct Workspace(PathBuf);

impl Workspace {
    fn new(name: &str, reports: &[&str]) -> Workspace {
        let dir = std::env::temp_dir().join(format!("nianbao-ws-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("plan")).unwrap();
        std::fs::create_dir_all(dir.join("reports/2026")).unwrap();
        std::fs::copy(
            "plan/meili-ningxia.toml",
            dir.join("plan/meili-ningxia.toml"),
        )
        .unwrap();
        for id in reports {
            let file = format!("reports/2026/{id}.yaml");
            std::fs::copy(&file, dir.join(&file)).unwrap();
        }
        Workspace(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn codes(o: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Replaces every scaffold placeholder with plausible text, as a unit would.
fn fill(scaffold: &str) -> String {
    scaffold
        .lines()
        .map(|line| {
            let Some(start) = line.find("【请填写") else {
                return line.to_string();
            };
            let value = if line.trim_start().starts_with("submitted:") {
                "2026-12-18"
            } else if line.trim_start().starts_with("phone:") {
                "\"0951-5550318\""
            } else {
                "完成年度工作，成效明显。"
            };
            format!("{}{value}", &line[..start])
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn init_writes_a_scaffold_that_parses_flags_placeholders_and_passes_once_filled() {
    let ws = Workspace::new("init", &[]);
    let run = ws.run(&["init", "水利厅", "--year", "2026"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let path = ws.path("reports/2026/shuili.yaml");
    let scaffold = std::fs::read_to_string(&path).unwrap();
    assert!(scaffold.contains("# 自查：保存后运行  nianbao check reports/2026/shuili.yaml"));
    assert!(scaffold.contains("2026年12月31日前报自治区生态环境保护领导小组"));
    assert!(
        scaffold.contains("细化主体功能区划分"),
        "task text is in the comments"
    );

    // It parses, and every placeholder is reported; nothing else is.
    let checked = ws.run(&["check", "reports/2026/shuili.yaml", "--format", "json"]);
    assert_eq!(checked.status.code(), Some(1));
    let found = codes(&checked);
    assert!(found.iter().all(|c| c == "NB404"), "{found:?}");
    // 15 assigned tasks + submitted, contact name and phone, summary, problems, next_year.
    assert_eq!(found.len(), 15 + 6);

    std::fs::write(&path, fill(&scaffold)).unwrap();
    let clean = ws.run(&["check", "reports/2026/shuili.yaml"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("检查通过"));
}

#[test]
fn init_accepts_id_short_and_full_names_and_never_overwrites() {
    let ws = Workspace::new("init-names", &[]);
    for (i, name) in ["yinchuan", "银川市", "银川市人民政府"].iter().enumerate() {
        let out = format!("r{i}.yaml");
        let run = ws.run(&["init", name, "--year", "2026", "--out", &out]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", stderr(&run));
        let text = std::fs::read_to_string(ws.path(&out)).unwrap();
        assert!(text.contains("unit: yinchuan"), "{name}");
        assert_eq!(
            text.matches("  - task: ").count(),
            28,
            "a region has all 28 tasks"
        );
    }
    std::fs::write(ws.path("r0.yaml"), "mine\n").unwrap();
    let again = ws.run(&["init", "yinchuan", "--out", "r0.yaml"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("已存在，没有覆盖"));
    assert_eq!(
        std::fs::read_to_string(ws.path("r0.yaml")).unwrap(),
        "mine\n"
    );
}

#[test]
fn intake_files_a_renamed_report_by_its_content() {
    let ws = Workspace::new("intake", &[]);
    let received = ws.path("水利厅2026年度报告.yaml");
    let original = std::fs::read("reports/2026/shuili.yaml").unwrap();
    std::fs::write(&received, &original).unwrap();
    let run = ws.run(&["intake", "水利厅2026年度报告.yaml"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).contains("已收取 水利厅 2026 年度报告 → reports/2026/shuili.yaml"));
    assert_eq!(
        std::fs::read(ws.path("reports/2026/shuili.yaml")).unwrap(),
        original
    );
    assert_eq!(
        std::fs::read(&received).unwrap(),
        original,
        "the received file is untouched"
    );
}

#[test]
fn intake_of_a_resubmission_keeps_the_earlier_version_and_says_what_changed() {
    let ws = Workspace::new("resubmit", &["shuili"]);
    let before = std::fs::read_to_string(ws.path("reports/2026/shuili.yaml")).unwrap();
    let revised = before.replace("淤地坝除险加固42座", "淤地坝除险加固45座");
    std::fs::write(ws.path("revised.yaml"), &revised).unwrap();
    let run = ws.run(&["intake", "revised.yaml"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stdout(&run).contains("与原报告相比：修改了任务 13 的内容"),
        "{}",
        stdout(&run)
    );
    let history: Vec<PathBuf> = std::fs::read_dir(ws.path("reports/2026/history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(history.len(), 1);
    assert_eq!(std::fs::read_to_string(&history[0]).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(ws.path("reports/2026/shuili.yaml")).unwrap(),
        revised
    );
    // The history folder is not read as a second report.
    let check = ws.run(&["check", "--format", "json"]);
    assert!(!codes(&check).contains(&"NB204".to_string()));
}

/// Regression (#12, item 11): intake read the report already filed with no size limit.
#[test]
fn intake_never_reads_a_filed_report_past_the_size_limit() {
    let ws = Workspace::new("intake-limit", &["shuili"]);
    let incoming = std::fs::read_to_string(ws.path("reports/2026/shuili.yaml")).unwrap();
    std::fs::write(ws.path("revised.yaml"), &incoming).unwrap();
    // Whatever sits where the report is filed, it is only read within the limit.
    let huge = "# 填充\n".repeat(200_000);
    std::fs::write(ws.path("reports/2026/shuili.yaml"), &huge).unwrap();
    let run = ws.run(&["--max-file-size", "1M", "intake", "revised.yaml"]);
    assert_eq!(run.status.code(), Some(2), "{}", stdout(&run));
    assert!(stderr(&run).contains("过大"), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("reports/2026/shuili.yaml"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("reports/2026/shuili.yaml")).unwrap(),
        huge,
        "the filed file is left as it was"
    );
    assert!(!ws.path("reports/2026/history").exists(), "nothing filed");
}

#[test]
fn intake_converts_gbk_to_utf8() {
    let ws = Workspace::new("intake-gbk", &[]);
    let text = std::fs::read_to_string("reports/2026/caizheng.yaml").unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(ws.path("财政厅.yaml"), &gbk).unwrap();
    let run = ws.run(&["intake", "财政厅.yaml"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stdout(&run).contains("按 GBK/GB18030 编码读取，已转换为 UTF-8 保存"),
        "the guessed encoding is named: {}",
        stdout(&run)
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("reports/2026/caizheng.yaml")).unwrap(),
        text
    );
}

#[test]
fn intake_refuses_an_invalid_file_and_stores_nothing() {
    let ws = Workspace::new("intake-bad", &[]);
    std::fs::write(
        ws.path("坏报告.yaml"),
        "unit: 水利厅\nyear: 2026\ntasks:\n  - task: 99\n",
    )
    .unwrap();
    let run = ws.run(&["intake", "坏报告.yaml"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("未收取"));
    assert!(stderr(&run).contains("NB202"));
    let stored: Vec<_> = std::fs::read_dir(ws.path("reports/2026"))
        .unwrap()
        .collect();
    assert!(stored.is_empty(), "nothing is stored");
}

#[test]
fn remind_writes_one_notice_per_outstanding_unit() {
    let ws = Workspace::new("remind", &["jiaotong", "shuili"]);
    let run = ws.run(&["remind", "--today", "2026-12-20"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    // 31 units, 2 reports of which jiaotong leaves task 24 out: 29 missing + jiaotong.
    assert!(out.contains("共 30 份催报通知"), "{out}");
    assert!(out.contains("交通运输厅：任务 24 未填报"));
    let notice = std::fs::read_to_string(ws.path("out/2026/remind/guyuan.md")).unwrap();
    assert!(notice.contains("固原市人民政府："));
    assert!(notice.contains("距截止还有11天"));
    assert_eq!(notice.matches("\n- 任务").count(), 28);
    assert!(
        !Path::new(&ws.path("out/2026/remind/shuili.md")).exists(),
        "complete units get none"
    );
}

#[test]
fn every_subcommand_has_chinese_help_with_an_example() {
    use clap::CommandFactory;
    let cmd = nianbao::cli::Cli::command();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        assert!(
            about
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: {about}",
            sub.get_name()
        );
        let after = sub
            .get_after_help()
            .map(|a| a.to_string())
            .unwrap_or_default();
        assert!(
            after.contains("示例") && after.contains("nianbao"),
            "{} has no example",
            sub.get_name()
        );
    }
}

#[test]
fn completions_and_man_page_are_generated() {
    let ws = Workspace::new("completions", &[]);
    let bash = ws.run(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let script = stdout(&bash);
    assert!(
        script.contains("_nianbao") && script.contains("intake"),
        "bash completion"
    );
    let man = ws.run(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = stdout(&man);
    assert!(
        page.starts_with(".ie") || page.contains(".TH nianbao"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("compile"));
}

#[test]
fn missing_lists_exactly_what_check_calls_uncovered() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let check = run(&["check", "--format", "json"]);
    let mut from_check: Vec<(String, u64)> = check
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "NB403" || f["code"] == "NB404")
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let id = Path::new(file)
                .file_stem()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let msg = f["message"].as_str().unwrap();
            let n = msg.split("第 ").nth(1).unwrap().split(' ').next().unwrap();
            (id, n.parse().unwrap())
        })
        .collect();
    let missing = run(&["missing", "--format", "json"]);
    let mut from_missing: Vec<(String, u64)> = missing
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["report_missing"] == false)
        .flat_map(|o| {
            let id = o["id"].as_str().unwrap().to_string();
            o["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |t| (id.clone(), t["task"].as_u64().unwrap()))
        })
        .collect();
    from_check.sort();
    from_missing.sort();
    assert_eq!(from_missing, from_check);
    let missing_units = missing
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["report_missing"] == true)
        .count();
    let nb401 = check
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "NB401")
        .count();
    assert_eq!(missing_units, nb401);
}
