"""What the quality gate remembers between calls (normalised earlier feedback, MinHash signatures
built a batch at a time) never changes a score: a batch against a fresh gate's one-by-one answers."""

from __future__ import annotations

import random

import pytest

from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.simulation import texts


@pytest.fixture(scope="module")
def gate() -> ClassifierQualityGate:
    return ClassifierQualityGate()


def test_near_copy_scores_of_a_batch_equal_one_text_at_a_time_on_a_fresh_gate(gate: ClassifierQualityGate) -> None:
    rng = random.Random(4)
    written = [texts.substantive(rng) for _ in range(30)] + [texts.generic(rng), texts.ring_praise(rng), "🔥🔥"]
    batch = written[:12]
    earlier = [rng.sample(written, rng.randrange(0, 6)) for _ in batch]

    first = gate.assess_many(batch, min_words=8, earlier=earlier)
    again = gate.assess_many(batch, min_words=8, earlier=earlier)  # now from what it remembered
    fresh = ClassifierQualityGate(model=gate.model)
    one_by_one = [
        fresh.near_copy_similarity(text, before) if before else None
        for text, before in zip(batch, earlier, strict=True)
    ]

    assert [v.scores.get("near_copy") for v in first] == one_by_one
    assert [v.scores for v in again] == [v.scores for v in first]
    assert any(score for score in one_by_one)  # some earlier feedback was close enough to count
