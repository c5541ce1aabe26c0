//! Property tests: random and mutated reports through decoding, loading, validation and
//! every renderer. Nothing panics, every finding names its file (and a line where it has
//! one), and any report that validates compiles.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;

use nianbao::compile::context;
use nianbao::compile::template::Templates;
use nianbao::diag::Severity;
use nianbao::plan::{Plan, load_plan};
use nianbao::report::load_report;
use nianbao::source::SourceFile;

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let (src, _) = SourceFile::read(Path::new("plan/meili-ningxia.toml")).unwrap();
        load_plan(&src).0.unwrap()
    })
}

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| Templates::load(Path::new("/nonexistent-templates")).unwrap())
}

const SAMPLES: [&str; 4] = ["shuili", "yinchuan", "ningdong", "shangwu"];

fn sample(i: usize) -> Vec<u8> {
    std::fs::read(format!("reports/2026/{}.yaml", SAMPLES[i % SAMPLES.len()])).unwrap()
}

/// Runs bytes through the whole pipeline and checks the properties.
fn pipeline(bytes: &[u8]) {
    let path = Path::new("reports/2026/mutant.yaml");
    let (src, _note) = match SourceFile::from_bytes(path, bytes) {
        Ok(read) => read,
        Err(d) => {
            assert_eq!(d.file.as_deref(), Some("reports/2026/mutant.yaml"));
            return;
        }
    };
    let (report, diags) = load_report(&src, plan());
    for d in &diags {
        assert!(d.file.is_some(), "finding without a file: {d:?}");
        assert!(!d.message.is_empty());
        if let Some(line) = d.line {
            assert!(
                line >= 1 && line <= src.text.lines().count().max(1) + 1,
                "{d:?}"
            );
        }
    }
    let valid = !diags.iter().any(|d| d.severity == Severity::Error);
    if let (Some(report), true) = (report, valid) {
        let ctx = context::build(
            plan(),
            report.year,
            std::slice::from_ref(&report),
            Default::default(),
        );
        let doc = templates()
            .document("report.md", &Templates::value(&ctx))
            .expect("a valid report reads into the document model");
        let mut outputs = Vec::new();
        for name in ["md", "html", "docx"] {
            let mut out = Vec::new();
            let w = nianbao::writer::find(name).unwrap();
            (w.write)(&doc, &Default::default(), &mut out)
                .unwrap_or_else(|e| panic!("a valid report compiles to {name}: {e:#}"));
            outputs.push(out);
        }
        let md = String::from_utf8_lossy(&outputs[0]);
        let html = String::from_utf8_lossy(&outputs[1]);
        assert!(md.contains("\n# 三、重点任务推进情况\n") && html.contains("</html>"));
        assert!(outputs[2].starts_with(b"PK"), "a zip file");
        serde_json::to_string(&ctx).expect("the context serialises");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(usize, u8),
    Truncate(usize),
    Insert(usize, String),
    RenameKey(usize, String),
    SwapType(usize),
    Nest(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), ".{0,12}").prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), "[a-z_\\p{Han}]{1,8}").prop_map(|(i, s)| Mutation::RenameKey(i, s)),
        any::<usize>().prop_map(Mutation::SwapType),
        (any::<usize>(), 1usize..300).prop_map(|(i, d)| Mutation::Nest(i, d)),
    ]
}

const KEYS: [&str; 9] = [
    "unit",
    "year",
    "submitted",
    "summary",
    "tasks",
    "task",
    "status",
    "progress",
    "contact",
];
const SWAPS: [(&str, &str); 5] = [
    ("tasks:\n", "tasks: 5\nx:\n"),
    ("progress: |-\n", "progress: [1, {a: b}]\nz: |-\n"),
    ("year: 2026", "year: [2026]"),
    ("status: 按计划推进", "status: {a: 1}"),
    ("contact:\n", "contact: 张三\nc:\n"),
];

fn at_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    match m {
        Mutation::FlipByte(i, b) => {
            if !bytes.is_empty() {
                let n = bytes.len();
                bytes[i % n] = *b;
            }
            bytes
        }
        Mutation::Truncate(i) => {
            bytes.truncate(i % (bytes.len() + 1));
            bytes
        }
        Mutation::Insert(i, s) => {
            let text = String::from_utf8(bytes).unwrap();
            let at = at_char_boundary(&text, *i);
            format!("{}{s}{}", &text[..at], &text[at..]).into_bytes()
        }
        Mutation::RenameKey(i, s) => {
            let text = String::from_utf8(bytes).unwrap();
            let key = KEYS[i % KEYS.len()];
            text.replacen(&format!("{key}:"), &format!("{s}:"), 1)
                .into_bytes()
        }
        Mutation::SwapType(i) => {
            let text = String::from_utf8(bytes).unwrap();
            let (from, to) = SWAPS[i % SWAPS.len()];
            text.replacen(from, to, 1).into_bytes()
        }
        Mutation::Nest(i, depth) => {
            let text = String::from_utf8(bytes).unwrap();
            let at = at_char_boundary(&text, *i);
            let nested = format!("{}{}", "[".repeat(*depth), "]".repeat(*depth));
            format!("{}{nested}{}", &text[..at], &text[at..]).into_bytes()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_reports_never_panic_and_valid_ones_compile(
        which in 0usize..4,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = sample(which);
        for m in &mutations {
            // Text mutations need text; a byte flip may have broken it, so stop there.
            if std::str::from_utf8(&bytes).is_err() && !matches!(m, Mutation::FlipByte(..) | Mutation::Truncate(..)) {
                break;
            }
            bytes = apply(bytes, m);
        }
        pipeline(&bytes);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        pipeline(&bytes);
    }

    /// Random bytes mostly stop at decoding; YAML-ish fragments spliced into a real report
    /// reach the parser and the field readers, which is where hand-typed slips land.
    #[test]
    fn fragments_spliced_into_a_report_reach_the_parser_and_never_panic(
        which in 0usize..4,
        at in any::<usize>(),
        fragment in "[ -~\\p{Han}：“”‘’、，。\\n\\t\\r]{0,48}",
    ) {
        let text = String::from_utf8(sample(which)).unwrap();
        let at = at_char_boundary(&text, at);
        let spliced = format!("{}{fragment}{}", &text[..at], &text[at..]);
        pipeline(spliced.as_bytes());
    }

    #[test]
    fn random_unicode_in_every_text_field_survives_and_compiles(text in "\\PC{0,40}") {
        // Any Unicode (CJK, combining marks, RTL, symbols) as summary and progress text:
        // nothing panics, and if the report validates it compiles to both formats.
        let escaped = serde_json::to_string(&text).unwrap();
        let yaml = format!(
            "unit: 水利厅\nyear: 2026\nsubmitted: 2026-12-01\ncontact: {{name: 张三, phone: \"1\"}}\nsummary: {escaped}\ntasks:\n  - task: 7\n    status: 按计划推进\n    progress: {escaped}\n"
        );
        pipeline(yaml.as_bytes());
    }
}
