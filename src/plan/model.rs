//! The checked plan: units, sections, tasks, phases and the reporting rule.
//!
//! Nothing here is specific to Ningxia; everything comes from the plan file.

use std::collections::HashMap;

use serde::Serialize;

/// What kind of body a unit is; decides its assignments and its group in tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// A department of the provincial government (自治区部门).
    Department,
    /// A central body based in the province (中央驻宁单位).
    Central,
    /// A city or other region (地区); involved in every task when the plan says so.
    Region,
}

impl UnitKind {
    /// The spelling used in plan files.
    pub const NAMES: [&'static str; 3] = ["department", "central", "region"];

    /// Parses the plan-file spelling.
    pub fn parse(s: &str) -> Option<UnitKind> {
        match s {
            "department" => Some(UnitKind::Department),
            "central" => Some(UnitKind::Central),
            "region" => Some(UnitKind::Region),
            _ => None,
        }
    }
}

/// One body in the registry.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    /// Stable ASCII id; names the report file.
    pub id: String,
    /// Full official name.
    pub name: String,
    /// Short name as the plan text writes it.
    pub short: String,
    /// Department, central body or region.
    pub kind: UnitKind,
    /// County-level divisions of a region, if listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counties: Vec<String>,
    /// Other names staff use for the unit, such as 人社厅 for 人力资源和社会保障厅.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A stage of the plan with its years and goal.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Name such as 十五五.
    pub name: String,
    /// First year.
    pub start: i32,
    /// Last year.
    pub end: i32,
    /// The goal for the stage.
    pub goal: String,
}

/// A numbered section (一 … 七) grouping tasks.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// 1-based number.
    pub number: u32,
    /// Title.
    pub title: String,
}

/// One numbered task with its responsible units.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// The task's number in the plan.
    pub number: u32,
    /// Number of the section it belongs to.
    pub section: u32,
    /// Short title.
    pub title: String,
    /// Full text.
    pub text: String,
    /// Lead unit id (the first named).
    pub lead: String,
    /// Participating unit ids in the plan's order.
    pub participants: Vec<String>,
    /// Whether the list ends in 等 (others may take part).
    pub open_ended: bool,
}

/// How a unit is involved in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Named first: leads the task (牵头).
    Lead,
    /// Named after the lead (参与).
    Participant,
    /// A region, involved in every task by the plan's general rule.
    Region,
}

impl Role {
    /// The Chinese word for the role.
    pub fn label(self) -> &'static str {
        match self {
            Role::Lead => "牵头",
            Role::Participant => "参与",
            Role::Region => "属地落实",
        }
    }
}

/// The reporting rule: to whom, copied to whom, and by when.
#[derive(Debug, Clone, Serialize)]
pub struct Reporting {
    /// The body reports are addressed to (主送).
    pub to: String,
    /// The body reports are copied to (抄送).
    pub cc: String,
    /// Deadline month within the report's year.
    pub deadline_month: u32,
    /// Deadline day.
    pub deadline_day: u32,
    /// Whether every region takes part in every task.
    pub regions_in_all_tasks: bool,
    /// The rule in the plan's own words, for quoting; empty when the plan file omits it.
    pub rule: String,
    /// How alike (0–1) a progress text may be to the unit's entry for the same task the year
    /// before until `check` warns that it looks copied.
    pub copy_similarity: f64,
}

/// The consolidated report's own heading and 版记: who it goes to, who signs it, whom it is
/// copied to and who prints it. Not the units' reporting rule ([`Reporting`]).
#[derive(Debug, Clone, Serialize)]
pub struct ReportSpec {
    /// 主送: the body the consolidated report is addressed to.
    pub to: String,
    /// 署名: who writes and signs it.
    pub signer: String,
    /// 抄送: the report's own copy list; empty unless the office sets it.
    pub cc: Vec<String>,
    /// 印发机关 in the 版记.
    pub printed_by: String,
    /// 发文机关标志 (masthead), e.g. 自治区生态环境保护领导小组办公室; empty: none.
    pub mark: String,
    /// 发文字号, e.g. 宁美建办〔2026〕1号; empty: none.
    pub number: String,
    /// 签发人 (required by GB/T 9704 on a 上行文 with a masthead); empty: none.
    pub sign_off: String,
    /// 附注: the contact person; empty: no 附注.
    pub contact: String,
    /// 附注: the contact's telephone.
    pub phone: String,
}

/// Group names for unit kinds, as the plan's readers expect them.
#[derive(Debug, Clone, Serialize)]
pub struct KindLabels {
    /// Label for departments.
    pub department: String,
    /// Label for central bodies.
    pub central: String,
    /// Label for regions.
    pub region: String,
}

impl KindLabels {
    /// The label of a kind.
    pub fn of(&self, kind: UnitKind) -> &str {
        match kind {
            UnitKind::Department => &self.department,
            UnitKind::Central => &self.central,
            UnitKind::Region => &self.region,
        }
    }
}

