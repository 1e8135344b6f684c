"""The ground truth the reciprocity model is judged against: each simulated member's latent
give-back probability (the chance that a task they take is actually done).

It varies within a profile and drifts over time, so that a member's history is informative but
not a copy of the truth:

- **Within a profile**: a member's own level is drawn once from a Beta distribution whose mean is
  the profile's ``completes`` (kept inside [FLOOR, CEILING], so a leecher sometimes does one and
  a diligent member sometimes forgets) and whose concentration is ``Drift.concentration``: with
  12, an honest member (mean 0.95) is 0.89–0.99 for the middle half of them, a slow one (0.8)
  0.73–0.88.
- **Over time**, in logit space around that level: a daily random walk (``step_sd``) pulled back
  towards the member's own level (``reversion``) and clamped to ``±bound`` (a member improves or
  fades, within reason), plus busy spells (a spell starts on a day with chance ``busy_rate``, lasts
  ``busy_days`` days and lowers the logit by ``busy_shift``: holidays, exams, a launch week).

The truth stays in the simulator's memory and its JSON summary (``summary``), never in the
exchange's tables. Its random numbers come from their own generator, seeded from the run's seed,
so a population's truth depends on the seed only, not on what else the run draws.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FLOOR = 0.03
CEILING = 0.97


@dataclass(frozen=True, slots=True)
class Drift:
    concentration: float = 12.0  # of the within-profile Beta: higher, members of a profile alike
    step_sd: float = 0.12  # daily random-walk step, in logits
    reversion: float = 0.05  # share of the deviation pulled back each day
    bound: float = 1.5  # the walk's deviation never exceeds this, in logits
    busy_rate: float = 1 / 40  # chance per day that a busy spell starts
    busy_days: tuple[int, int] = (3, 10)  # how long a spell lasts, uniform
    busy_shift: float = 2.0  # how much a spell lowers the logit


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class LatentGiveBack:
    """The latent give-back probability of each member (by index), advanced one day at a time."""

    def __init__(self, means: Sequence[float], *, seed: int, drift: Drift = Drift()) -> None:
        self.drift = drift
        self._rng = random.Random(f"latent-give-back:{seed}")
        c = drift.concentration
        self.base: list[float] = []
        for mean in means:
            m = min(CEILING, max(FLOOR, mean))
            level = self._rng.betavariate(m * c, (1 - m) * c)
            self.base.append(logit(min(1 - 1e-4, max(1e-4, level))))
        self.deviation = [0.0] * len(self.base)
        self.busy_left = [0] * len(self.base)
        self._current = [expit(b) for b in self.base]
        self.initial = list(self._current)
        self.day = 0

    def __len__(self) -> int:
        return len(self.base)

    def probability(self, index: int) -> float:
        return self._current[index]

    def advance_day(self) -> None:
        d = self.drift
        rng = self._rng
        for i, base in enumerate(self.base):
            step = self.deviation[i] * (1 - d.reversion) + rng.gauss(0.0, d.step_sd)
            self.deviation[i] = max(-d.bound, min(d.bound, step))
            if self.busy_left[i] > 0:
                self.busy_left[i] -= 1
            elif rng.random() < d.busy_rate:
                self.busy_left[i] = rng.randint(*d.busy_days)
            shift = d.busy_shift if self.busy_left[i] > 0 else 0.0
            self._current[i] = expit(base + self.deviation[i] - shift)
        self.day += 1

    def summary(self, groups: Mapping[str, Sequence[int]]) -> dict[str, dict[str, float]]:
        """Per group (profile) of member indexes: the latent probabilities at the start and now."""
        out: dict[str, dict[str, float]] = {}
        for name, indexes in groups.items():
            start = [self.initial[i] for i in indexes]
            now = [self._current[i] for i in indexes]
            out[name] = {
                "start_mean": round(statistics.fmean(start), 4),
                "start_sd": round(statistics.pstdev(start), 4),
                "end_mean": round(statistics.fmean(now), 4),
                "end_min": round(min(now), 4),
                "end_max": round(max(now), 4),
                "busy_now": sum(1 for i in indexes if self.busy_left[i] > 0),
            }
        return out
