"""The quality gate's spam classifier: data, training, evaluation and the versioned artifact.

Model: TF-IDF over words (1-2-grams) and characters within word boundaries (2-5-grams), joined and
fed to a class-balanced LogisticRegression. Trained on the YouTube Spam Collection (CC BY 4.0,
Alberto, Lochter & Almeida, "TubeSpam", ICMLA 2015; see datasets/youtube-spam-collection/README.md).

No hyperparameter or threshold is ever chosen on the comments a model is evaluated on: ``train``
picks C and the decision threshold from leave-one-file-out predictions on its own training files,
and ``rotations`` evaluates that whole procedure on a file it never saw.

The artifact is a skops file (no pickle) plus a JSON card with its sha256; ``load_spam_model``
checks the hash and the scikit-learn version and loads with an explicit list of trusted types.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import platform
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops
import skops.io as sio
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from skops.io.exceptions import UntrustedTypesFoundException

from tgexchange.domain.quality import count_words, normalize

COLLECTION_FILES: tuple[str, ...] = ("Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv")
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "datasets" / "youtube-spam-collection"
ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
ARTIFACT_NAME = "spam-v1"

# What skops may instantiate beyond its own defaults. A fitted Pipeline of TfidfVectorizer,
# FeatureUnion and LogisticRegression needs nothing extra (checked with get_untrusted_types when
# the artifact is written); anything else in a file is refused.
TRUSTED_TYPES: tuple[str, ...] = ()

C_GRID: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)
# The benchmark's budget for substantive ham flagged as spam is 10%; thresholds aim at half of it
# on out-of-file predictions, leaving room for the shift between training files and real feedback.
TARGET_LONG_HAM_FPR = 0.05
THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.30 + 0.01 * step, 2) for step in range(61))
LONG_HAM_MIN_WORDS = 8

Progress = Callable[[str], None]
"""Called once after each model fit, with what was just fitted."""


class ModelArtifactError(Exception):
    """The model artifact is missing, altered, incompatible or holds types we do not trust."""


@dataclass(frozen=True, slots=True)
class LabelledComment:
    text: str
    """Cleaned with ``prepare``."""
    is_spam: bool
    source: str
    """The collection file it came from."""

    @property
    def is_long_ham(self) -> bool:
        """Ham of at least ``LONG_HAM_MIN_WORDS`` words: the comments closest to real feedback."""
        return not self.is_spam and count_words(self.text) >= LONG_HAM_MIN_WORDS


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,500}>")  # a letter after "<", so "<3" stays


def clean_comment(raw: str) -> str:
    """Plain text as a viewer saw it: ``<br />`` becomes a space, other HTML tags are removed (their
    text stays), entities are unescaped and U+FEFF is dropped. Tags go before entities so that an
    escaped "&lt;b&gt;" stays visible text."""
    text = _BREAK.sub(" ", raw.replace("\ufeff", ""))
    return html.unescape(_TAG.sub("", text)).strip()


def prepare(text: str) -> str:
    """The one preprocessing path, for training and for scoring: ``clean_comment`` then the
    domain's ``normalize``."""
    return normalize(clean_comment(text))


