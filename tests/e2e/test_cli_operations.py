"""`tgexchange pause`, `resume` and `status` as an operator types them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import run
from tests.world import World
from tgexchange.bootstrap import build_storage


def test_pause_status_and_resume_one_community_and_everything(tmp_path: Path) -> None:
    storage = build_storage(f"sqlite:///{(tmp_path / 'tgexchange.db').resolve()}")
    community = World(storage).community()
    storage.dispose()

    one = run("pause", "--reason", "raid", "--community", str(community.id), "--by", "ops-ana", data_dir=tmp_path)
    everything = run("pause", "--reason", "deploy", data_dir=tmp_path)
    table = run("status", data_dir=tmp_path)
    as_json = json.loads(run("status", "--json", data_dir=tmp_path).stdout)
    resumed = run("resume", "--community", str(community.id), data_dir=tmp_path)
    resumed_all = run("resume", data_dir=tmp_path)
    again = run("resume", data_dir=tmp_path)

    assert [one.returncode, everything.returncode, resumed.returncode, resumed_all.returncode] == [0, 0, 0, 0]
    assert "exchange: PAUSED since" in table.stdout
    assert "deploy" in table.stdout
    assert "ops-ana" in table.stdout
    assert as_json["communities"] == [
        {
            "id": community.id,
            "title": community.title,
            "paused": True,
            "reason": "raid",
            "since": as_json["communities"][0]["since"],
            "by": "ops-ana",
            "open": False,
        }
    ]
    assert (as_json["anomalies"], as_json["workers"]) == ([], [])
    assert again.returncode == 1
    assert "not paused" in again.stderr


def test_a_pause_needs_a_reason_and_an_unknown_community_is_an_error(tmp_path: Path) -> None:
    blank = run("pause", "--reason", "  ", data_dir=tmp_path)
    unknown = run("pause", "--reason", "x", "--community", "999", data_dir=tmp_path)

    assert blank.returncode == 2
    assert unknown.returncode == 1
    assert "No community with id 999" in unknown.stderr
