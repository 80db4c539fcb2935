"""`--dist loadgroup` that works on pytest 9.2: the tests marked ``xdist_group(name)`` run on one
worker, as one unit of work (`make test-fast`).

pytest-xdist 3.8 tells its scheduler about a test's group by appending ``@name`` to the test's
node id in the worker. pytest 9.2 builds node ids another way and the change is lost without an
error, so every test is scheduled on its own (pytest-dev/pytest-xdist#1386). Here each worker
writes the groups it collected to a file instead, and the controller's scheduler reads them.

Loaded with ``-p`` (pyproject.toml) in the controller and in every worker; without pytest-xdist,
or with another ``--dist``, it does nothing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The directory the workers write their groups to: chosen by the controller, passed to each
# worker in its `workerinput`.
WORKERINPUT_KEY = "studysmart_xdist_groups_dir"
_directory_key = pytest.StashKey[Path]()


def groups_directory(config: pytest.Config) -> Path:
    if _directory_key not in config.stash:
        config.stash[_directory_key] = Path(tempfile.mkdtemp(prefix="xdist-groups-"))
    return config.stash[_directory_key]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Controller, before starting a worker: where that worker writes its groups."""
    node.workerinput[WORKERINPUT_KEY] = str(groups_directory(node.config))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Worker: {node id: group} of the tests it collected that carry an ``xdist_group`` mark."""
    directory = getattr(config, "workerinput", {}).get(WORKERINPUT_KEY)
    if directory is None:
        return
    groups = {}
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if names:
            groups[item.nodeid] = "_".join(sorted(names))
    path = Path(directory) / f"{config.workerinput['workerid']}.json"
    path.write_text(json.dumps(groups))


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Controller: pytest-xdist's own loadgroup scheduler, told the groups through the files.

    Its units of work are the groups, largest first, then every other test on its own in
    collection order. The workers write their files while collecting, before they report their
    collection, and the scheduler splits the tests into units only once all have reported.
    """
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    directory = groups_directory(config)

    class FileGroupScheduling(LoadGroupScheduling):
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:
                self._groups = {}
                for path in sorted(directory.glob("*.json")):
                    self._groups.update(json.loads(path.read_text()))
            # An older pytest keeps xdist's "@name" suffix: the parent class reads that.
            return self._groups.get(nodeid) or super()._split_scope(nodeid)

    return FileGroupScheduling(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _directory_key in config.stash:
        shutil.rmtree(config.stash[_directory_key], ignore_errors=True)
