//! The scale benchmark: on one generated corpus per size, measures side by side the floor
//! (read and parse every report, nothing else; one thread and all threads), `check`, and
//! `compile` to Markdown and HTML, then Word and PDF on their own, with peak memory, and
//! prints the ratios.
//!
//! `cargo run --release --example bench` (sizes 31, 1000, 10000), or
//! `cargo run --release --example bench -- 31,1000` for other sizes.
//! `… -- 31,1000,10000 --baseline PATH` also runs another build of nianbao (e.g. the previous
//! commit's `target/release/nianbao`) on the same corpus, interleaved with this one, and
//! compares Markdown + HTML time and peak memory.
//! Each stage runs in a fresh child process so its peak memory is its own (Linux: VmHWM, or
//! the child's maximum resident set for the baseline). PDF needs a browser on the machine and
//! is measured up to 100 reports (a browser takes minutes over the thousands of pages of larger corpora).

#[path = "corpus/gen.rs"]
mod generator;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

use nianbao::compile::context;
use nianbao::compile::template::Templates;
use nianbao::plan::{Plan, load_plan};
use nianbao::report::load_report;
use nianbao::source::SourceFile;
use nianbao::validate::{Scope, check_reports};
use nianbao::workspace::report_files;

const STAGES: [&str; 4] = ["floor-1", "floor-n", "check", "compile"];

/// The arguments of `nianbao compile` on a corpus, after the program name.
fn compile_args(dir: &Path, formats: &str, out: &str) -> Vec<String> {
    let dir = dir.to_str().unwrap();
    [
        "--plan",
        &format!("{dir}/plan"),
        "--reports",
        &format!("{dir}/reports"),
        "compile",
        "--format",
        formats,
        "--out",
        &format!("{dir}/{out}"),
    ]
    .map(String::from)
    .to_vec()
}

/// Runs `nianbao compile` through the library's entry point with the given formats.
fn compile(dir: &Path, formats: &str) {
    use clap::Parser;
    let args = std::iter::once("nianbao".to_string()).chain(compile_args(dir, formats, "out"));
    let outcome = nianbao::run(nianbao::cli::Cli::parse_from(args)).unwrap();
    assert_eq!(
        outcome,
        nianbao::Outcome::Clean,
        "compile --format {formats}"
    );
}

fn plan(dir: &Path) -> Plan {
    let (src, _) = SourceFile::read(&dir.join("plan/plan.toml")).unwrap();
    load_plan(&src).0.unwrap()
}

fn parse(path: &Path, plan: &Plan) -> usize {
    let (src, _) = SourceFile::read(path).unwrap();
    load_report(&src, plan)
        .0
        .map(|r| r.entries.len())
        .unwrap_or(0)
}

