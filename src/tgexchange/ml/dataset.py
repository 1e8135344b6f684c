"""The labelled comments the spam classifier learns from: the YouTube Spam Collection.

Three of its five files (CC BY 4.0, Alberto, Lochter & Almeida, "TubeSpam", ICMLA 2015) ship
inside the package, with their licence README, under ``tgexchange/ml/datasets/youtube-spam-collection``:
found through ``importlib.resources``, so training works from an installed package as from a
source checkout. Each file holds the comments of one music video; ``COLLECTION_VIDEOS`` names its
YouTube id (the id its own comments link to), so that a comment is read as the gate reads
feedback on a submission: a link to the video itself is not self-promotion (see
``tgexchange.domain.quality.without_links_to``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tgexchange.domain.quality import count_words, without_links_to, without_share_quote
from tgexchange.ml.spam_model import prepare

COLLECTION_VIDEOS: dict[str, str] = {
    "Youtube01-Psy.csv": "9bZkp7q19f0",  # PSY - GANGNAM STYLE
    "Youtube02-KatyPerry.csv": "CevxZvSJLk8",  # Katy Perry - Roar
    "Youtube03-LMFAO.csv": "KQ6zr6kCPj8",  # LMFAO - Party Rock Anthem
}
COLLECTION_FILES: tuple[str, ...] = tuple(COLLECTION_VIDEOS)
COLLECTION_NAME = "youtube-spam-collection"
FEEDBACK_NAME = "hand-written-feedback"
FEEDBACK_FILE = "feedback.jsonl"
LONG_HAM_MIN_WORDS = 8

DataDir = Path | Traversable
"""A folder of collection files: a path given by the user, or the package's own data."""


def packaged_data_dir() -> Traversable:
    """The collection shipped inside the package."""
    return files("tgexchange.ml").joinpath("datasets", COLLECTION_NAME)


@dataclass(frozen=True, slots=True)
class LabelledComment:
    text: str
    """Cleaned with ``prepare``."""
    is_spam: bool
    source: str
    """The collection file it came from: one file per video."""

    @property
    def is_long_ham(self) -> bool:
        """Ham of at least ``LONG_HAM_MIN_WORDS`` words: the comments closest to real feedback."""
        return not self.is_spam and count_words(self.text) >= LONG_HAM_MIN_WORDS


def _rows(data_dir: DataDir, name: str) -> list[dict[str, str]]:
    raw = data_dir.joinpath(name).read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def load_collection(data_dir: DataDir | None = None, files: Sequence[str] = COLLECTION_FILES) -> list[LabelledComment]:
    """The labelled comments of ``files`` (default: the packaged collection), in file order, each
    prepared as the gate prepares feedback on its video (links to a video of ``COLLECTION_VIDEOS``
    removed from that video's comments; a file not named there is read as the gate reads comments
    without their content: only a share-button quote of a video is removed). Raises
    FileNotFoundError for a missing file and ValueError for a row whose CLASS is not 0 or 1."""
    directory = packaged_data_dir() if data_dir is None else data_dir
    comments: list[LabelledComment] = []
    for name in files:
        video = COLLECTION_VIDEOS.get(name)
        for row in _rows(directory, name):
            label = row["CLASS"].strip()
            if label not in {"0", "1"}:
                raise ValueError(f"{name}: CLASS must be 0 or 1, not {label!r}")
            text = prepare(row["CONTENT"])
            text = prepare(without_share_quote(text) if video is None else without_links_to(text, video))
            comments.append(LabelledComment(text, label == "1", name))
    return comments


def raw_collection(
    data_dir: DataDir | None = None, files: Sequence[str] = COLLECTION_FILES
) -> list[tuple[str, str | None]]:
    """Each comment of ``files`` as the file holds it, with its video's id (None for a file not in
    ``COLLECTION_VIDEOS``): what the gate is given at run time, for measuring its speed."""
    directory = packaged_data_dir() if data_dir is None else data_dir
    return [(row["CONTENT"], COLLECTION_VIDEOS.get(name)) for name in files for row in _rows(directory, name)]


def describe_files(data_dir: DataDir | None, names: Sequence[str]) -> list[dict[str, str | int]]:
    """Each file's name, sha256 and number of comments, for the model card."""
    directory = packaged_data_dir() if data_dir is None else data_dir
    return [
        {
            "file": name,
            "sha256": hashlib.sha256(directory.joinpath(name).read_bytes()).hexdigest(),
            "comments": len(_rows(directory, name)),
        }
        for name in names
    ]


def load_feedback_ham() -> list[LabelledComment]:
    """The hand-written feedback shipped beside the collection (``datasets/hand-written-feedback``),
    prepared, as ham: training data only, never a video of an evaluation (its ``source`` is not a
    collection file). Raises ValueError for a line without a string "text"."""
    raw = files("tgexchange.ml").joinpath("datasets", FEEDBACK_NAME, FEEDBACK_FILE).read_text(encoding="utf-8")
    comments: list[LabelledComment] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        text = json.loads(line).get("text")
        if not isinstance(text, str):
            raise ValueError(f"{FEEDBACK_FILE}:{number}: no string text")
        comments.append(LabelledComment(prepare(text), False, FEEDBACK_NAME))
    return comments


def describe_feedback_ham() -> dict[str, str | int]:
    """The hand-written feedback's name, sha256 and number of comments, for the model card."""
    data = files("tgexchange.ml").joinpath("datasets", FEEDBACK_NAME, FEEDBACK_FILE).read_bytes()
    return {
        "file": f"{FEEDBACK_NAME}/{FEEDBACK_FILE}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "comments": len(data.decode("utf-8").splitlines()),
    }
