//! Guards the algorithmic shape of check and compile without timing anything: four times
//! the reports must be about four times the allocations. A quadratic lookup or a per-pair copy slipped
//! into validation, coverage, the context or a template shows up here as a ratio well above 4.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use crate::generator;

/// Counts allocations made on threads that switched counting on; passes everything to System.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made by check + context + both renders over a generated corpus of `units`.
fn allocations_for(pool: &rayon::ThreadPool, units: usize) -> u64 {
    use nianbao::compile::context;
    use nianbao::compile::template::Templates;
    use nianbao::plan::load_plan;
    use nianbao::source::SourceFile;
    use nianbao::validate::{Scope, check_reports};

    let dir = std::env::temp_dir().join(format!("nianbao-scale-{units}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let spec = generator::Spec {
        units,
        missing: 0.05,
        gaps: 0.05,
        seed: 7,
    };
    generator::generate(&dir, &spec);
    let templates = Templates::load(Path::new("/nonexistent")).unwrap();
    let count = pool.install(|| {
        let (src, _) = SourceFile::read(&dir.join("plan/plan.toml")).unwrap();
        let plan = load_plan(&src).0.unwrap();
        let files = nianbao::workspace::report_files(&dir.join("reports"), 2026).unwrap();
        ALLOCATIONS.with(|n| n.set(0));
        COUNTING.with(|c| c.set(true));
        let checked = check_reports(&plan, &files, Scope::WholeYear(2026));
        let ctx = context::build(&plan, 2026, &checked.reports, Default::default());
        let value = Templates::value(&ctx);
        let doc = templates.document("report.md", &value).unwrap();
        for name in ["md", "html", "docx"] {
            let w = nianbao::writer::find(name).unwrap();
            (w.write)(&doc, &Default::default(), &mut std::io::sink()).unwrap();
        }
        COUNTING.with(|c| c.set(false));
        ALLOCATIONS.with(Cell::get)
    });
    let _ = std::fs::remove_dir_all(&dir);
    count
}

#[test]
fn four_times_the_reports_is_about_four_times_the_work() {
    // One pool thread that is this thread, so every allocation of the work is counted here.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .unwrap();
    let small = allocations_for(&pool, 150);
    let large = allocations_for(&pool, 600);
    let ratio = large as f64 / small as f64;
    eprintln!("allocations: 150 units {small}, 600 units {large}, ratio {ratio:.2}");
    assert!(small > 10_000, "the counter saw the work ({small})");
    // Linear work gives about 4; one per-unit pass over all units already gives 4.5.
    assert!(
        ratio < 4.3,
        "check + compile grew {ratio:.2}x for 4x the reports"
    );
}
