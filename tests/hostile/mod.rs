//! Hostile inputs: every malformed file a tired clerk or a broken mail client can produce
//! gets a clear answer with its place; no command panics, hangs, modifies an input or
//! leaves a half-written output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const DIR: &str = "tests/fixtures/hostile";

#[derive(serde::Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    file: String,
    what: String,
    exit: i32,
    expect: Vec<String>,
    /// Words the first expected finding's message must contain: what the user reads.
    #[serde(default)]
    says: Option<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(format!("{DIR}/cases.toml")).unwrap();
    toml::from_str::<Cases>(&text).unwrap().case
}

/// Runs nianbao; a run that has not ended after a minute is killed and fails the test, so a
/// hang is a failure rather than a stuck test suite.
fn nianbao(cwd: &Path, args: &[&str]) -> (Output, Duration) {
    use std::process::Stdio;
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .args(crate::year_args(cwd, args))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => (out.unwrap(), start.elapsed()),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("nianbao {args:?} did not finish in a minute (hung)");
        }
    }
}

/// No panic: the process ended with one of nianbao's own codes and said nothing of a bug.
fn assert_no_panic(out: &Output, what: &str) {
    let code = out.status.code();
    assert!(matches!(code, Some(0..=2)), "{what}: exit {code:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("内部出错") && !stderr.contains("panicked"),
        "{what}: {stderr}"
    );
}

fn findings(out: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
        .as_array()
        .unwrap()
        .clone()
}

fn assert_answers(found: &[serde_json::Value], expect: &[String], what: &str) {
    for f in found {
        assert!(
            f["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: empty message"
        );
        if f["code"] != "NB401" {
            assert!(
                f["file"].is_string(),
                "{what}: a finding without its file: {f}"
            );
        }
    }
    // "NB004", "NB004@7" (line) or "NB404@34:27" (line and column, counted in characters).
    for e in expect {
        let (code, place) = e.split_once('@').unwrap_or((e.as_str(), ""));
        let mut place = place
            .split(':')
            .filter(|n| !n.is_empty())
            .map(|n| n.parse::<u64>().unwrap());
        let (line, column) = (place.next(), place.next());
        let hit = found.iter().any(|f| {
            f["code"] == code
                && line.is_none_or(|l| f["line"].as_u64() == Some(l))
                && column.is_none_or(|c| f["column"].as_u64() == Some(c))
        });
        assert!(hit, "{what}: expected {e}, got {found:#?}");
    }
}

#[test]
fn every_hostile_file_gets_its_answer_with_a_place() {
    let mut worst = (Duration::ZERO, String::new());
    for case in cases() {
        let file = format!("2026/{}", case.file);
        let (out, took) = nianbao(
            Path::new(DIR),
            &[
                "--plan",
                "../../../plan",
                "--today",
                "2027-01-08",
                "check",
                &file,
                "--format",
                "json",
            ],
        );
        assert_no_panic(&out, &case.file);
        assert_eq!(
            out.status.code(),
            Some(case.exit),
            "{}: {}",
            case.file,
            case.what
        );
        let found = findings(&out);
        assert_answers(&found, &case.expect, &case.file);
        if let (Some(says), Some(first)) = (&case.says, case.expect.first()) {
            let code = first.split('@').next().unwrap_or_default();
            assert!(
                found.iter().any(|f| f["code"] == code
                    && f["message"]
                        .as_str()
                        .is_some_and(|m| m.contains(says.as_str()))),
                "{}: no {code} says {says:?}: {found:#?}",
                case.file
            );
        }
        if took > worst.0 {
            worst = (took, case.file.clone());
        }
    }
    eprintln!(
        "hostile files: worst check took {:?} ({})",
        worst.0, worst.1
    );
}

#[test]
fn the_docs_table_lists_every_hostile_case() {
    let doc = std::fs::read_to_string("docs/hostile-inputs.md").unwrap();
    for case in cases() {
        assert!(
            doc.contains(&format!("`{}`", case.file)),
            "docs/hostile-inputs.md lacks {}",
            case.file
        );
    }
    for name in GENERATED {
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/hostile-inputs.md lacks {name}"
        );
    }
}

