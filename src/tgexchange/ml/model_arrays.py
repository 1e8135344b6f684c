"""The shipped models as plain arrays (``.npz``, read without pickle), so that a process that only
scores imports neither scikit-learn, skops nor profanity-check: ~2.5 s of every start-up here.

The skops artifact stays the model (trained, audited, the reference); its arrays are what the
numpy replicas (``ml/words.py``, ``ml/trees.py``, ``ml/toxicity.py``) compute with, written beside
it when it is written and checked like it: the card names the arrays' file and its sha256, and the
arrays carry the sha256 of what they were made from. profanity-check's arrays are made from the
installed package's model files, whose version and hashes ``toxicity.json`` records.

Rules when loading: arrays that are absent, or made from other source files than the ones present
(a retrained artifact, another profanity-check), are not used: the caller loads the model as
before and the reason is logged. Arrays whose bytes differ from the card's sha256 (tampered), that
need pickle, lack an array or hold one of the wrong type or shape (foreign) are refused with
``ModelArtifactError``, as a skops file that does not match its card is.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import structlog
from numpy.typing import NDArray

from tgexchange.ml.toxicity import ProfanityScores
from tgexchange.ml.trees import NODE_ARRAYS, BoostedTrees
from tgexchange.ml.words import Tfidf, WordScores

log = structlog.get_logger("tgexchange.model_arrays")

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
TOXICITY_CARD = "toxicity.json"
PROFANITY_CHECK_LICENCE = (
    "MIT: alt-profanity-check, (c) 2018 Victor Zhou, 2021 Menelaos Kotoglou, and Dimitrios Mistriotis"
)
PROFANITY_PACKAGE = "alt-profanity-check"
PROFANITY_FILES = ("data/model.joblib", "data/vectorizer.joblib")  # inside the profanity_check package
FORMAT = 1


class ModelArtifactError(Exception):
    """The model artifact is missing, altered, incompatible or holds types we do not trust."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(data)
        temporary = Path(handle.name)
    temporary.chmod(0o644)  # NamedTemporaryFile makes it private; artifacts are ordinary repo files
    os.replace(temporary, path)


def npz_bytes(arrays: dict[str, NDArray[Any]]) -> bytes:
    """``np.savez_compressed`` of ``arrays`` with a fixed date on every member, so that the same
    arrays always make the same bytes (and the same sha256). Refuses object arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(arrays):
            array = np.asarray(arrays[name])
            if array.dtype.hasobject:
                raise ValueError(f"{name}: object arrays would need pickle")
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return buffer.getvalue()


def read_npz(data: bytes, name: str) -> dict[str, NDArray[Any]]:
    """Every array of an npz file's bytes, read without pickle. Raises ModelArtifactError."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ModelArtifactError(f"{name} is not a plain numpy archive: {error}") from error


def _text(value: str) -> NDArray[np.str_]:
    return np.array(value, dtype=np.str_)


def _terms_array(terms: list[str]) -> NDArray[np.str_]:
    array = np.array(terms, dtype=np.str_)
    # numpy's fixed-width strings drop trailing NULs: a term that would not come back is refused.
    if array.tolist() != terms:
        raise ValueError("a term does not survive numpy's fixed-width strings")
    return array


def _tfidf_arrays(prefix: str, part: Tfidf) -> dict[str, NDArray[Any]]:
    config = {
        "analyzer": part.analyzer,
        "ngram_range": list(part.ngram_range),
        "lowercase": part.lowercase,
        "token_pattern": part.token_pattern,
        "sublinear": part.sublinear,
    }
    return {
        f"{prefix}_config": _text(json.dumps(config, sort_keys=True)),
        f"{prefix}_terms": _terms_array(part.terms),
        f"{prefix}_idf": np.asarray(part.idf, dtype=np.float64),
    }


