//! The command line: global options and subcommands (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// 年报（nianbao）：按实施方案收集、检查、汇编各单位年度工作情况报告。
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, about, long_about = None)]
#[command(after_help = "退出码：0 无问题；1 发现问题；2 用法错误或输入无法读取。")]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// 方案文件（.toml），或含一个方案文件的文件夹
    #[arg(long, global = true, value_name = "路径", default_value = "plan")]
    pub plan: PathBuf,
    /// 报告文件夹，其中按年度分子文件夹（如 reports/2026/）
    #[arg(long, global = true, value_name = "文件夹", default_value = "reports")]
    pub reports: PathBuf,
    /// 报告年度（默认：报告文件夹中最新的年度）
    #[arg(long, global = true, value_name = "年份")]
    pub year: Option<i32>,
}

/// Output formats for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// 适合人阅读的文字，带出错的原文行
    Human,
    /// JSON 数组，每项一条检查结果
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查方案和报告：格式、必填项、单位与任务、报送与覆盖情况
    #[command(
        after_help = "示例：\n  nianbao check                       检查最新年度的全部报告\n  nianbao check reports/2026/shuili.yaml   只检查一份报告\n  nianbao check --format json         以 JSON 输出检查结果"
    )]
    Check(CheckArgs),
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 要检查的报告文件；不写则检查该年度的全部报告
    #[arg(value_name = "报告文件")]
    pub paths: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, value_name = "格式", default_value = "human")]
    pub format: CheckFormat,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
