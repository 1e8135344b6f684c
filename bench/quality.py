"""The quality gate per held-out video of the YouTube Spam Collection, and its speed on one core.

Each file of the collection is one music video. For each candidate classifier and each video: the
candidate is trained on the other videos, its threshold chosen on those only (leave-one-video-out
inside them: nested), then the whole gate judges the held-out video. Goals: at least 95% of spam
rejected on the WORST video (aim 98%), at most 5% of ordinary comments of 8+ words rejected as spam
or self-promotion, at least 2,000 comments/s through ``assess_many`` on one core with the shipped
artifact (6,100/s before spam-v2).

Usage: python bench/quality.py [--runs 7] [--texts 4000] [--only-shipped]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import median, write_section
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.domain.community import CommunitySettings
from tgexchange.ml import artifact, dataset, evaluation
from tgexchange.ml.candidates import CANDIDATES, SHIPPED

SPAM_GOAL = 0.95
SPAM_AIM = 0.98
LONG_HAM_GOAL = 0.05
RATE_GOAL = 2_000.0
RATE_BEFORE = 6_100.0
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "quality"
UNSEEN = FIXTURES / "unseen_feedback.jsonl"
CHANNEL_TALK = FIXTURES / "channel_feedback.jsonl"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(met: bool) -> str:
    return "**met**" if met else "**missed**"


def unseen_results(gate: ClassifierQualityGate, min_words: int) -> tuple[int, int]:
    cases = [json.loads(line) for line in UNSEEN.read_text(encoding="utf-8").splitlines()]
    verdicts = gate.assess_many([case["text"] for case in cases], min_words=min_words)
    correct = sum((v.rule or "accepted") == case["expected"] for case, v in zip(cases, verdicts, strict=True))
    return correct, len(cases)


def channel_talk_rejected(gate: ClassifierQualityGate, min_words: int) -> tuple[int, int]:
    """Substantive feedback about the creator's channel, subscribe buttons or asking "please": how
    many the gate rejects as spam or self-promotion (all should pass)."""
    texts = [json.loads(line)["text"] for line in CHANNEL_TALK.read_text(encoding="utf-8").splitlines()]
    verdicts = gate.assess_many(texts, min_words=min_words)
    return sum(v.rule in {"spam", "self_promotion"} for v in verdicts), len(texts)


def throughput(gate: ClassifierQualityGate, texts: list[str], runs: int, min_words: int) -> list[float]:
    gate.assess_many(texts[:100], min_words=min_words)  # warm-up
    rates: list[float] = []
    for run in range(runs):
        started = time.perf_counter()
        gate.assess_many(texts, min_words=min_words)
        rates.append(len(texts) / (time.perf_counter() - started))
        print(f"throughput run {run + 1}: {rates[-1]:,.0f} comments/s", file=sys.stderr)
    return rates


def honesty(by_name: dict[str, evaluation.Summary], shipped: evaluation.Summary) -> str:
    before = by_name.get(CANDIDATES[0].name)
    before_text = (
        f"spam-v1's model under the same procedure: worst video {before.worst_recall:.1%}, mean"
        f" {before.mean_recall:.1%}, ham rejected as spam pooled {before.pooled_false_rejection:.1%}"
        f" (worst video {before.worst_false_rejection:.1%})"
        if before
        else "spam-v1's model under the same procedure: run without --only-shipped"
    )
    return f"""
How to read this honestly:
- Before (spam-v1, its own procedure): 95.1% pooled, worst file 93.2%, ham 6.3%, thresholds aimed
  at a classifier-level rate. The outside check on other music videos then found 91.4% and 4.3%.
  After: {before_text}; spam-v2: worst video {shipped.worst_recall:.1%}, mean {shipped.mean_recall:.1%},
  spread {shipped.recall_spread:.1%}, ham rejected as spam pooled {shipped.pooled_false_rejection:.1%}
  (worst video {shipped.worst_false_rejection:.1%}).
- **The spam goal is {"met" if shipped.worst_recall >= SPAM_GOAL else "not met"} on the worst video.** The
  per-video procedure put spam-v1 within about a point of what the outside check saw, so it is the
  estimate to trust. Prediction for an outside check on new videos of the same kind: spam rejected
  about {shipped.worst_recall:.1%} (the worst video here; the mean is {shipped.mean_recall:.1%}, and three
  videos are few, so 91–95% is the plausible range), ham of 8+ words rejected as spam 4–5%
  (spam-v1's {before.pooled_false_rejection if before else float("nan"):.1%} here went with 4.3% outside).
- Where the misses come from: the rules catch most spam (too short, links and calls to visit, scams);
  the classifier decides the rest, and its threshold must keep ham rejections within 5% while the
  self-promotion rule alone already rejects 4.5% of two videos' ham (links to the video itself,
  "like if you came here to see the views"). With so little room the threshold, chosen on two
  training videos, varies from fold to fold; ranking alone (the best threshold known afterwards)
  would reach about 96% on the worst video. I read those 11 ham texts to understand the 4.5% and
  changed no rule because of them; no held-out spam miss was read in this round.
- Speed: the runs above share the 2 cores with other engineers' jobs. At a quieter moment on
  2026-12-04, interleaved in one process on one core (7 runs of 4,000 comments each): spam-v2's
  gate 3,704 comments/s against 5,884/s for spam-v1's work on the same texts (its pipeline,
  toxicity and the rules), ratio 0.63; the gradient-boosted half and its features cost the
  difference (features ~16,000/s, the text half ~9,400/s, the rules ~14,000/s on their own).
- Every threshold in the table was chosen on the training videos only (a test checks that the
  held-out video reaches neither fitting nor threshold selection). Comparing candidates and
  settling the shipped one on these same three videos is itself a choice made on them: the
  winner's numbers are slightly optimistic for that reason.
