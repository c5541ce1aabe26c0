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
    /// 方案文件（.toml），或含一个方案文件的文件夹（默认：当前文件夹或程序所在文件夹中的 plan/）
    #[arg(long, global = true, value_name = "路径")]
    pub plan: Option<PathBuf>,
    /// 报告文件夹，其中按年度分子文件夹（如 reports/2026/）
    #[arg(long, global = true, value_name = "文件夹", default_value = "reports")]
    pub reports: PathBuf,
    /// 报告年度（默认：按今天的日期正在收集或汇编的年度，截止日期后三个月内仍为上一年度）
    #[arg(long, global = true, value_name = "年份")]
    pub year: Option<i32>,
    /// 自定义模板文件夹，其中与内置模板同名的文件会替换内置模板
    #[arg(
        long,
        global = true,
        value_name = "文件夹",
        default_value = "templates"
    )]
    pub templates: PathBuf,
    /// 把这一天当作“今天”（YYYY-MM-DD），用于成文日期等；默认取 SOURCE_DATE_EPOCH 或不写日期
    #[arg(long, global = true, value_name = "日期")]
    pub today: Option<String>,
    /// 单个输入文件的大小上限，如 16M、512K；超过的文件不读取
    #[arg(long, global = true, value_name = "大小", default_value = "16M", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// Parses a size such as `16M`, `512K`, `1G` or a number of bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("“{s}”不是大小，请写成 16M、512K 的形式"))?;
    let factor: u64 = match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("“{s}”的单位无法识别，可用 K、M、G")),
    };
    Ok(n.saturating_mul(factor))
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
        after_help = "示例：\n  nianbao check                       检查当前年度的全部报告\n  nianbao check \"水利厅2026年度报告（终稿）.yaml\"   只检查一份报告（文件名不限）\n  nianbao check --format json         以 JSON 输出检查结果"
    )]
    Check(CheckArgs),
    /// 汇编年度综合报告（Word、可打印的公文格式 HTML 和 Markdown，可加 PDF）
    #[command(
        after_help = "示例：\n  nianbao compile                          汇编当前年度，写入 out/<年度>/\n  nianbao compile --date 2026-12-28        指定落款日期\n  nianbao compile --format md,html,json    同时输出模板数据（JSON）\n  nianbao compile --strict                 有单位未报或任务未覆盖时不汇编"
    )]
    Compile(CompileArgs),
    /// 列出汇编模板，或把内置模板写到模板文件夹以便修改
    #[command(
        after_help = "示例：\n  nianbao templates            列出模板及其来源\n  nianbao templates --write    把内置模板写入 templates/（不覆盖已有文件）"
    )]
    Templates(TemplatesArgs),
    /// 报送进度一览：每个单位是否报送、报送日期、任务覆盖，以及距截止日期的天数
    #[command(
        after_help = "示例：\n  nianbao status                   按单位类别列出报送进度\n  nianbao status --today 2026-12-20   按指定日期计算剩余天数\n  nianbao status --format csv > 进度.csv   导出给 Excel/WPS"
    )]
    Status(StatusArgs),
    /// 列出尚未完成的事项：未报送的单位和未填报的分工任务（有未完成事项时退出码为 1）
    #[command(
        after_help = "示例：\n  nianbao missing                  列出未报送单位和未填报任务，可直接复制发送\n  nianbao missing --format json"
    )]
    Missing(MissingArgs),
    /// 生成预填好分工任务的年度报告草稿，发给单位填写（草稿不是报送，不写入报告文件夹）
    #[command(
        after_help = "示例：\n  nianbao init 水利厅              生成 out/<年度>/drafts/水利厅<年度>年度报告.yaml\n  nianbao init --all --form xlsx   为全部报送单位各生成一份 Excel 填报表\n  nianbao init 人社厅 --out 下发"
    )]
    Init(InitArgs),
    /// 收取单位报来的报告：检查后按单位存入 reports/<年度>/，登记收文，旧版本保留在 history/ 中
    #[command(
        after_help = "示例：\n  nianbao intake 水利厅2026年度报告.yaml\n  nianbao intake 下载/*.yaml\n  nianbao intake 固原市年报.yaml --received 2027-01-06   按来文送达日登记"
    )]
    Intake(IntakeArgs),
    /// 为未报送或任务未填报的单位生成通知：截止日期前为提醒，逾期后为催报通知
    #[command(
        after_help = "示例：\n  nianbao remind                        写入 out/<年度>/remind/（Word 和 Markdown）\n  nianbao remind --by 2027-01-10        逾期后催报，限期 1 月 10 日前补报"
    )]
    Remind(RemindArgs),
    /// 导出任务台账（Excel/WPS 表格）：每个单位每项分工任务一行，另有汇总表
    #[command(
        after_help = "示例：\n  nianbao ledger                      写入 out/<年度>/台账.xlsx\n  nianbao ledger --out 2026年台账.xlsx"
    )]
    Ledger(LedgerArgs),
    /// 年度报送与进展评估：按方案中的评估方案给每个单位打分，列出各方面得分和依据（不是正式考核）
    #[command(
        after_help = "示例：\n  nianbao assess\n  nianbao assess --year 2026 --format json\n\n评估的方面、分值和等次线写在方案文件的 [assessment] 中，由领导小组办公室确定。"
    )]
    Assess(AssessArgs),
    /// 列出方案中的任务及其牵头、参与单位；加 --unit 只看一个单位的分工
    #[command(after_help = "示例：\n  nianbao tasks\n  nianbao tasks --unit 水利厅")]
    Tasks(TasksArgs),
    /// 列出单位名单：标识、全称、简称、类别、牵头和参与的任务数
    #[command(after_help = "示例：\n  nianbao units\n  nianbao units --format json")]
    Units(UnitsArgs),
    /// 生成命令行自动补全脚本（bash、zsh、fish、powershell 等）
    #[command(after_help = "示例：\n  nianbao completions bash > /etc/bash_completion.d/nianbao")]
    Completions(CompletionsArgs),
    /// 生成 man 手册页
    #[command(after_help = "示例：\n  nianbao man > nianbao.1")]
    Man,
    /// Words for the double-click helpers of the Windows and ARM64 packages, which are
    /// kept ASCII (cmd.exe reads a .bat in the console's code page) and let nianbao say
    /// the Chinese.
    #[command(hide = true)]
    Helper(HelperArgs),
}