def spam_arrays(words: WordScores, trees: BoostedTrees, *, source_sha256: str) -> dict[str, NDArray[Any]]:
    """The spam model's arrays, from its two replicas, made from the skops file ``source_sha256``."""
    arrays: dict[str, NDArray[Any]] = {
        "format": np.array(FORMAT),
        "source": _text(source_sha256),
        "words_parts": np.array(len(words.parts)),
        "words_coef": np.asarray(words.coef, dtype=np.float64),
        "words_intercept": np.array(words.intercept, dtype=np.float64),
        "trees_baseline": np.array(trees.baseline, dtype=np.float64),
        "trees_n_features": np.array(trees.n_features),
    }
    for k, part in enumerate(words.parts):
        arrays |= _tfidf_arrays(f"words{k}", part)
    arrays |= {f"trees_{name}": array for name, array in trees.arrays.items()}
    return arrays


def _scalar(arrays: dict[str, NDArray[Any]], key: str, kind: str) -> Any:
    array = arrays[key]
    if array.shape != () or array.dtype.kind not in kind:
        raise ValueError(f"{key} is not a scalar of kind {kind}")
    return array.item()


def _vector(arrays: dict[str, NDArray[Any]], key: str, kind: str) -> NDArray[Any]:
    array = arrays[key]
    if array.ndim != 1 or array.dtype.kind not in kind:
        raise ValueError(f"{key} is not a vector of kind {kind}")
    return array


def _tfidf_of(arrays: dict[str, NDArray[Any]], prefix: str) -> Tfidf:
    config = json.loads(_scalar(arrays, f"{prefix}_config", "U"))
    low, high = (int(n) for n in config["ngram_range"])
    if not 1 <= low <= high:
        raise ValueError(f"{prefix}: ngram_range {low, high}")
    return Tfidf(
        analyzer=str(config["analyzer"]),
        ngram_range=(low, high),
        lowercase=bool(config["lowercase"]),
        token_pattern=str(config["token_pattern"]),
        sublinear=bool(config["sublinear"]),
        terms=_vector(arrays, f"{prefix}_terms", "U").tolist(),
        idf=_vector(arrays, f"{prefix}_idf", "f").astype(np.float64),
    )


def spam_replicas(arrays: dict[str, NDArray[Any]], name: str) -> tuple[str, WordScores, BoostedTrees]:
    """(the source skops file's sha256, the text half, the trees) from ``spam_arrays``' arrays.
    Raises ModelArtifactError when they are not such arrays."""
    try:
        if _scalar(arrays, "format", "iu") != FORMAT:
            raise ValueError(f"format {arrays['format']} is not {FORMAT}")
        parts = [_tfidf_of(arrays, f"words{k}") for k in range(int(_scalar(arrays, "words_parts", "iu")))]
        words = WordScores(
            parts, _vector(arrays, "words_coef", "f").astype(np.float64), float(_scalar(arrays, "words_intercept", "f"))
        )
        trees = BoostedTrees(
            {node: _vector(arrays, f"trees_{node}", "iufb") for node in NODE_ARRAYS},
            baseline=float(_scalar(arrays, "trees_baseline", "f")),
            n_features=int(_scalar(arrays, "trees_n_features", "iu")),
        )
        return str(_scalar(arrays, "source", "U")), words, trees
    except (KeyError, ValueError, TypeError, json.JSONDecodeError, re.error) as error:
        raise ModelArtifactError(f"{name} does not hold the spam model's arrays: {error!r}") from error


def toxicity_arrays(scores: ProfanityScores, *, source: dict[str, Any]) -> dict[str, NDArray[Any]]:
    """profanity-check's arrays, from its replica, made from the package files ``source``."""
    arrays: dict[str, NDArray[Any]] = {
        "format": np.array(FORMAT),
        "source": _text(json.dumps(source, sort_keys=True)),
        "classifiers": np.array(len(scores.terms)),
        "coef": np.stack([coef for coef, *_ in scores.terms]),
        "intercept_a_b": np.array([[intercept, a, b] for _, intercept, a, b in scores.terms], dtype=np.float64),
    }
    return arrays | _tfidf_arrays("words", scores.vectorizer)


