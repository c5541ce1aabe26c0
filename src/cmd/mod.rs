//! One module per subcommand; each owns its `execute`.

pub mod check;
pub mod compile;
pub mod templates;