/// Arguments of the hidden `helper` command.
#[derive(Debug, Args)]
pub struct HelperArgs {
    /// What to say.
    #[arg(value_enum)]
    pub say: HelperText,
}

/// The helpers' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HelperText {
    /// 自查 started without a file.
    DropAFile,
    /// Before waiting for a key.
    PressAKey,
}

/// Table output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// 终端表格
    Table,
    /// JSON
    Json,
    /// CSV（可用 Excel/WPS 打开）
    Csv,
}

/// Text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// 可直接复制发送的文字
    Text,
    /// JSON
    Json,
}

/// Table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// 终端表格
    Table,
    /// JSON
    Json,
}

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 输出格式
    #[arg(long, value_enum, value_name = "格式", default_value = "table")]
    pub format: TableFormat,
}

/// Arguments of `missing`.
#[derive(Debug, Args)]
pub struct MissingArgs {
    /// 输出格式
    #[arg(long, value_enum, value_name = "格式", default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// 单位：标识、简称、全称或常用名称均可
    #[arg(value_name = "单位")]
    pub unit: Option<String>,
    /// 为全部报送单位各生成一份
    #[arg(long)]
    pub all: bool,
    /// 写到这个文件夹（默认 out/<年度>/drafts/）；为一个单位生成时也可写文件名
    #[arg(long, value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 草稿的形式：yaml（文本文件）或 xlsx（Excel/WPS 表格，填好后同样可以自查和收取）
    #[arg(long, value_enum, value_name = "形式", default_value = "yaml")]
    pub form: DraftForm,
}

/// The form of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DraftForm {
    /// YAML 文本文件
    Yaml,
    /// Excel/WPS 工作簿
    Xlsx,
}