def load_collection(
    data_dir: Path = DEFAULT_DATA_DIR, files: Sequence[str] = COLLECTION_FILES
) -> list[LabelledComment]:
    """The labelled comments of ``files``, in file order. Raises FileNotFoundError for a missing
    file and ValueError for a row whose CLASS is not 0 or 1."""
    comments: list[LabelledComment] = []
    for name in files:
        with (data_dir / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                label = row["CLASS"].strip()
                if label not in {"0", "1"}:
                    raise ValueError(f"{name}: CLASS must be 0 or 1, not {label!r}")
                comments.append(LabelledComment(prepare(row["CONTENT"]), label == "1", name))
    return comments


# Words whose meaning in feedback depends on whose channel it is. In the collection nearly every
# "channel" or "subscribe" is spam ("subscribe to my channel"), so a classifier learns the word
# itself and flags feedback such as "your channel trailer should mention the upload day" (0.6-0.8).
# Deleting them from the classifier's input, in training and in scoring, makes it learn the call to
# action around them instead; the self_promotion rule, which runs first, names "my channel"
# explicitly. bench/quality.py --compare-topic-words measures what this costs on the collection.
_TOPIC_WORDS = re.compile(r"\b(?:channels?|subscri\w*|sub(?:s|bed|bing)?|canal(?:es)?|suscri\w*)\b", re.IGNORECASE)


def classifier_input(prepared: str, *, delete_topic_words: bool = True) -> str:
    """What the pipeline reads for a text already passed through ``prepare``."""
    return _TOPIC_WORDS.sub(" ", prepared) if delete_topic_words else prepared


def build_pipeline(c: float) -> Pipeline:
    """An unfitted pipeline with inverse regularisation ``c``."""
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            # min_df=2 drops one-off character runs ("!!!!!!!!!!!") that only memorise a comment
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass(frozen=True, slots=True)
class SpamModel:
    """A fitted pipeline with the threshold at which its probability means "spam"."""

    pipeline: Any
    threshold: float
    c: float
    version: str = ARTIFACT_NAME
    delete_topic_words: bool = True

    def score(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Spam probabilities of raw texts, in order, from one batched call."""
        return self.score_prepared([prepare(text) for text in texts])

    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Spam probabilities of texts already passed through ``prepare``, from one batched call."""
        if not texts:
            return np.zeros(0, dtype=np.float64)
        spam_column = list(self.pipeline.classes_).index(1)
        inputs = [classifier_input(text, delete_topic_words=self.delete_topic_words) for text in texts]
        probabilities: NDArray[np.float64] = self.pipeline.predict_proba(inputs)[:, spam_column]
        return probabilities


def fit(comments: Sequence[LabelledComment], c: float, *, delete_topic_words: bool = True) -> SpamModel:
    """A model fitted on ``comments`` (threshold 0.5 until one is chosen). Raises ValueError unless
    both classes are present."""
    if len({comment.is_spam for comment in comments}) < 2:
        raise ValueError("training needs both spam and ham comments")
    inputs = [classifier_input(x.text, delete_topic_words=delete_topic_words) for x in comments]
    pipeline = build_pipeline(c).fit(inputs, [int(x.is_spam) for x in comments])
    return SpamModel(pipeline, threshold=0.5, c=c, delete_topic_words=delete_topic_words)


@dataclass(frozen=True, slots=True)
class SpamEvaluation:
    """How a model with a threshold did on comments it was not trained on."""

    evaluated_on: tuple[str, ...]
    threshold: float
    spam: int
    spam_caught: int
    long_ham: int
    long_ham_flagged: int

    @property
    def spam_recall(self) -> float:
        return self.spam_caught / self.spam if self.spam else 0.0

    @property
    def long_ham_false_positive_rate(self) -> float:
        return self.long_ham_flagged / self.long_ham if self.long_ham else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "evaluated_on": list(self.evaluated_on),
            "threshold": self.threshold,
            "spam": self.spam,
            "spam_caught": self.spam_caught,
            "spam_recall": round(self.spam_recall, 4),
            "long_ham": self.long_ham,
            "long_ham_flagged": self.long_ham_flagged,
            "long_ham_false_positive_rate": round(self.long_ham_false_positive_rate, 4),
        }


def _evaluation(
    comments: Sequence[LabelledComment], probabilities: NDArray[np.float64], threshold: float
) -> SpamEvaluation:
    flagged = probabilities >= threshold
    return SpamEvaluation(
        evaluated_on=tuple(dict.fromkeys(x.source for x in comments)),
        threshold=threshold,
        spam=sum(x.is_spam for x in comments),
        spam_caught=int(sum(bool(f) for x, f in zip(comments, flagged, strict=True) if x.is_spam)),
        long_ham=sum(x.is_long_ham for x in comments),
        long_ham_flagged=int(sum(bool(f) for x, f in zip(comments, flagged, strict=True) if x.is_long_ham)),
    )


def evaluate(model: SpamModel, comments: Sequence[LabelledComment]) -> SpamEvaluation:
    """Spam recall and the false-positive rate on long ham of ``model`` at its own threshold."""
    return _evaluation(comments, model.score_prepared([x.text for x in comments]), model.threshold)


def choose_threshold(
    comments: Sequence[LabelledComment],
    probabilities: NDArray[np.float64],
    *,
    target_fpr: float = TARGET_LONG_HAM_FPR,
) -> float:
    """The lowest threshold in ``THRESHOLD_GRID`` (so the highest spam recall) whose false-positive
    rate on long ham stays within ``target_fpr``; the grid's top if none does."""
    long_ham = np.array([x.is_long_ham for x in comments], dtype=bool)
    if not long_ham.any():
        return 0.5
    for threshold in THRESHOLD_GRID:
        if float(np.mean(probabilities[long_ham] >= threshold)) <= target_fpr:
            return threshold
    return THRESHOLD_GRID[-1]


def out_of_file_probabilities(
    comments: Sequence[LabelledComment],
    c: float,
    *,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> NDArray[np.float64]:
    """Each comment's spam probability from a model fitted on the other files only (aligned with
    ``comments``). Raises ValueError with fewer than two source files."""
    sources = list(dict.fromkeys(x.source for x in comments))
    if len(sources) < 2:
        raise ValueError("leave-one-file-out needs at least two files")
    probabilities = np.zeros(len(comments), dtype=np.float64)
    for held_out in sources:
        inside = [x for x in comments if x.source != held_out]
        positions = [i for i, x in enumerate(comments) if x.source == held_out]
        model = fit(inside, c, delete_topic_words=delete_topic_words)
        probabilities[positions] = model.score_prepared([comments[i].text for i in positions])
        if progress:
            progress(f"C={c:g}, held out {held_out}")
    return probabilities


@dataclass(frozen=True, slots=True)
class Selection:
    """The C and threshold chosen from out-of-file predictions on the training files."""

    c: float
    threshold: float
    evaluation: SpamEvaluation

    def to_json(self) -> dict[str, Any]:
        return {"C": self.c, "threshold": self.threshold, "out_of_file": self.evaluation.to_json()}


def select(
    comments: Sequence[LabelledComment],
    *,
    c_grid: Sequence[float] = C_GRID,
    target_fpr: float = TARGET_LONG_HAM_FPR,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> Selection:
    """For each C, leave-one-file-out predictions and the threshold ``choose_threshold`` gives;
    keeps the C with the highest recall (then the lowest false-positive rate, then the smallest C)."""
    best: tuple[tuple[float, float, float], Selection] | None = None
    for c in c_grid:
        probabilities = out_of_file_probabilities(comments, c, delete_topic_words=delete_topic_words, progress=progress)
        threshold = choose_threshold(comments, probabilities, target_fpr=target_fpr)
        evaluation = _evaluation(comments, probabilities, threshold)
        key = (evaluation.spam_recall, -evaluation.long_ham_false_positive_rate, -c)
        if best is None or key > best[0]:
            best = (key, Selection(c, threshold, evaluation))
    if best is None:
        raise ValueError("the C grid is empty")
    return best[1]


def count_fits(sources: int, *, c_grid: Sequence[float] = C_GRID) -> int:
    """How many fits ``train`` makes for this many source files (for progress bars)."""
    return len(c_grid) * sources + 1


def train(
    comments: Sequence[LabelledComment],
    *,
    c_grid: Sequence[float] = C_GRID,
    target_fpr: float = TARGET_LONG_HAM_FPR,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> tuple[SpamModel, Selection]:
    """Selects C and the threshold on ``comments`` (see ``select``), then fits on all of them."""
    selection = select(
        comments, c_grid=c_grid, target_fpr=target_fpr, delete_topic_words=delete_topic_words, progress=progress
    )
    fitted = fit(comments, selection.c, delete_topic_words=delete_topic_words)
    model = replace(fitted, threshold=selection.threshold)
    if progress:
        progress(f"final model, C={selection.c:g}")
    return model, selection


@dataclass(frozen=True, slots=True)
class Rotation:
    """The training procedure run on all files but one and evaluated on that one."""

    trained_on: tuple[str, ...]
    evaluated_on: str
    model: SpamModel
    selection: Selection
    evaluation: SpamEvaluation

    def to_json(self) -> dict[str, Any]:
        return {
            "trained_on": list(self.trained_on),
            "evaluated_on": self.evaluated_on,
            "selection": self.selection.to_json(),
            "held_out": self.evaluation.to_json(),
        }


def count_rotation_fits(sources: int, *, c_grid: Sequence[float] = C_GRID) -> int:
    return sources * count_fits(sources - 1, c_grid=c_grid)


def rotations(
    comments: Sequence[LabelledComment],
    *,
    c_grid: Sequence[float] = C_GRID,
    target_fpr: float = TARGET_LONG_HAM_FPR,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> list[Rotation]:
    """For each source file: ``train`` on the others (selection included), evaluate on it.
    Needs at least three files (selection itself leaves one training file out)."""
    sources = list(dict.fromkeys(x.source for x in comments))
    if len(sources) < 3:
        raise ValueError("rotations need at least three files")
    results: list[Rotation] = []
    for held_out in sources:
        inside = [x for x in comments if x.source != held_out]
        outside = [x for x in comments if x.source == held_out]
        model, selection = train(
            inside, c_grid=c_grid, target_fpr=target_fpr, delete_topic_words=delete_topic_words, progress=progress
        )
        trained_on = tuple(s for s in sources if s != held_out)
        results.append(Rotation(trained_on, held_out, model, selection, evaluate(model, outside)))
    return results


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(data)
        temporary = Path(handle.name)
    temporary.chmod(0o644)  # NamedTemporaryFile makes it private; artifacts are ordinary repo files
    os.replace(temporary, path)


def save_artifact(
    model: SpamModel,
    *,
    selection: Selection,
    rotations: Sequence[Rotation],
    data_dir: Path,
    trained_on: Sequence[str],
    directory: Path = ARTIFACT_DIR,
) -> dict[str, Any]:
    """Writes ``<version>.skops`` and its card ``<version>.json``; returns the card.

    The model goes first and the card last, each by atomic rename, so an interrupted write leaves a
    card whose hash does not match and loading fails loudly instead of using the wrong model.
    Raises ModelArtifactError if the fitted model needs a type outside ``TRUSTED_TYPES``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    data = sio.dumps(model.pipeline, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelArtifactError(f"the model needs types we do not trust: {', '.join(untrusted)}")
    skops_path = directory / f"{model.version}.skops"
    _write_atomically(skops_path, data)
    held_out = [rotation.evaluation for rotation in rotations]
    card: dict[str, Any] = {
        "version": model.version,
        "file": skops_path.name,
        "sha256": _sha256(data),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": (
            "TF-IDF words 1-2 (sublinear) + chars within words 2-5 (sublinear, min_df 2)"
            f" -> LogisticRegression(C={model.c:g}, class_weight=balanced)"
        ),
        "input": (
            "prepare() (HTML cleaned, U+FEFF dropped, NFKC, controls removed), then channel/subscribe words deleted"
            if model.delete_topic_words
            else "prepare() (HTML cleaned, U+FEFF dropped, NFKC, controls removed)"
        ),
        "delete_topic_words": model.delete_topic_words,
        "threshold": model.threshold,
        "threshold_rule": (
            f"lowest threshold whose leave-one-file-out false-positive rate on ham of {LONG_HAM_MIN_WORDS}+"
            f" words is at most {TARGET_LONG_HAM_FPR:.0%}, C chosen the same way among {list(C_GRID)}"
        ),
        "trained_on": [
            {"file": name, "sha256": _sha256((data_dir / name).read_bytes()), "comments": n}
            for name, n in _counts(trained_on, data_dir)
        ],
        "selection": selection.to_json(),
        "evaluated_on": [rotation.evaluated_on for rotation in rotations],
        "metrics": {
            "note": (
                "each rotation runs the same training procedure (selection included) on the other"
                " files and evaluates on the held-out file; the shipped model is trained on all files"
            ),
            "rotations": [rotation.to_json() for rotation in rotations],
            "median_spam_recall": round(float(np.median([e.spam_recall for e in held_out])), 4),
            "median_long_ham_false_positive_rate": round(
                float(np.median([e.long_ham_false_positive_rate for e in held_out])), 4
            ),
        },
        "sklearn_version": sklearn.__version__,
        "skops_version": skops.__version__,
        "python_version": platform.python_version(),
        "trusted_types": list(TRUSTED_TYPES),
        "data_licence": "YouTube Spam Collection, CC BY 4.0, Alberto, Lochter & Almeida (TubeSpam, ICMLA 2015), UCI",
    }
    card_text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(directory / f"{model.version}.json", card_text.encode("utf-8"))
    return card


def _counts(files: Sequence[str], data_dir: Path) -> list[tuple[str, int]]:
    counts: list[tuple[str, int]] = []
    for name in files:
        with (data_dir / name).open(encoding="utf-8", newline="") as handle:
            counts.append((name, sum(1 for _ in csv.DictReader(handle))))
    return counts


def read_card(directory: Path = ARTIFACT_DIR, version: str = ARTIFACT_NAME) -> dict[str, Any]:
    """The artifact's JSON card. Raises ModelArtifactError if it is missing or not a JSON object."""
    path = directory / f"{version}.json"
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelArtifactError(f"cannot read the model card {path}: {error}") from error
    if not isinstance(card, dict):
        raise ModelArtifactError(f"the model card {path} is not a JSON object")
    return card


def load_spam_model(directory: Path = ARTIFACT_DIR, version: str = ARTIFACT_NAME) -> SpamModel:
    """The model and threshold of the artifact ``version`` in ``directory``.

    Raises ModelArtifactError when the file is missing, its sha256 differs from the card's, it was
    written by another scikit-learn version (retrain with ``tgexchange train spam``), or it holds a
    type outside ``TRUSTED_TYPES`` (skops refuses to build it). The bytes that are hashed are the
    bytes that are loaded.
    """
    card = read_card(directory, version)
    path = directory / f"{version}.skops"  # never a path taken from the card
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelArtifactError(f"cannot read the model {path}: {error}") from error
    if _sha256(data) != card.get("sha256"):
        raise ModelArtifactError(f"{path.name} does not match the sha256 in {version}.json")
    if card.get("sklearn_version") != sklearn.__version__:
        raise ModelArtifactError(
            f"{path.name} was written by scikit-learn {card.get('sklearn_version')}, this is"
            f" {sklearn.__version__}: retrain with `tgexchange train spam`"
        )
    try:
        pipeline = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as error:
        raise ModelArtifactError(f"{path.name} holds types we do not trust: {error}") from error
    if not isinstance(pipeline, Pipeline):
        raise ModelArtifactError(f"{path.name} holds a {type(pipeline).__name__}, not a Pipeline")
    try:
        threshold, c = float(card["threshold"]), float(card["selection"]["C"])
        delete_topic_words = card["delete_topic_words"]
    except (KeyError, TypeError, ValueError) as error:
        raise ModelArtifactError(f"{version}.json lacks a usable threshold, C or input: {error}") from error
    if not isinstance(delete_topic_words, bool):
        raise ModelArtifactError(f"{version}.json: delete_topic_words must be true or false")
    return SpamModel(pipeline, threshold=threshold, c=c, version=version, delete_topic_words=delete_topic_words)
