"""Calls to act on an account are read as spam's only when they are calls: the text half keeps
"channel", "subscribe", "follow", "share", "check", "visit" only next to the writer's own account,
and the hand features count a call to subscribe or follow, not the word."""

from __future__ import annotations

import pytest

from tgexchange.ml.spam_features import FEATURE_NAMES, hand_features, without_others_calls_to_act
from tgexchange.ml.spam_model import classifier_input


@pytest.mark.parametrize(
    "text",
    [
        "follow me on twitter for more",
        "subscribe to my channel",
        "check out my new song",
        "please share my video",
        "visit our page",
        "my little channel",
        "can you follow us",
    ],
)
def test_a_call_to_act_on_the_writers_own_account_stays(text: str) -> None:
    assert without_others_calls_to_act(text) == text
    assert classifier_input(text) == text


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("the plot is hard to follow", "the plot is hard to  "),
        ("your channel banner is blurry", "your   banner is blurry"),
        ("the subscribe button covers your face", "the   button covers your face"),
        ("i would share this with a friend", "i would   this with a friend"),
        ("subscribers who found you through the series", "  who found you through the series"),
    ],
)
def test_talk_about_someone_elses_account_loses_the_word(text: str, left: str) -> None:
    assert without_others_calls_to_act(text) == left
    assert classifier_input(text) == left


def test_the_text_half_can_still_read_every_word() -> None:
    assert classifier_input("the plot is hard to follow", delete_topic_words=False) == "the plot is hard to follow"


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ("Please subscribe to my channel", 1),
        ("sub 4 sub, follow me", 3),
        ("The subscribe button covers the captions at the end", 0),
        ("Your subscribe reminder comes too early", 0),
        ("The story is hard to follow in the middle", 0),
        ("Subscribers who found you through the series", 0),
    ],
)
def test_the_subscribe_feature_counts_calls_not_the_word(text: str, calls: int) -> None:
    column = FEATURE_NAMES.index("subscribe_call")
    assert hand_features([text])[0, column] == calls
