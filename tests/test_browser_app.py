"""The explorer in a real browser: `streamlit run` on a free port, driven by headless Chromium.

Screenshots of every page are saved under tests/artifacts/ (CI keeps them).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from app_support import ARTIFACTS, ROOT, XSS_ID, XSS_TITLE, build_store

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
WAIT_MS = 30_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("browser"))
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "streamlit_app.py"),
               "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               "--client.toolbarMode", "minimal"]
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "KG_STORE": str(store), "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: run `bash scripts/install-system-deps.sh` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1500})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def settle(page) -> None:
    """Wait until the script run is over and the page is drawn: no running indicator, no
    skeleton placeholders, no stale elements, twice in a row half a second apart."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT_MS)
    idle = (
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length > 5"
    )
    for _ in range(2):
        page.wait_for_function(idle, timeout=WAIT_MS)
        page.wait_for_timeout(500)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_to_method_to_paper_and_back(page, app_url):
    page.goto(app_url)
    settle(page)
    page.get_by_text("papers-kg explorer").first.wait_for(timeout=WAIT_MS)
    shot(page, "01-home")

    box = page.get_by_label("Search")
    box.fill("KAN")
    box.press("Enter")
    page.get_by_text("results for").first.wait_for(timeout=WAIT_MS)
    settle(page)
    shot(page, "02-search-kan")

    page.get_by_role("link", name="KAN — 8 papers").click()
    page.wait_for_url("**/method?method=KAN", timeout=WAIT_MS)
    page.get_by_role("heading", name="Beaten by (3)").wait_for(timeout=WAIT_MS)
    settle(page)
    page.locator(".kg-quote", has_text="speedups of approximately 40x relative to KAN").wait_for(timeout=WAIT_MS)
    graph = page.frame_locator('iframe[title*="agraph"]').locator("canvas")
    graph.first.wait_for(timeout=WAIT_MS)  # the interactive neighbourhood graph is drawn
    page.wait_for_timeout(2500)  # let its layout settle before the screenshot
    shot(page, "03-method-kan")

    page.get_by_role("link", name="MatrixKAN: Parallelized Kolmogorov-Arnold Network").first.click()
    page.wait_for_url("**/paper?paper=matrixkan-parallelized-kolmogorov-arnold-network", timeout=WAIT_MS)
    page.locator(".kg-title").first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.locator("mark.kg-claim").count() >= 1
    assert page.locator("span.kg-method").count() >= 3
    shot(page, "04-paper-matrixkan")

    page.go_back()
    page.wait_for_url("**/method?method=KAN", timeout=WAIT_MS)
    page.get_by_role("heading", name="Beaten by (3)").wait_for(timeout=WAIT_MS)
    page.go_back()
    page.wait_for_url(re.compile(r".*[?&]q=KAN$"), timeout=WAIT_MS)
    page.get_by_text("results for").first.wait_for(timeout=WAIT_MS)


def test_script_title_renders_as_text(page, app_url):
    page.goto(f"{app_url}/paper?paper={XSS_ID}")
    title = page.locator(".kg-title").first
    title.wait_for(timeout=WAIT_MS)
    settle(page)
    assert title.inner_text().strip() == XSS_TITLE
    assert page.locator(".kg-title script, .kg-title b").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert page.dialogs == []
    shot(page, "05-paper-xss")

    page.goto(f"{app_url}/search?q=Revisiting")
    link = page.get_by_role("link", name="Revisiting KAN")
    link.first.wait_for(timeout=WAIT_MS)
    assert XSS_TITLE in link.first.inner_text()
    assert page.dialogs == []


def test_sparql_example_runs(page, app_url):
    page.goto(f"{app_url}/query")
    page.get_by_role("heading", name="Query console").wait_for(timeout=WAIT_MS)
    settle(page)
    page.get_by_role("button", name="Run").click()
    page.get_by_text("2 rows in").first.wait_for(timeout=WAIT_MS)  # methods_outperforming, method=KAN
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.get_by_role("button", name="Download CSV").count() == 1
    shot(page, "06-query-console")


@pytest.mark.parametrize(
    ("name", "path", "expect"),
    [
        ("07-dataset-cifar10", "/entity?dataset=CIFAR-10", "Leaderboard"),
        ("08-claims", "/claims", "Claims"),
        ("09-export", "/export", "Export"),
        ("10-methods", "/method", "Methods"),
        ("11-papers", "/paper", "Papers"),
        ("12-metric-error", "/entity?metric=error", "Leaderboard"),
        ("13-datasets-tasks-metrics", "/entity", "Datasets, tasks and metrics"),
        ("14-compare-kan-mlp", "/compare?a=KAN&b=MLP", "Compare two methods"),
        ("15-conflicts", "/conflicts", "Conflicting claims"),
    ],
)
def test_other_pages_render(page, app_url, name, path, expect):
    page.goto(app_url + path)
    page.get_by_role("heading", name=expect).first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, name)


def test_abstract_mentions_are_links(page, app_url):
    page.goto(f"{app_url}/paper?paper=matrixkan-parallelized-kolmogorov-arnold-network")
    mention = page.locator("a.kg-method", has_text="MatrixKAN").first
    mention.wait_for(timeout=WAIT_MS)
    mention.click()
    page.wait_for_url("**/method?method=MatrixKAN", timeout=WAIT_MS)
    page.get_by_role("heading", name="MatrixKAN", exact=True).wait_for(timeout=WAIT_MS)
    assert len(page.context.pages) == 1  # same tab


def test_leaderboard_paper_links_open_their_paper(page, app_url):
    """A leaderboard's paper cell links to the paper page with the title as the URL's fragment."""
    page.goto(f"{app_url}/paper?paper=sharpdarts-faster-and-more-accurate-differentiable-architecture-search"
              "#sharpDARTS%3A%20Faster%20and%20More%20Accurate%20Differentiable%20Architecture%20Search")
    page.locator(".kg-title", has_text="sharpDARTS").first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
