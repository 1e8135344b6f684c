"""How the spam classifier is trained and evaluated: per video, with thresholds chosen on the
training videos only."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from tgexchange.ml import dataset, evaluation, selection
from tgexchange.ml.candidates import CANDIDATES, SHIPPED, Candidate, Scorer
from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.metrics import evaluation_of

VIDEOS = set(dataset.COLLECTION_FILES)


@pytest.fixture(scope="module")
def comments() -> list[LabelledComment]:
    return dataset.load_collection()


class LinkScorer:
    """A stand-in classifier: spam when the text holds a link-like word or "check"."""

    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]:
        return np.array([0.9 if ("http" in t or "check" in t.lower()) else 0.1 for t in texts], dtype=np.float64)


def test_evaluation_never_shows_the_held_out_video_to_fitting_or_threshold_selection(
    comments: list[LabelledComment], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, frozenset[str]]] = []

    def recording_fit(rows: Sequence[LabelledComment]) -> Scorer:
        seen.append(("fit", frozenset(row.source for row in rows)))
        return LinkScorer()

    choose = selection.choose_threshold

    def recording_choose(rows: Sequence[LabelledComment], probabilities: NDArray[np.float64], **kwargs: float) -> float:
        seen.append(("threshold", frozenset(row.source for row in rows)))
        return choose(rows, probabilities, **kwargs)

    monkeypatch.setattr(selection, "choose_threshold", recording_choose)
    results = evaluation.rotations(comments, Candidate("stand-in", "links", recording_fit))

    assert [r.evaluated_on for r in results] == list(dataset.COLLECTION_FILES)
    per_rotation = len(seen) // 3
    assert per_rotation == 4  # two inner fits, one threshold choice, the final fit
    for index, rotation in enumerate(results):
        calls = seen[index * per_rotation : (index + 1) * per_rotation]
        assert all(rotation.evaluated_on not in sources for _, sources in calls), calls
        threshold_calls = [sources for kind, sources in calls if kind == "threshold"]
        assert threshold_calls == [frozenset(VIDEOS - {rotation.evaluated_on})]
        inner_fits = [sources for kind, sources in calls if kind == "fit"][:2]
        assert all(len(sources) == 1 for sources in inner_fits)  # each inner fit leaves a training video out


def test_the_held_out_numbers_are_the_gates_on_that_video_alone(comments: list[LabelledComment]) -> None:
    results = evaluation.rotations(comments, Candidate("stand-in", "links", lambda rows: LinkScorer()))
    for rotation in results:
        held_out = [c for c in comments if c.source == rotation.evaluated_on]
        e = rotation.evaluation
        assert e.evaluated_on == (rotation.evaluated_on,)
        assert e.spam == sum(c.is_spam for c in held_out)
        assert e.long_ham == sum(c.is_long_ham for c in held_out)
        assert 0 < e.spam_rejected <= e.spam


def test_the_threshold_is_the_lowest_keeping_long_ham_rejection_within_the_target(
    comments: list[LabelledComment],
) -> None:
    probabilities = np.linspace(0.0, 1.0, len(comments))
    threshold = selection.choose_threshold(comments, probabilities, target=0.05)
    assert evaluation_of(comments, probabilities, threshold).long_ham_false_rejection <= 0.05
    lower = round(threshold - 0.005, 3)
    assert (
        lower < selection.THRESHOLD_GRID[0]
        or evaluation_of(comments, probabilities, lower).long_ham_false_rejection > 0.05
    )


def test_an_impossible_target_gives_the_top_of_the_grid(comments: list[LabelledComment]) -> None:
    everything = np.ones(len(comments))
    assert selection.choose_threshold(comments, everything, target=0.0) == selection.THRESHOLD_GRID[-1]


def test_selection_needs_two_videos_and_rotations_three(comments: list[LabelledComment]) -> None:
    one_video = [c for c in comments if c.source == dataset.COLLECTION_FILES[0]]
    with pytest.raises(ValueError, match="two videos"):
        selection.out_of_video_probabilities(one_video)
    two_videos = [c for c in comments if c.source != dataset.COLLECTION_FILES[0]]
    with pytest.raises(ValueError, match="three videos"):
        evaluation.rotations(two_videos)


def test_the_shipped_candidate_is_the_last_compared_and_names_are_unique() -> None:
    assert CANDIDATES[-1] is SHIPPED
    assert len({c.name for c in CANDIDATES}) == len(CANDIDATES)


def test_summaries_take_the_worst_video_not_the_mean(comments: list[LabelledComment]) -> None:
    results = evaluation.rotations(comments, Candidate("stand-in", "links", lambda rows: LinkScorer()))
    summary = evaluation.summarise(results)
    recalls = [r.evaluation.spam_recall for r in results]
    assert summary.worst_recall == min(recalls)
    assert summary.recall_spread == pytest.approx(max(recalls) - min(recalls))
    assert summary.worst_recall <= summary.mean_recall


def test_each_video_is_read_as_feedback_on_it_its_own_links_removed_others_kept(
    comments: list[LabelledComment],
) -> None:
    for name, video in dataset.COLLECTION_VIDEOS.items():
        own = [c.text for c in comments if c.source == name]
        assert video in dataset.packaged_data_dir().joinpath(name).read_text(encoding="utf-8")
        assert not any(video in text for text in own)
        # links to anything else stay, for the self-promotion rule to judge
        assert any("http" in text for text in own)


def test_the_hand_written_feedback_is_ham_for_training_and_no_video_of_an_evaluation() -> None:
    ham = dataset.load_feedback_ham()
    assert len(ham) >= 150
    assert not any(comment.is_spam for comment in ham)
    assert {comment.source for comment in ham} == {dataset.FEEDBACK_NAME}
    assert dataset.FEEDBACK_NAME not in VIDEOS


def test_every_fit_learns_the_hand_written_feedback_unless_told_otherwise(comments: list[LabelledComment]) -> None:
    from tgexchange.ml.training import fit_spam_model

    few = [c for c in comments if c.source == dataset.COLLECTION_FILES[0]][:120]
    # A word of the hand-written feedback that no comment of the collection uses.
    word = "subtitles"
    assert not any(word in c.text.lower() for c in comments)

    def words_of(model: object) -> dict[str, int]:
        union = model.text_pipeline.named_steps["features"]  # type: ignore[attr-defined]
        vocabulary: dict[str, int] = dict(union.transformer_list)["words"].vocabulary_
        return vocabulary

    assert word in words_of(fit_spam_model(few))
    assert word not in words_of(fit_spam_model(few, extra_ham=[]))
