//! Compiling the consolidated report: the template context, the template engine, Chinese
//! numerals and dates, and safe output.

pub mod context;
pub mod numerals;
pub mod output;
pub mod template;
pub mod yearly;
