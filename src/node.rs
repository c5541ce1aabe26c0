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
            // The slips a typist makes are found in the text itself, each at the place to
            // fix; the parser's message (often English, often lines later) is the fallback.
            let slips = yaml_slips(src);
            if !slips.is_empty() {
                return Err(slips);
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
    // serde-saphyr's errors carry a position but no structured kind for these cases, so the
    // words are matched; each mapping has a test (tests::parser_messages_are_explained).
    const KNOWN: &[(&str, &str)] = &[
        // "budget breached: Depth { depth: 65 }" is nesting, not aliases.
        ("depth", "嵌套层数过多（最多 64 层），超出安全上限"),
        (
            "multiple yaml documents",
            "文件中有不止一个 YAML 文档（出现了“---”分隔线）",
        ),
        ("unexpected character", "这里有无法识别的字符"),
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
            "non-finite float",
            "数值不能是 .nan 或 .inf，请填写实际的数字，没有数据的这一项删去",
        ),
        (
            "budget breached",
            "内容过多或别名（*）展开过多，超出安全上限",
        ),
    ];
    let lower = reason.to_lowercase();
    match KNOWN.iter().find(|(en, _)| lower.contains(en)) {
        // Rust debug text ("Depth { depth: 65 }") says nothing to a reader; leave it out.
        Some((_, zh)) if reason.contains('{') => zh.to_string(),
        Some((_, zh)) => format!("{zh}（{reason}）"),
        // A message no mapping knows still opens in Chinese; the parser's words follow.
        None => format!("这里的写法不符合 YAML 格式（{reason}）"),
    }
}

/// The common slips of hand-typed YAML, found line by line in the text of a file the parser
/// rejected: a full-width colon after a key, no space after the colon, a quote left open,
/// quotes inside quotes, a second document, invisible control characters. Lines inside block
/// scalars (`key: |-`) are text and are not looked at.
fn yaml_slips(src: &SourceFile) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut block_parent: Option<usize> = None;
    let mut seen_content = false;
    let slip = |at: usize, len: usize, message: String, hint: &str| {
        Diagnostic::new(Code::Syntax, format!("YAML 语法错误：{message}"))
            .at(src, at..at + len)
            .hint(hint.to_string())
    };
    for (start, line) in src.lines() {
        // Control characters are slips in block text too: the parser refuses them anywhere.
        for (i, c) in line.char_indices() {
            if c.is_control() && c != '\t' && c != '\r' {
                found.push(slip(
                    start + i,
                    c.len_utf8(),
                    format!("这一行有看不见的控制字符（U+{:04X}）", c as u32),
                    "删除这个字符（常见于从其他软件复制来的文字），然后重新保存",
                ));
            }
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        if let Some(parent) = block_parent {
            if body.trim().is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        let trimmed = body.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed == "---" || trimmed == "..." || trimmed.starts_with("--- ") {
            if seen_content {
                found.push(slip(
                    start + indent,
                    3,
                    "文件中出现了第二个文档的分隔线".to_string(),
                    "一份报告只能有一个文档：删除这一行；如果是把两份报告拼在了一起，请分成两个文件",
                ));
            }
            continue;
        }
        seen_content = true;
        // `- key: value` items carry a key as well.
        let (item, at) = match body.strip_prefix("- ") {
            Some(rest) => (
                rest.trim_start(),
                start + indent + (body.len() - rest.trim_start().len()),
            ),
            None => (body, start + indent),
        };
        let key_len = item
            .char_indices()
            .take_while(|(i, c)| {
                c.is_ascii_alphabetic() || *c == '_' || (*i > 0 && c.is_ascii_digit())
            })
            .count();
        if key_len == 0 {
            continue;
        }
        let key = &item[..key_len];
        let after = item[key_len..].trim_start_matches(' ');
        let colon_at = at + (item.len() - after.len());
        let value_start = if let Some(rest) = after.strip_prefix('：') {
            found.push(slip(
                colon_at,
                '：'.len_utf8(),
                format!("字段名 `{key}` 后面用了中文冒号“：”"),
                "改为英文冒号加一个空格，例如 `year: 2026`",
            ));
            colon_at + '：'.len_utf8() + (rest.len() - rest.trim_start().len())
        } else if let Some(rest) = after.strip_prefix(':') {
            if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
                found.push(slip(
                    colon_at + 1,
                    rest.chars().next().map_or(1, char::len_utf8),
                    format!("字段名 `{key}` 的冒号后面少了空格"),
                    "在英文冒号后加一个空格，例如 `year: 2026`",
                ));
                continue;
            }
            colon_at + 1 + (rest.len() - rest.trim_start().len())
        } else {
            continue;
        };
        let value = src.text[value_start..start + line.len()].trim_end();
        if matches!(value, "|" | "|-" | "|+" | ">" | ">-" | ">+") {
            block_parent = Some(indent);
            continue;
        }
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        match closing_quote(value, quote) {
            None => found.push(slip(
                value_start,
                1,
                "引号没有闭合：这一行的引号从这里开始，到行尾没有结束".to_string(),
                "在文字末尾补上同样的引号；文字中需要引号时用中文引号“”",
            )),
            Some(end) => {
                let rest = value[end + 1..].trim_start();
                if !rest.is_empty() && !rest.starts_with('#') {
                    found.push(slip(
                        value_start + end,
                        1,
                        "引号里面又用了同样的引号，文字在这里提前结束了".to_string(),
                        "文字中的引号改用中文引号“”，或写成 `字段: |-`，在下一行缩进两个空格书写整段文字",
                    ));
                }
            }
        }
    }
    found
}

