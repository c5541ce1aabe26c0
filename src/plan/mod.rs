//! The plan: its model and how it is read from a TOML file.

mod indicator;
mod load;
mod model;
mod scheme;

pub use indicator::{Attainment, Certainty, Direction, Indicator, Sourced, Target, fmt_num};
pub use load::{is_valid_id, load_plan};
pub use model::{
    KindLabels, Phase, Plan, ReportSpec, Reporting, Role, Section, Task, Unit, UnitKind,
};
pub use scheme::{Area, Grade, Measure, Scheme};