/// Arguments of `assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// 输出格式
    #[arg(long, value_enum, value_name = "格式", default_value = "table")]
    pub format: TableFormat,
}

/// Arguments of `ledger`.
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// 写到这个文件（默认 out/<年度>/台账.xlsx）
    #[arg(long, value_name = "文件")]
    pub out: Option<PathBuf>,
}

/// Arguments of `intake`.
#[derive(Debug, Args)]
pub struct IntakeArgs {
    /// 收到的报告文件（文件名不限）
    #[arg(value_name = "文件", required = true)]
    pub files: Vec<PathBuf>,
    /// 收文时间：邮件或来文送达的日期（YYYY-MM-DD 或 "YYYY-MM-DD HH:MM"）；默认为现在
    #[arg(long, value_name = "日期")]
    pub received: Option<String>,
    /// 核实后仍要收取：允许报送日期较早的版本替换已收取的版本，或文件名与内容单位不一致的文件
    #[arg(long)]
    pub replace: bool,
}

/// Arguments of `remind`.
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// 输出文件夹（默认 out/<年度>/remind/）
    #[arg(long, value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 逾期后给出的补报期限 YYYY-MM-DD，写入催报通知
    #[arg(long, value_name = "日期")]
    pub by: Option<String>,
    /// 通知的格式，可写多个，用逗号分隔：md（Markdown）、docx（Word）、html（打印页）
    #[arg(
        long,
        value_name = "格式",
        value_delimiter = ',',
        default_value = "md,docx",
        value_parser = ["md", "docx", "html"]
    )]
    pub format: Vec<String>,
}

/// Arguments of `tasks`.
#[derive(Debug, Args)]
pub struct TasksArgs {
    /// 只列出这个单位的分工（标识、简称或全称）
    #[arg(long, value_name = "单位")]
    pub unit: Option<String>,
    /// 输出格式
    #[arg(long, value_enum, value_name = "格式", default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `units`.
#[derive(Debug, Args)]
pub struct UnitsArgs {
    /// 输出格式
    #[arg(long, value_enum, value_name = "格式", default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// 终端类型
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// The names `compile --format` accepts: every registered writer, and `json` for the data
/// the template sees.
fn format_parser() -> clap::builder::PossibleValuesParser {
    let mut values: Vec<clap::builder::PossibleValue> = crate::writer::WRITERS
        .iter()
        .map(|w| clap::builder::PossibleValue::new(w.name))
        .collect();
    values.push(clap::builder::PossibleValue::new("json"));
    clap::builder::PossibleValuesParser::new(values)
}

/// Arguments of `compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// 输出文件夹（默认 out/<年度>/）
    #[arg(long, value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 输出格式，可写多个，用逗号分隔：md（Markdown）、html（公文格式打印页）、docx（Word）、
    /// pdf（用本机的 Edge/Chrome/Chromium 打印）、json（模板所用的数据）
    #[arg(
        long,
        value_parser = format_parser(),
        value_name = "格式",
        value_delimiter = ',',
        default_value = "md,html,docx"
    )]
    pub format: Vec<String>,
    /// 打印 PDF 用的浏览器程序（默认在本机查找 Edge、Chrome 或 Chromium）
    #[arg(long, value_name = "程序")]
    pub browser: Option<PathBuf>,
    /// 有单位未报送或分工任务未覆盖时拒绝汇编（退出码 1）
    #[arg(long)]
    pub strict: bool,
    /// 落款（成文）日期 YYYY-MM-DD，也是报告的统计截止日；不写则用 --today 或 SOURCE_DATE_EPOCH，都没有时留空待填
    #[arg(long, value_name = "日期")]
    pub date: Option<String>,
    /// 正文详略：summary（综合汇总，各单位原文收入附件汇编）或 full（正文逐一列出各单位进展，不另附汇编）
    #[arg(long, value_enum, value_name = "详略", default_value = "summary")]
    pub detail: crate::compile::context::Detail,
    /// 附上年度报送与进展评估表（按方案中的评估方案打分；不是正式考核）
    #[arg(long)]
    pub assess: bool,
}

