"""Plain-text rendering, as a careful text dump of a report: paragraphs as lines, table rows as tab-separated cells."""

from __future__ import annotations

from demo.reportgen.layout import document_blocks
from demo.reportgen.spec import ReportSpec


def render_text(spec: ReportSpec) -> str:
    """One line per paragraph; each table row one line of tab-separated grid cells, then an empty line.

    Every grid position is a cell: a merged cell's text sits in its first position and the positions it
    covers are empty, exactly like blank cells.
    """
    lines: list[str] = []
    for block in document_blocks(spec):
        if block.layout is None:
            lines.append(block.text)
            continue
        lines += ["\t".join(row) for row in block.layout.matrix()]
        lines.append("")
    return "\n".join(lines) + "\n"
