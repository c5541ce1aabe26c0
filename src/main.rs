//! The `nianbao` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

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
    let cli = nianbao::cli::Cli::parse();
    let result = std::panic::catch_unwind(|| nianbao::run(cli));
    match result {
        Err(_) => ExitCode::from(2),
        Ok(Ok(outcome)) => outcome.exit_code(),
        // A closed pipe (`nianbao check | head`) is the reader's choice, not an error.
        Ok(Err(e))
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
