//! Writes a synthetic corpus (plan + reports) for trying nianbao at scale.
//!
//! `cargo run --release --example corpus -- DIR [UNITS] [SEED]`, then
//! `nianbao --plan DIR/plan --reports DIR/reports compile`.

#[path = "corpus/gen.rs"]
mod generator;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "corpus".to_string());
    let units = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let spec = generator::Spec {
        units,
        missing: 0.05,
        gaps: 0.05,
        seed,
    };
    let bytes = generator::generate(std::path::Path::new(&dir), &spec);
    println!(
        "wrote {units} units ({:.1} MB of input) to {dir}",
        bytes as f64 / 1e6
    );
}
