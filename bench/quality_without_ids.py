"""The shipped spam candidate judged on held-out videos whose comments keep their links to the
video itself, as a check that sends comments without their video's id would see them.

Same nested rotations as ``bench/quality.py`` (trained on two videos as shipped, threshold chosen
on them only), only the held-out video is read without ``COLLECTION_VIDEOS``.

Usage: python bench/quality_without_ids.py
"""

from __future__ import annotations

from tgexchange.ml import dataset, selection
from tgexchange.ml.candidates import SHIPPED
from tgexchange.ml.metrics import evaluation_of


def main() -> None:
    comments = dataset.load_collection()
    known = dict(dataset.COLLECTION_VIDEOS)
    for held_out in selection.videos_of(comments):
        inside = [c for c in comments if c.source != held_out]
        dataset.COLLECTION_VIDEOS.clear()
        try:
            outside = dataset.load_collection(files=[held_out])
        finally:
            dataset.COLLECTION_VIDEOS.update(known)
        scorer, chosen = selection.train(inside, SHIPPED)
        e = evaluation_of(outside, scorer.score_prepared([c.text for c in outside]), chosen.threshold)
        print(
            f"{held_out} | {e.threshold:.3f} | {e.spam_rejected}/{e.spam} = {e.spam_recall:.1%} | "
            f"{e.long_ham_rejected_as_spam}/{e.long_ham} = {e.long_ham_false_rejection:.1%}"
        )


if __name__ == "__main__":
    main()
