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
            .args(crate::year_args(&self.0, args))
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
            let value = if line.trim_start().starts_with("status:") {
                "按计划推进"
            } else if line.trim_start().starts_with("submitted:") {
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
fn init_writes_a_draft_outside_reports_that_parses_flags_placeholders_and_passes_once_filled() {
    let ws = Workspace::new("init", &[]);
    let run = ws.run(&["init", "水利厅", "--year", "2026"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let path = ws.path("out/2026/drafts/水利厅2026年度报告.yaml");
    let scaffold = std::fs::read_to_string(&path).unwrap();
    assert!(scaffold.contains("2026年12月31日前报自治区生态环境保护领导小组"));
    assert!(
        scaffold.contains("细化主体功能区划分"),
        "task text is in the comments"
    );
    assert!(
        !scaffold.contains("status: 按计划推进"),
        "the unit chooses each status"
    );
    assert_eq!(
        std::fs::read_dir(ws.path("reports/2026")).unwrap().count(),
        0,
        "a draft is not a submission"
    );

    // It parses, and every placeholder is reported; nothing else is (the draft's own name
    // is fine outside reports/).
    let draft = "out/2026/drafts/水利厅2026年度报告.yaml";
    let checked = ws.run(&["check", draft, "--format", "json", "--today", "2027-01-08"]);
    assert_eq!(checked.status.code(), Some(1));
    let found = codes(&checked);
    assert!(found.iter().all(|c| c == "NB404"), "{found:?}");
    // 15 assigned tasks (status and progress) + submitted, contact name and phone,
    // summary, problems, next_year.
    assert_eq!(found.len(), 15 * 2 + 6);

    std::fs::write(&path, fill(&scaffold)).unwrap();
    let clean = ws.run(&["check", draft, "--today", "2027-01-08"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("检查通过"));
}

#[test]
fn init_all_writes_every_units_draft_and_keeps_existing_ones() {
    let ws = Workspace::new("init-all", &[]);
    let first = ws.run(&["init", "固原市", "--year", "2026"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mine = ws.path("out/2026/drafts/固原市2026年度报告.yaml");
    std::fs::write(&mine, "已改动\n").unwrap();
    let all = ws.run(&["init", "--all", "--year", "2026"]);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    assert_eq!(
        std::fs::read_dir(ws.path("out/2026/drafts"))
            .unwrap()
            .count(),
        31
    );
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "已改动\n");
    assert!(stdout(&all).contains("已存在，保留原文件"));
}

/// Regression (#11, item 4): an unfilled draft in reports/ showed as 已报送 0/28 and the
/// notice told the unit it had reported.
#[test]
fn an_unfilled_draft_in_reports_counts_as_not_submitted() {
    let ws = Workspace::new("draft-in-reports", &[]);
    let run = ws.run(&["init", "固原市", "--year", "2026", "--out", "draft.yaml"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    std::fs::copy(ws.path("draft.yaml"), ws.path("reports/2026/guyuan.yaml")).unwrap();
    let v = status_json(&ws, "2026-12-20");
    assert_eq!(v["received"], 0);
    let guyuan = unit_row(&v, "guyuan");
    assert_eq!(guyuan["state"], "未报送");
    assert_eq!(guyuan["unfilled"], true);
    assert_eq!(guyuan["covered"], 0);
    let remind = ws.run(&["remind", "--today", "2026-12-20", "--format", "md"]);
    assert_eq!(remind.status.code(), Some(0), "{}", stderr(&remind));
    let notice = std::fs::read_to_string(ws.path("out/2026/remind/固原市-提醒.md")).unwrap();
    assert!(
        notice.contains("尚未填写任何任务的进展，按未报送统计"),
        "{notice}"
    );
    assert!(!notice.contains("已报送"), "{notice}");
}

#[test]
fn init_accepts_id_short_full_and_common_names_and_never_overwrites() {
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
fn the_names_staff_use_are_accepted_and_near_misses_get_a_suggestion() {
    let ws = Workspace::new("aliases", &[]);
    for (name, id) in [
        ("人社厅", "renshe"),
        ("住建厅", "zhufangchengxiang"),
        ("工信厅", "gongxin"),
        ("发改委", "fazhangaige"),
        ("卫健委", "weijian"),
        ("市场监管局", "shichangjianguan"),
        ("自治区水利厅", "shuili"),
        ("宁夏回族自治区水利厅", "shuili"),
    ] {
        let run = ws.run(&["tasks", "--unit", name, "--format", "json"]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", stderr(&run));
        let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let text = v.to_string();
        assert!(!text.is_empty() && text != "[]", "{name}");
        let init = ws.run(&[
            "init",
            name,
            "--year",
            "2026",
            "--out",
            &format!("{id}-{name}.yaml"),
        ]);
        let draft = std::fs::read_to_string(ws.path(&format!("{id}-{name}.yaml")))
            .unwrap_or_else(|_| panic!("{name}: {}", stderr(&init)));
        assert!(draft.contains(&format!("unit: {id} ")), "{name} is {id}");
    }
    let miss = ws.run(&["tasks", "--unit", "人设厅"]);
    assert_eq!(miss.status.code(), Some(2));
    assert!(
        stderr(&miss).contains("是否应为“人社厅”"),
        "{}",
        stderr(&miss)
    );
    // A report may name its unit the same ways.
    let text = std::fs::read_to_string("reports/2026/shuili.yaml")
        .unwrap()
        .replacen("unit: shuili", "unit: 自治区水利厅", 1);
    std::fs::write(ws.path("reports/2026/shuili.yaml"), text).unwrap();
    let check = ws.run(&["check", "reports/2026/shuili.yaml", "--today", "2027-01-08"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn intake_files_a_renamed_report_by_its_content() {
    let ws = Workspace::new("intake", &[]);
    let received = ws.path("水利厅2026年度报告.yaml");
    let original = std::fs::read("reports/2026/shuili.yaml").unwrap();
    std::fs::write(&received, &original).unwrap();
    let run = ws.run(&["intake", "水利厅2026年度报告.yaml"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stdout(&run).contains(
            "已收取 水利厅2026年度报告.yaml → reports/2026/shuili.yaml（水利厅 2026 年度报告，第 1 版"
        ),
        "{}",
        stdout(&run)
    );
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
    // A report filed before the register existed is version 1; the resubmission is 2.
    assert!(stdout(&run).contains("第 2 版"), "{}", stdout(&run));
    assert!(
        history[0].to_string_lossy().contains("shuili-v1-"),
        "{history:?}"
    );
    // The same file sent again files nothing, and the register still records its arrival.
    let again = ws.run(&["intake", "revised.yaml"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("内容相同，无需再收取"));
    let register = std::fs::read_to_string(ws.path("reports/2026/收文登记.csv")).unwrap();
    assert!(register.contains("与已收取的第2版内容相同"), "{register}");
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
    let mut stored: Vec<String> = std::fs::read_dir(ws.path("reports/2026"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        [".intake.lock", "收文登记.csv"],
        "no report is stored"
    );
    let register = std::fs::read_to_string(ws.path("reports/2026/收文登记.csv")).unwrap();
    assert!(register.contains("坏报告.yaml"), "{register}");
    assert!(register.contains("未收取：有5个错误"), "{register}");
}

/// `status --format json` on a given day.
fn status_json(ws: &Workspace, today: &str) -> serde_json::Value {
    let run = ws.run(&["status", "--today", today, "--format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    serde_json::from_slice(&run.stdout).unwrap()
}

/// One unit's row of `status --format json`.
fn unit_row(status: &serde_json::Value, id: &str) -> serde_json::Value {
    status["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
        .clone()
}

/// The workspace's plan with the office's contact filled in, as an office would set it.
fn with_contact(ws: &Workspace) {
    let path = ws.path("plan/meili-ningxia.toml");
    let plan = std::fs::read_to_string(&path).unwrap().replacen(
        "cc = []\n",
        "cc = []\ncontact = \"王明\"\nphone = \"0951-5555555\"\n",
        1,
    );
    std::fs::write(&path, plan).unwrap();
}

/// What a notice says, as plain text: the Markdown body without its front matter.
fn notice_text(ws: &Workspace, name: &str) -> String {
    let text = std::fs::read_to_string(ws.path(&format!("out/2026/remind/{name}"))).unwrap();
    text.splitn(3, "---\n").nth(2).unwrap_or(&text).to_string()
}

#[test]
fn before_the_deadline_each_unit_gets_a_reminder_fit_to_send() {
    let ws = Workspace::new("remind", &["jiaotong", "shuili"]);
    with_contact(&ws);
    let run = ws.run(&["remind", "--today", "2026-12-20"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    // 31 units, 2 reports of which jiaotong leaves task 24 out: 29 missing + jiaotong.
    assert!(out.contains("共 30 份提醒"), "{out}");
    assert!(
        out.contains("宁夏回族自治区交通运输厅：提醒，第24项任务未报告进展"),
        "{out}"
    );
    let file = std::fs::read_to_string(ws.path("out/2026/remind/固原市-提醒.md")).unwrap();
    assert!(file.contains("关于报送2026年度全面推进美丽宁夏建设工作情况的提醒"));
    let notice = notice_text(&ws, "固原市-提醒.md");
    assert!(notice.contains("固原市人民政府："));
    assert!(notice.contains("距今还有11天"));
    assert!(notice.contains("请于2026年12月31日前报送"));
    assert!(notice.contains("联系人：王明，联系电话：0951-5555555"));
    assert_eq!(
        notice.matches("项“").count(),
        28,
        "every owed task by number and title"
    );
    assert!(notice.contains("第28项“深化数字赋能”"));
    for word in ["nianbao", "`", "我们", "运行", "# "] {
        assert!(!notice.contains(word), "no {word:?} in a notice: {notice}");
    }
    let partial = notice_text(&ws, "交通运输厅-提醒.md");
    assert!(
        partial.contains("贵单位已报送2026年度工作情况报告，但以下1项分工任务尚未报告实际进展")
    );
    assert!(partial.contains("第24项“践行绿色低碳生活方式”（参与，未填报）"));
    assert!(
        ws.path("out/2026/remind/固原市-提醒.docx").exists(),
        "Word too"
    );
    assert!(
        !ws.path("out/2026/remind/水利厅-提醒.md").exists(),
        "complete units get none"
    );
    let list = std::fs::read_to_string(ws.path("out/2026/remind/发送名单.csv")).unwrap();
    assert_eq!(list.lines().count(), 31, "a header and one line per notice");
}

#[test]
fn after_the_deadline_the_notice_is_a_cuibao_with_the_new_date() {
    let ws = Workspace::new("remind-late", &["jiaotong", "shuili"]);
    let run = ws.run(&["remind", "--today", "2027-01-08", "--by", "2027-01-15"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).contains("共 30 份催报通知"));
    assert!(
        stderr(&run).contains("没有填写 contact"),
        "a missing contact is named"
    );
    let file = std::fs::read_to_string(ws.path("out/2026/remind/固原市-催报通知.md")).unwrap();
    assert!(file.contains("工作情况的催报通知"));
    let notice = notice_text(&ws, "固原市-催报通知.md");
    assert!(notice.contains("现已逾期8天"));
    assert!(notice.contains("请于2027年1月15日前补报"));
    assert!(notice.contains("2027年1月8日"));
}

#[test]
fn two_versions_of_one_unit_in_a_batch_are_both_refused_and_named() {
    let ws = Workspace::new("intake-twins", &[]);
    let text = std::fs::read_to_string("reports/2026/zhongwei.yaml").unwrap();
    std::fs::write(ws.path("中卫市（终稿）.yaml"), &text).unwrap();
    std::fs::write(
        ws.path("中卫市（终稿）(修改版).yaml"),
        text.replacen("summary:", "# 修改版\nsummary:", 1),
    )
    .unwrap();
    let run = ws.run(&[
        "intake",
        "中卫市（终稿）.yaml",
        "中卫市（终稿）(修改版).yaml",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert_eq!(err.matches("未收取").count(), 2, "{err}");
    assert!(
        err.contains(
            "同一批中有2份中卫市的报告（中卫市（终稿）.yaml、中卫市（终稿）(修改版).yaml）"
        ),
        "{err}"
    );
    assert!(!ws.path("reports/2026/zhongwei.yaml").exists());
}

#[test]
fn a_file_named_for_one_unit_holding_anothers_report_is_refused_unless_replace() {
    let ws = Workspace::new("intake-wrong-unit", &["nongyenongcun"]);
    let real = std::fs::read("reports/2026/nongyenongcun.yaml").unwrap();
    let slip =
        String::from_utf8(real.clone())
            .unwrap()
            .replacen("summary:", "# 抄错了\nsummary:", 1);
    std::fs::write(ws.path("水利厅年报-最终.yaml"), &slip).unwrap();
    let run = ws.run(&["intake", "水利厅年报-最终.yaml"]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("指的是水利厅，内容中写的报送单位却是农业农村厅"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(ws.path("reports/2026/nongyenongcun.yaml")).unwrap(),
        real,
        "the real report stays"
    );
    let replace = ws.run(&["intake", "水利厅年报-最终.yaml", "--replace"]);
    assert_eq!(replace.status.code(), Some(0), "{}", stderr(&replace));
    assert!(stdout(&replace).contains("原报告已保存到 reports/2026/history/nongyenongcun-v1-"));
}

#[test]
fn an_older_version_never_replaces_a_newer_one_unnoticed() {
    let ws = Workspace::new("intake-older", &[]);
    let text = std::fs::read_to_string("reports/2026/zhongwei.yaml").unwrap();
    let newer = text.replacen("submitted: 2026-12-27", "submitted: 2026-12-28", 1);
    let older = text.replacen("submitted: 2026-12-27", "submitted: 2026-12-10", 1);
    std::fs::write(ws.path("中卫市新.yaml"), &newer).unwrap();
    std::fs::write(ws.path("中卫市旧.yaml"), &older).unwrap();
    let first = ws.run(&["intake", "中卫市新.yaml", "--received", "2026-12-28"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let second = ws.run(&["intake", "中卫市旧.yaml", "--received", "2026-12-29"]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("早于已收取的版本"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("reports/2026/zhongwei.yaml")).unwrap(),
        newer
    );
    let forced = ws.run(&[
        "intake",
        "中卫市旧.yaml",
        "--received",
        "2026-12-29",
        "--replace",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(stdout(&forced).contains("第 2 版"), "{}", stdout(&forced));
}

#[test]
fn lateness_is_judged_by_the_receipt_date_in_the_register() {
    let ws = Workspace::new("intake-late", &[]);
    let text = std::fs::read_to_string("reports/2026/zhongwei.yaml")
        .unwrap()
        .replacen("submitted: 2026-12-27", "submitted: 2026-12-30", 1);
    std::fs::write(ws.path("中卫市.yaml"), &text).unwrap();
    let run = ws.run(&["intake", "中卫市.yaml", "--received", "2027-01-06 10:30"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let register = std::fs::read(ws.path("reports/2026/收文登记.csv")).unwrap();
    let register = String::from_utf8(register).unwrap();
    assert!(
        register.starts_with('\u{feff}'),
        "Excel and WPS need the BOM"
    );
    assert!(register.contains("2027-01-06 10:30:00,zhongwei,中卫市,中卫市.yaml,2026-12-30,1,"));
    let v = status_json(&ws, "2027-01-08");
    let zhongwei = unit_row(&v, "zhongwei");
    assert_eq!(zhongwei["state"], "逾期报送");
    assert_eq!(zhongwei["days_late"], 6);
    assert_eq!(zhongwei["received"], "2027-01-06");
    assert_eq!(
        zhongwei["date"], "2026-12-30",
        "the declared date is shown beside"
    );
    // The register is read back whatever Excel saved it as: here GBK, the time re-typed
    // by hand and a note column added.
    let gbk_text = register
        .trim_start_matches('\u{feff}')
        .replace("2027-01-06 10:30:00", "2026/12/29 9:00")
        .replace("存放位置\r\n", "存放位置,备注\r\n")
        .replace(
            "reports/2026/zhongwei.yaml\r\n",
            "reports/2026/zhongwei.yaml,邮件\r\n",
        );
    assert!(gbk_text.contains(",邮件"), "{gbk_text}");
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_text);
    std::fs::write(ws.path("reports/2026/收文登记.csv"), &gbk).unwrap();
    let v = status_json(&ws, "2027-01-08");
    let zhongwei = unit_row(&v, "zhongwei");
    assert_eq!(zhongwei["state"], "已报送");
    assert_eq!(zhongwei["received"], "2026-12-29");
}

#[test]
fn a_broken_register_costs_status_only_the_receipt_dates_and_stops_intake() {
    let ws = Workspace::new("register-broken", &["shuili"]);
    let register = ws.path("reports/2026/收文登记.csv");
    std::fs::write(&register, b"PK\x03\x04\x00\x00junk\xff\xfe\x00").unwrap();
    let status = ws.run(&["status", "--today", "2027-01-08"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert!(stderr(&status).contains("收文登记"), "{}", stderr(&status));
    assert!(stdout(&status).contains("已收到 1/31 份报告"));
    std::fs::write(
        ws.path("中卫市.yaml"),
        std::fs::read("reports/2026/zhongwei.yaml").unwrap(),
    )
    .unwrap();
    let intake = ws.run(&["intake", "中卫市.yaml"]);
    assert_eq!(intake.status.code(), Some(2));
    assert!(stderr(&intake).contains("收文登记"), "{}", stderr(&intake));
    assert!(
        !ws.path("reports/2026/zhongwei.yaml").exists(),
        "nothing filed"
    );
    assert_eq!(
        std::fs::read(&register).unwrap(),
        b"PK\x03\x04\x00\x00junk\xff\xfe\x00",
        "the register is left as it was"
    );
}

#[test]
fn concurrent_intakes_of_one_unit_lose_no_version() {
    let ws = Workspace::new("intake-concurrent", &[]);
    let text = std::fs::read_to_string("reports/2026/zhongwei.yaml").unwrap();
    let rounds = 6;
    for i in 0..rounds {
        std::fs::write(
            ws.path(&format!("中卫市-{i}.yaml")),
            text.replacen("summary:", &format!("# 第{i}稿\nsummary:"), 1),
        )
        .unwrap();
    }
    let children: Vec<_> = (0..rounds)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_nianbao"))
                .args([
                    "intake",
                    &format!("中卫市-{i}.yaml"),
                    "--received",
                    "2026-12-28 09:00",
                ])
                .current_dir(&ws.0)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    // Every draft is either the filed report or kept in history, each exactly once.
    let mut kept: Vec<String> = std::fs::read_dir(ws.path("reports/2026/history"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    kept.push(std::fs::read_to_string(ws.path("reports/2026/zhongwei.yaml")).unwrap());
    for i in 0..rounds {
        let mark = format!("# 第{i}稿");
        assert_eq!(
            kept.iter().filter(|t| t.contains(&mark)).count(),
            1,
            "{mark}"
        );
    }
    let register = std::fs::read_to_string(ws.path("reports/2026/收文登记.csv")).unwrap();
    for v in 1..=rounds {
        assert!(register.contains(&format!(",{v},")), "version {v} recorded");
    }
}

#[test]
fn the_default_year_switches_three_months_after_the_deadline() {
    let ws = Workspace::new("year-switch", &[]);
    let before = ws.run(&["status", "--today", "2027-03-31"]);
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    assert!(stdout(&before).starts_with("2026 年度报送进度"));
    std::fs::remove_dir(ws.path("reports/2026")).unwrap();
    let after = ws.run(&["status", "--today", "2027-04-01"]);
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    assert!(
        stdout(&after).starts_with("2027 年度报送进度"),
        "{}",
        stdout(&after)
    );
    assert!(stdout(&after).contains("已收到 0/31 份报告"));
    // A draft for next year made in November does not move the office on.
    let init = ws.run(&["init", "银川市", "--year", "2027", "--today", "2026-11-29"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let missing = ws.run(&["missing", "--today", "2026-11-29"]);
    assert!(stdout(&missing).starts_with("2026 年度尚未完成的报送事项"));
    assert!(stdout(&missing).contains("固原市：28项任务均未报送"));
}

#[test]
fn a_year_outside_the_plan_or_without_reports_is_refused_naming_the_years() {
    let ws = Workspace::new("year-bad", &["shuili"]);
    for year in ["99999", "26", "2040"] {
        let run = ws.run(&["status", "--year", year]);
        assert_eq!(run.status.code(), Some(2), "--year {year}");
        assert!(
            stderr(&run).contains("不在方案的实施期（2021—2035年）内"),
            "{}",
            stderr(&run)
        );
        assert!(
            stderr(&run).contains("已有报告的年度：2026"),
            "{}",
            stderr(&run)
        );
    }
    let compile = ws.run(&["compile", "--year", "2030", "--out", "out/x"]);
    assert_eq!(compile.status.code(), Some(2));
    assert!(
        stderr(&compile).contains("2030 年度还没有收到任何报告"),
        "{}",
        stderr(&compile)
    );
    assert!(!ws.path("out/x").exists());
}

#[test]
fn a_unit_checks_its_report_under_any_name_from_another_folder() {
    let ws = Workspace::new("self-check", &[]);
    std::fs::create_dir_all(ws.path("单位/自查")).unwrap();
    let file = ws.path("单位/自查/水利厅2026年度报告（终稿）.yaml");
    std::fs::copy("reports/2026/shuili.yaml", &file).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "check",
            "水利厅2026年度报告（终稿）.yaml",
            "--today",
            "2027-01-08",
        ])
        .current_dir(ws.path("单位/自查"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}{}",
        stdout(&run),
        stderr(&run)
    );
    assert!(stdout(&run).contains("检查通过"));
    assert!(
        !stdout(&run).contains("NB208"),
        "any name will do outside reports/"
    );
}

#[test]
fn argument_errors_and_help_are_in_chinese_and_a_closed_pipe_is_quiet() {
    let ws = Workspace::new("cli-zh", &["shuili"]);
    let typo = ws.run(&["chek"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("没有“chek”这个命令。是否应为“check”？"),
        "{}",
        stderr(&typo)
    );
    let value = ws.run(&["status", "--format", "xls"]);
    assert!(
        stderr(&value).contains("的值“xls”无效。可用的值：table、json、csv"),
        "{}",
        stderr(&value)
    );
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["intake", "--help"],
        &["help", "remind"],
    ] {
        let help = stdout(&ws.run(args));
        assert!(help.contains("用法：") && help.contains("选项："), "{help}");
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "[default",
            "Possible values",
            "Print help",
        ] {
            assert!(!help.contains(english), "{english} in {args:?}: {help}");
        }
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["status", "--format", "json", "--year", "2026"])
        .current_dir(&ws.0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn every_subcommand_has_chinese_help_with_an_example() {
    use clap::CommandFactory;
    let cmd = nianbao::cli::Cli::command();
    for sub in cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
    {
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
