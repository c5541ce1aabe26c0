//! A located document tree shared by the YAML and TOML loaders.
//!
//! The parsers (serde-saphyr for YAML, toml's `DeTable` for TOML) do the syntax work and
//! give each value a byte span. nianbao then reads its models out of this tree with
//! [`crate::extract`], so every field-level problem can be reported with its place, and all
//! of them in one pass rather than stopping at the first.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;

/// A value with the byte range it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range in the decoded source text.
    pub span: Range<usize>,
    /// The value itself.
    pub value: Value,
}

/// A map key with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as text.
    pub name: String,
    /// Byte range of the key in the source.
    pub span: Range<usize>,
}

/// The shapes a document value can take.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Absent or `~`/`null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    Str(String),
    /// A TOML date or date-time, as written.
    Date(String),
    /// A list.
    Seq(Vec<Node>),
    /// A map, in source order.
    Map(Vec<(Key, Node)>),
}

impl Value {
    /// A Chinese name for the kind of value, used in type errors.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "空值",
            Value::Bool(_) => "布尔值",
            Value::Int(_) | Value::Float(_) => "数字",
            Value::Str(_) => "文字",
            Value::Date(_) => "日期",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值表",
        }
    }
}

/// Parses YAML text into a located tree, or returns the diagnostics explaining why not.
pub fn parse_yaml(src: &SourceFile) -> Result<Node, Vec<Diagnostic>> {
    if src.text.trim().is_empty() || only_comments(&src.text) {
        return Err(vec![empty_file(src)]);
    }
    let options = serde_saphyr::Options::default();
    match serde_saphyr::from_str_with_options::<Located>(&src.text, options) {
        Ok(located) => Ok(located.into_node()),
        Err(e) => {
            let tabs = tab_indented_lines(src);
            if !tabs.is_empty() {
                return Err(tabs);
            }
            let (line, column) = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((1, 1));
            let offset = src.offset_of(line, column);
            let reason = e.without_snippet().to_string();
            let reason = reason
                .strip_prefix("error: ")
                .unwrap_or(&reason)
                .split(" --> ")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            let reason = explain_yaml_error(&strip_position_prefix(&reason));
            Err(vec![syntax_error(src, offset..offset + 1, "YAML", reason)])
        }
    }
}

/// Parses TOML text into a located tree.
pub fn parse_toml(src: &SourceFile) -> Result<Node, Vec<Diagnostic>> {
    if src.text.trim().is_empty() {
        return Err(vec![empty_file(src)]);
    }
    let (table, errors) = toml::de::DeTable::parse_recoverable(&src.text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                syntax_error(src, span, "TOML", e.message().trim().to_string())
            })
            .collect());
    }
    let span = table.span();
    Ok(Node {
        span,
        value: toml_table(table.into_inner()),
    })
}

fn toml_table(table: toml::de::DeTable<'_>) -> Value {
    Value::Map(
        table
            .into_iter()
            .map(|(k, v)| {
                let key = Key {
                    span: k.span(),
                    name: k.into_inner().into_owned(),
                };
                (key, toml_node(v))
            })
            .collect(),
    )
}

fn toml_node(v: toml::Spanned<toml::de::DeValue<'_>>) -> Node {
    use toml::de::DeValue;
    let span = v.span();
    let value = match v.into_inner() {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => i
            .to_string()
            .replace('_', "")
            .parse()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Str(i.to_string())),
        DeValue::Float(f) => f
            .to_string()
            .replace('_', "")
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Str(f.to_string())),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Date(d.to_string()),
        DeValue::Array(a) => Value::Seq(a.into_iter().map(toml_node).collect()),
        DeValue::Table(t) => toml_table(t),
    };
    Node { span, value }
}

fn empty_file(src: &SourceFile) -> Diagnostic {
    Diagnostic::new(Code::Empty, "文件是空的，没有任何内容")
        .in_file(&src.path)
        .hint("按报告格式说明（docs/report-format.md）填写后再报送")
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

fn syntax_error(src: &SourceFile, span: Range<usize>, lang: &str, reason: String) -> Diagnostic {
    Diagnostic::new(Code::Syntax, format!("{lang} 语法错误：{reason}"))
        .at(src, span)
        .hint("检查这一行及上一行的缩进、冒号后的空格、引号和括号是否成对")
}

/// serde-saphyr's messages carry "line N column M: " or " at line N, column M"; the place is
/// shown separately, so both are dropped.
fn strip_position_prefix(reason: &str) -> String {
    let reason = match reason.find(" at line ") {
        Some(i) => &reason[..i],
        None => reason,
    };
    if let Some(rest) = reason.strip_prefix("line ")
        && let Some((_, after)) = rest.split_once(": ")
        && rest
            .split_once(": ")
            .is_some_and(|(pos, _)| pos.contains("column"))
    {
        return after.to_string();
    }
    reason.to_string()
}

/// Puts the common parser messages in plain Chinese, keeping the parser's words after them.
fn explain_yaml_error(reason: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("unclosed quote", "引号没有闭合"),
        ("unclosed bracket", "括号没有闭合"),
        ("duplicate mapping key", "同一层中有重复的字段名"),
        (
            "mapping values are not allowed",
            "这里不能出现“字段: 值”，常见原因是冒号后少了空格或缩进不对",
        ),
        ("did not find expected key", "缩进不一致，找不到应有的字段"),
        (
            "did not find expected '-'",
            "列表项应以“- ”开头，且缩进一致",
        ),
        ("invalid indentation", "缩进不一致"),
        ("recursion limit exceeded", "嵌套层数过多，超出安全上限"),
        (
            "budget breached",
            "内容过多或别名（*）展开过多，超出安全上限",
        ),
    ];
    let lower = reason.to_lowercase();
    match KNOWN.iter().find(|(en, _)| lower.contains(en)) {
        Some((_, zh)) => format!("{zh}（{reason}）"),
        None => reason.to_string(),
    }
}

