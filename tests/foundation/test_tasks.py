import os
import subprocess
import sys

import pytest
from django_tasks import default_task_backend

pytestmark = [pytest.mark.slow, pytest.mark.smoke]


def test_task_enqueued_by_a_request_runs_in_a_worker_process(client, settings, child_env):
    """A request enqueues into PostgreSQL; a separate db_worker process executes it."""
    settings.ROOT_URLCONF = "tests.urls_tasks"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    response = client.get("/enqueue/", {"marker": "from-request"})
    task_id = response.json()["id"]
    assert default_task_backend.get_result(task_id).status == "READY"

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0"],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr

    result = default_task_backend.get_result(task_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value["marker"] == "from-request"
    assert result.return_value["pid"] != os.getpid()
