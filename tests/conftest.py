"""Shared fixtures: a real Chromium (Debian's) driven by Playwright, with the network cut off.

Every request a page makes that is not `file://` or `data:` (or loopback, for tests that
serve locally) is aborted and counted, so a test can prove a map needs no network. In CI
(env `CI` set) a missing browser fails the run: browser tests may never be skipped there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
TEST_OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
INSTALL_HINT = ("install it with `apt-get install -y chromium` (Debian's Chromium at "
                "/usr/bin/chromium) and `uv sync --group dev` (Python playwright); "
                "`playwright install` is not needed")


def _unavailable(reason: str) -> None:
    """Fails in CI, where browser tests must run; skips with the reason elsewhere."""
    message = f"{reason}; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Where tests leave files for a person to look at (gitignored)."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture(scope="session")
def screenshot_dir(test_output: Path) -> Path:
    folder = test_output / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python playwright is not installed")
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        _unavailable(f"Chromium was not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class OfflinePage:
    """A page whose outside world is cut off, with what it tried to reach."""

    page: object
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _is_local(url: str, allow_loopback: bool) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return allow_loopback and parts.hostname in LOOPBACK_HOSTS


def open_offline(browser: object, *, allow_loopback: bool = False,
                 viewport: dict[str, int] | None = None) -> OfflinePage:
    """A new context and page that abort and count every non-local request.

    Requests are counted both in the route handler (which aborts them) and as they are
    issued, so a request that slips past routing (a service worker, say) is still seen.
    Dialogs are counted and dismissed; page errors are kept for the test to report.
    """
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800},
                                  service_workers="block")
    result = OfflinePage(page=context.new_page())

    counted: set[int] = set()

    def count(request: object) -> None:
        if id(request) not in counted:
            counted.add(id(request))
            result.blocked.append(request.url)

    def route(route: object) -> None:
        if _is_local(route.request.url, allow_loopback):
            route.continue_()
        else:
            count(route.request)
            route.abort()

    def on_request(request: object) -> None:
        if not _is_local(request.url, allow_loopback):
            count(request)

    def on_dialog(dialog: object) -> None:
        result.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    result.page.on("request", on_request)
    result.page.on("dialog", on_dialog)
    result.page.on("pageerror", lambda error: result.errors.append(str(error)))
    return result


@pytest.fixture
def offline_page(browser: object) -> Iterator[OfflinePage]:
    """A fresh page with the network cut off (loopback refused too)."""
    opened = open_offline(browser)
    yield opened
    opened.page.context.close()
