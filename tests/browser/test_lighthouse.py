"""Lighthouse on the reader's main pages, mobile and desktop, as served by gunicorn in
production mode: performance 95 or more, and accessibility, best practices and SEO at
100. Those three do not depend on timing, and one failed audit costs only 4 to 8
points there (a 22 px target scored 96): anything under 100 is a real defect.

The search page is left out: it carries `noindex` on purpose, which Lighthouse's SEO
category counts against it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, NODE_DIR, node_package_file
from tests.conftest import require_tool
from tests.faults.conftest import free_port, gunicorn

LIGHTHOUSE_VERSION = "12.2.3"
SCRIPT = Path(__file__).with_name("lighthouse.mjs")
# Performance moves with the machine's load; the other categories are pass/fail audits.
MIN_SCORES = {"performance": 0.95, "accessibility": 1, "best-practices": 1, "seo": 1}


@pytest.fixture
def lighthouse() -> Path:
    node = shutil.which("node")
    require_tool(Path(node) if node else None, "Node.js (for Lighthouse)", "apt-get install nodejs")
    require_tool(Path(CHROMIUM), "Debian's Chromium (apt-get install chromium)")
    return require_tool(
        node_package_file("lighthouse", LIGHTHOUSE_VERSION, "package.json"), "Lighthouse"
    )


@pytest.fixture
def served_site(child_env, newsroom, tmp_path, settings):
    """gunicorn with DEBUG off over the test's newsroom; yields its base URL."""
    from articles import related

    related.recompute_all()  # the article page's «Potrebbero interessarti anche»
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **child_env,
        "DJANGO_SETTINGS_MODULE": "tests.browser.served_settings",
        "SITE_URL": base,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SERVE_MEDIA": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
    }
    env.pop("REDIS_URL", None)
    with gunicorn(env, workers=2, log=tmp_path / "gunicorn.log", port=port):
        yield base


FORM_FACTORS = ("mobile", "desktop")


def lighthouse_runs(pages: list[tuple[str, str]]) -> list[dict]:
    """One run per (form factor, URL), all in one Chromium."""
    result = subprocess.run(
        ["node", str(SCRIPT), str(NODE_DIR), *(f"{ff}:{url}" for ff, url in pages)],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def below_the_bar(run: dict) -> list[str]:
    return [
        f"{category} {score}"
        for category, score in run["scores"].items()
        if score is None or score < MIN_SCORES[category]
    ]


def describe(run: dict) -> list[str]:
    lines = [f"{run['url']} ({run['formFactor']}): {', '.join(below_the_bar(run))}"]
    if run["error"]:
        lines.append(f"    {run['error']}")
    lines += [
        f"    {a['category']}: {a['id']} ({a['title']}) score {a['score']} {a['value']}"
        + (f" on {', '.join(a['items'])}" if a["items"] else "")
        for a in run["failing"]
    ]
    return lines


def test_reader_pages_score_at_least_95_in_every_lighthouse_category(
    lighthouse, served_site, newsroom
):
    article = newsroom["articles"][0]  # lead image, two bylines, tags, sources, related list
    paths = [
        "/",
        "/farmaci/",
        article.get_absolute_url(),
        newsroom["authors"][0].get_absolute_url(),
    ]
    with urllib.request.urlopen(served_site + paths[2], timeout=10) as response:
        shown = response.read().decode()
    assert "<picture>" in shown
    assert 'id="correlati"' in shown
    pages = [(ff, served_site + path) for path in paths for ff in FORM_FACTORS]
    runs = lighthouse_runs(pages)
    # Performance on a shared two-core machine moves by a few points from one run to
    # the next: a page under the bar is measured once more and the better run counts
    # (Lighthouse CI also advises several runs). A real regression fails both.
    retry = [i for i, run in enumerate(runs) if below_the_bar(run)]
    if retry:
        second = lighthouse_runs([pages[i] for i in retry])
        for i, run in zip(retry, second, strict=True):
            if len(below_the_bar(run)) < len(below_the_bar(runs[i])):
                runs[i] = run
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "lighthouse.json").write_text(json.dumps(runs, indent=2))
    failures = [line for run in runs if below_the_bar(run) for line in describe(run)]
    assert not failures, "\n".join(["Lighthouse under the bar:", *failures])
