//! Reading typed fields out of a located [`Node`] tree, collecting every problem.
//!
//! Each model's loader asks a [`Fields`] reader for the keys it knows. Whatever was not
//! asked for is an unknown key and gets a "did you mean" built from the asked keys and
//! their Chinese names, so a typo is never silently dropped.

use std::ops::Range;

use crate::diag::{Code, Diagnostic};
use crate::node::{Key, Node, Value};
use crate::source::SourceFile;
use crate::suggest::did_you_mean;

/// A value with the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range in the source file.
    #[serde(skip)]
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    /// Pairs a value with a span.
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

/// The file being read and the findings so far.
pub struct Cx<'a> {
    /// The file being read.
    pub src: &'a SourceFile,
    /// Findings collected while reading.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    /// Starts reading a file.
    pub fn new(src: &'a SourceFile) -> Self {
        Cx {
            src,
            diags: Vec::new(),
        }
    }

    /// Records a finding pointing at `span`.
    pub fn report(&mut self, d: Diagnostic, span: Range<usize>) {
        self.diags.push(d.at(self.src, span));
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        let d = Diagnostic::new(
            Code::WrongType,
            format!(
                "`{path}` 应当是{expected}，这里是{}",
                node.value.kind_name()
            ),
        )
        .hint(type_hint(expected));
        self.report(d, node.span.clone());
    }

    /// Reads text. Numbers and booleans are taken as the characters the user typed,
    /// so `no` or `012` in a text field stays exactly `no` or `012`.
    pub fn text(&mut self, node: &Node, path: &str) -> Option<Spanned<String>> {
        let span = node.span.clone();
        match &node.value {
            Value::Str(s) => Some(Spanned::new(s.clone(), span)),
            Value::Null => Some(Spanned::new(String::new(), span)),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Date(_) => {
                let raw = self.src.text.get(span.clone()).unwrap_or_default();
                Some(Spanned::new(raw.to_string(), span))
            }
            Value::Seq(_) | Value::Map(_) => {
                self.wrong_type(node, path, "一段文字");
                None
            }
        }
    }

    /// Reads a whole number; digits written as text are accepted.
    pub fn int(&mut self, node: &Node, path: &str) -> Option<Spanned<i64>> {
        let span = node.span.clone();
        match &node.value {
            Value::Int(i) => Some(Spanned::new(*i, span)),
            Value::Str(s) if s.trim().parse::<i64>().is_ok() => {
                Some(Spanned::new(s.trim().parse().ok()?, span))
            }
            _ => {
                self.wrong_type(node, path, "整数");
                None
            }
        }
    }

    /// Reads a number; digits written as text are accepted.
    pub fn number(&mut self, node: &Node, path: &str) -> Option<Spanned<f64>> {
        let span = node.span.clone();
        match &node.value {
            Value::Int(i) => Some(Spanned::new(*i as f64, span)),
            Value::Float(f) => Some(Spanned::new(*f, span)),
            Value::Str(s) if s.trim().replace(',', "").parse::<f64>().is_ok() => {
                Some(Spanned::new(s.trim().replace(',', "").parse().ok()?, span))
            }
            _ => {
                self.wrong_type(node, path, "数字");
                None
            }
        }
    }

    /// Reports a value that is none of a fixed set of spellings (`names`), with the closest
    /// as a suggestion: "{what}“value”无法识别", then `accepted` saying what may be written.
    pub fn not_one_of(
        &mut self,
        what: &str,
        value: &Spanned<String>,
        names: &[&str],
        accepted: &str,
    ) {
        let guess = did_you_mean(&value.value, names.iter().copied());
        let d = Diagnostic::new(
            Code::InvalidValue,
            format!("{what}“{}”无法识别", value.value),
        )
        .hint(format!(
            "{accepted}{}",
            guess
                .map(|g| format!("；是否应为 `{g}`？"))
                .unwrap_or_default()
        ));
        self.report(d, value.span.clone());
    }

    /// Reads true or false.
    pub fn bool(&mut self, node: &Node, path: &str) -> Option<Spanned<bool>> {
        match &node.value {
            Value::Bool(b) => Some(Spanned::new(*b, node.span.clone())),
            _ => {
                self.wrong_type(node, path, "true 或 false");
                None
            }
        }
    }

    /// Reads a list; an absent or empty value is an empty list.
    pub fn list(&mut self, node: Node, path: &str) -> Option<Vec<Node>> {
        match node.value {
            Value::Seq(items) => Some(items),
            Value::Null => Some(Vec::new()),
            _ => {
                self.wrong_type(&node, path, "列表（每项以“- ”开头）");
                None
            }
        }
    }

    /// Reads either one text or a list of texts.
    pub fn texts(&mut self, node: Node, path: &str) -> Vec<Spanned<String>> {
        match node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.text(item, &format!("{path}[{}]", i + 1)))
                .filter(|t| !t.value.trim().is_empty())
                .collect(),
            _ => self
                .text(&node, path)
                .into_iter()
                .filter(|t| !t.value.trim().is_empty())
                .collect(),
        }
    }
}

