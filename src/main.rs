//! The `nianbao` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    // The safety net: a panic is a bug in nianbao, never the user's fault. Say so plainly,
    // ask for the input, and exit 2 like any other failure to finish.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "错误：nianbao 内部出错（{place}），这是程序的缺陷，不是您的操作问题。\n\
             请把所用的命令和输入文件发给维护人员，以便修复。详情：{info}"
        );
    }));
    let cli = match nianbao::cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                _ => {
                    eprint!("{}", nianbao::cli::error_message(&e));
                    ExitCode::from(2)
                }
            };
        }
    };
    let result = std::panic::catch_unwind(|| nianbao::run(cli));
    match result {
        Err(_) => ExitCode::from(2),
        Ok(Ok(outcome)) => outcome.exit_code(),
        // A closed pipe (`nianbao check | head`) is the reader's choice, not an error.
        Ok(Err(e)) if closed_pipe(&e) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether an error is the reader closing the pipe, however it is wrapped (the JSON and
/// CSV writers wrap the I/O error in their own).
fn closed_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
            || cause.downcast_ref::<csv::Error>().is_some_and(
                |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}
