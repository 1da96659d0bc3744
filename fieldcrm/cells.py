"""Text that goes into spreadsheet cells: never read as a formula (CSV/formula injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel and LibreOffice (``=HYPERLINK(…)`` runs on a click). Exports write such text with a
leading apostrophe, which spreadsheets show as text; imports remove it again, so an exported
file re-imports unchanged.

Examples
--------
>>> safe_cell("=HYPERLINK(\\"http://evil\\")")
'\\'=HYPERLINK("http://evil")'
>>> safe_cell(-12.5), safe_cell("Café du Port")
(-12.5, 'Café du Port')
>>> unquote_cell(safe_cell("+33 4 93 00 00 00"))
'+33 4 93 00 00 00'
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it literally (text starting a formula gets a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote_cell(value: Any) -> Any:
    """The text :func:`safe_cell` protected, as it was."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
