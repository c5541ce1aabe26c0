//! `nianbao templates`: list the report templates, or write the built-in ones out for editing.

use std::io::Write;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Global, TemplatesArgs};
use crate::compile::output::write_atomic;
use crate::compile::template::{BUILTIN, Origin, Templates};
use crate::source::display_path;

/// Runs `templates`.
pub fn execute(global: &Global, args: &TemplatesArgs) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    if args.write {
        for (name, text) in BUILTIN {
            let path = global.templates.join(name);
            if path.exists() {
                writeln!(out, "已存在，未覆盖：{}", display_path(&path))?;
            } else {
                write_atomic(&path, text.as_bytes())?;
                writeln!(out, "已写入：{}", display_path(&path))?;
            }
        }
        writeln!(
            out,
            "修改这些文件后运行 `nianbao compile` 即按新模板汇编；删除某个文件即恢复使用内置模板。"
        )?;
        return Ok(Outcome::Clean);
    }
    let templates = Templates::load(&global.templates)?;
    for (name, origin) in templates.origins() {
        match origin {
            Origin::Builtin => writeln!(out, "{name}\t内置")?,
            Origin::Override(p) => writeln!(out, "{name}\t自定义（{}）", display_path(p))?,
        }
    }
    for p in templates.retired() {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        writeln!(
            out,
            "{name}\t已不再使用（{}）：报告的文字只来自 report.md，版式由程序生成",
            display_path(p)
        )?;
    }
    Ok(Outcome::Clean)
}