fn type_hint(expected: &str) -> String {
    match expected {
        "整数" => "直接写数字，例如 `year: 2026`".to_string(),
        "数字" => "直接写数字，例如 `value: 95.2`，单位写在 `unit` 里".to_string(),
        "一段文字" => "多行文字请写成 `字段: |`，下一行起缩进两个空格书写".to_string(),
        _ => format!("这里应填写{expected}，请对照报告格式说明修改"),
    }
}

/// Reads the keys of one map, remembering which keys were asked for.
pub struct Fields {
    span: Range<usize>,
    entries: Vec<Option<(Key, Node)>>,
    asked: Vec<(&'static str, &'static str)>,
    path: String,
}

impl Fields {
    /// Opens a map; reports a type error and returns `None` for anything else.
    pub fn of(cx: &mut Cx, node: Node, path: &str) -> Option<Fields> {
        match node.value {
            Value::Map(entries) => Some(Fields {
                span: node.span,
                entries: entries.into_iter().map(Some).collect(),
                asked: Vec::new(),
                path: path.to_string(),
            }),
            _ => {
                let where_ = if path.is_empty() {
                    "整个文件"
                } else {
                    path
                };
                cx.wrong_type(&node, where_, "键值表（“字段: 值”的形式）");
                None
            }
        }
    }

