//! The plan: its model and how it is read from a TOML file.

mod load;
mod model;

pub use load::{is_valid_id, load_plan};
pub use model::{
    KindLabels, Phase, Plan, ReportSpec, Reporting, Role, Section, Task, Unit, UnitKind,
};
