"""Document templates (образцы документов) as real Word files: the demo's notice of a
possible conflict of interest is a DOCX a civil servant opens, fills in and prints, not
a text file. Built with python-docx from the template's text, laid out as a Russian
official form: Times New Roman 14, the addressee block on the right, the document's
name in capitals centred and bold, the body justified with a first-line indent, the
date and signature line at the end.

`docx_from_text(text)` takes the text as it is written in kb/demo.py: blocks separated
by a blank line; the first block is the addressee; a block in capitals is the
document's name (the line after it, its subject, centred too); the rest are body
paragraphs, a line of a block kept as a line break."""

from __future__ import annotations

import io


def docx_from_text(text: str, *, title: str = "") -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = "ru-RU"
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.paragraph_format.space_after = Pt(6)

    blocks = [block for block in text.split("\n\n") if block.strip()]
    heading_next = False
    for position, block in enumerate(blocks):
        lines = [line.rstrip() for line in block.strip("\n").split("\n")]
        paragraph = document.add_paragraph()
        if position == 0:  # the addressee, on the right half of the page
            paragraph.paragraph_format.left_indent = Cm(8.5)
            _lines(paragraph, lines)
        elif block.strip().split("\n")[0].isupper():  # the document's name and subject
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            name, *subject = lines
            paragraph.add_run(name).bold = True
            if subject:
                paragraph.add_run().add_break()
                paragraph.add_run(" ".join(subject))
            heading_next = True
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if not lines[0].startswith("«"):
                paragraph.paragraph_format.first_line_indent = Cm(1.25)
            if heading_next:
                paragraph.paragraph_format.space_before = Pt(12)
                heading_next = False
            _lines(paragraph, lines)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(paragraph, lines: list[str]) -> None:
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)
