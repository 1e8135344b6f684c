"""The logistic sigmoid exactly as scipy's ``expit`` computes it for float64, without importing
scipy (its import costs a start-up a tenth of a second and more).

scipy evaluates ``1 / (1 + exp(-x))`` with the C library's ``exp``; Python's ``math.exp`` is the
same C function, so the results are bit for bit the same (numpy's own vectorised ``exp`` is not:
it differed in the last bit on ~2% of 400,000 values here). Where ``exp(-x)`` overflows, scipy's
division gives 0.0, and so does this.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray


def _expit(x: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:  # exp(-x) is infinite: 1 / inf
        return 0.0


def expit(values: Iterable[float]) -> NDArray[np.float64]:
    """``scipy.special.expit`` of each value, as float64."""
    return np.array([_expit(value) for value in values], dtype=np.float64)
