import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from articles.models import Publisher
from tests.conftest import MACHINE_REDIS_URL, admin_path, machine_redis
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    UserFactory,
)

STORAGE_REPORT = (
    "import json; from django.core.files.storage import storages; "
    "s = storages['default']; "
    "print(json.dumps({'backend': type(s).__name__, 'url': s.url('articles/2026/11/a.jpg')}))"
)


def storage_report(**env_overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        SECRET_KEY="x",
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        **env_overrides,
    )
    code = f"import django; django.setup(); {STORAGE_REPORT}"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_stay_on_the_filesystem_unless_a_bucket_is_named():
    assert storage_report() == {
        "backend": "FileSystemStorage",
        "url": "/media/articles/2026/11/a.jpg",
    }


def test_media_go_to_s3_compatible_storage_when_a_bucket_is_named():
    """Every web machine then shares uploads; public URLs carry no signature."""
    minio = storage_report(
        AWS_STORAGE_BUCKET_NAME="sanita33-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_REGION_NAME="eu-south-1",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    cdn = storage_report(
        AWS_STORAGE_BUCKET_NAME="sanita33-media", AWS_S3_CUSTOM_DOMAIN="media.sanita33.it"
    )

    assert minio == {
        "backend": "S3Storage",
        "url": "http://127.0.0.1:9000/sanita33-media/media/articles/2026/11/a.jpg",
    }
    assert cdn["url"] == "https://media.sanita33.it/media/articles/2026/11/a.jpg"


# Two web instances and two task workers sharing PostgreSQL and Redis -----------


class Browser:
    """A user agent with its own cookies, talking to one instance."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        headers = {}
        csrf = next((c.value for c in self.cookies if c.name == "csrftoken"), None)
        if data is not None and csrf:
            headers["X-CSRFToken"] = csrf
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()

    def log_in(self, username: str, password: str) -> None:
        _, _, form = self.request(admin_path("login/"))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        self.request(
            admin_path(f"login/?next={admin_path()}"),
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        assert any(c.name == "sessionid" for c in self.cookies), "staff login failed"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{base} exited with {process.returncode}"
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{base} did not start")


@pytest.fixture
def shared_redis():
    client = machine_redis()
    prefix = f"scaleout-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def cluster(child_env, shared_redis, tmp_path):
    """Two gunicorn instances and two db_worker processes, as on two machines."""
    env = {
        **child_env,
        "DJANGO_SETTINGS_MODULE": "tests.foundation.scaleout_settings",
        "REDIS_URL": MACHINE_REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
        "PAGE_CACHE": "1",
        "WEB_CONCURRENCY": "2",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes, instances = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            instances.append(f"http://127.0.0.1:{port}")
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.1",
                    "--no-startup-delay",
                    "--worker-id",
                    f"scaleout-{n}",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for n in (1, 2)
        ]
        processes += workers
        for base, process in zip(instances, processes, strict=False):
            wait_until_serving(base, process)
        yield instances, workers
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
def test_a_publish_on_one_instance_is_served_fresh_by_the_other(cluster, tmp_path):
    """An editor publishes from the admin of one instance; the other serves it at once."""
    (first, second), workers = cluster
    section = SectionFactory(slug="cardiologia", name="Cardiologia")
    ArticleFactory(section=section, title="Ipertensione, nuove soglie")
    draft = ArticleFactory(
        section=section,
        title="Scompenso, il farmaco approvato",
        draft=True,
        authors=[AuthorFactory(name="Marta Bassi")],  # publishing needs a byline
    )
    SourceFactory(article=draft)  # health content needs a source to be published
    UserFactory(username="caporedattrice", is_superuser=True)
    Publisher.load()  # else the first page view creates it, a content change
    reader = Browser(second)

    reader.request("/cardiologia/")
    status, headers, page = reader.request("/cardiologia/")
    assert (status, headers.get("X-Cache")) == (200, "HIT")
    assert "Ipertensione, nuove soglie" in page
    assert "Scompenso, il farmaco approvato" not in page

    editor = Browser(first)
    editor.log_in("caporedattrice", "password-di-prova")
    status, _, body = editor.request(
        admin_path("articles/article/"),
        {"action": "publish_selected", "_selected_action": draft.pk, "index": 0},
    )
    assert status == 200, body
    assert "1 articolo pubblicato" in body

    status, headers, page = reader.request("/cardiologia/")
    assert (status, headers.get("X-Cache")) == (200, "MISS")
    assert "Scompenso, il farmaco approvato" in page
    draft.refresh_from_db()
    status, _, _ = reader.request(draft.get_absolute_url())
    assert status == 200


@pytest.mark.slow
def test_a_task_enqueued_on_one_instance_runs_exactly_once_on_a_worker(cluster, tmp_path):
    (first, second), workers = cluster
    UserFactory(username="caporedattrice", is_superuser=True)
    log = tmp_path / "runs.log"
    markers = [f"task-{n}" for n in range(12)]
    desks = [Browser(first), Browser(second)]
    for desk in desks:
        desk.log_in("caporedattrice", "password-di-prova")
    ids = []
    for n, marker in enumerate(markers):
        data = {"marker": marker, "log": str(log)}
        status, _, body = desks[n % 2].request("/scaleout/enqueue/", data)
        assert status == 200, body
        ids.append(json.loads(body)["id"])

    deadline = time.monotonic() + 60
    while DBTaskResult.objects.filter(id__in=ids, status="SUCCESSFUL").count() < len(ids):
        assert time.monotonic() < deadline, "tasks were not run within 60 s"
        time.sleep(0.1)
    for worker in workers:
        worker.terminate()  # a worker finishes its current task, then exits
        worker.wait(timeout=20)

    runs = [line.split() for line in log.read_text().splitlines()]
    assert sorted(marker for marker, _ in runs) == sorted(markers)
    worker_pids = {str(w.pid) for w in workers}
    assert {pid for _, pid in runs} <= worker_pids
