"""The simulator leaves unasked only the requests for a task that the exchange would refuse
(simulation/pool.py): here every request it leaves unasked is asked anyway, through the real
use case on a real SQLite file, and must be refused. The goldens (test_simulation_golden.py)
check that the simulation as a whole decides what it decided before."""

from __future__ import annotations

import pytest

from tests.simulation_golden import CASES, Case
from tests.world import World
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.bootstrap import Storage
from tgexchange.domain.errors import DomainError
from tgexchange.services import task as task_service
from tgexchange.simulation.pool import OpenSubmissions
from tgexchange.simulation.runner import Simulation


class AskingAnyway(OpenSubmissions):
    """Asks the exchange whenever the pool says a request would be refused, and fails the test if
    a task is handed out after all."""

    def __init__(self, simulation: Simulation) -> None:
        super().__init__()
        self.simulation = simulation
        self.unasked = 0
        self.asked = 0

    def may_have_task_for(self, member_id: int) -> bool:
        if super().may_have_task_for(member_id):
            self.asked += 1
            return True
        self.unasked += 1
        sim = self.simulation
        with pytest.raises(DomainError):
            task_service.request_task(sim.storage.uow(), member_id=member_id, now=sim.now, seed=sim.seed)
        return False


@pytest.fixture(scope="module")
def gate() -> ClassifierQualityGate:
    return ClassifierQualityGate()


@pytest.mark.slow
@pytest.mark.parametrize("case", [CASES[1], CASES[-1]], ids=lambda case: case.name)
def test_every_request_the_simulator_leaves_unasked_is_refused_when_asked(
    case: Case, sqlite_storage: Storage, gate: ClassifierQualityGate
) -> None:
    simulation = Simulation(
        sqlite_storage,
        members=case.members,
        days=case.days,
        seed=case.seed,
        gate=gate,
        platforms=case.platforms,
        outage_rate=case.outage_rate,
    )
    checking = AskingAnyway(simulation)
    simulation.open_submissions = checking

    simulation.run()

    # Both kinds happened, dozens of each: requests left unasked (each refused when asked) and
    # requests made (41 in the outages case since spam-v4 refuses less honest feedback).
    assert checking.unasked > 30
    assert checking.asked > 30


def test_a_submission_leaves_the_pool_when_its_last_slot_is_handed_out() -> None:
    pool = OpenSubmissions()
    pool.opened(10, owner_id=1, slots=2)

    pool.handed(2, 10)
    assert pool.may_have_task_for(3)
    pool.handed(3, 10)

    assert not pool.may_have_task_for(4)


def test_a_skip_gives_the_slot_back_to_everyone_but_who_was_handed_it() -> None:
    pool = OpenSubmissions()
    pool.opened(10, owner_id=1, slots=1)
    pool.handed(2, 10)

    pool.opened(10, owner_id=1)

    assert pool.may_have_task_for(3)
    assert not pool.may_have_task_for(2)  # a member is never handed the same submission twice
    assert not pool.may_have_task_for(1)  # nor their own


def test_the_pool_read_from_storage_holds_the_open_submissions_with_free_slots(sqlite_storage: Storage) -> None:
    world = World(sqlite_storage)
    community = world.community()
    owner, giver, other = world.member(community), world.member(community), world.member(community)
    world.submission(owner, wanted=1)
    pool = OpenSubmissions()

    pool.refresh(sqlite_storage.uow(), community_id=community.id)
    assert pool.may_have_task_for(giver.id)
    assert not pool.may_have_task_for(owner.id)

    world.task(giver)  # takes the only slot
    pool.refresh(sqlite_storage.uow(), community_id=community.id)
    assert not pool.may_have_task_for(other.id)
