"""adapters/minhash.py must make datasketch's MinHash signatures exactly: the near-copy rule's
verdicts (and the simulator's goldens) depend on them."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from tgexchange.adapters.minhash import MinHashes
from tgexchange.domain.quality import normalize, shingles
from tgexchange.ml import dataset
from tgexchange.simulation import texts as sim_texts


def _token_sets() -> list[list[bytes]]:
    rng = random.Random(3)
    texts = [comment.text for comment in dataset.load_collection()]
    texts += [sim_texts.comment(rng, style, None) for style in ("substantive", "padding", "spam") for _ in range(100)]
    texts += ["ñandú 🙂 güey otra vez", "a " * 400, "one"]
    return [[s.encode("utf-8") for s in shingles(normalize(text), size=size)] for text in texts for size in (1, 2)]


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (16, 7)])
def test_signatures_are_datasketchs_bit_for_bit(num_perm: int, seed: int) -> None:
    ours, theirs = MinHashes(num_perm=num_perm, seed=seed), MinHash(num_perm=num_perm, seed=seed)
    differing = []
    for tokens in _token_sets():
        expected = theirs.copy()
        expected.update_batch(tokens)
        made = ours.signature(tokens)
        if made.dtype != expected.hashvalues.dtype or not np.array_equal(made, expected.hashvalues):
            differing.append(tokens)
    assert differing == []


def test_no_tokens_is_the_empty_signature() -> None:
    assert np.array_equal(MinHashes(num_perm=16, seed=1).signature([]), MinHash(num_perm=16, seed=1).hashvalues)
