"""The dependency audit: every package of uv.lock (all extras) checked with pip-audit against the
advisories PyPI publishes (its JSON API, which carries OSV's data).

Usage: .venv/bin/python scripts/audit.py   (scripts/test runs it; uv and pip-audit from the dev setup)

Exits 1 when any locked package has a known vulnerability (bump it in uv.lock, or add its id to
IGNORED below with the reason). A package the service could not look up is skipped by pip-audit;
when it could look up none at all (no route to PyPI's per-release JSON pages, as on machines
whose package mirror serves only the install pages) the audit says so and passes, unless
TGEXCHANGE_AUDIT_STRICT=1, which makes that a failure too (set it where PyPI is reachable)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Advisories reviewed and accepted: {id: why}. None so far.
IGNORED: dict[str, str] = {}


def verdict(report: dict, *, strict: bool) -> tuple[int, list[str]]:
    """(exit code, lines to print) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [(d, v) for d in audited for v in d.get("vulns", []) if v.get("id") not in IGNORED]
    lines = [f"audited {len(audited)} of {len(dependencies)} locked packages; {len(vulnerable)} known vulnerabilities"]
    for dependency, vulnerability in vulnerable:
        fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
        lines.append(f"  {dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixed})")
    if vulnerable:
        return 1, lines
    if dependencies and not audited:
        lines.append(
            "  the vulnerability service answered for no package (first: "
            f"{skipped[0]['skip_reason']}): nothing could be audited from here"
        )
        return (1 if strict else 0), lines
    lines += [f"  skipped: {d['skip_reason']}" for d in skipped]
    return 0, lines


def main() -> int:
    uv = os.environ.get("UV", str(ROOT / ".tools" / "bin" / "uv"))
    audit = str(Path(sys.executable).parent / "pip-audit")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        requirements, output = Path(folder) / "requirements.txt", Path(folder) / "audit.json"
        exported = subprocess.run(
            [uv, "export", "--frozen", "--all-extras", "--no-emit-project", "--no-hashes", "--format", "requirements-txt"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        requirements.write_text(exported.stdout)
        ignores = [arg for vuln in IGNORED for arg in ("--ignore-vuln", vuln)]
        subprocess.run(
            [audit, "-r", str(requirements), "--no-deps", "--disable-pip", "--progress-spinner", "off",
             "--format", "json", "--output", str(output), *ignores],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if not output.exists():
            print("pip-audit wrote no report")
            return 1
        code, lines = verdict(json.loads(output.read_text()), strict=os.environ.get("TGEXCHANGE_AUDIT_STRICT") == "1")
    print("\n".join(lines))
    print(f"({time.monotonic() - started:.1f} s)")
    return code


if __name__ == "__main__":
    sys.exit(main())
