"""Which of a user's memberships their private commands act in: the community chosen or joined
last (domain.member.acting_membership)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tgexchange.domain.member import Member, acting_membership

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def member(community_id: int, *, joined: int, chosen: int | None = None) -> tuple[Member, int]:
    found = Member(
        community_id=community_id,
        telegram_user_id=7,
        display_name="Ana",
        joined_at=T0 + timedelta(minutes=joined),
        chosen_at=None if chosen is None else T0 + timedelta(minutes=chosen),
    )
    return found, community_id


def acting(*memberships: tuple[Member, int]) -> int | None:
    found = acting_membership(list(memberships))
    return None if found is None else found[1]


def test_nothing_to_act_in_without_a_membership() -> None:
    assert acting() is None


def test_the_community_joined_last_by_default() -> None:
    assert acting(member(1, joined=0), member(2, joined=5)) == 2


def test_a_choice_made_after_the_last_join_wins() -> None:
    assert acting(member(1, joined=0, chosen=10), member(2, joined=5)) == 1


def test_joining_after_a_choice_is_choosing_the_new_community() -> None:
    assert acting(member(1, joined=0, chosen=3), member(2, joined=5)) == 2


def test_the_later_of_two_choices_wins() -> None:
    assert acting(member(1, joined=0, chosen=9), member(2, joined=5, chosen=7)) == 1


def test_at_the_same_moment_a_choice_beats_a_join() -> None:
    assert acting(member(1, joined=0, chosen=5), member(2, joined=5)) == 1