/// Where a quoted value's closing quote is (a byte index in `value`), if on this line.
fn closing_quote(value: &str, quote: char) -> Option<usize> {
    let mut chars = value.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            // '' inside single quotes is an escaped quote.
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                continue;
            }
            return Some(i);
        }
    }
    None
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
        assert!(
            errs[0].message.contains("同一层中有重复的字段名"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn parser_messages_are_explained() {
        // Every mapping of the parser's English words, in the form serde-saphyr writes them.
        for (reason, chinese) in [
            ("budget breached: Depth { depth: 65 }", "嵌套层数过多"),
            (
                "multiple YAML documents detected; use from_str_multiple",
                "不止一个 YAML 文档",
            ),
            ("unexpected character: `\\u{0}'", "无法识别的字符"),
            ("unclosed quote", "引号没有闭合"),
            ("unclosed bracket", "括号没有闭合"),
            ("duplicate mapping key", "重复的字段名"),
            (
                "mapping values are not allowed in this context",
                "冒号后少了空格",
            ),
            ("did not find expected key", "缩进不一致"),
            ("did not find expected '-' indicator", "列表项"),
            ("invalid indentation", "缩进不一致"),
            ("recursion limit exceeded", "嵌套层数过多"),
            ("budget breached: Aliases", "别名"),
            (
                "non-finite float `.nan` rejected by the configured policy",
                "不能是 .nan",
            ),
        ] {
            let explained = explain_yaml_error(reason);
            assert!(explained.contains(chinese), "{reason} → {explained}");
        }
        assert!(!explain_yaml_error("budget breached: Depth { depth: 65 }").contains('{'));
        assert!(explain_yaml_error("something new").starts_with("这里的写法不符合 YAML 格式"));
    }

    #[test]
    fn slips_are_found_where_the_typist_made_them_and_nowhere_else() {
        let slips = |text: &str| {
            yaml_slips(&SourceFile::from_text("a.yaml", text.to_string()))
                .into_iter()
                .map(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)))
                .collect::<Vec<_>>()
        };
        assert_eq!(slips("year：2026\n"), [(1, 5)]);
        assert_eq!(slips("- task:3\n"), [(1, 8)]);
        assert_eq!(slips("a: \"x\"y\"\n"), [(1, 6)]);
        assert_eq!(slips("a: 'it''s'\nb: \"open\n"), [(2, 4)]);
        assert_eq!(slips("a: 1\n---\nb: 2\n"), [(2, 1)]);
        // Text in block scalars, URLs in values and quoted colons are not slips.
        assert!(
            slips("a: |-\n  year:2026 \"x\"y\"\n  ---\nb: http://x.org\nc: \"k: v\" # 注\n")
                .is_empty()
        );
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
