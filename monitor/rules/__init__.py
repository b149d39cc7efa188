"""The compliance rules, one module each; importing this package registers them all."""

from monitor.rules import (  # noqa: F401
    arithmetic,
    blank_cells,
    carryover,
    copied_text,
    edited_after_publication,
    empty_table,
    incomplete_table,
    label_deviation,
    late_report,
    missing_report,
    missing_section,
    missing_table,
    report_not_fetched,
    stale_problems,
    stock_flow,
    unit_missing,
    unreachable_portal,
    unreadable_report,
    wrong_template,
)