    /// The byte range of the whole map.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The place of a key not yet taken, for messages about its value as a whole.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.entries
            .iter()
            .flatten()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k.span.clone())
    }

    /// The dotted path of a key of this map, for messages.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Takes a key if present. `label` is its Chinese name, used in messages and to
    /// recognise a Chinese key written in its place.
    pub fn take(&mut self, key: &'static str, label: &'static str) -> Option<Node> {
        self.asked.push((key, label));
        self.entries
            .iter_mut()
            .find(|e| e.as_ref().is_some_and(|(k, _)| k.name == key))
            .and_then(Option::take)
            .map(|(_, node)| node)
    }

    /// Takes a key that must be present and not empty; reports it otherwise.
    pub fn require(&mut self, cx: &mut Cx, key: &'static str, label: &'static str) -> Option<Node> {
        match self.take(key, label) {
            Some(node) if node.value != Value::Null => Some(node),
            found => {
                let (msg, span) = match &found {
                    Some(node) => (
                        format!("必填项 `{}`（{label}）是空的", self.path_of(key)),
                        node.span.clone(),
                    ),
                    None => (
                        format!("缺少必填项 `{}`（{label}）", self.path_of(key)),
                        self.span.start..self.span.start,
                    ),
                };
                let d = Diagnostic::new(Code::MissingField, msg)
                    .hint(format!("添加一行 `{key}: …` 并填写{label}"));
                cx.report(d, span);
                None
            }
        }
    }

    /// Takes a text that must be present and not blank; reports it otherwise.
    pub fn require_text(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        label: &'static str,
    ) -> Option<Spanned<String>> {
        let node = self.require(cx, key, label)?;
        let t = cx.text(&node, &self.path_of(key))?;
        if t.value.trim().is_empty() {
            let d = Diagnostic::new(
                Code::MissingField,
                format!("必填项 `{}`（{label}）是空的", self.path_of(key)),
            )
            .hint(format!("填写{label}"));
            cx.report(d, node.span);
            return None;
        }
        Some(Spanned::new(t.value.trim().to_string(), t.span))
    }

    /// Reports every key that no loader asked for, with a suggestion where one is close.
    pub fn finish(self, cx: &mut Cx) {
        for (key, _) in self.entries.into_iter().flatten() {
            // A Chinese key is matched against the Chinese names, an ASCII one against keys.
            let by_label = did_you_mean(&key.name, self.asked.iter().map(|(_, label)| *label))
                .and_then(|label| self.asked.iter().find(|(_, l)| *l == label))
                .map(|(k, _)| *k);
            let guess =
                by_label.or_else(|| did_you_mean(&key.name, self.asked.iter().map(|(k, _)| *k)));
            let known: Vec<&str> = self.asked.iter().map(|(k, _)| *k).collect();
            let hint = match guess {
                Some(g) => format!(
                    "是否应为 `{g}`？字段名要用英文，可用的有：{}",
                    known.join("、")
                ),
                None => format!("可用的字段有：{}；不需要的内容请删除", known.join("、")),
            };
            let where_ = if self.path.is_empty() {
                String::new()
            } else {
                format!("（在 `{}` 中）", self.path)
            };
            let d = Diagnostic::new(
                Code::UnknownField,
                format!(
                    "无法识别的字段 `{}`{where_}，这一项的内容不会被读取",
                    key.name
                ),
            )
            .hint(hint);
            cx.report(d, key.span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_yaml;

    fn read(text: &str) -> (SourceFile, Node) {
        let src = SourceFile::from_text("t.yaml", text.to_string());
        let node = parse_yaml(&src).unwrap();
        (src, node)
    }

    #[test]
    fn unknown_key_suggests_the_close_one() {
        let (src, node) = read("unit: a\nprogres: x\n");
        let mut cx = Cx::new(&src);
        let mut f = Fields::of(&mut cx, node, "").unwrap();
        f.take("unit", "单位");
        f.take("progress", "进展");
        f.finish(&mut cx);
        assert_eq!(cx.diags.len(), 1);
        assert_eq!(cx.diags[0].code, Code::UnknownField);
        assert_eq!(cx.diags[0].line, Some(2));
        assert!(cx.diags[0].hint.as_deref().unwrap().contains("`progress`"));
    }

    #[test]
    fn chinese_key_suggests_its_english_name() {
        let (src, node) = read("单位: 水利厅\n");
        let mut cx = Cx::new(&src);
        let mut f = Fields::of(&mut cx, node, "").unwrap();
        assert!(f.require(&mut cx, "unit", "单位").is_none());
        f.finish(&mut cx);
        let codes: Vec<_> = cx.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MissingField, Code::UnknownField]);
        assert!(
            cx.diags[1]
                .hint
                .as_deref()
                .unwrap()
                .contains("是否应为 `unit`")
        );
    }

    #[test]
    fn text_keeps_what_the_user_typed() {
        let (src, node) = read("a: no\nb: 012\nc: 3.10\n");
        let mut cx = Cx::new(&src);
        let mut f = Fields::of(&mut cx, node, "").unwrap();
        for (key, want) in [("a", "no"), ("b", "012"), ("c", "3.10")] {
            let n = f.take(key, "").unwrap();
            assert_eq!(cx.text(&n, key).unwrap().value, want);
        }
    }

    #[test]
    fn a_list_where_text_is_expected_is_a_type_error() {
        let (src, node) = read("summary:\n  - a\n");
        let mut cx = Cx::new(&src);
        let mut f = Fields::of(&mut cx, node, "").unwrap();
        let n = f.take("summary", "总体情况").unwrap();
        assert!(cx.text(&n, "summary").is_none());
        assert_eq!(cx.diags[0].code, Code::WrongType);
        assert_eq!(cx.diags[0].line, Some(2));
    }

    #[test]
    fn a_file_that_is_a_list_is_a_type_error() {
        let (src, node) = read("- a\n- b\n");
        let mut cx = Cx::new(&src);
        assert!(Fields::of(&mut cx, node, "").is_none());
        assert!(cx.diags[0].message.contains("整个文件"));
    }
}
