"""Synthetic annual disclosure reports in both official templates, rendered as HTML, DOCX, PDF and text."""

# Real report documents are not pulled again: parser tests, the parse benchmark and the sample portal
# use these. A ReportSpec says what a report contains (random_spec draws one from a seed), the
# renderers print it the ways portals publish it, and expected_cells says what a parser must read back.

from demo.reportgen.spec import ReportSpec, expected_cells, random_spec, shift_years
from demo.reportgen.to_docx import render_docx
from demo.reportgen.to_html import render_html
from demo.reportgen.to_pdf import render_pdf
from demo.reportgen.to_text import render_text

__all__ = [
    "ReportSpec",
    "expected_cells",
    "random_spec",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_text",
    "shift_years",
]