- "Ham" is ordinary viewer talk on music videos, not feedback; the collection is English, and
  Spanish behaviour is checked only by the fixtures.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="throughput runs (the median is reported)")
    parser.add_argument("--texts", type=int, default=4000, help="comments per throughput run")
    parser.add_argument("--only-shipped", action="store_true", help="evaluate the shipped candidate only")
    args = parser.parse_args()
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})  # one core for the whole process, BLAS threads included

    min_words = CommunitySettings().min_words
    comments = dataset.load_collection()
    rows: list[list[str]] = []
    summaries: list[list[str]] = []
    shipped_summary = None
    by_name: dict[str, evaluation.Summary] = {}
    for candidate in [SHIPPED] if args.only_shipped else CANDIDATES:
        print(f"{candidate.name}: three nested rotations…", file=sys.stderr)
        results = evaluation.rotations(comments, candidate)
        for rotation in results:
            e = rotation.evaluation
            rows.append(
                [
                    candidate.name,
                    rotation.evaluated_on,
                    f"{e.threshold:.3f}",
                    f"{e.spam_rejected}/{e.spam} = {e.spam_recall:.1%}",
                    f"{e.long_ham_rejected_as_spam}/{e.long_ham} = {e.long_ham_false_rejection:.1%}",
                ]
            )
            print(" | ".join(rows[-1]), file=sys.stderr)
        s = evaluation.summarise(results)
        by_name[candidate.name] = s
        if candidate is SHIPPED:
            shipped_summary = s
        summaries.append(
            [
                candidate.name + (" (shipped)" if candidate is SHIPPED else ""),
                f"**{s.worst_recall:.1%}**",
                f"{s.mean_recall:.1%}",
                f"{s.recall_spread:.1%}",
                f"{s.pooled_recall:.1%}",
                f"{s.worst_false_rejection:.1%}",
                f"{s.pooled_false_rejection:.1%}",
            ]
        )
    assert shipped_summary is not None

    gate = ClassifierQualityGate()
    pool = [comment.text for comment in comments]
    texts = [pool[i % len(pool)] for i in range(args.texts)]
    rates = throughput(gate, texts, args.runs, min_words)
    rate = median(rates)
    unseen_correct, unseen_total = unseen_results(gate, min_words)
    channel_rejected, channel_total = channel_talk_rejected(gate, min_words)
    card = artifact.read_card()

    goals = markdown_table(
        ["", "measured (shipped candidate)", "goal", "verdict"],
        [
            [
                "spam rejected by the gate, WORST held-out video",
                f"{shipped_summary.worst_recall:.1%} (mean {shipped_summary.mean_recall:.1%})",
                f"≥ {SPAM_GOAL:.0%} (aim {SPAM_AIM:.0%})",
                verdict(shipped_summary.worst_recall >= SPAM_GOAL),
            ],
            [
                "ham of 8+ words rejected as spam or self-promotion, pooled (worst video)",
                f"{shipped_summary.pooled_false_rejection:.1%} ({shipped_summary.worst_false_rejection:.1%})",
                f"≤ {LONG_HAM_GOAL:.0%}",
                verdict(shipped_summary.pooled_false_rejection <= LONG_HAM_GOAL)
                + (
                    ""
                    if shipped_summary.worst_false_rejection <= LONG_HAM_GOAL
                    else " pooled, missed on the worst video"
                ),
            ],
            [
                f"`assess_many` on one core, {card['version']} (threshold {card['threshold']:.3f}),"
                f" median of {args.runs} runs of {args.texts} comments",
                f"{rate:,.0f} comments/s ({rate / RATE_BEFORE:.2f} × the 6,100/s before)",
                f"≥ {RATE_GOAL:,.0f}/s",
                verdict(rate >= RATE_GOAL),
            ],
        ],
    )
    command = "python bench/quality.py" + (" --only-shipped" if args.only_shipped else "")
    body = f"""## Quality gate (`bench/quality.py`)

Command: `{command}` (runs={args.runs}, texts={args.texts}); min_words={min_words} (a new community's
default); gate thresholds from `domain/quality/rules.py` and the artifact's card. Data: YouTube
Spam Collection, 3 files = 3 music videos (CC BY 4.0, Alberto, Lochter & Almeida, TubeSpam, ICMLA 2015).

{goals}

Throughput runs: {", ".join(f"{r:,.0f}" for r in rates)} comments/s. Never-seen feedback
(`tests/fixtures/quality/unseen_feedback.jsonl`, English and Spanish): {unseen_correct}/{unseen_total}
classified as expected by the shipped gate. Substantive feedback about the creator's channel,
subscribe button or asking "please" (`channel_feedback.jsonl`, written on 2026-12-04 while comparing
candidates): {channel_rejected}/{channel_total} rejected as spam or self-promotion (all should pass).

Per held-out video and candidate. Each row: the candidate trained on the other two videos, its
threshold chosen on those two only (each left out in turn, the lowest threshold at which the whole
gate rejects at most 5% of their ham of 8+ words as spam or self-promotion), then the held-out
video judged by the whole gate (rules + classifier + toxicity):

{markdown_table(["candidate", "held-out video", "threshold", "spam rejected", "ham 8+ words rejected as spam"], rows)}

Summary per candidate (the worst video is the number to beat):

{markdown_table(["candidate", "worst spam rejected", "mean", "spread", "pooled", "worst ham 8+ as spam", "pooled ham 8+ as spam"], summaries)}

Candidates: {"; ".join(f"**{c.name}**: {c.description}" for c in CANDIDATES)}.
{honesty(by_name, shipped_summary)}"""
    write_section("quality", body)
    print(body)


if __name__ == "__main__":
    main()
