"""MinHash signatures exactly as datasketch's ``MinHash`` makes them (its default "affine32" scheme,
SHA-1 hashes), without importing datasketch.

Importing datasketch takes ~0.5 s here, most of it scipy.integrate, which its package imports for
LSH parameter tuning; the gate only needs the signatures. This is the same arithmetic: each
token's first four bytes of SHA-1 as a little-endian 32-bit integer, mixed by MurmurHash3's
finalizer, then ``a * h + b`` in uint32 (wrapping) for each permutation, the minimum over the
tokens; permutations drawn from ``np.random.RandomState(seed)`` as datasketch draws them.
``tests/unit/test_minhash.py`` compares the signatures with datasketch's on the simulator's and
the collection's texts; a datasketch that changed its scheme would fail it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

_UINT32_MAX = np.uint32(0xFFFFFFFF)
# MurmurHash3's 32-bit finalizer: shift, multiply, shift, multiply, shift.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


class MinHashes:
    """Signatures of ``num_perm`` permutations drawn from ``seed``."""

    def __init__(self, *, num_perm: int, seed: int) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        generator = np.random.RandomState(seed)
        # The order of the draws is datasketch's: every a (odd), then every b.
        self.a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        self.b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)

    def signature(self, tokens: Iterable[bytes]) -> NDArray[np.uint32]:
        """``MinHash(num_perm, seed)`` updated with ``tokens``: its ``hashvalues`` (all 2**32 - 1
        without tokens)."""
        hashes = [int.from_bytes(hashlib.sha1(token).digest()[:4], "little") for token in tokens]  # noqa: S324 - datasketch's hash, not security
        if not hashes:
            return np.full(len(self.a), _UINT32_MAX, dtype=np.uint32)
        h = np.array(hashes, dtype=np.uint32).reshape(-1, 1)
        s1, m1, s2, m2, s3 = _FMIX
        h = h ^ (h >> s1)
        h = h * m1
        h = h ^ (h >> s2)
        h = h * m2
        h = h ^ (h >> s3)
        permuted = h * self.a + self.b
        signature: NDArray[np.uint32] = np.minimum(
            np.full(len(self.a), _UINT32_MAX, dtype=np.uint32), permuted.min(axis=0)
        )
        return signature
