from tests.world import World


def test_a_new_member_gets_the_welcome_credits_and_the_ledger_balances(any_world: World) -> None:
    community = any_world.community()
    member = any_world.member(community)
    assert any_world.balance(member) == 30
    with any_world.uow() as uow:
        assert uow.ledger.is_balanced()
