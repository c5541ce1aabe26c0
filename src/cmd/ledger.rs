//! `nianbao ledger`: the year's task ledger (台账) as a workbook.

use std::path::PathBuf;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Global, LedgerArgs};
use crate::compile::output::write_atomic;
use crate::source::display_path;
use crate::workbook::ledger::ledger;
use crate::year::{Need, Year};

/// Runs `ledger`.
pub fn execute(global: &Global, args: &LedgerArgs) -> Result<Outcome> {
    let year = Year::load(global, Need::Collecting)?;
    let account = year.account(None);
    let bytes = ledger(&year.plan, &account)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("out")
            .join(year.year.to_string())
            .join("台账.xlsx")
    });
    write_atomic(&out, &bytes)?;
    say!(
        "已写入 {}（{} 项次分工任务，其中 {} 项次已报告进展）",
        display_path(&out),
        account.totals.pairs_assigned,
        account.totals.pairs_covered
    );
    Ok(Outcome::Clean)
}
