"""Playwright with Debian's Chromium against pytest-django's live server.

Reusable by any area: `browser` (one per test module), `page_at(width)` for a
fresh page at a viewport width, `site` (live server serving media too),
`newsroom` (demo content), `screenshot(page, name)` into test-artifacts/,
`axe_violations(page)` (axe-core, WCAG 2.1 A/AA rules).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_tool

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
NODE_DIR = Path(settings.BASE_DIR) / "var" / "node"
AXE_VERSION = "4.11.0"
VNU_VERSION = "26.9.27"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def node_package_file(package: str, version: str, relative: str) -> Path | None:
    """A file from an npm package under var/node, installed on first use."""
    target = NODE_DIR / "node_modules" / package / relative
    if not target.exists() and shutil.which("npm"):
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NODE_DIR),
                f"{package}@{version}",
            ],
            check=False,
            capture_output=True,
            timeout=300,
        )
    return target if target.exists() else None


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module.

    Playwright's sync API keeps an event loop running in this thread, which
    Django takes for async code, so the ORM is allowed here; module scope
    keeps that (and the environment variable) away from other modules.
    """
    require_tool(Path(CHROMIUM), "Debian's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_at(browser):
    """page_at(width) opens a page with that viewport width; all are closed afterwards."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def site(live_server, settings):
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def newsroom(transactional_db):
    from tests.browser.newsroom import build_newsroom

    return build_newsroom()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        # Lazy images below the fold load only when scrolled into view.
        page.evaluate(
            "async () => { for (const img of document.images) { img.loading = 'eager'; }"
            " await Promise.all([...document.images].map(i => i.complete ? null :"
            " new Promise(r => { i.onload = i.onerror = r; }))); }"
        )
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = node_package_file("axe-core", AXE_VERSION, "axe.min.js")
    return require_tool(path, "axe-core").read_text()


@pytest.fixture
def axe_violations(axe_source):
    def run(page) -> list[dict]:
        # Evaluated by the driver, not as a <script> element: readers' pages forbid
        # every script in their Content-Security-Policy.
        page.evaluate(axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]

    return run


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    java = shutil.which("java")
    require_tool(Path(java) if java else None, "Java (for the Nu HTML checker)")
    path = node_package_file("vnu-jar", VNU_VERSION, "build/dist/vnu.jar")
    return require_tool(path, "vnu-jar")


def vnu_errors(jar: Path, files: list[Path]) -> list[dict]:
    """Errors from the Nu HTML checker for these files (one JVM for all)."""
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [m for m in messages if m.get("type") == "error"]
