"""No module of the product grows past what a newcomer reads in one sitting: past 400 lines a
module does several jobs, and is split by job (docs/DESIGN-NOTES.md, "Where things happen")."""

from __future__ import annotations

from pathlib import Path

import tgexchange

MAX_LINES = 400
MIGRATIONS = "migrations"  # generated schema history, read once


def test_no_module_of_the_product_is_over_400_lines() -> None:
    root = Path(tgexchange.__file__).parent
    sizes = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in root.rglob("*.py")
        if MIGRATIONS not in path.parts
    }
    assert len(sizes) > 100  # the whole package was found
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}
