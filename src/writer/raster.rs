//! Charts as PNG for Word, drawn by resvg from the same SVG the print page shows.
//!
//! Chinese labels need a font with Chinese glyphs on the machine. The system fonts are
//! looked through once; without one, a chart would come out as boxes, so callers print the
//! chart's table instead ([`cjk_font`] returns none).

use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use resvg::usvg::{self, fontdb};

use crate::writer::chart::FONT_FAMILIES;

/// The fonts found on the machine and the family of one that has Chinese glyphs.
pub struct Fonts {
    db: Arc<fontdb::Database>,
    /// The family charts are drawn in.
    pub family: String,
}

/// Families tried first, in order (common on Linux, Windows and macOS); any other font
/// with Chinese glyphs will do when none of these is installed.
const PREFERRED: [&str; 7] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "SimSun",
    "PingFang SC",
];

/// The machine's fonts, if one of them can set Chinese; looked up once per run.
pub fn cjk_font() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let covers = |id| {
                db.with_face_data(id, |data, index| {
                    ttf_parser::Face::parse(data, index)
                        .ok()
                        .is_some_and(|f| "中国年度报告".chars().all(|c| f.glyph_index(c).is_some()))
                })
                .unwrap_or(false)
            };
            let faces: Vec<(String, fontdb::ID)> = db
                .faces()
                .flat_map(|f| f.families.iter().map(move |(name, _)| (name.clone(), f.id)))
                .collect();
            let family = PREFERRED
                .iter()
                .find_map(|p| {
                    faces
                        .iter()
                        .find(|(name, id)| name == p && covers(*id))
                        .map(|(name, _)| name.clone())
                })
                .or_else(|| {
                    faces
                        .iter()
                        .find(|(_, id)| covers(*id))
                        .map(|(name, _)| name.clone())
                })?;
            Some(Fonts {
                db: Arc::new(db),
                family,
            })
        })
        .as_ref()
}

/// Draws an SVG chart as a PNG at `scale` times its size, in the given fonts.
pub fn png(svg: &str, fonts: &Fonts, scale: f32) -> Result<Vec<u8>> {
    let escaped = FONT_FAMILIES.replace('\'', "&#39;");
    let svg = svg
        .replace(FONT_FAMILIES, &format!("'{}'", fonts.family))
        .replace(&escaped, &format!("'{}'", fonts.family));
    let options = usvg::Options {
        fontdb: fonts.db.clone(),
        font_family: fonts.family.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| anyhow!("图表无法绘制：{e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| anyhow!("图表尺寸无效"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| anyhow!("图表尺寸无效"))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| anyhow!("图表无法保存为图片：{e}"))
}
