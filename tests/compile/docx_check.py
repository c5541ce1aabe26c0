"""Reads a .docx with python-docx, an independent reader, and prints what the tests check
as JSON: styles and their fonts, headings in order, page geometry of each section, footers
with PAGE fields, and the shape of each table."""

import json
import sys

import docx
from docx.oxml.ns import qn


def defaults(doc):
    """Run properties every style starts from (w:docDefaults)."""
    return doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))


def east_asia_font(style, doc):
    """The East-Asian font a style sets, following based-on styles to the defaults."""
    while style is not None:
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None:
            name = rpr.rFonts.get(qn("w:eastAsia"))
            if name:
                return name
        style = style.base_style
    return defaults(doc).find(qn("w:rFonts")).get(qn("w:eastAsia"))


def size_pt(style, doc):
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return int(defaults(doc).find(qn("w:sz")).get(qn("w:val"))) / 2


def footer_has_page_field(footer):
    return any(
        "PAGE" in (node.text or "")
        for node in footer._element.iter(qn("w:instrText"))
    )


doc = docx.Document(sys.argv[1])
styles = {}
for name in ["Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Lead In", "Annex Title", "footer"]:
    s = doc.styles[name]
    styles[name] = {
        "font": east_asia_font(s, doc),
        "size": size_pt(s, doc),
        "bold": bool(s.font.bold),
        "outline": (
            s.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val"))
            if s.element.pPr is not None and s.element.pPr.find(qn("w:outlineLvl")) is not None
            else None
        ),
    }
out = {
    "title": doc.core_properties.title,
    "styles": styles,
    "headings": [[p.style.name, p.text] for p in doc.paragraphs if p.style.name.startswith("Heading")],
    "first_paragraph_style": doc.paragraphs[0].style.name,
    "odd_and_even": doc.settings.odd_and_even_pages_header_footer,
    "sections": [
        {
            "landscape": s.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE,
            "width_mm": round(s.page_width.mm, 1),
            "height_mm": round(s.page_height.mm, 1),
            "top_mm": round(s.top_margin.mm, 1),
            "bottom_mm": round(s.bottom_margin.mm, 1),
            "left_mm": round(s.left_margin.mm, 1),
            "right_mm": round(s.right_margin.mm, 1),
            "odd_footer_page": footer_has_page_field(s.footer),
            "even_footer_page": footer_has_page_field(s.even_page_footer),
        }
        for s in doc.sections
    ],
    "pictures": len(doc.inline_shapes),
    "tables": [
        {
            "rows": len(t.rows),
            "cols": len(t.columns),
            "header": [c.text for c in t.rows[0].cells],
            "header_repeats": t.rows[0]._tr.trPr is not None
            and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None,
        }
        for t in doc.tables
    ],
}
print(json.dumps(out, ensure_ascii=False))
