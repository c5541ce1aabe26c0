//! The template engine: built-in templates embedded in the binary, each overridable by a
//! file of the same name in `templates/`, and the filters templates use to keep department
//! text from breaking a document's structure.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::compile::numerals::cn_numeral;
use crate::source::{display_path, io_reason};

/// The built-in templates: name, and text embedded at build time.
pub const BUILTIN: &[(&str, &str)] = &[
    ("report.md", include_str!("builtin/report.md")),
    ("report.html", include_str!("builtin/report.html")),
    ("report.css", include_str!("builtin/report.css")),
    ("remind.md", include_str!("builtin/remind.md")),
];

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
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.add_filter("md", |s: String| md_escape(&s));
        env.add_filter("md_cell", |s: String| md_escape(&s).replace('\n', " "));
        env.add_filter("paragraphs", |s: String| paragraphs(&s));
        env.add_filter("yaml_str", |s: String| {
            serde_json::to_string(&s).unwrap_or_default()
        });
        env.add_filter("cn", |n: u32| cn_numeral(n));
        let mut origins = Vec::new();
        for (name, text) in BUILTIN {
            let path = dir.join(name);
            let (text, origin) = if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    anyhow!("无法读取模板 {}：{}", display_path(&path), io_reason(&e))
                })?;
                (text, Origin::Override(path))
            } else {
                (text.to_string(), Origin::Builtin)
            };
            env.add_template_owned(*name, text)
                .map_err(|e| template_error(&e, name, &origin))?;
            origins.push((*name, origin));
        }
        Ok(Templates { env, origins })
    }

    /// Each template and where it came from.
    pub fn origins(&self) -> &[(&'static str, Origin)] {
        &self.origins
    }

    /// Converts a context into the engine's value once, to render several templates from.
    pub fn value(ctx: &impl serde::Serialize) -> Value {
        Value::from(Serde(ctx))
    }

    /// Renders a template with the given context.
    pub fn render(&self, name: &str, ctx: &impl serde::Serialize) -> Result<String> {
        self.render_value(name, &Self::value(ctx))
    }

    /// Renders a template with a context already converted by [`Templates::value`].
    pub fn render_value(&self, name: &str, ctx: &Value) -> Result<String> {
        let tmpl = self.env.get_template(name).map_err(|e| anyhow!("{e}"))?;
        tmpl.render(ctx.clone()).map_err(|e| self.error(&e, name))
    }

    /// Renders a template straight into a writer, without holding the document in memory.
    pub fn render_to(&self, name: &str, ctx: &Value, w: impl std::io::Write) -> Result<()> {
        let tmpl = self.env.get_template(name).map_err(|e| anyhow!("{e}"))?;
        tmpl.render_captured_to(ctx.clone(), w)
            .map(|_| ())
            .map_err(|e| self.error(&e, name))
    }

    fn error(&self, e: &minijinja::Error, name: &str) -> anyhow::Error {
        let failing = e.name().unwrap_or(name);
        let origin = self
            .origins
            .iter()
            .find(|(n, _)| *n == failing)
            .map(|(_, o)| o.clone())
            .unwrap_or(Origin::Builtin);
        template_error(e, failing, &origin)
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

/// Escapes text so that Markdown (CommonMark, GFM and pandoc's extensions) shows it
/// literally: no emphasis, links, HTML, headings, lists, tables, math or citations.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_start();
        // A line start that would open a block: list markers, headings, setext rules.
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let ordered = digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')'));
        let block_start = matches!(line.chars().next(), Some('-' | '+' | '=' | ':'));
        let mut chars = line.chars().enumerate().peekable();
        while let Some((j, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            // Pandoc's `smart` extension would turn quotes, `--` and `...` into typographic
            // characters, changing what the unit wrote.
            let smart = matches!(c, '"' | '\'')
                || (c == '-' && next == Some('-'))
                || (c == '.' && next == Some('.'));
            let structural = matches!(
                c,
                '\\' | '`'
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '#'
                    | '|'
                    | '~'
                    | '&'
                    | '!'
                    | '$'
                    | '^'
                    | '@'
            );
            let escape = smart || structural || (ordered && j == digits) || (block_start && j == 0);
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_escape_neutralises_structure() {
        assert_eq!(md_escape("1. 不是列表"), "1\\. 不是列表");
        assert_eq!(md_escape("# 不是标题"), "\\# 不是标题");
        assert_eq!(md_escape("a | b"), "a \\| b");
        assert_eq!(md_escape("<script>"), "\\<script\\>");
        assert_eq!(md_escape("- 项"), "\\- 项");
        assert_eq!(md_escape("--x"), "\\--x");
        assert_eq!(md_escape("他说\"好\"……"), "他说\\\"好\\\"……");
        assert_eq!(md_escape("PM2.5 为 28.9"), "PM2.5 为 28.9");
    }

    #[test]
    fn builtin_templates_load() {
        let t = Templates::load(Path::new("/nonexistent-templates-dir")).unwrap();
        assert!(t.origins().iter().all(|(_, o)| *o == Origin::Builtin));
    }
}
