//! A deterministic synthetic corpus: a plan with N units and a report per unit, of
//! realistic size and shape, for the benchmark and the scaling tests. Not part of the CLI.

use std::fmt::Write as _;
use std::path::Path;

use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

/// What to generate.
pub struct Spec {
    /// Number of reporting units.
    pub units: usize,
    /// Share of units with no report.
    pub missing: f64,
    /// Share of assigned tasks left out of a report.
    pub gaps: f64,
    /// Random seed; the same seed gives byte-identical files.
    pub seed: u64,
}

const SYLLABLES: &str = "推进生态环境保护治理修复监测完成建设改造整治排放污染水质空气土壤森林草原湿地河湖黄河流域城市乡村园区企业项目工程资金政策制度考核评估排查执法监管能力体系机制示范绿色低碳节能降碳新能源清洁取暖固废危废垃圾分类污水管网黑臭水体排污口扬尘臭氧颗粒物";

fn text(rng: &mut Xoshiro256PlusPlus, chars: usize) -> String {
    let pool: Vec<char> = SYLLABLES.chars().collect();
    let mut s = String::with_capacity(chars * 3 + 16);
    for i in 0..chars {
        s.push(pool[rng.random_range(0..pool.len())]);
        if i % 17 == 16 {
            s.push('，');
        }
        if i % 41 == 40 {
            let _ = write!(s, "{}个", rng.random_range(1..5000));
        }
    }
    s.push('。');
    s
}

fn q(s: &str) -> String {
    // JSON string escaping is valid for TOML basic strings and YAML double-quoted scalars.
    serde_json::to_string(s).unwrap()
}

struct UnitDef {
    id: String,
    kind: &'static str,
}