/// A loaded plan, with indexes for name look-ups.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Short ASCII id of the plan.
    pub id: String,
    /// Full title.
    pub title: String,
    /// What the yearly reports are about, e.g. 全面推进美丽宁夏建设.
    pub subject: String,
    /// Issuing authority.
    pub issuer: String,
    /// Prefixes of official names that may be left off or added, such as 自治区.
    pub name_prefixes: Vec<String>,
    /// Reporting rule.
    pub reporting: Reporting,
    /// The consolidated report's addressee, signer, copy list and printer.
    pub report: ReportSpec,
    /// Labels for unit kinds.
    pub kinds: KindLabels,
    /// Stages in order.
    pub phases: Vec<Phase>,
    /// Registry of units.
    pub units: Vec<Unit>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Tasks in order.
    pub tasks: Vec<Task>,
    /// Main indicators with their targets.
    pub indicators: Vec<super::Indicator>,
    /// The office's assessment scheme, if it has set one.
    pub assessment: Option<super::Scheme>,
    #[serde(skip)]
    pub(super) unit_names: HashMap<String, usize>,
    #[serde(skip)]
    pub(super) task_numbers: HashMap<u32, usize>,
}

impl Plan {
    /// Builds the name and number indexes. Later entries never shadow earlier ones.
    pub(super) fn reindex(&mut self) {
        self.unit_names.clear();
        for (i, u) in self.units.iter().enumerate() {
            for name in [&u.id, &u.name, &u.short].into_iter().chain(&u.aliases) {
                let key: String = name.chars().filter(|c| !c.is_whitespace()).collect();
                self.unit_names.entry(key).or_insert(i);
            }
        }
        self.task_numbers.clear();
        for (i, t) in self.tasks.iter().enumerate() {
            self.task_numbers.entry(t.number).or_insert(i);
        }
    }

    /// Finds a unit by id, full name, short name or alias, with or without one of the
    /// plan's name prefixes (自治区水利厅 for 水利厅) and with spaces ignored.
    pub fn unit(&self, name: &str) -> Option<&Unit> {
        let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        let found = |n: &str| self.unit_names.get(n).map(|&i| &self.units[i]);
        found(&name).or_else(|| {
            self.name_prefixes
                .iter()
                .filter_map(|p| name.strip_prefix(p.as_str()))
                .find_map(found)
        })
    }

    /// Finds a unit as a user names it on the command line; an unknown name is a usage
    /// error with the closest names as suggestions.
    pub fn find_unit(&self, name: &str) -> anyhow::Result<&Unit> {
        self.unit(name).ok_or_else(|| {
            let guesses = crate::suggest::closest(name, self.unit_names(), 3);
            let hint = if guesses.is_empty() {
                "可用 `nianbao units` 查看单位名单".to_string()
            } else {
                format!(
                    "是否应为“{}”？可用 `nianbao units` 查看单位名单",
                    guesses.join("”或“")
                )
            };
            crate::workspace::UsageError(format!("方案中没有单位“{name}”。{hint}")).into()
        })
    }

    /// Finds a task by number.
    pub fn task(&self, number: u32) -> Option<&Task> {
        self.task_numbers.get(&number).map(|&i| &self.tasks[i])
    }

    /// All the names a unit can be given by, for suggestions.
    pub fn unit_names(&self) -> impl Iterator<Item = &str> {
        self.units.iter().flat_map(|u| {
            [u.id.as_str(), u.name.as_str(), u.short.as_str()]
                .into_iter()
                .chain(u.aliases.iter().map(String::as_str))
        })
    }

    /// How `unit` is involved in `task`, if at all.
    pub fn role(&self, unit: &Unit, task: &Task) -> Option<Role> {
        if task.lead == unit.id {
            Some(Role::Lead)
        } else if task.participants.contains(&unit.id) {
            Some(Role::Participant)
        } else if unit.kind == UnitKind::Region && self.reporting.regions_in_all_tasks {
            Some(Role::Region)
        } else {
            None
        }
    }

    /// The tasks assigned to a unit, in plan order, with its role in each.
    pub fn assignments<'a>(
        &'a self,
        unit: &'a Unit,
    ) -> impl Iterator<Item = (&'a Task, Role)> + 'a {
        self.tasks
            .iter()
            .filter_map(move |t| self.role(unit, t).map(|r| (t, r)))
    }

    /// Units expected to report: every unit with at least one assigned task.
    pub fn reporting_units(&self) -> impl Iterator<Item = &Unit> {
        self.units
            .iter()
            .filter(|u| self.assignments(u).next().is_some())
    }

    /// The phase a year falls in.
    pub fn phase_of(&self, year: i32) -> Option<&Phase> {
        self.phases
            .iter()
            .find(|p| p.start <= year && year <= p.end)
    }

    /// The reporting deadline for a year, if it is a real date.
    pub fn deadline(&self, year: i32) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(
            year,
            self.reporting.deadline_month,
            self.reporting.deadline_day,
        )
    }

    /// Finds an indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&super::Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The indicators a unit reports: those it owns (the province-wide value) and, for a
    /// region, those every region reports for its own area.
    pub fn indicators_of<'a>(
        &'a self,
        unit: &'a Unit,
    ) -> impl Iterator<Item = &'a super::Indicator> + 'a {
        self.indicators
            .iter()
            .filter(move |i| i.owner == unit.id || (i.by_region && unit.kind == UnitKind::Region))
    }

    /// Tasks of a section, in plan order.
    pub fn section_tasks(&self, section: u32) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(move |t| t.section == section)
    }
}
