//! Findings (diagnostics): their stable codes, severities, locations and how they are shown.
//!
//! Every problem nianbao reports is a [`Diagnostic`] with a [`Code`]. The code list here is
//! the one place that says what each code means; `docs/diagnostics.md` mirrors it for users.

use std::ops::Range;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Element, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::source::{SourceFile, display_path};

/// How serious a finding is. Errors and warnings make `check` exit 1; information does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong and must be fixed.
    Error,
    /// The input is usable but something is outstanding (missing, late, uncovered).
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    /// The Chinese word shown in human output.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $id:literal, $sev:ident, $title:literal; )*) => {
        /// The stable code of a finding. The `NB` numbers never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $( $(#[$doc])* $name, )* }

        impl Code {
            /// All codes, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The stable identifier, such as `NB201`.
            pub fn id(self) -> &'static str { match self { $(Code::$name => $id,)* } }

            /// The severity a finding of this code has unless stated otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// A short Chinese title for the code (used in documentation and summaries).
            pub fn title(self) -> &'static str { match self { $(Code::$name => $title,)* } }
        }
    };
}

codes! {
    /// A file or folder could not be read at all.
    Unreadable = "NB001", Error, "文件无法读取";
    /// The file is not UTF-8 (read as GBK or UTF-16), or not text at all.
    Encoding = "NB002", Warning, "文件编码不是 UTF-8";
    /// YAML indented with tab characters.
    Tab = "NB003", Error, "用了制表符（Tab）缩进";
    /// TOML or YAML syntax error.
    Syntax = "NB004", Error, "语法错误";
    /// The file has no content.
    Empty = "NB005", Error, "文件为空";
    /// The file is larger than the size limit and was not read.
    TooLarge = "NB006", Error, "文件过大";
    /// A value has the wrong type (text where a list is expected, and so on).
    WrongType = "NB101", Error, "类型不对";
    /// A required field is absent or empty.
    MissingField = "NB102", Error, "缺少必填项";
    /// A key that the format does not define (typos are caught here).
    UnknownField = "NB103", Error, "无法识别的字段";
    /// A value outside the allowed set (status, project state, unit kind, id characters).
    InvalidValue = "NB104", Error, "取值不在允许范围内";
    /// The unit named in a report is not in the plan's registry.
    UnknownUnit = "NB201", Error, "单位不在方案名单中";
    /// A task number that the plan does not have.
    UnknownTask = "NB202", Error, "任务编号不存在";
    /// The report's year differs from the year folder it is in.
    YearMismatch = "NB203", Error, "年度与所在文件夹不一致";
    /// Two report files for the same unit and year.
    DuplicateReport = "NB204", Error, "同一单位有两份报告";
    /// The same task listed twice in one report.
    DuplicateEntry = "NB205", Error, "同一任务填报了两次";
    /// A date that is not a real calendar date, or not in a recognised form.
    InvalidDate = "NB206", Error, "日期无效";
    /// Status 不涉及 without a reason.
    NoReason = "NB207", Error, "“不涉及”未说明理由";
    /// The file name differs from the unit the report names.
    FileName = "NB208", Warning, "文件名与单位不一致";
    /// A figure names an indicator the plan does not define.
    UnknownIndicator = "NB209", Error, "指标标识不存在";
    /// An indicator's value is not a number, or outside what the indicator can take.
    IndicatorValue = "NB210", Error, "指标数值无效";
    /// Two units, sections, tasks or phases in the plan share an id or number.
    PlanDuplicate = "NB301", Error, "方案中编号重复";
    /// A task in the plan names a unit that is not in the registry.
    PlanUnknownUnit = "NB302", Error, "方案任务引用了未登记的单位";
    /// A section in the plan has no tasks.
    PlanEmptySection = "NB303", Error, "方案章节下没有任务";
    /// A task in the plan names a section that does not exist.
    PlanUnknownSection = "NB304", Error, "方案任务引用了不存在的章节";
    /// A reporting unit has no report for the year.
    Missing = "NB401", Warning, "未报送";
    /// A report was submitted after the deadline.
    Late = "NB402", Warning, "逾期报送";
    /// An assigned task has no entry in the unit's report.
    Uncovered = "NB403", Warning, "分工任务未填报";
    /// An assigned task's entry has no real progress text (placeholder, empty, 无, TODO).
    Placeholder = "NB404", Warning, "进展内容未填写或仍是占位文字";
    /// An entry for a task the plan does not assign to the unit (allowed: lists end in 等).
    Extra = "NB405", Info, "填报了非分工任务";
    /// A `#` after a plain free-text value made the rest of the line a YAML comment.
    CommentCut = "NB406", Warning, "文字中 # 之后的内容被当作注释";
    /// The submission date is later than today or after the year's collection closed.
    OddDate = "NB407", Warning, "报送日期晚于今天或收集期";
    /// A unit has not reported an indicator it owns (or, for a region, its own area's value).
    IndicatorMissing = "NB408", Warning, "未报告应报的指标";
    /// A progress text repeats the same unit's entry for the task the year before.
    Copied = "NB409", Warning, "进展与上年雷同";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// The source line a finding points into, kept so rendering needs no file access.
#[derive(Debug, Clone)]
struct Excerpt {
    line_text: String,
    line: usize,
    span: Range<usize>,
}

/// One finding: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Error, warning or information.
    pub severity: Severity,
    /// Stable code such as `NB201`.
    pub code: Code,
    /// The file concerned, with forward slashes, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line, where a place in the file applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in characters, where a place in the file applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The cell of a workbook, such as `任务进展!E7`, where the place is a cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
    /// How to fix it, in Chinese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip)]
    excerpt: Option<Excerpt>,
    #[serde(skip)]
    label: Option<String>,
}

