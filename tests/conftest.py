"""Shared fixtures. Real components (Virtuoso, Chromium) come from ``tests/servers.py``.

A missing component skips its tests locally and fails them when ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
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
    import networkx as nx
    from playwright.sync_api import Browser
    from rdflib import Dataset

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


# ---------------------------------------------------------------- the curated graph

REPO = Path(__file__).resolve().parent.parent
# CINECOOP_TEST_DATA runs the suite on another copy of data/ (the curation test grows one)
DATA = Path(os.environ.get("CINECOOP_TEST_DATA") or REPO / "data")
S0, S1, S2, S3, S4 = (
    "000_06f276725383997b", "001_7c0143c62be84d35", "002_215d27630291384d",
    "003_2832cb0f310ffba0", "004_7e29c807a69063d9",
)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated data built once into a temporary out/ folder."""
    from graph.data.build import build

    out = tmp_path_factory.mktemp("out")
    build(DATA, out)
    return out


@pytest.fixture(scope="session")
def synth200(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``scripts/synth.py 200`` built into a temporary out/ folder (about 37,000 triples)."""
    import subprocess
    import sys

    from graph.data.build import build

    root = tmp_path_factory.mktemp("synth200")
    subprocess.run([sys.executable, str(REPO / "scripts" / "synth.py"), "200", "--data",
                    str(root / "data")], check=True, capture_output=True)
    build(root / "data", root / "out")
    return root / "out"


@pytest.fixture(scope="session")
def ds(built: Path) -> Dataset:
    """The built graph as an rdflib Dataset (default graph = union of the source graphs)."""
    from graph.data.build import load_dataset

    return load_dataset(built)


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The folder of the five article texts (CINECOOP_SOURCES, or ../shared/seeds)."""
    value = os.environ.get("CINECOOP_SOURCES")
    folder = Path(value) if value else REPO.parent / "shared" / "seeds"
    require(folder.is_dir(), f"source texts not found at {folder} (set CINECOOP_SOURCES)")
    return folder


FIVE = (S0, S1, S2, S3, S4)


@pytest.fixture(scope="session")
def ds5(ds: Dataset) -> Dataset:
    """Only what the five articles state: their named graphs and the ontology.

    Tests that count (degrees, weights) use it, so that they hold however many sources
    are added to data/.
    """
    from rdflib import Dataset as RDFDataset

    from graph.terms import ONTOLOGY_GRAPH, source_graph

    keep = {source_graph(s) for s in FIVE} | {ONTOLOGY_GRAPH}
    out = RDFDataset(default_union=True)
    for ctx in ds.graphs():
        if ctx.identifier in keep:
            target = out.graph(ctx.identifier)
            for triple in ctx:
                target.add(triple)
    return out


@pytest.fixture(scope="session")
def G5(ds5: Dataset) -> nx.MultiDiGraph:
    """The projection of what the five articles state."""
    from graph.network.projection import project

    return project(ds5)


@pytest.fixture(scope="session")
def G(ds: Dataset) -> nx.MultiDiGraph:
    """The one RDF -> networkx projection of the curated graph."""
    from graph.network.projection import project

    return project(ds)


def key(ds: Dataset, name: str) -> str:
    """The view node key of the entity called ``name`` (any label, any language)."""
    from graph.network.projection import node_key
    from graph.sparql.describe import resolve

    found = node_key(resolve(ds, name))
    assert found is not None, name
    return found
