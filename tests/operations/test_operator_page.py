"""The operator's page: what it shows, rolling a model back, pruning old files (never active)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from mlmodels.models import ModelVersion, TrainingRun
from operations.services import prunable_model_files, prune_model_files, roll_back_model

PAGE = "/admin/operations/processheartbeat/"


def publish(
    model_dir: Path, kind: str, version: int, *, active: bool = False, **kw: Any
) -> ModelVersion:
    relative = f"{kind}/{kind}-v{version}.npz"
    path = model_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 1000 * version)
    return ModelVersion.objects.create(
        kind=kind,
        version=version,
        artifact=relative,
        is_active=active,
        metrics={"auc": 0.6 + version / 100, "ece": 0.05},
        **kw,
    )


@pytest.fixture
def versions(db: None, settings: Any) -> list[ModelVersion]:
    model_dir = Path(settings.MODEL_DIR)
    made = [publish(model_dir, "lnirt", v) for v in range(1, 6)]
    made.append(publish(model_dir, "lnirt", 6, active=True, is_champion=True))
    made.append(publish(model_dir, "sequence", 1, active=True))
    (model_dir / "lnirt" / "stray-from-a-restore.npz").write_bytes(b"y" * 10)
    return made


def test_it_shows_clusters_trainings_versions_and_disk_to_superusers(
    versions: list[ModelVersion], charlie_admin: User, client: Client
) -> None:
    TrainingRun.objects.create(trigger="admin", state="failed", error="NotEnoughData: only 3")
    client.force_login(charlie_admin)
    page = client.get(PAGE).content.decode()
    for text in (
        "Job clusters",
        "No cluster is reporting",
        "NotEnoughData: only 3",
        "lnirt-v6 — champion (served)",
        "Roll back to",
        'value="5"',
        "stray-from-a-restore.npz",
        "Prune these files",
    ):
        assert text in page, text


def test_it_is_for_superusers_only(versions: list[ModelVersion], client: Client) -> None:
    staff = User.objects.create_user("tess", password="tess-password-1", is_staff=True)
    client.force_login(staff)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE + "prune/").status_code == 403


def test_it_rolls_back_and_keeps_the_champion_with_the_kind(
    versions: list[ModelVersion], charlie_admin: User, client: Client
) -> None:
    client.force_login(charlie_admin)
    response = client.post(PAGE + "roll-back/", {"kind": "lnirt", "version": "4"})
    assert response.status_code == 302
    active = ModelVersion.objects.get(kind="lnirt", is_active=True)
    assert (active.version, active.is_champion) == (4, True)
    assert ModelVersion.objects.filter(is_champion=True).count() == 1
    assert ModelVersion.objects.get(kind="sequence").is_active


def test_it_prunes_old_and_stray_files_but_never_active_or_recent_ones(
    versions: list[ModelVersion], settings: Any
) -> None:
    settings.MODEL_KEEP_VERSIONS = 2
    model_dir = Path(settings.MODEL_DIR)
    names = [f.relative for f in prunable_model_files()]
    assert names == [
        "lnirt/lnirt-v1.npz",
        "lnirt/lnirt-v2.npz",
        "lnirt/lnirt-v3.npz",
        "lnirt/stray-from-a-restore.npz",
    ]
    removed, freed = prune_model_files()
    assert (removed, freed) == (4, 6010)
    left = sorted(str(p.relative_to(model_dir)) for p in model_dir.rglob("*.npz"))
    assert left == [
        "lnirt/lnirt-v4.npz",
        "lnirt/lnirt-v5.npz",
        "lnirt/lnirt-v6.npz",
        "sequence/sequence-v1.npz",
    ]
    with pytest.raises(Exception, match="pruned"):
        roll_back_model(kind="lnirt", version=2)


def test_it_never_prunes_an_active_version_even_an_old_one(
    versions: list[ModelVersion], settings: Any
) -> None:
    settings.MODEL_KEEP_VERSIONS = 0
    roll_back_model(kind="lnirt", version=1)
    prune_model_files()
    assert (Path(settings.MODEL_DIR) / "lnirt/lnirt-v1.npz").is_file()
    assert not (Path(settings.MODEL_DIR) / "lnirt/lnirt-v6.npz").exists()
