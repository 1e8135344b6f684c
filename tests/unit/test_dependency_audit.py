"""scripts/audit.py's reading of pip-audit's report: a known vulnerability fails the audit, a
service that answered for nothing is said plainly (and fails when strict)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(*dependencies: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(dependencies), "fixes": []}


CLEAN = {"name": "jinja2", "version": "3.1.6", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": ["CVE-2024-22195"]}],
}
SKIPPED = {"name": "aiolimiter", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_a_known_vulnerability_fails_the_audit_and_names_the_fix(audit: ModuleType) -> None:
    code, lines = audit.verdict(report(CLEAN, VULNERABLE), strict=False)
    assert code == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in "\n".join(lines)


def test_clean_packages_pass(audit: ModuleType) -> None:
    assert audit.verdict(report(CLEAN, SKIPPED), strict=True)[0] == 0


def test_nothing_audited_is_said_and_fails_only_when_strict(audit: ModuleType) -> None:
    code, lines = audit.verdict(report(SKIPPED, SKIPPED), strict=False)
    assert code == 0
    assert "nothing could be audited" in "\n".join(lines)
    assert audit.verdict(report(SKIPPED), strict=True)[0] == 1


def test_an_ignored_advisory_needs_a_reason(audit: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(audit.IGNORED, "GHSA-h5c8-rqwp-cp95", "reviewed: we never render untrusted templates")
    assert audit.verdict(report(VULNERABLE), strict=False)[0] == 0
    assert all(reason.strip() for reason in audit.IGNORED.values())
