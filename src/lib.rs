//! nianbao (年报): collects, checks and compiles units' yearly reports on a plan.
//!
//! The pipeline reads as the modules do: [`source`] reads files, [`node`] parses them into
//! located trees, [`extract`] reads typed fields, [`plan`] and [`report`] hold the models,
//! [`validate`] and [`coverage`] check reports against the plan, [`diag`] says what was found,
//! and [`cmd`] holds one module per subcommand.

/// Prints a line to stdout; a closed pipe (`nianbao … | head`) ends output quietly
/// instead of panicking as `println!` would.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod account;
pub mod assess;
pub mod calendar;
pub mod cli;
pub mod cmd;
pub mod compile;
pub mod coverage;
pub mod diag;
pub mod document;
pub mod extract;
pub mod filing;
pub mod history;
pub mod indicators;
pub mod interrupt;
pub mod node;
pub mod notice;
pub mod plan;
pub mod progress;
pub mod register;
pub mod report;
pub mod source;
pub mod suggest;
pub mod validate;
pub mod workbook;
pub mod workspace;
pub mod writer;
pub mod year;

use std::process::ExitCode;

/// How a command ended, before it becomes an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report (exit 0).
    Clean,
    /// Findings or outstanding items (exit 1).
    Findings,
    /// An input could not be read (exit 2).
    InputError,
}

impl Outcome {
    /// The process exit code: 0 clean, 1 findings, 2 unreadable input.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::InputError => ExitCode::from(2),
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Outcome> {
    source::set_max_file_size(cli.global.max_file_size);
    match &cli.command {
        cli::Command::Check(args) => cmd::check::execute(&cli.global, args),
        cli::Command::Compile(args) => cmd::compile::execute(&cli.global, args),
        cli::Command::Templates(args) => cmd::templates::execute(&cli.global, args),
        cli::Command::Status(args) => cmd::status::execute(&cli.global, args),
        cli::Command::Missing(args) => cmd::missing::execute(&cli.global, args),
        cli::Command::Init(args) => cmd::init::execute(&cli.global, args),
        cli::Command::Intake(args) => cmd::intake::execute(&cli.global, args),
        cli::Command::Remind(args) => cmd::remind::execute(&cli.global, args),
        cli::Command::Ledger(args) => cmd::ledger::execute(&cli.global, args),
        cli::Command::Assess(args) => cmd::assess::execute(&cli.global, args),
        cli::Command::Tasks(args) => cmd::plan_views::tasks(&cli.global, args),
        cli::Command::Units(args) => cmd::plan_views::units(&cli.global, args),
        cli::Command::Completions(args) => cmd::completions::completions(args),
        cli::Command::Man => cmd::completions::man(),
        cli::Command::Helper(args) => {
            say!(
                "{}",
                match args.say {
                    cli::HelperText::DropAFile =>
                        "请把要检查的报告文件（.yaml）拖到“自查”图标上松开，程序会检查这份报告并显示结果。",
                    cli::HelperText::PressAKey => "按任意键关闭此窗口……",
                }
            );
            Ok(Outcome::Clean)
        }
    }
}
