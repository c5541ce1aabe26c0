//! One module per subcommand; each owns its `execute`.

pub mod check;
pub mod compile;
pub mod completions;
pub mod init;
pub mod intake;
pub mod missing;
pub mod plan_views;
pub mod remind;
pub mod status;
pub mod templates;

use anyhow::Result;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use crate::plan::{Plan, Unit};
use crate::suggest::closest;
use crate::workspace::UsageError;

/// Finds a unit by id, short or full name; an unknown name gets the closest suggestions.
pub fn find_unit<'a>(plan: &'a Plan, name: &str) -> Result<&'a Unit> {
    plan.unit(name).ok_or_else(|| {
        let guesses = closest(name, plan.unit_names(), 3);
        let hint = if guesses.is_empty() {
            "可用 `nianbao units` 查看单位名单".to_string()
        } else {
            format!(
                "是否应为“{}”？可用 `nianbao units` 查看单位名单",
                guesses.join("”或“")
            )
        };
        UsageError(format!("方案中没有单位“{name}”。{hint}")).into()
    })
}

/// A table in the house style: ASCII borders (box-drawing characters are double width
/// in many Chinese terminal fonts), wrapped to the terminal.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(Cell::new));
    t
}

/// A cell coloured only where colour is enabled.
pub fn colored(text: impl ToString, color: Option<Color>) -> Cell {
    let cell = Cell::new(text.to_string());
    match color {
        Some(c) if check::color_enabled() => cell.fg(c),
        _ => cell,
    }
}
