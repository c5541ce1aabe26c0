//! Unit reports: their model and how one file is read and checked.

mod load;
mod model;

pub use load::{load_report, parse_date};
pub use model::{
    Contact, Entry, Figure, FigureValue, PLACEHOLDER_MARK, Project, ProjectState, Report, Status,
    is_real_text, real_items,
};