def toxicity_replica(arrays: dict[str, NDArray[Any]], name: str) -> tuple[dict[str, Any], ProfanityScores]:
    """(the package files they were made from, the replica). Raises ModelArtifactError."""
    try:
        if _scalar(arrays, "format", "iu") != FORMAT:
            raise ValueError(f"format {arrays['format']} is not {FORMAT}")
        source = json.loads(_scalar(arrays, "source", "U"))
        coef, numbers = arrays["coef"], arrays["intercept_a_b"]
        count = int(_scalar(arrays, "classifiers", "iu"))
        if coef.dtype.kind != "f" or coef.ndim != 2 or numbers.shape != (count, 3) or numbers.dtype.kind != "f":
            raise ValueError("coef or intercept_a_b of the wrong shape")
        terms = [(coef[i].astype(np.float64), *(float(v) for v in numbers[i])) for i in range(count)]
        return source, ProfanityScores(_tfidf_of(arrays, "words"), terms)
    except (KeyError, ValueError, TypeError, IndexError, json.JSONDecodeError, re.error) as error:
        raise ModelArtifactError(f"{name} does not hold profanity-check's arrays: {error!r}") from error


def installed_profanity_check() -> dict[str, Any] | None:
    """The installed alt-profanity-check's version and its model files' sha256, found without
    importing it (that would unpickle the model); None when it is not installed."""
    spec = importlib.util.find_spec("profanity_check")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    try:
        files = {name: sha256_of((package / name).read_bytes()) for name in PROFANITY_FILES}
        version = importlib.metadata.version(PROFANITY_PACKAGE)
    except (OSError, importlib.metadata.PackageNotFoundError):
        return None
    return {"package": PROFANITY_PACKAGE, "version": version, "files": files}


def load_toxicity(directory: Path = ARTIFACT_DIR) -> ProfanityScores | None:
    """profanity-check's replica from ``toxicity.npz``, or None (logged) when there are no arrays
    or they were made from another installed package than this one. Raises ModelArtifactError
    when the arrays do not match their card or are not such arrays."""
    card_path = directory / TOXICITY_CARD
    if not card_path.exists():
        log.info("model_arrays_absent", model="toxicity", card=str(card_path))
        return None
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        expected_source, file_name, expected_sha = card["source"], card["file"], card["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelArtifactError(f"cannot read the card {card_path}: {error}") from error
    installed = installed_profanity_check()
    if installed != expected_source:
        log.warning(
            "model_arrays_not_used",
            model="toxicity",
            reason="made from another profanity-check",
            installed=installed,
            arrays_from=expected_source,
        )
        return None
    path = directory / Path(str(file_name)).name  # never a path outside the folder
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelArtifactError(f"cannot read {path}: {error}") from error
    if sha256_of(data) != expected_sha:
        raise ModelArtifactError(f"{path.name} does not match the sha256 in {TOXICITY_CARD}")
    source, scores = toxicity_replica(read_npz(data, path.name), path.name)
    if source != expected_source:
        raise ModelArtifactError(f"{path.name} was made from other files than {TOXICITY_CARD} names")
    return scores


def write_toxicity(directory: Path = ARTIFACT_DIR) -> dict[str, Any]:
    """Writes ``toxicity.npz`` and its card from the installed profanity-check (imports it);
    returns the card. Raises ModelArtifactError if its model is not of the replicated shape."""
    from tgexchange.ml.toxicity import packaged_scores

    source = installed_profanity_check()
    scores = packaged_scores()
    if source is None or scores is None:
        raise ModelArtifactError("profanity-check is not installed, or its model is not of the replicated shape")
    data = npz_bytes(toxicity_arrays(scores, source=source))
    write_atomically(directory / "toxicity.npz", data)
    card = {
        "source": source,
        "file": "toxicity.npz",
        "sha256": sha256_of(data),
        "made_by": "tgexchange train arrays (from the installed package's files)",
        # The arrays are the package's model's numbers, so its licence comes with them.
        "licence": PROFANITY_CHECK_LICENCE,
    }
    write_atomically(directory / TOXICITY_CARD, (json.dumps(card, indent=2) + "\n").encode("utf-8"))
    return card