/// YAML forbids tabs in indentation; say so for each such line instead of a parser riddle.
fn tab_indented_lines(src: &SourceFile) -> Vec<Diagnostic> {
    src.lines()
        .filter_map(|(start, line)| {
            let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
            let indent = &line[..indent_len];
            let tab = indent.find('\t')?;
            let at = start + tab;
            Some(
                Diagnostic::new(
                    Code::Tab,
                    "这一行用制表符（Tab）缩进，YAML 只允许用空格缩进",
                )
                .at(src, at..at + 1)
                .label("这里是制表符")
                .hint("把行首的 Tab 换成空格（同一层级的行缩进的空格数要相同）"),
            )
        })
        .collect()
}

/// Deserializes any YAML value together with its place, via serde-saphyr's `Spanned`.
struct Located(serde_saphyr::Spanned<Raw>);

enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Located>),
    Map(Vec<(Located, Located)>),
}

impl Located {
    fn span(&self) -> Range<usize> {
        let span = self.0.referenced.span();
        match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => start as usize..(start + len) as usize,
            _ => 0..0,
        }
    }

    fn into_node(self) -> Node {
        let span = self.span();
        let value = match self.0.value {
            Raw::Null => Value::Null,
            Raw::Bool(b) => Value::Bool(b),
            Raw::Int(i) => Value::Int(i),
            Raw::Float(f) => Value::Float(f),
            Raw::Str(s) => Value::Str(s),
            Raw::Seq(items) => Value::Seq(items.into_iter().map(Located::into_node).collect()),
            Raw::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key_span = k.span();
                        let name = match k.0.value {
                            Raw::Str(s) => s,
                            Raw::Int(i) => i.to_string(),
                            Raw::Float(f) => f.to_string(),
                            Raw::Bool(b) => b.to_string(),
                            Raw::Null => String::new(),
                            Raw::Seq(_) | Raw::Map(_) => "[复合键]".to_string(),
                        };
                        (
                            Key {
                                name,
                                span: key_span,
                            },
                            v.into_node(),
                        )
                    })
                    .collect(),
            ),
        };
        Node { span, value }
    }
}

impl<'de> Deserialize<'de> for Located {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_saphyr::Spanned::<Raw>::deserialize(d).map(Located)
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Raw, E> {
        Ok(Raw::Int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Raw, E> {
        Ok(i64::try_from(u).map_or(Raw::Float(u as f64), Raw::Int))
    }
    fn visit_i128<E>(self, i: i128) -> Result<Raw, E> {
        Ok(i64::try_from(i).map_or(Raw::Float(i as f64), Raw::Int))
    }
    fn visit_u128<E>(self, u: u128) -> Result<Raw, E> {
        Ok(i64::try_from(u).map_or(Raw::Float(u as f64), Raw::Int))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Raw, E> {
        Ok(Raw::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Raw, E> {
        Ok(Raw::Str(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Raw, E> {
        Ok(Raw::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<Located>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Located>()? {
            let value = map.next_value::<Located>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<Node, Vec<Diagnostic>> {
        parse_yaml(&SourceFile::from_text("t.yaml", text.to_string()))
    }

    #[test]
    fn yaml_values_keep_their_byte_spans() {
        let text = "unit: 水利厅\ntasks:\n  - task: 9\n";
        let node = yaml(text).unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.name, "unit");
        assert_eq!(&text[entries[0].1.span.clone()], "水利厅");
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("not a seq")
        };
        let Value::Map(task) = &items[0].value else {
            panic!("not a map")
        };
        assert_eq!(task[0].1.value, Value::Int(9));
        assert_eq!(&text[task[0].1.span.clone()], "9");
    }

    #[test]
    fn yaml_tab_indentation_is_named_per_line() {
        let errs = yaml("tasks:\n\t- task: 1\n\t  status: 已完成\n").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs.iter().all(|d| d.code == Code::Tab));
        assert_eq!(errs[1].line, Some(3));
    }

    #[test]
    fn yaml_duplicate_key_is_a_syntax_error_at_the_second_key() {
        let errs = yaml("unit: a\nunit: b\n").unwrap_err();
        assert_eq!(errs[0].code, Code::Syntax);
        assert_eq!(errs[0].line, Some(2));
        assert!(errs[0].message.contains("duplicate"), "{}", errs[0].message);
    }

    #[test]
    fn empty_and_comment_only_files_are_empty() {
        assert_eq!(yaml("").unwrap_err()[0].code, Code::Empty);
        assert_eq!(yaml("# 示例\n\n").unwrap_err()[0].code, Code::Empty);
    }

    #[test]
    fn toml_errors_have_places() {
        let src = SourceFile::from_text("p.toml", "a = 1\nb = [1,\n".to_string());
        let errs = parse_toml(&src).unwrap_err();
        assert_eq!(errs[0].code, Code::Syntax);
        assert!(errs[0].line.is_some());
    }
}