/// Writes `plan/plan.toml` and `reports/2026/*.yaml` under `dir`; returns the input bytes.
pub fn generate(dir: &Path, spec: &Spec) -> u64 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(spec.seed);
    let n = spec.units.max(3);
    // A realistic mix at every size: a few dozen departments and central bodies, the
    // rest regions (a national roll-up is mostly county-level units).
    let departments = (n * 18 / 100).clamp(2, 60);
    let central = (n * 2 / 100).clamp(1, 8);
    let units: Vec<UnitDef> = (0..n)
        .map(|i| UnitDef {
            id: format!("u{i:05}"),
            kind: if i < departments {
                "department"
            } else if i < departments + central {
                "central"
            } else {
                "region"
            },
        })
        .collect();

    let mut plan = String::new();
    plan.push_str("[plan]\nid = \"synthetic\"\ntitle = \"合成测试方案\"\nsubject = \"推进合成测试\"\nissuer = \"测试\"\n\n");
    plan.push_str("[reporting]\nto = \"领导小组\"\ncc = \"领导小组办公室\"\ndeadline = \"12-31\"\nregions_in_all_tasks = true\n\n");
    plan.push_str(
        "[[phases]]\nname = \"十五五\"\nstart = 2026\nend = 2030\ngoal = \"全面改善\"\n\n",
    );
    for (i, u) in units.iter().enumerate() {
        let _ = writeln!(
            plan,
            "[[units]]\nid = \"{}\"\nname = \"合成单位{i}全称\"\nshort = \"合成单位{i}\"\nkind = \"{}\"\n",
            u.id, u.kind
        );
    }
    for s in 1..=7 {
        let _ = writeln!(
            plan,
            "[[sections]]\nnumber = {s}\ntitle = {}\n",
            q(&text(&mut rng, 8))
        );
    }
    let non_regions = departments + central;
    // Leads and participants first, so that every department and central body can be
    // given at least one task before the plan is written.
    let mut roles: Vec<(usize, Vec<usize>)> = (0..28)
        .map(|_| {
            let lead = rng.random_range(0..departments);
            let mut parts: Vec<usize> = (0..rng.random_range(2..10usize))
                .map(|_| rng.random_range(0..non_regions))
                .filter(|p| *p != lead)
                .collect();
            parts.sort_unstable();
            parts.dedup();
            (lead, parts)
        })
        .collect();
    let mut assigned: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (t, (lead, parts)) in roles.iter().enumerate() {
        for u in std::iter::once(lead).chain(parts) {
            assigned[*u].push(t as u32 + 1);
        }
    }
    for (u, tasks) in assigned.iter_mut().enumerate().take(non_regions) {
        if tasks.is_empty() {
            let t = u % 28;
            roles[t].1.push(u);
            tasks.push(t as u32 + 1);
        }
    }
    for (t, (lead, parts)) in roles.iter().enumerate() {
        let t = t as u32 + 1;
        let list: Vec<String> = parts.iter().map(|p| q(&units[*p].id)).collect();
        let _ = writeln!(
            plan,
            "[[tasks]]\nnumber = {t}\nsection = {}\ntitle = {}\ntext = {}\nlead = \"{}\"\nparticipants = [{}]\nopen_ended = true\n",
            (t - 1) / 4 + 1,
            q(&text(&mut rng, 10)),
            q(&text(&mut rng, 200)),
            units[*lead].id,
            list.join(", ")
        );
    }
    std::fs::create_dir_all(dir.join("plan")).unwrap();
    std::fs::write(dir.join("plan/plan.toml"), &plan).unwrap();
    let mut bytes = plan.len() as u64;

    let year = dir.join("reports/2026");
    std::fs::create_dir_all(&year).unwrap();
    // Exactly the requested share of units is missing, chosen at random.
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let missing_count = (n as f64 * spec.missing).round() as usize;
    let mut missing = vec![false; n];
    for &u in &order[..missing_count.min(n)] {
        missing[u] = true;
    }
    for (i, u) in units.iter().enumerate() {
        if missing[i] {
            continue;
        }
        let tasks: Vec<u32> = if u.kind == "region" {
            (1..=28).collect()
        } else {
            assigned[i].clone()
        };
        if tasks.is_empty() {
            continue; // not a reporting unit: the plan assigns it nothing
        }
        let mut r = String::new();
        let _ = writeln!(
            r,
            "unit: {}\nyear: 2026\nsubmitted: 2026-12-{:02}\ncontact:\n  name: 测试员\n  phone: \"0951-0000000\"\nsummary: {}\ntasks:\n  - task: {}\n    status: 按计划推进\n    progress: {}",
            u.id,
            rng.random_range(1..=31),
            q(&text(&mut rng, 120)),
            tasks[0],
            q(&text(&mut rng, 60))
        );
        for &t in &tasks[1..] {
            if rng.random_bool(spec.gaps) {
                continue;
            }
            let status = [
                "已完成",
                "按计划推进",
                "按计划推进",
                "按计划推进",
                "滞后",
                "未启动",
            ][rng.random_range(0..6)];
            let progress_len = rng.random_range(20..240);
            let _ = writeln!(
                r,
                "  - task: {t}\n    status: {status}\n    progress: {}",
                q(&text(&mut rng, progress_len))
            );
            if rng.random_bool(0.3) {
                let _ = writeln!(
                    r,
                    "    measures:\n      - {}\n      - {}",
                    q(&text(&mut rng, 30)),
                    q(&text(&mut rng, 30))
                );
            }
            if rng.random_bool(0.3) {
                let _ = writeln!(
                    r,
                    "    figures:\n      - {{name: {}, value: {}, unit: \"%\"}}",
                    q(&text(&mut rng, 6)),
                    rng.random_range(0..1000) as f64 / 10.0
                );
            }
        }
        if rng.random_bool(0.3) {
            let _ = writeln!(
                r,
                "projects:\n  - {{name: {}, investment: {}, state: 在建}}",
                q(&text(&mut rng, 12)),
                rng.random_range(100..100000)
            );
        }
        let _ = writeln!(
            r,
            "problems:\n  - {}\nnext_year:\n  - {}",
            q(&text(&mut rng, 40)),
            q(&text(&mut rng, 40))
        );
        bytes += r.len() as u64;
        std::fs::write(year.join(format!("{}.yaml", u.id)), r).unwrap();
    }
    bytes
}
