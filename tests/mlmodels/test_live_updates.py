"""Training progress and results reach a student's open pages over /ws/updates/."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from mlmodels.models import ModelVersion, TrainingRun
from mlmodels.services import announce_training
from studysmart.asgi import application
from tests.sockets import session_cookie


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_pushes_training_progress_and_the_new_champion(alice: User) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    socket = WebsocketCommunicator(
        application, "/ws/updates/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    connected, _ = await socket.connect()
    assert connected

    run = await TrainingRun.objects.acreate(trigger="admin", state=TrainingRun.State.RUNNING)
    await sync_to_async(announce_training)(run_id=run.pk)
    frame = await socket.receive_json_from(timeout=5)
    assert frame == {
        "type": "training",
        "run": run.pk,
        "state": "running",
        "champion": None,
        "auc": None,
        "message": None,  # pages poll the status endpoint for the wording of a running one
    }

    await ModelVersion.objects.acreate(
        kind="lnirt",
        version=7,
        artifact="lnirt/lnirt-v7.npz",
        is_active=True,
        is_champion=True,
        metrics={"auc": 0.81},
    )
    await TrainingRun.objects.filter(pk=run.pk).aupdate(state=TrainingRun.State.SUCCEEDED)
    await sync_to_async(announce_training)(run_id=run.pk)
    frame = await socket.receive_json_from(timeout=5)
    assert frame["state"] == "succeeded"
    assert frame["champion"] == "lnirt-v7" and frame["auc"] == 0.81
    assert frame["message"] == "Model updated: lnirt-v7 — AUC 0.81"
    await socket.disconnect()
