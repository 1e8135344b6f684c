"""Link forms: the share of yt-dlp's single-video and single-post forms that our parser accepts.

The forms are the corpus in ``tests/fixtures/platforms/link-forms.json`` (yt-dlp's own ``_TESTS``
and ``_VALID_URL`` branches for YouTube, TikTok and Instagram; ``tests/link_forms.py`` explains
it). A form counts when yt-dlp reads one video or post there and the link is on the platform's
own domain (not a mirror, not a bare id). It is accepted when our parser reads it as the same
platform and the same id as yt-dlp. ``--compare-with REV`` also measures the parser as it was at a
git revision, in a separate process on an exported copy of ``src/`` from that revision.

Usage: python bench/links.py [--compare-with REV] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.link_forms import Share, load_corpus, our_answer, share

from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent

# Refused whatever yt-dlp says (see the section's text).
POLICY_REFUSALS = frozenset({"live", "clip"})

# Run inside the exported revision: one answer per URL, in the corpus's own shape.
_ANSWER_SCRIPT = """
import json, sys
from tgexchange.domain.errors import ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.links import parse_link
answers = []
for url in json.load(sys.stdin):
    try:
        ref = parse_link(url)
    except ShortLinkNeedsLookup as short:
        answers.append({"short_link": short.url})
    except UnsupportedLink as refusal:
        answers.append({"refused": refusal.reason})
    else:
        answers.append({"platform": ref.platform.value, "kind": ref.kind.value, "content_id": ref.content_id})
json.dump(answers, sys.stdout)
"""


def answers_at(revision: str, urls: list[str]) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as scratch:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "src/tgexchange"], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", scratch], input=archive.stdout, check=True)
        result = subprocess.run(
            [sys.executable, "-c", _ANSWER_SCRIPT],
            input=json.dumps(urls).encode(),
            capture_output=True,
            check=True,
            env={"PYTHONPATH": str(Path(scratch) / "src"), "PATH": "/usr/bin:/bin"},
        )
    answers: list[dict[str, str]] = json.loads(result.stdout)
    return answers


def measured(rows: list[dict[str, Any]], answers: list[dict[str, str]]) -> Share:
    return share([{**row, "ours": answer} for row, answer in zip(rows, answers, strict=True)])


def table_row(label: str, result: Share) -> str:
    read = result.accepted + result.short_links
    reasons = Counter(reason for _, reason in result.refused)
    return (
        f"| {label} | {result.accepted} of {result.counted} ({100 * result.accepted / result.counted:.1f}%) "
        f"| {read} of {result.counted} ({100 * read / result.counted:.1f}%) "
        f"| {', '.join(f'{reason} {n}' for reason, n in reasons.most_common()) or '—'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-with", metavar="REV", help="also measure the parser at this git revision")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()

    corpus = load_corpus()
    rows: list[dict[str, Any]] = corpus["forms"]
    urls = [row["url"] for row in rows]
    now = measured(rows, [our_answer(url) for url in urls])
    lines = [table_row("this tree", now)]
    if args.compare_with:
        before = measured(rows, answers_at(args.compare_with, urls))
        lines.insert(0, table_row(f"at `{args.compare_with}`", before))
    still_refused = [f"`{url}` ({reason})" for url, reason in now.refused]
    by_policy = sum(reason in POLICY_REFUSALS for _, reason in now.refused)
    read_now = now.accepted + now.short_links
    for line in [*lines, *still_refused]:
        print(line)
    if args.no_write:
        return
    command = "python bench/links.py" + (f" --compare-with {args.compare_with}" if args.compare_with else "")
    body = f"""## Link forms (`bench/links.py`)

Command: `{command}`. Corpus: {len(rows)} forms, from yt-dlp {corpus["yt_dlp"]}'s YouTube, TikTok and Instagram
extractors (their `_TESTS`, and one example per `_VALID_URL` branch) and a few forms yt-dlp does not read
(`tests/fixtures/platforms/link-forms.json`, written by `python -m tests.link_forms`). Counted:
the {now.counted} forms where yt-dlp reads one video or post (as our reader runs it, `noplaylist`) on the
platform's own domain. Accepted: read as the same platform and id as yt-dlp; read: accepted, or
recognised as a TikTok short link (one lookup away, which the bot makes since 2026-12-05: `services/link_reading.py`; this parser-level count does not follow links).

| parser | accepted | read | refused, by reason |
|---|---|---|---|
{chr(10).join(lines)}

Still refused: {", ".join(still_refused) or "none"}. Live rooms and clips are refused on purpose: a live
room is no saved video or post, and a clip is part of a video whose id only the clip's page tells.
Without them: {read_now} of {now.counted - by_policy} forms read ({100 * read_now / (now.counted - by_policy):.1f}%).
"""
    write_section("links", body)


if __name__ == "__main__":
    main()
