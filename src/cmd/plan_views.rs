//! `nianbao tasks` and `nianbao units`: the plan's assignments and registry.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::Outcome;
use crate::cli::{Global, ListFormat, TasksArgs, UnitsArgs};
use crate::cmd::table;
use crate::plan::{Plan, Role};
use crate::year::load_plan;

fn load(global: &Global) -> Result<Plan> {
    Ok(load_plan(global)?.0)
}

/// Prints rows as pretty JSON.
fn print_json(rows: &impl Serialize) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, rows)?;
    writeln!(out)?;
    Ok(Outcome::Clean)
}

#[derive(Serialize)]
struct TaskRow<'a> {
    number: u32,
    section: u32,
    title: &'a str,
    lead: &'a str,
    participants: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
}

fn short<'a>(plan: &'a Plan, id: &str) -> &'a str {
    plan.unit(id).map(|u| u.short.as_str()).unwrap_or("")
}

/// Runs `tasks`.
pub fn tasks(global: &Global, args: &TasksArgs) -> Result<Outcome> {
    let plan = load(global)?;
    let unit = args
        .unit
        .as_deref()
        .map(|u| plan.find_unit(u))
        .transpose()?;
    let rows: Vec<TaskRow> = plan
        .tasks
        .iter()
        .filter_map(|t| {
            let role = match unit {
                Some(u) => Some(plan.role(u, t)?.label()),
                None => None,
            };
            Some(TaskRow {
                number: t.number,
                section: t.section,
                title: &t.title,
                lead: short(&plan, &t.lead),
                participants: t.participants.iter().map(|p| short(&plan, p)).collect(),
                role,
            })
        })
        .collect();
    if args.format == ListFormat::Json {
        return print_json(&rows);
    }
    let mut out = std::io::stdout().lock();
    let mut t = match unit {
        Some(_) => table(&["编号", "任务", "本单位", "牵头单位"]),
        None => table(&["编号", "任务", "牵头单位", "参与单位"]),
    };
    for r in &rows {
        match r.role {
            Some(role) => t.add_row(vec![
                r.number.to_string(),
                r.title.into(),
                role.into(),
                r.lead.into(),
            ]),
            None => t.add_row(vec![
                r.number.to_string(),
                r.title.into(),
                r.lead.into(),
                r.participants.join("、"),
            ]),
        };
    }
    writeln!(out, "{t}")?;
    match unit {
        Some(u) => {
            let led = rows
                .iter()
                .filter(|r| r.role == Some(Role::Lead.label()))
                .count();
            writeln!(
                out,
                "{}：共 {} 项任务，其中牵头 {} 项",
                u.short,
                rows.len(),
                led
            )?
        }
        None => writeln!(out, "共 {} 项任务", rows.len())?,
    }
    Ok(Outcome::Clean)
}

#[derive(Serialize)]
struct UnitRow<'a> {
    id: &'a str,
    name: &'a str,
    short: &'a str,
    kind: &'a str,
    leads: usize,
    joins: usize,
    assigned: usize,
}

/// Runs `units`.
pub fn units(global: &Global, args: &UnitsArgs) -> Result<Outcome> {
    let plan = load(global)?;
    let rows: Vec<UnitRow> = plan
        .units
        .iter()
        .map(|u| {
            let roles: Vec<Role> = plan.assignments(u).map(|(_, r)| r).collect();
            UnitRow {
                id: &u.id,
                name: &u.name,
                short: &u.short,
                kind: plan.kinds.of(u.kind),
                leads: roles.iter().filter(|r| **r == Role::Lead).count(),
                joins: roles.iter().filter(|r| **r != Role::Lead).count(),
                assigned: roles.len(),
            }
        })
        .collect();
    if args.format == ListFormat::Json {
        return print_json(&rows);
    }
    let mut out = std::io::stdout().lock();
    let mut t = table(&["标识", "全称", "简称", "类别", "牵头", "参与"]);
    for r in &rows {
        t.add_row(vec![
            r.id.to_string(),
            r.name.into(),
            r.short.into(),
            r.kind.into(),
            r.leads.to_string(),
            r.joins.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(out, "共 {} 个单位", rows.len())?;
    Ok(Outcome::Clean)
}
