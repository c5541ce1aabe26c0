//! `nianbao compile`: check the year's reports, then write the consolidated report.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use rayon::prelude::*;

use crate::Outcome;
use crate::cli::{CompileArgs, Global};
use crate::compile::context::{self, Context, Settings};
use crate::compile::output::{Staged, commit_all, stage};
use crate::compile::template::Templates;
use crate::diag::{Code, Diagnostic};
use crate::report::parse_date;
use crate::source::display_path;
use crate::workspace::UsageError;
use crate::writer::{self, Options, pdf::MissingTool};
use crate::year::{Need, Year, print_errors, source_date_epoch};

/// Runs `compile`.
pub fn execute(global: &Global, args: &CompileArgs) -> Result<Outcome> {
    let date = signature_date(args.date.as_deref(), global.today.as_deref())?;
    let loaded = Year::load(global, Need::Reports)?;
    let errors = loaded.errors();
    if !errors.is_empty() {
        print_errors(errors.iter().copied());
        eprintln!(
            "方案或报告中有 {} 个错误，已停止汇编。请先改正（运行 `nianbao check` 可查看全部问题）。",
            errors.len()
        );
        return Ok(if loaded.unreadable {
            Outcome::InputError
        } else {
            Outcome::Findings
        });
    }
    let Year {
        plan,
        year,
        reports,
        diags,
        received,
        history,
        ..
    } = loaded;
    if args.assess && plan.assessment.is_none() {
        bail!(UsageError(
            "方案中没有评估方案（[assessment]），无法附评估表；请先在方案文件中设定评估的方面、分值和等次".into()
        ));
    }

    let settings = Settings {
        date,
        detail: args.detail,
        received,
        history,
        assess: args.assess,
    };
    let ctx = context::build(&plan, year, &reports, settings);
    let gaps = gap_summary(&ctx, &diags);
    if args.strict && (ctx.overview.totals.missing > 0 || ctx.overview.pairs_uncovered > 0) {
        eprintln!("{gaps}");
        eprintln!("使用了 --strict：在所有单位报送、所有分工任务都有进展之前不汇编。");
        return Ok(Outcome::Findings);
    }

    let templates = Templates::load(&global.templates)?;
    for w in templates.retired_warnings() {
        eprintln!("{w}");
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(year.to_string()));
    let formats = dedup(&args.format);
    let existed = out_dir.exists();
    // The data file is made from the context itself, before the context goes; it is
    // staged with the documents, after the template has rendered.
    let json = formats
        .iter()
        .any(|f| f == "json")
        .then(|| context_json(&ctx))
        .transpose()?;
    // One rendering of the one template, read once into the document every format is
    // written from. Each stage lets go of the one before as soon as it has what it needs,
    // so the reports, the template's copy of them and the rendered text are never all
    // held together with the document.
    let value = Templates::value(&ctx);
    drop(ctx);
    drop_later(reports);
    let source = templates.render_value("report.md", &value)?;
    drop(value);
    release_freed_memory();
    let doc = templates.read("report.md", &source)?;
    drop_later(source);
    let options = Options {
        browser: args.browser.clone(),
    };
    // Render everything before writing anything: the formats are independent, so they are
    // written in parallel, each into a temporary file beside its target, and renamed into
    // place only when all succeeded. A missing browser only costs the PDF.
    let mut results: Vec<Result<Staged>> = formats
        .par_iter()
        .filter_map(|name| writer::find(name))
        .map(|w| {
            stage(&out_dir.join(format!("report.{}", w.extension)), |out| {
                (w.write)(&doc, &options, out)
            })
        })
        .collect();
    results.extend(json.map(|bytes| {
        stage(&out_dir.join("context.json"), |out| {
            Ok(out.write_all(&bytes)?)
        })
    }));
    // Every writer has finished (or failed) here; a failure other than a missing browser
    // discards the whole set, temporary files included, before anything is renamed.
    let (done, failed): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let staged: Vec<Staged> = done.into_iter().filter_map(Result::ok).collect();
    let mut missing_tool = None;
    for e in failed.into_iter().filter_map(Result::err) {
        if e.downcast_ref::<MissingTool>().is_some() {
            missing_tool = Some(e);
        } else {
            drop(staged);
            // Leave no trace of a failed run: not even the folder, if this run made it.
            if !existed {
                let _ = std::fs::remove_dir(&out_dir);
            }
            return Err(e);
        }
    }
    let mut out = std::io::stdout().lock();
    for path in commit_all(staged)? {
        writeln!(out, "已写入 {}", display_path(&path))?;
    }
    drop_later(doc);
    if !gaps.is_empty() {
        eprintln!("{gaps}");
    }
    if let Some(e) = missing_tool {
        eprintln!("{e:#}");
        return Ok(Outcome::InputError);
    }
    Ok(Outcome::Clean)
}

/// Hands memory freed by a large drop back to the system, so that the next stage's
/// allocations on other threads do not add to the peak (glibc keeps freed memory in the
/// arena of the thread that allocated it).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Frees a large value on another thread, so that the work after it need not wait for
/// millions of small deallocations.
fn drop_later<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

fn dedup(formats: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for f in formats {
        if !seen.contains(f) {
            seen.push(f.clone());
        }
    }
    seen
}

/// The context as pretty JSON with a final newline.
pub fn context_json(ctx: &Context) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(ctx)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The signature date: `--date`, else `--today`, else SOURCE_DATE_EPOCH (UTC), else none,
/// so the same inputs always give the same document.
fn signature_date(date: Option<&str>, today: Option<&str>) -> Result<Option<NaiveDate>> {
    for (flag, value) in [("--date", date), ("--today", today)] {
        if let Some(v) = value {
            return parse_date(v).map(Some).ok_or_else(|| {
                UsageError(format!("{flag} 的日期“{v}”无效，请写成 2026-12-28 的形式")).into()
            });
        }
    }
    source_date_epoch()
}

/// One paragraph for stderr saying what the document marks as outstanding.
fn gap_summary(ctx: &Context, diags: &[Diagnostic]) -> String {
    let uncovered = ctx.overview.pairs_uncovered;
    let warnings = diags.iter().filter(|d| d.code == Code::FileName).count();
    let mut parts = Vec::new();
    if !ctx.overview.after_cutoff.is_empty() {
        let dated: Vec<String> = ctx
            .overview
            .after_cutoff
            .iter()
            .map(|d| format!("{}（{}）", d.unit, d.date_cn))
            .collect();
        parts.push(format!(
            "{} 份报告的报送日期晚于落款日期{}：{}",
            dated.len(),
            ctx.meta.as_of_cn,
            dated.join("、")
        ));
    }
    if ctx.overview.totals.missing > 0 {
        let names: Vec<&str> = ctx.missing.iter().map(|u| u.unit.as_str()).collect();
        parts.push(format!(
            "{} 个单位未报送（{}）",
            ctx.overview.totals.missing,
            names.join("、")
        ));
    }
    if ctx.overview.totals.late > 0 {
        parts.push(format!("{} 个单位逾期报送", ctx.overview.totals.late));
    }
    if uncovered > 0 {
        parts.push(format!("{uncovered} 项次分工任务没有实质进展"));
    }
    if warnings > 0 {
        parts.push(format!("{warnings} 份报告文件名与单位不一致"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("注意：{}；已在报告中注明。", parts.join("，"))
    }
}
