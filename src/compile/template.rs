//! The template engine: the built-in templates embedded in the binary, each overridable by a
//! file of the same name in `templates/`, and the filters that keep department text text.
//!
//! Each document has one template; what it renders is read into the document model
//! ([`crate::document`]) and every format is written from that.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::compile::numerals::cn_numeral;
use crate::document::{self, Document};
use crate::source::{display_path, read_bytes};

/// The built-in templates: name, and text embedded at build time. One per document.
pub const BUILTIN: &[(&str, &str)] = &[
    ("report.md", include_str!("builtin/report.md")),
    ("remind.md", include_str!("builtin/remind.md")),
];

/// Template names earlier versions used, whose words now come from `report.md` and whose
/// layout is built into the writers. An override of one of these is reported, not read.
pub const RETIRED: &[&str] = &["report.html", "report.css"];

/// Where a template's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Builtin,
    /// A file in the templates folder that overrides the built-in one.
    Override(PathBuf),
}

/// The loaded templates, ready to render.
pub struct Templates {
    env: Environment<'static>,
    origins: Vec<(&'static str, Origin)>,
    retired: Vec<PathBuf>,
}

impl Templates {
    /// Loads the built-in templates, replacing each one for which `dir` holds a file of the
    /// same name. Nothing else in `dir` is read.
    pub fn load(dir: &Path) -> Result<Templates> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| anyhow!("{e}"))?;
        env.set_syntax(syntax);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_filter("md", |s: String| document::escape(&s));
        env.add_filter("md_cell", |s: String| document::escape_cell(&s));
        env.add_filter("paragraphs", |s: String| paragraphs(&s));
        env.add_filter("yaml_str", |s: String| {
            serde_json::to_string(&s).unwrap_or_default()
        });
        env.add_filter("cn", |n: u32| cn_numeral(n));
        let mut origins = Vec::new();
        for (name, text) in BUILTIN {
            let path = dir.join(name);
            let (text, origin) = if path.is_file() {
                // Through the one bounded reader, like every input.
                let bytes = read_bytes(&path)
                    .map_err(|d| anyhow!("无法读取模板 {}：{}", display_path(&path), d.message))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    anyhow!(
                        "模板 {} 不是 UTF-8 编码：请在编辑器中另存为 UTF-8",
                        display_path(&path)
                    )
                })?;
                (text, Origin::Override(path))
            } else {
                (text.to_string(), Origin::Builtin)
            };
            env.add_template_owned(*name, text)
                .map_err(|e| template_error(&e, name, &origin))?;
            origins.push((*name, origin));
        }
        let retired = RETIRED
            .iter()
            .map(|name| dir.join(name))
            .filter(|p| p.is_file())
            .collect();
        Ok(Templates {
            env,
            origins,
            retired,
        })
    }

    /// Override files of templates that no longer exist; they are not read.
    pub fn retired(&self) -> &[PathBuf] {
        &self.retired
    }

    /// A warning for each retired override, for stderr.
    pub fn retired_warnings(&self) -> Vec<String> {
        self.retired
            .iter()
            .map(|p| {
                format!(
                    "注意：模板文件 {} 已不再使用：报告的文字只来自 report.md，各格式的版式由程序生成。请把改动移到 report.md 中，然后删除此文件。",
                    display_path(p)
                )
            })
            .collect()
    }

    /// Renders a template and reads the result into a document.
    pub fn document(&self, name: &str, ctx: &Value) -> Result<Document> {
        let source = self.render_value(name, ctx)?;
        self.read(name, &source)
    }

    /// Reads what template `name` rendered into a document; problems name the template and
    /// the line of the rendered text.
    pub fn read(&self, name: &str, source: &str) -> Result<Document> {
        document::read(source).map_err(|errors| {
            let place = match self.origin(name) {
                Origin::Builtin => format!("内置模板 {name}"),
                Origin::Override(p) => format!("模板文件 {}", display_path(&p)),
            };
            let lines: Vec<String> = errors
                .iter()
                .take(10)
                .map(|e| {
                    let text = source.lines().nth(e.line.saturating_sub(1)).unwrap_or("");
                    let text: String = text.chars().take(40).collect();
                    format!("  生成结果第 {} 行（{text}）：{}", e.line, e.message)
                })
                .collect();
            anyhow!(
                "{place} 生成的内容有 {} 处问题：\n{}",
                errors.len(),
                lines.join("\n")
            )
        })
    }

    fn origin(&self, name: &str) -> Origin {
        self.origins
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| o.clone())
            .unwrap_or(Origin::Builtin)
    }

    /// Each template and where it came from.
    pub fn origins(&self) -> &[(&'static str, Origin)] {
        &self.origins
    }

    /// Converts a context into the engine's value once, to render several templates from.
    pub fn value(ctx: &impl serde::Serialize) -> Value {
        Value::from(Serde(ctx))
    }

    /// Renders a template with a context already converted by [`Templates::value`].
    pub fn render_value(&self, name: &str, ctx: &Value) -> Result<String> {
        let tmpl = self.env.get_template(name).map_err(|e| anyhow!("{e}"))?;
        tmpl.render(ctx.clone()).map_err(|e| self.error(&e, name))
    }

    fn error(&self, e: &minijinja::Error, name: &str) -> anyhow::Error {
        let failing = e.name().unwrap_or(name);
        template_error(e, failing, &self.origin(failing))
    }
}

fn template_error(e: &minijinja::Error, name: &str, origin: &Origin) -> anyhow::Error {
    let place = match origin {
        Origin::Builtin => format!("内置模板 {name}"),
        Origin::Override(p) => format!("模板文件 {}", display_path(p)),
    };
    let line = e.line().map(|l| format!("第 {l} 行")).unwrap_or_default();
    let detail = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.kind().to_string());
    anyhow!("{place} {line}出错：{detail}")
}

/// Splits text into paragraphs: one per non-blank line, trimmed.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_load() {
        let t = Templates::load(Path::new("/nonexistent-templates-dir")).unwrap();
        assert!(t.origins().iter().all(|(_, o)| *o == Origin::Builtin));
    }
}