impl Diagnostic {
    /// A finding with the code's usual severity and no location yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.default_severity(),
            code,
            file: None,
            line: None,
            column: None,
            cell: None,
            message: message.into(),
            hint: None,
            excerpt: None,
            label: None,
        }
    }

    /// Raises the finding to an error.
    pub fn error(mut self) -> Self {
        self.severity = Severity::Error;
        self
    }

    /// Names the file without pointing at a place in it.
    pub fn in_file(mut self, path: &Path) -> Self {
        self.file = Some(display_path(path));
        self
    }

    /// Points at a cell of a workbook instead of a line of text.
    pub fn in_cell(mut self, cell: &str) -> Self {
        self.cell = Some(cell.to_string());
        self.line = None;
        self.column = None;
        self.excerpt = None;
        self
    }

    /// Points at a byte range of a source file.
    pub fn at(mut self, src: &SourceFile, span: Range<usize>) -> Self {
        let lc = src.line_col(span.start);
        let line = src.line_range(span.start);
        let text = &src.text[line.clone()];
        let start = floor_boundary(text, span.start.clamp(line.start, line.end) - line.start);
        let end = span.end.clamp(line.start, line.end) - line.start;
        let end = floor_boundary(text, end.max(start));
        self.file = Some(src.display_path());
        self.line = Some(lc.line);
        self.column = Some(lc.column);
        self.excerpt = Some(Excerpt {
            line_text: src.text[line].to_string(),
            line: lc.line,
            span: start..end,
        });
        self
    }

    /// Adds the advice on how to fix the problem.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a short label shown under the marked source text.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Renders the finding for a terminal or a plain text stream.
    pub fn render(&self, renderer: &Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        }
        .with_name(self.severity.label());
        let title = level
            .primary_title(self.message.as_str())
            .id(self.code.id());
        let mut elements: Vec<Element> = Vec::new();
        match (&self.excerpt, &self.file) {
            (Some(ex), Some(file)) => {
                let mut annotation = AnnotationKind::Primary.span(ex.span.clone());
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.as_str());
                }
                elements.push(
                    Snippet::source(ex.line_text.as_str())
                        .line_start(ex.line)
                        .path(file.as_str())
                        .annotation(annotation)
                        .into(),
                );
            }
            (None, Some(file)) => match &self.cell {
                Some(cell) => elements.push(Origin::path(format!("{file} {cell}")).into()),
                None => elements.push(Origin::path(file.as_str()).into()),
            },
            _ => {}
        }
        if let Some(hint) = &self.hint {
            elements.push(Level::HELP.with_name("建议").message(hint.as_str()).into());
        }
        let group = if elements.is_empty() {
            Group::with_title(title)
        } else {
            title.elements(elements)
        };
        renderer.render(&[group])
    }

    /// Order used for output: by file, then place; findings without a file last.
    pub fn sort_key(&self) -> (bool, &str, usize, usize) {
        (
            self.file.is_none(),
            self.file.as_deref().unwrap_or(""),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
        )
    }
}

/// The nearest character boundary at or before `i`, so a marked range never splits a character.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Counts of findings by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of information notes.
    pub infos: usize,
}

impl Tally {
    /// Counts a list of findings.
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut t = Tally::default();
        for d in diags {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }

    /// Whether anything needs attention (errors or warnings).
    pub fn has_problems(&self) -> bool {
        self.errors + self.warnings > 0
    }
}

/// Colour only on a terminal, and never when NO_COLOR is set.
pub fn color_enabled() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    std::io::IsTerminal::is_terminal(&std::io::stdout()) && !no_color
}

/// The diagnostic renderer: styled only where colour is enabled.
pub fn renderer() -> annotate_snippets::Renderer {
    if color_enabled() {
        annotate_snippets::Renderer::styled()
    } else {
        annotate_snippets::Renderer::plain()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.id()), "duplicate id {}", code.id());
            assert!(code.id().starts_with("NB") && code.id().len() == 5);
        }
    }

    #[test]
    fn render_shows_file_line_code_and_hint() {
        let src = SourceFile::from_text("r/a.yaml", "unit: 水力厅\nyear: 2026\n".into());
        let d = Diagnostic::new(Code::UnknownUnit, "单位“水力厅”不在方案名单中")
            .at(&src, 6..15)
            .hint("是否应为“水利厅”？");
        let out = d.render(&Renderer::plain());
        assert!(out.contains("错误[NB201]"), "{out}");
        assert!(out.contains("r/a.yaml:1:7"), "{out}");
        assert!(out.contains("unit: 水力厅"), "{out}");
        assert!(out.contains("建议: 是否应为“水利厅”？"), "{out}");
    }
}
