"""The quality gate on a trained spam classifier, alt-profanity-check and MinHash."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from tgexchange.adapters.minhash import MinHashes
from tgexchange.domain.quality import (
    DEFAULT_THRESHOLDS,
    ContentTopic,
    TextMeasures,
    first_broken_rule,
    measure,
    relevance,
    shingles,
    topic_terms,
    without_links_to,
    without_share_quote,
)
from tgexchange.ml import toxicity as toxicity_model
from tgexchange.ml.artifact import load_spam_model
from tgexchange.ml.spam_model import SpamModel, prepare
from tgexchange.ml.toxicity import toxicity
from tgexchange.services.ports import QualityVerdict

DEFAULT_NUM_PERM = 128
DEFAULT_SHINGLE_WORDS = 2
# A fixed seed: MinHash signatures are only comparable when made with the same permutations.
_MINHASH_SEED = 1
_SIGNATURE_CACHE = 50_000
_TOPIC_CACHE = 1_000

# The gate's toxicity scorer, one module attribute so that tests can count its calls.
toxicity_of = toxicity


class ClassifierQualityGate:
    """Implements ``QualityGate``: the rules of ``tgexchange.domain.quality`` fed with model scores.

    Thresholds (a score at or above one breaks its rule); each left as None is the domain's
    default (``tgexchange.domain.quality.QualityThresholds``, the one place they are defined):
    - ``spam_threshold``: the spam classifier's probability; default: the threshold recorded in the
      artifact, chosen at training time (see ``tgexchange.ml.selection``).
    - ``toxicity_threshold``: alt-profanity-check's probability (English only; Spanish insults are
      a word list in the domain).
    - ``generic_share_threshold``: share of generic-praise and filler words.
    - ``near_copy_threshold``: estimated Jaccard similarity of word ``shingle_words``-grams with one
      of the member's earlier feedback texts, from MinHash signatures of ``num_perm`` permutations
      (the estimate's standard error at 0.7 is about 0.04 with 128).
    - ``relevance_threshold``: the relevance score below which feedback is off topic (only when the
      content's metadata is passed).

    The model is loaded once, here (from the packaged artifact unless ``model`` is given); raises
    ModelArtifactError if it cannot be trusted. Scores in each verdict: ``spam``, ``toxicity``,
    ``words``, ``letters``, ``generic_share``, the 0/1 flags ``spanish`` and ``spanish_insult``,
    when there was earlier feedback ``near_copy``, and when the content was given ``relevance``.
    Thread-safe: assessing changes no state but bounded caches (MinHash signatures, topic terms).
    """

    def __init__(
        self,
        *,
        model: SpamModel | None = None,
        spam_threshold: float | None = None,
        toxicity_threshold: float | None = None,
        generic_share_threshold: float | None = None,
        near_copy_threshold: float | None = None,
        relevance_threshold: float | None = None,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle_words: int = DEFAULT_SHINGLE_WORDS,
    ) -> None:
        if num_perm < 16:
            raise ValueError("num_perm must be at least 16")
        if shingle_words < 1:
            raise ValueError("shingle_words must be at least 1")
        self.model = model if model is not None else load_spam_model()
        given = {
            "spam": self.model.threshold if spam_threshold is None else spam_threshold,
            "toxicity": toxicity_threshold,
            "generic_share": generic_share_threshold,
            "near_copy": near_copy_threshold,
            "relevance": relevance_threshold,
        }
        self.thresholds = replace(DEFAULT_THRESHOLDS, **{name: v for name, v in given.items() if v is not None})
        self._num_perm = num_perm
        self._shingle_words = shingle_words
        self._signatures: OrderedDict[str, NDArray[np.uint32] | None] = OrderedDict()
        self._prepared: OrderedDict[str, str] = OrderedDict()
        self._minhash: MinHashes | None = None
        self._topics: OrderedDict[ContentTopic, dict[str, float]] = OrderedDict()
        self._cache_lock = threading.Lock()
        # Both models are loaded now (a profanity-check file that cannot be trusted stops the gate
        # here, not at its first verdict). scikit-learn is only called, and imported, when a
        # model is of a shape the numpy replicas do not score.
        replicated = self.model.is_replicated and toxicity_model.scorer() is not None
        self._scikit_learn = None if replicated else _ScikitLearnCalls()

    def assess_many(
        self,
        texts: Sequence[str],
        *,
        min_words: int,
        earlier: Sequence[Sequence[str]] | None = None,
        content: Sequence[ContentTopic | None] | None = None,
        content_ids: Sequence[str | None] | None = None,
    ) -> list[QualityVerdict]:
        """Verdicts for ``texts``, in order. The classifier and the profanity model are each called
        once for the whole batch. With ``earlier`` (one sequence per text: its author's previous
        feedback) the near-copy rule applies too; with ``content`` (one per text: the metadata of
        the content it was written for, or None) the off-topic rule. A link to that content itself
        (its id from ``content`` or ``content_ids``) is not self-promotion: it is read as the
        moment it points at, before every rule and the classifier."""
        if earlier is not None and len(earlier) != len(texts):
            raise ValueError("earlier must hold one sequence of texts per text")
        if content is not None and len(content) != len(texts):
            raise ValueError("content must hold one topic (or None) per text")
        if content_ids is not None and len(content_ids) != len(texts):
            raise ValueError("content_ids must hold one id (or None) per text")
        topics = list(content) if content is not None else [None] * len(texts)
        ids = list(content_ids) if content_ids is not None else [None] * len(texts)
        own = [t.content_id if t is not None and t.content_id else i for t, i in zip(topics, ids, strict=True)]
        prepared = [prepare(text) for text in texts]
        scores = [
            None if t is None else relevance(p, t, self._terms(t), normalized=True)
            for p, t in zip(prepared, topics, strict=True)
        ]
        # A link to the judged content itself is read as the moment it points at, not as a link;
        # without a content, a share-button quote of a video is read as the video commented on.
        prepared = [_without_links_to(p, i) for p, i in zip(prepared, own, strict=True)]
        spam, toxicity = self._model_scores(prepared)
        previous = [self._prepared_earlier(e) for e in earlier] if earlier is not None else [[] for _ in texts]
        signatures = self._signatures_of([p for p, e in zip(prepared, previous, strict=True) if e], *previous)
        verdicts = []
        for text, s, t, theirs, about in zip(prepared, spam, toxicity, previous, scores, strict=True):
            near_copy = _similarity(signatures[text], [signatures[e] for e in theirs]) if theirs else None
            verdict = self._verdict(
                measure(text),
                spam=float(s),
                toxicity=float(t),
                near_copy=near_copy,
                relevance=None if about is None else about.score,
                min_words=min_words,
            )
            verdicts.append(verdict)
        return verdicts

    def assess(
        self,
        text: str,
        *,
        min_words: int,
        earlier: Sequence[str] = (),
        content: ContentTopic | None = None,
        content_id: str | None = None,
    ) -> QualityVerdict:
        """The verdict for one text, including the near-copy rule against ``earlier`` (the same
        member's previous feedback) and, with ``content``, the off-topic rule. Agrees with
        ``assess_many``."""
        return self.assess_many(
            [text], min_words=min_words, earlier=[earlier], content=[content], content_ids=[content_id]
        )[0]

    def _terms(self, topic: ContentTopic) -> dict[str, float]:
        """``topic_terms`` of a content, remembered: every feedback on one submission shares them."""
        with self._cache_lock:
            found = self._topics.get(topic)
            if found is not None:
                self._topics.move_to_end(topic)
                return found
        made = topic_terms(topic)
        with self._cache_lock:
            self._topics[topic] = made
            while len(self._topics) > _TOPIC_CACHE:
                self._topics.popitem(last=False)
        return made

    def near_copy_similarity(self, text: str, earlier: Sequence[str]) -> float:
        """The highest estimated Jaccard similarity between the word shingles of ``text`` and those
        of any text in ``earlier``; 0.0 when either side has no words. Signatures are built from
        one set of permutations (as ``MinHash.bulk`` does) and compared as arrays: with the earlier
        texts passed on every call there is no index to keep, so an LSH index would only add
        building cost and its own false negatives."""
        mine, theirs = prepare(text), self._prepared_earlier(earlier)
        signatures = self._signatures_of([mine], theirs)
        return _similarity(signatures[mine], [signatures[e] for e in theirs])

    def _prepared_earlier(self, texts: Sequence[str]) -> list[str]:
        """``prepare`` of a member's earlier feedback, which comes back on every check of their
        next feedback: remembered rather than normalised again each time."""
        known: list[str | None] = []
        with self._cache_lock:
            for text in texts:
                found = self._prepared.get(text)
                if found is not None:
                    self._prepared.move_to_end(text)
                known.append(found)
        if None not in known:
            return [k for k in known if k is not None]
        made = [k if k is not None else prepare(text) for text, k in zip(texts, known, strict=True)]
        with self._cache_lock:
            for text, p in zip(texts, made, strict=True):
                self._prepared[text] = p
            while len(self._prepared) > _SIGNATURE_CACHE:
                self._prepared.popitem(last=False)
        return made

    def _signatures_of(self, *groups: Sequence[str]) -> dict[str, NDArray[np.uint32] | None]:
        """The MinHash signature of each prepared text's word shingles (None without words). A
        member's earlier feedback comes back on every check, so signatures are cached rather than
        rebuilt, and those missing are made from one empty MinHash holding the permutations, as
        ``MinHash.bulk`` does (the same signatures as built one by one)."""
        wanted = dict.fromkeys(text for group in groups for text in group)
        found: dict[str, NDArray[np.uint32] | None] = {}
        with self._cache_lock:
            for text in wanted:
                if text in self._signatures:
                    self._signatures.move_to_end(text)
                    found[text] = self._signatures[text]
        missing = [text for text in wanted if text not in found]
        if not missing:
            return found
        words = {text: shingles(text, size=self._shingle_words) for text in missing}
        with_words = [text for text in missing if words[text]]
        made: dict[str, NDArray[np.uint32] | None] = dict.fromkeys(missing)
        if with_words:
            minhashes = self._minhashes()
            for text in with_words:
                made[text] = minhashes.signature([s.encode("utf-8") for s in words[text]])
        with self._cache_lock:
            self._signatures.update(made)
            while len(self._signatures) > _SIGNATURE_CACHE:
                self._signatures.popitem(last=False)
        return found | made

    def _minhashes(self) -> MinHashes:
        """The gate's permutations, drawn once and kept for every signature (what
        ``MinHash.bulk`` does within one call; drawing them was a sixth of the near-copy rule's
        time). Signatures as datasketch makes them, without importing it (``adapters/minhash.py``)."""
        if self._minhash is None:
            self._minhash = MinHashes(num_perm=self._num_perm, seed=_MINHASH_SEED)
        return self._minhash

    def _model_scores(self, prepared: list[str]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if not prepared:
            empty = np.zeros(0, dtype=np.float64)
            return empty, empty
        # Only for a model scikit-learn scores (the shipped ones are scored by the numpy replicas).
        # One OpenMP thread: the gradient-boosted trees are scored one tree after the other, each
        # tree a parallel region over the texts, and for the batches the gate sees starting and
        # joining threads 200 times costs more than it gives: ~5x slower for 500 texts here, and
        # 10-40x for a handful on a busy machine (the simulator spent a third of its time there).
        # The limit applies to this thread only (OpenMP keeps it per thread); scores are identical.
        # scikit-learn's checks of parameters and for NaN and infinity are skipped (the inputs are
        # our own texts and features, always finite): they are a fixed cost of every call, a
        # tenth of the gate's time on the handful of texts a verification pass judges.
        with contextlib.nullcontext() if self._scikit_learn is None else self._scikit_learn.limited():
            spam = self.model.score_prepared(prepared)
            # profanity-check's probability without scikit-learn's bookkeeping (ml/toxicity.py).
            toxicity = toxicity_of(prepared)
        return spam, toxicity

    def _verdict(
        self,
        measures: TextMeasures,
        *,
        spam: float,
        toxicity: float,
        near_copy: float | None,
        relevance: float | None,
        min_words: int,
    ) -> QualityVerdict:
        rule = first_broken_rule(
            measures,
            min_words=min_words,
            spam=spam,
            toxicity=toxicity,
            near_copy=near_copy,
            relevance=relevance,
            thresholds=self.thresholds,
        )
        scores = {
            "spam": spam,
            "toxicity": toxicity,
            "words": float(measures.words),
            "letters": float(measures.letters),
            "generic_share": measures.generic_share,
            # 0/1 flags that explain a verdict the probabilities alone do not: for Spanish text the
            # English-trained spam probability is not used, and Spanish insults break "toxic".
            "spanish": float(measures.spanish),
            "spanish_insult": float(measures.spanish_insult),
        }
        if near_copy is not None:
            scores["near_copy"] = near_copy
        if relevance is not None:
            scores["relevance"] = relevance
        return QualityVerdict(accepted=rule is None, rule=None if rule is None else rule.value, scores=scores)


class _ScikitLearnCalls:
    """One OpenMP thread and scikit-learn's checks skipped, for a model scikit-learn scores."""

    def __init__(self) -> None:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]  # scikit-learn's own

        # Built after the model is loaded, so that it finds the OpenMP runtime scikit-learn loaded.
        self._openmp = ThreadpoolController().select(user_api="openmp")

    @contextlib.contextmanager
    def limited(self) -> Iterator[None]:
        from sklearn import config_context

        with self._openmp.limit(limits=1), config_context(assume_finite=True, skip_parameter_validation=True):
            yield


def _without_links_to(prepared: str, content_id: str | None) -> str:
    """``prepared`` with the links to the content itself read as the moments they point at, or
    with no content (None) without its share-button quote of a video (``without_share_quote``).
    Links are looked for in the prepared text, not the raw one: in HTML (``<a href=…>``,
    ``&amp;``) or followed by a zero-width character a raw link does not parse. Most texts hold no
    link at all."""
    # Every link ``find_links`` reads has a dot in its host and a "/" (after the scheme or the
    # host), "?" or "#": most sentences have neither, and skip the search (a tenth of the gate's time).
    if "." not in prepared or ("/" not in prepared and "?" not in prepared and "#" not in prepared):
        return prepared
    stripped = without_share_quote(prepared) if content_id is None else without_links_to(prepared, content_id)
    return prepared if stripped == prepared else prepare(stripped)


def _similarity(mine: NDArray[np.uint32] | None, theirs: Sequence[NDArray[np.uint32] | None]) -> float:
    """The highest share of equal MinHash values between ``mine`` and any of ``theirs`` (None: a
    text without words); 0.0 when there is nothing to compare."""
    compared = [signature for signature in theirs if signature is not None]
    if mine is None or not compared:
        return 0.0
    return float(np.max(np.mean(np.stack(compared) == mine, axis=1)))
