//! `nianbao completions` and `nianbao man`: shell completion scripts and the man page.

use anyhow::Result;
use clap::CommandFactory;

use crate::Outcome;
use crate::cli::{Cli, CompletionsArgs};

/// Writes the completion script for a shell to stdout.
pub fn completions(args: &CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "nianbao", &mut std::io::stdout());
    Ok(Outcome::Clean)
}

/// Writes the man page (roff) to stdout.
pub fn man() -> Result<Outcome> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(Outcome::Clean)
}
