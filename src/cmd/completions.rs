//! `nianbao completions` and `nianbao man`: shell completion scripts and the man page.

use std::io::Write;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{CompletionsArgs, command};

/// Writes the completion script for a shell to stdout.
pub fn completions(args: &CompletionsArgs) -> Result<Outcome> {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "nianbao", &mut script);
    std::io::stdout().lock().write_all(&script)?;
    Ok(Outcome::Clean)
}

/// Writes the man page (roff) to stdout: one page, whose 命令 section lists every
/// subcommand with what it does and points to its `--help`, so it refers to no page that
/// does not exist.
pub fn man() -> Result<Outcome> {
    let cmd = command();
    let page = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    writeln!(out, ".SH 命令")?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            ".TP\n\\fBnianbao {}\\fR\n{}",
            sub.get_name(),
            roff(&about)
        )?;
    }
    writeln!(
        out,
        ".PP\n各命令的参数和示例见 \\fBnianbao\\fR \\fI命令\\fR \\fB--help\\fR。"
    )?;
    page.render_extra_section(&mut out)?;
    page.render_version_section(&mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(Outcome::Clean)
}

/// Text safe in a roff line: no leading control character, backslashes doubled.
fn roff(text: &str) -> String {
    let t = text.replace('\\', "\\\\");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}
