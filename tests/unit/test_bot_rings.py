"""The admins' list of rings as text: the evidence in plain words, what could not be measured
left out, at most five groups with the rest on the dashboard, and the admin menu last."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tgexchange.bot import rings
from tgexchange.bot.texts import SUPPORTED, Texts, plain
from tgexchange.domain.ring import Ring, RingStatus

T = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EVIDENCE = {
    "internal_exchanges": 9,
    "internal_share": 0.8567,
    "expected_share": 0.0123,
    "timing": {"inside_median_h": 0.004, "community_median_h": 26.0},
    "text_similarity": {"across_members": 0.41, "with_outsiders": None},
}


def ring(ring_id: int, status: RingStatus = RingStatus.FLAGGED, evidence: dict[str, object] | None = None) -> Ring:
    return Ring(
        id=ring_id,
        community_id=7,
        status=status,
        member_ids=(ring_id * 10, ring_id * 10 + 1),
        evidence=EVIDENCE if evidence is None else evidence,
        flagged_at=T,
        last_seen_at=T,
    )


def test_the_evidence_reads_in_rounded_numbers_and_plain_durations() -> None:
    lines = [plain(line) for line in rings.evidence_lines(Texts(strict=True), "en", EVIDENCE)]

    assert lines == [
        "• 86% of their exchanges were with each other (9 exchanges inside the group); "
        "matching alone would give about 1.2%",
        "• they took each other's content after 1 minute (usual in the community: 1 day)",
        "• their feedback to each other shares 41% of its word pairs",
    ]


def test_a_measure_the_detection_could_not_take_is_left_out() -> None:
    evidence = {**EVIDENCE, "timing": {"inside_median_h": None, "community_median_h": 3.0}, "text_similarity": {}}

    lines = rings.evidence_lines(Texts(strict=True), "es", evidence)

    assert len(lines) == 1
    assert "el <b>86 %</b> de sus intercambios" in lines[0]


@pytest.mark.parametrize("language", SUPPORTED)
def test_five_groups_are_shown_the_rest_are_on_the_dashboard_and_the_admin_menu_comes_last(language: str) -> None:
    texts = Texts(strict=True)
    found = [ring(n) for n in range(1, 8)] + [ring(99, RingStatus.CONFIRMED)]
    names = {10: "Ana <3", 11: "Ben"}

    text, keyboard = rings.list_view(
        texts, language, community_id=7, community_title="Makers", rings=found, names=names
    )

    decisions = [row for row in keyboard if row[0].callback_data and row[0].callback_data.startswith("rg:")]
    assert [row[0].callback_data for row in decisions] == [f"rg:{n}:c" for n in range(1, 6)]
    assert [row[1].callback_data for row in decisions] == [f"rg:{n}:k" for n in range(1, 6)]
    assert "#6 ·" not in text
    assert keyboard[-2][0].callback_data == "am:7:d"
    assert keyboard[-1][0].callback_data == "am:7"
    assert "Ana &lt;3, Ben" in text  # names are escaped
    assert "#99" not in text  # confirmed: counted, not listed
    assert ("7 flagged, 1 confirmed" if language == "en" else "7 marcados, 1 confirmado") in text


def test_with_nothing_flagged_the_list_says_so_and_offers_the_admin_menu() -> None:
    text, keyboard = rings.list_view(
        Texts(strict=True), "en", community_id=7, community_title="Makers", rings=[], names={}
    )

    assert "no group waits for a decision (confirmed rings: 0)" in text
    assert [[b.callback_data for b in row] for row in keyboard] == [["am:7"]]
