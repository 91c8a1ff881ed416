//! `mintlify-agent completions SHELL`: a completion script for the shell, from the clap
//! definition itself, so it never drifts from the commands.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;
use crate::outcome::Failure;
use crate::output::sink::out;

/// Prints the completion script for `shell`.
pub fn print(shell: Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mintlify-agent", &mut script);
    Ok(out(&String::from_utf8_lossy(&script))?)
}