/// Runs one stage in this process; returns nothing, the parent reads time and memory.
fn stage(name: &str, dir: &Path) {
    let plan = plan(dir);
    let files = report_files(&dir.join("reports"), 2026).unwrap();
    match name {
        "floor-1" => {
            let n: usize = files.iter().map(|f| parse(f, &plan)).sum();
            assert!(n > 0);
        }
        "floor-n" => {
            let n: usize = files.par_iter().map(|f| parse(f, &plan)).sum();
            assert!(n > 0);
        }
        "check" => {
            let checked = check_reports(&plan, &files, Scope::WholeYear(2026));
            assert!(!checked.reports.is_empty());
        }
        "compile-breakdown" => {
            let t = Instant::now();
            let checked = check_reports(&plan, &files, Scope::WholeYear(2026));
            eprintln!("check {:?}", t.elapsed());
            let t = Instant::now();
            let ctx = context::build(&plan, 2026, &checked.reports, Default::default());
            eprintln!("context {:?}", t.elapsed());
            let templates = Templates::load(Path::new("/nonexistent")).unwrap();
            let t = Instant::now();
            let value = Templates::value(&ctx);
            let source = templates.render_value("report.md", &value).unwrap();
            eprintln!("template {:?} {} bytes", t.elapsed(), source.len());
            let t = Instant::now();
            let doc = nianbao::document::read(&source).unwrap();
            eprintln!("read {:?}", t.elapsed());
            for name in ["md", "html", "docx"] {
                let t = Instant::now();
                let mut out = Vec::new();
                let w = nianbao::writer::find(name).unwrap();
                (w.write)(&doc, &Default::default(), &mut out).unwrap();
                eprintln!("{name} {:?} {} bytes", t.elapsed(), out.len());
            }
        }
        // Exactly what `nianbao compile` does, through the library's entry point.
        "compile" => compile(dir, "md,html"),
        "compile-docx" => compile(dir, "docx"),
        "compile-pdf" => compile(dir, "pdf"),
        baseline if baseline.starts_with("baseline=") => {
            // Another build of nianbao, as a child process; its peak memory is read after.
            let status = Command::new(&baseline["baseline=".len()..])
                .args(compile_args(dir, "md,html", "out-baseline"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success(), "the baseline compiles");
        }
        other => panic!("unknown stage {other}"),
    }
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs a stage in a child process; returns (seconds, peak KiB).
fn measure(stage_name: &str, dir: &Path) -> (f64, u64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--stage", stage_name, "--dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.lines().last().unwrap_or_default().split_whitespace();
    let secs = parts.next().unwrap().parse().unwrap();
    let kb = parts.next().unwrap().parse().unwrap();
    (secs, kb)
}

/// The largest resident set of any waited-for child process, in KiB.
fn children_peak_kb() -> u64 {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0;
    if ok { usage.ru_maxrss as u64 } else { 0 }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--stage") {
        let dir = PathBuf::from(&args[4]);
        let start = Instant::now();
        stage(&args[2], &dir);
        let peak = if args[2].starts_with("baseline=") {
            children_peak_kb()
        } else {
            peak_kb()
        };
        println!("{} {}", start.elapsed().as_secs_f64(), peak);
        return;
    }
    let baseline = args
        .iter()
        .position(|a| a == "--baseline")
        .and_then(|i| args.get(i + 1))
        .map(|p| std::fs::canonicalize(p).expect("the baseline binary exists"));
    let args: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| *a != "--baseline" && (*i == 0 || args[i - 1] != "--baseline"))
        .map(|(_, a)| a.clone())
        .collect();
    let browser = nianbao::writer::pdf::find_browser(None).is_ok();
    let sizes: Vec<usize> = args
        .get(1)
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![31, 1000, 10000]);
    let root = std::env::temp_dir().join("nianbao-bench");
    println!(
        "machine: {} cores; rayon threads: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        rayon::current_num_threads()
    );
    println!(
        "| reports | input MB | floor 1 thread s | floor all threads s | check s | compile md+html s | compile / floor(all) | peak MB (compile) | peak / input |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut compile_times = Vec::new();
    let mut formats = Vec::new();
    for &n in &sizes {
        let dir = root.join(n.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        // A 3% share of missing reports: generate enough units for at least n reports.
        let spec = generator::Spec {
            units: (n as f64 / 0.97).ceil() as usize,
            missing: 0.03,
            gaps: 0.05,
            seed: 1,
        };
        let bytes = generator::generate(&dir, &spec);
        let reports = report_files(&dir.join("reports"), 2026).unwrap().len();
        let runs = if n <= 1000 { 3 } else { 1 };
        let mut results = Vec::new();
        for s in STAGES {
            // Best of `runs`: the least disturbed run.
            let best = (0..runs)
                .map(|_| measure(s, &dir))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap();
            results.push(best);
        }
        let (f1, fnn, check, compile) = (results[0], results[1], results[2], results[3]);
        let mb = bytes as f64 / 1e6;
        println!(
            "| {reports} | {mb:.1} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.0} | {:.2} |",
            f1.0,
            fnn.0,
            check.0,
            compile.0,
            compile.0 / fnn.0,
            compile.1 as f64 / 1024.0,
            compile.1 as f64 * 1024.0 / bytes as f64
        );
        compile_times.push((n, compile.0, check.0));
        // Word and PDF on their own, and the baseline's Markdown + HTML interleaved with this
        // build's, best of `runs` each.
        let best = |stage: &str| {
            (0..runs)
                .map(|_| measure(stage, &dir))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap()
        };
        let docx = best("compile-docx");
        let pdf = (browser && n <= 100).then(|| best("compile-pdf"));
        let pair = baseline.as_ref().map(|b| {
            let stage = format!("baseline={}", b.display());
            let mut base: Option<(f64, u64)> = None;
            let mut this: Option<(f64, u64)> = None;
            for _ in 0..runs.max(2) {
                let b = measure(&stage, &dir);
                let t = measure("compile", &dir);
                base = Some(base.map_or(b, |x| if b.0 < x.0 { b } else { x }));
                this = Some(this.map_or(t, |x| if t.0 < x.0 { t } else { x }));
            }
            (base.unwrap(), this.unwrap())
        });
        formats.push((reports, compile, docx, pdf, pair));
        let _ = std::fs::remove_dir_all(dir.join("out"));
        let _ = std::fs::remove_dir_all(dir.join("out-baseline"));
    }
    println!();
    println!(
        "| reports | md+html s | md+html peak MB | docx s | docx peak MB | pdf s | pdf peak MB (nianbao only) | baseline md+html s | this md+html s | time ratio | baseline peak MB | this peak MB | peak ratio |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mb = |kb: u64| kb as f64 / 1024.0;
    for (reports, md, docx, pdf, pair) in &formats {
        let pdf = pdf.map_or("— | —".to_string(), |p| {
            format!("{:.3} | {:.0}", p.0, mb(p.1))
        });
        let pair = pair.map_or("— | — | — | — | — | —".to_string(), |(b, t)| {
            format!(
                "{:.3} | {:.3} | {:.2} | {:.0} | {:.0} | {:.2}",
                b.0,
                t.0,
                t.0 / b.0,
                mb(b.1),
                mb(t.1),
                t.1 as f64 / b.1 as f64
            )
        });
        println!(
            "| {reports} | {:.3} | {:.0} | {:.3} | {:.0} | {pdf} | {pair} |",
            md.0,
            mb(md.1),
            docx.0,
            mb(docx.1)
        );
    }
    for w in compile_times.windows(2) {
        let ((a, ca, ka), (b, cb, kb)) = (w[0], w[1]);
        println!(
            "time({b}) / time({a}): compile {:.2}, check {:.2} (input ratio {:.1})",
            cb / ca,
            kb / ka,
            b as f64 / a as f64
        );
    }
}