/// Arguments of `templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// 把内置模板写入模板文件夹（已有的同名文件不会被覆盖）
    #[arg(long)]
    pub write: bool,
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

/// The help layout, with Chinese headings. Sections a command lacks are left out.
fn help_template(cmd: &clap::Command) -> String {
    let mut t = String::from("{about-with-newline}\n用法：{usage}\n");
    if cmd.get_subcommands().next().is_some() {
        t.push_str("\n命令：\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str("\n参数：\n{positionals}\n");
    }
    t.push_str("\n选项：\n{options}\n{after-help}");
    t
}

/// The usage line in Chinese: clap's own, with its English placeholders translated.
fn usage_line(cmd: &mut clap::Command) -> String {
    cmd.render_usage()
        .to_string()
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>")
}

/// The command definition with Chinese help: headings, usage, and the help and version
/// flags' own descriptions.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command()
        .disable_help_flag(true)
        .disable_version_flag(true)
        .subcommand_value_name("命令")
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .global(true)
                .action(clap::ArgAction::Help)
                .help("显示帮助"),
        )
        .arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("显示版本"),
        );
    cmd = chinese_args(cmd).mut_subcommands(chinese_args);
    cmd.build();
    let usage = usage_line(&mut cmd);
    let template = help_template(&cmd);
    cmd = cmd.mut_subcommand("help", |s| {
        s.about("显示全部命令的说明，或某个命令的帮助（如 nianbao help check）")
            .after_help("示例：\n  nianbao help intake")
    });
    cmd.mut_subcommands(|mut s| {
        let usage = usage_line(&mut s);
        let usage = usage.replacen("nianbao-", "nianbao ", 1);
        let template = help_template(&s);
        s.override_usage(usage).help_template(template)
    })
    .override_usage(usage)
    .help_template(template)
}

/// Writes each argument's default and accepted values into its own Chinese help, in place
/// of clap's English "[default: …]" and "Possible values".
fn chinese_args(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| {
        let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("{}（{h}）", v.get_name()),
                None => v.get_name().to_string(),
            })
            .collect();
        let is_flag = !arg.get_action().takes_values();
        if !values.is_empty() && !is_flag && !help.contains("：md") {
            help.push_str(&format!("。可用：{}", values.join("、")));
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !is_flag && !help.contains("默认") {
            help.push_str(&format!("（默认：{}）", defaults.join(",")));
        }
        if is_flag {
            return arg;
        }
        arg.help(help)
            .hide_default_value(true)
            .hide_possible_values(true)
    })
}

/// Parses the command line, or says in Chinese what is wrong with it.
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// An argument error in Chinese, with the usage and where to find help.
pub fn error_message(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join("、"),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => v
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let mut msg = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("没有“{}”这个命令", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("无法识别的参数“{arg}”"),
        ErrorKind::InvalidValue => format!("{arg} 的值“{value}”无效"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!("{arg} 的值“{value}”无效{why}")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必须写的参数：{arg}"),
        ErrorKind::ArgumentConflict => {
            format!("{arg} 不能与 {} 同时使用", get(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg} 的值的个数不对")
        }
        ErrorKind::InvalidUtf8 => "命令行中有无法识别的字符".to_string(),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "请写明要运行的命令".to_string()
        }
        _ => "命令行参数有误".to_string(),
    };
    let valid = get(ContextKind::ValidValue);
    if !valid.is_empty() {
        msg.push_str(&format!("。可用的值：{valid}"));
    }
    let suggested: Vec<String> = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .map(get)
    .filter(|s| !s.is_empty())
    .collect();
    if !suggested.is_empty() {
        msg.push_str(&format!("。是否应为“{}”？", suggested.join("”或“")));
    }
    let usage = get(ContextKind::Usage);
    let usage = usage.trim_start_matches("Usage:").trim();
    let mut out = format!("错误：{msg}\n");
    if !usage.is_empty() {
        out.push_str(&format!("\n用法：{usage}\n"));
    }
    out.push_str("\n查看全部命令和选项：nianbao --help\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes_with_units() {
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("2MiB"), Ok(2 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }
}
