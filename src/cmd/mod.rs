//! One module per subcommand; each owns its `execute`.

pub mod check;
