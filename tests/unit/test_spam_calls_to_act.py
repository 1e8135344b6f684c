"""Calls to act on an account are read as spam's only when they name the writer's own account
(or, for the hand features, stand where a command to the reader does)."""

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
    assert without_others_calls_to_act(text, commands=False) == text
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


@pytest.mark.parametrize("text", ["please subscribe!!", "subscribe, it would mean a lot", "great song. follow"])
def test_a_bare_command_to_the_reader_counts_for_the_features_only(text: str) -> None:
    assert without_others_calls_to_act(text, commands=True) == text
    assert text != without_others_calls_to_act(text, commands=False)


def test_the_subscribe_feature_counts_calls_to_act_not_the_word() -> None:
    column = FEATURE_NAMES.index("subscribe_call")
    rows = hand_features(["Please subscribe to my channel", "The subscribe button covers the captions at the end"])
    assert rows[0, column] >= 1
    assert rows[1, column] == 0
