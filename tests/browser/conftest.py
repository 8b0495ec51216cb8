"""Browser tests: one Chromium per module, pages in fresh contexts, skipped
with a message on a machine without Chromium."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by fixtures and checks are plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's tests as browser tests; skip them without Chromium."""
    skip = pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (apt-get install chromium); "
        "browser tests are skipped",
    )
    for item in items:
        if Path(str(item.fspath)).resolve().parent == HERE:
            item.add_marker(pytest.mark.browser)
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable[..., object]]:
    """Return a factory of browser contexts (Chinese, desktop size), closed after."""
    contexts = []

    def make(width: int = 1440):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="zh-CN"
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(new_context) -> Callable[[], object]:
    """Return a factory of pages, each in a context of its own."""
    return lambda: new_context().new_page()


@pytest.fixture
def context(new_context):
    return new_context(1366)


@pytest.fixture
def page(context):
    return context.new_page()
