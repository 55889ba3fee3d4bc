"""Shared fixtures: a real Chromium (Debian's) driven by Playwright, with the network cut off.

Every request a page makes that is not `file://` or `data:` (or loopback, for tests that
serve locally) is aborted and counted (see `offline_browser.py`), so a test can prove a map needs
no network. In CI (env `CI` set) a missing browser fails the run: browser tests may never
be skipped there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from offline_browser import CHROMIUM, INSTALL_HINT, PHONE, OfflinePage, launch, open_offline

TEST_OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


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
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python playwright is not installed")
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        _unavailable(f"Chromium was not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def _checked(opened: OfflinePage) -> Iterator[OfflinePage]:
    yield opened
    opened.page.context.close()
    assert opened.blocked == [], f"the page tried to reach the network: {opened.blocked}"
    assert opened.errors == [], f"the page raised: {opened.errors}"


@pytest.fixture
def offline_page(browser: Any) -> Iterator[OfflinePage]:
    """A fresh page with the network cut off (loopback refused too).

    After the test, the page must have asked for nothing outside and raised no error.
    """
    yield from _checked(open_offline(browser))


@pytest.fixture
def phone_page(browser: Any) -> Iterator[OfflinePage]:
    """`offline_page` on a touch phone (`offline_browser.PHONE`)."""
    yield from _checked(open_offline(browser, **PHONE))
