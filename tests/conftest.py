"""Shared fixtures. Real components (Virtuoso, Chromium) come from ``tests/servers.py``.

A missing component skips its tests locally and fails them when ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from servers import (
    BrowserPage,
    VirtuosoServer,
    chromium_available,
    chromium_page,
    launched_chromium,
    running_virtuoso,
    virtuoso_available,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Fixture name -> pytest marker added to every test that uses it (so `-m "not browser"` works).
COMPONENT_MARKERS = {"virtuoso": "virtuoso", "chromium": "browser", "browser_page": "browser"}


def require(available: bool, reason: str) -> None:
    """Skip the test when a component is missing; in CI (``CI=true``) fail it instead."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required when CI=true)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in COMPONENT_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso for the whole session; tests keep to their own named graphs."""
    require(virtuoso_available(), "virtuoso-t/isql-vt not found (virtuoso-opensource-7-bin)")
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the session (launching costs ~1 s); pages get own contexts."""
    require(chromium_available(), "/usr/bin/chromium or the playwright package not found")
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[BrowserPage]:
    """A fresh page, in its own context, with the network blocked except file://."""
    with chromium_page(block_network=True, browser=chromium) as page:
        yield page