/// Cases made at test time: too big to commit, or not files at all.
const GENERATED: [&str; 6] = [
    "ten-thousand-entries.yaml",
    "five-mb-progress.yaml",
    "over-size-limit.yaml",
    "directory.yaml",
    "broken-symlink.yaml",
    "named-pipe.yaml",
];

/// A scratch workspace: the shipped plan, and every hostile file as the year's reports.
struct Workspace(PathBuf);

impl Workspace {
    fn new(name: &str) -> Workspace {
        let dir =
            std::env::temp_dir().join(format!("nianbao-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let year = dir.join("reports/2026");
        std::fs::create_dir_all(&year).unwrap();
        std::fs::create_dir_all(dir.join("plan")).unwrap();
        std::fs::copy(
            "plan/meili-ningxia.toml",
            dir.join("plan/meili-ningxia.toml"),
        )
        .unwrap();
        for case in cases() {
            std::fs::copy(format!("{DIR}/2026/{}", case.file), year.join(&case.file)).unwrap();
        }
        let good = std::fs::read_to_string("reports/2026/caizheng.yaml").unwrap();
        let entries: String = (0..10_000)
            .map(|i| {
                format!(
                    "  - task: {}\n    status: 已完成\n    progress: 第{i}条\n",
                    100 + i
                )
            })
            .collect();
        let many = good.replace("unit: 财政厅", "unit: 科技厅").replacen(
            "tasks:\n",
            &format!("tasks:\n{entries}"),
            1,
        );
        std::fs::write(year.join("ten-thousand-entries.yaml"), many).unwrap();
        let long = "长".repeat(5 * 1024 * 1024 / 3);
        let big = good.replace("unit: 财政厅", "unit: 教育厅").replacen(
            "安排清洁取暖和新能源发展资金6.2亿元。",
            &long,
            1,
        );
        std::fs::write(year.join("five-mb-progress.yaml"), big).unwrap();
        std::fs::write(
            year.join("over-size-limit.yaml"),
            vec![b'#'; 17 * 1024 * 1024],
        )
        .unwrap();
        std::fs::create_dir_all(year.join("directory.yaml")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            "/nonexistent/nianbao/report.yaml",
            year.join("broken-symlink.yaml"),
        )
        .unwrap();
        // Nothing ever writes into it: opening it for reading would wait forever.
        #[cfg(unix)]
        assert!(
            Command::new("mkfifo")
                .arg(year.join("named-pipe.yaml"))
                .status()
                .unwrap()
                .success()
        );
        Workspace(dir)
    }

    /// A hash of every file under the workspace's inputs, to prove nothing was modified.
    fn snapshot(&self) -> BTreeMap<PathBuf, u64> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, u64>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                let meta = std::fs::symlink_metadata(&path).unwrap();
                if meta.is_dir() {
                    walk(&path, out);
                } else if meta.is_file() {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    std::fs::read(&path).unwrap().hash(&mut h);
                    out.insert(path, h.finish());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.0.join("plan"), &mut out);
        walk(&self.0.join("reports"), &mut out);
        out
    }

    /// Temporary files left behind anywhere in the workspace (there must be none).
    fn leftovers(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                    walk(&path, out);
                } else if entry.file_name().to_string_lossy().starts_with(".nianbao-") {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The docs promise YAML 1.1 scalars in text fields are kept as written, not turned into a
/// boolean or a number.
#[test]
fn yaml11_scalars_in_text_fields_are_kept_as_written() {
    use nianbao::plan::load_plan;
    use nianbao::report::load_report;
    use nianbao::source::SourceFile;
    let (plan_src, _) = SourceFile::read(Path::new("plan/meili-ningxia.toml")).unwrap();
    let plan = load_plan(&plan_src).0.unwrap();
    let (src, _) = SourceFile::read(&Path::new(DIR).join("2026/yaml11-scalars.yaml")).unwrap();
    let report = load_report(&src, &plan).0.expect("the report reads");
    assert_eq!(report.summary, "no");
    assert_eq!(report.contact.phone, "09515068120");
}

#[test]
fn generated_hostile_inputs_get_clear_answers() {
    let ws = Workspace::new("generated");
    let expect: [(&str, Option<i32>, &[&str]); 6] = [
        ("ten-thousand-entries.yaml", Some(1), &["NB202"]),
        ("five-mb-progress.yaml", Some(1), &[]),
        ("over-size-limit.yaml", Some(1), &["NB006"]),
        ("directory.yaml", Some(2), &["NB001"]),
        ("broken-symlink.yaml", Some(2), &["NB001"]),
        ("named-pipe.yaml", Some(2), &["NB001"]),
    ];
    for (file, exit, codes) in expect {
        let rel = format!("reports/2026/{file}");
        let (out, took) = nianbao(&ws.0, &["check", &rel, "--format", "json"]);
        assert_no_panic(&out, file);
        assert_eq!(out.status.code(), exit, "{file}");
        let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        assert_answers(&findings(&out), &codes, file);
        assert!(took < Duration::from_secs(30), "{file} took {took:?}");
        eprintln!("{file}: check took {took:?}");
    }
    // Regression (#12, item 12): control characters in a file name reached the terminal raw.
    #[cfg(unix)]
    {
        let name = "reports/2026/red\u{1b}[31m\u{7}.yaml";
        std::fs::write(ws.0.join(name), "unit: [\n").unwrap();
        for args in [&["check"][..], &["check", name], &["intake", name]] {
            let (out, _) = nianbao(&ws.0, args);
            let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
            assert!(
                !all.contains(&0x1b) && !all.contains(&0x07),
                "{args:?} printed control bytes"
            );
            assert!(
                String::from_utf8_lossy(&all).contains("red\\x1B[31m\\x07.yaml"),
                "{args:?}: the name is shown with its control characters escaped"
            );
        }
        std::fs::remove_file(ws.0.join(name)).unwrap();
    }
    // Taking in a named pipe answers at once too, and files nothing.
    #[cfg(unix)]
    {
        let (out, _) = nianbao(&ws.0, &["intake", "reports/2026/named-pipe.yaml"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("命名管道"));
    }
}

#[test]
fn no_command_panics_modifies_an_input_or_leaves_a_partial_output() {
    let ws = Workspace::new("commands");
    let before = ws.snapshot();
    let runs: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "json"],
        &["status"],
        &["status", "--format", "csv"],
        &["missing"],
        &["compile", "--format", "md,html,json"],
        &["remind", "--today", "2026-12-20"],
        &["ledger"],
        &["tasks", "--unit", "水利厅"],
        &["units"],
        &["templates"],
    ];
    // The docs promise NB204 for the same unit's second file in a whole-year check.
    let (year_check, _) = nianbao(&ws.0, &["check", "--format", "json"]);
    assert!(
        findings(&year_check).iter().any(|f| f["code"] == "NB204"
            && f["file"]
                .as_str()
                .is_some_and(|m| m.ends_with("same-unit-copy.yaml"))),
        "same-unit-copy.yaml is reported as the unit's second report"
    );
    let mut worst = (Duration::ZERO, String::new());
    for args in runs {
        let (out, took) = nianbao(&ws.0, args);
        let what = args.join(" ");
        assert_no_panic(&out, &what);
        if took > worst.0 {
            worst = (took, what);
        }
    }
    // compile refuses while inputs have errors: nothing at all is written.
    assert!(!ws.0.join("out/2026/report.md").exists());
    assert!(!ws.0.join("out/2026/report.html").exists());
    // intake every hostile file into the same workspace: refused files store nothing,
    // accepted ones are filed under their unit; the received files are never touched.
    for entry in std::fs::read_dir(format!("{DIR}/2026")).unwrap().flatten() {
        let received = ws.0.join("received.yaml");
        std::fs::copy(entry.path(), &received).unwrap();
        let bytes = std::fs::read(&received).unwrap();
        let filed_before = ws.snapshot();
        let (out, _) = nianbao(&ws.0, &["intake", "received.yaml"]);
        assert_no_panic(&out, &format!("intake {}", entry.path().display()));
        assert_eq!(
            std::fs::read(&received).unwrap(),
            bytes,
            "intake modified its input"
        );
        if !out.status.success() {
            // A refused file stores nothing: no new file, no changed file, no history. Only
            // the receipt register records the refusal.
            let reports_only = |mut snap: BTreeMap<PathBuf, u64>| {
                snap.retain(|p, _| !p.ends_with("收文登记.csv") && !p.ends_with(".intake.lock"));
                snap
            };
            assert_eq!(
                reports_only(ws.snapshot()),
                reports_only(filed_before),
                "refused intake of {} changed the reports",
                entry.path().display()
            );
        }
    }
    let after = ws.snapshot();
    for (path, hash) in &before {
        let filed_by_intake = path.starts_with(ws.0.join("reports/2026/history"))
            || path.file_name().is_some_and(|n| n == "caizheng.yaml");
        if !filed_by_intake {
            assert_eq!(
                after.get(path),
                Some(hash),
                "{} was modified",
                path.display()
            );
        }
    }
    assert!(
        ws.leftovers().is_empty(),
        "temporary files left: {:?}",
        ws.leftovers()
    );
    eprintln!(
        "commands on hostile inputs: worst took {:?} ({})",
        worst.0, worst.1
    );
}

/// Regression (#12, item 3): Ctrl-C during compile left `.nianbao-*` temporary files in the
/// output folder, and nothing ever removed them.
#[cfg(unix)]
#[test]
fn an_interrupted_compile_leaves_no_temporary_files_and_stale_ones_are_swept() {
    use std::process::Stdio;
    let dir = std::env::temp_dir().join(format!("nianbao-interrupt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    crate::generator::generate(
        &dir,
        &crate::generator::Spec {
            units: 1500,
            missing: 0.0,
            gaps: 0.0,
            seed: 5,
        },
    );
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let inputs = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(dir.join("reports/2026"))
            .unwrap()
            .flatten()
            .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = inputs(&dir);
    let temporary = |out: &Path| -> Vec<String> {
        std::fs::read_dir(out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".nianbao-"))
            .collect()
    };
    // Interrupt while the documents are being written: as soon as a temporary file appears.
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(&dir)
        .args(crate::year_args(&dir, &[]))
        .args(["compile", "--format", "md,html,docx", "--out", "out"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while temporary(&out).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no temporary file appeared"
        );
        if child.try_wait().unwrap().is_some() {
            panic!("compile finished before it could be interrupted; use a larger corpus");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(!status.success(), "an interrupted compile does not succeed");
    assert_eq!(temporary(&out), Vec::<String>::new(), "left after Ctrl-C");
    assert!(!out.join("report.md").exists(), "no half set of documents");
    assert!(
        inputs(&dir) == before,
        "an interrupted compile changed an input"
    );

    // A killed run's leftovers (its process is gone) are swept by the next run; a file of a
    // run that is still going (this test's own process) is left alone.
    let stale = out.join(".nianbao-4194300-stale.md");
    let live = out.join(format!(".nianbao-{}-live.md", std::process::id()));
    std::fs::write(&stale, "half").unwrap();
    std::fs::write(&live, "half").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(&dir)
        .args(crate::year_args(&dir, &[]))
        .args(["compile", "--format", "md", "--out", "out"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!stale.exists(), "the dead run's temporary file is swept");
    assert!(live.exists(), "a running process's temporary file is kept");
    let _ = std::fs::remove_dir_all(&dir);
}
