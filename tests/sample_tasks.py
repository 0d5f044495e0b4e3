"""Tasks used by the worker test: each reports which process ran it."""

import os

from django_tasks import task


@task()
def report_pid(marker: str) -> dict:
    return {"pid": os.getpid(), "marker": marker}
