"""The public web page is accessible (RGAA / WCAG 2.1 AA), on the real sample report.

Every edition and language of the sample town is checked, as built by the
session fixture ``sample_builds``:

* axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) in headless Debian Chromium,
  driven by Playwright with ``executable_path`` (never a browser download);
* the Nu HTML Checker (vnu.jar, run with Java);
* the structure a screen reader relies on (landmarks, skip link, contents,
  headings, tables, images, data links), read with BeautifulSoup;
* a phone (375 px) and a desktop (1280 px): no horizontal scrolling of the
  page, wide tables scroll in their own focusable region, nothing cut off;
* the print stylesheet, and not a single request to the network.

Under ``.ci/run`` (LABELS_REPORT_REQUIRE_TOOLS=1) a missing browser or
checker is a failure; on a developer's machine it is a skip that says how to
get it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from paths import TOOLS, need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
NPM_TOOLS = ("npm install --prefix tests/.tools --no-save --no-audit --no-fund axe-core@4 vnu-jar")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BUILDS = [("conseil", "fr"), ("conseil", "en"), ("public", "fr"), ("public", "en")]
IDS = [f"{edition}-{lang}" for edition, lang in BUILDS]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
OWN_URL = re.compile(r"^(file|data|about):")


# Fixtures ----------------------------------------------------------------------


@pytest.fixture(scope="module", params=BUILDS, ids=IDS)
def html_path(request, sample_builds) -> Path:
    path = sample_builds[request.param].files["html"]
    assert path.is_file() and path.stat().st_size > 10_000
    return path


@pytest.fixture(scope="module")
def soup(html_path: Path) -> BeautifulSoup:
    return BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for this module (closed after it: Playwright's sync API
    keeps an event loop running while it is open)."""
    need(CHROMIUM.exists(), "Headless Chromium is needed for the accessibility tests: install the Debian package "
                            "(`sudo apt-get install -y chromium`; .ci/run does it). No browser is ever downloaded.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        need(False, "Python playwright is needed: `.venv/bin/pip install -e '.[test]'`")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class OfflinePage:
    """A page in a fresh context where every request is seen and the network is refused."""

    def __init__(self, browser, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.requests: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if OWN_URL.match(url):
            route.continue_()
        else:
            route.abort()

    def open(self, path: Path):
        self.page.goto(path.as_uri(), wait_until="load")
        return self.page

    def foreign_requests(self) -> list[str]:
        return sorted({url for url in self.requests if not OWN_URL.match(url)})

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def phone(browser):
    view = OfflinePage(browser, PHONE)
    yield view
    view.close()


@pytest.fixture()
def desktop(browser):
    view = OfflinePage(browser, DESKTOP)
    yield view
    view.close()


# axe-core and the Nu HTML Checker --------------------------------------------


def axe_violations(page) -> list[dict]:
    need(AXE.is_file(), f"axe-core is needed: run `{NPM_TOOLS}` (.ci/run does it)")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        AXE_TAGS)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.browser
def test_axe_core_finds_no_violation_on_a_phone_and_a_desktop(html_path: Path, phone, desktop) -> None:
    for view in (phone, desktop):
        page = view.open(html_path)
        violations = axe_violations(page)
        assert violations == [], f"{html_path.name} at {page.viewport_size['width']} px:\n{describe(violations)}"
        assert view.foreign_requests() == []


@pytest.fixture(scope="session")
def vnu_messages(sample_builds) -> dict[str, list[dict]]:
    """The Nu HTML Checker's errors for every HTML file of the sample builds (one Java run)."""
    java = shutil.which("java")
    need(java is not None, "Java is needed for the Nu HTML Checker: `sudo apt-get install -y default-jre-headless`")
    need(VNU.is_file(), f"The Nu HTML Checker is needed: run `{NPM_TOOLS}` (.ci/run does it)")
    files = [str(sample_builds[key].files["html"]) for key in BUILDS]
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300, check=False)
    # The checker always prints its JSON report, even when it finds nothing: no output means it did not run.
    output = run.stderr or run.stdout
    assert output, f"the Nu HTML Checker printed nothing (exit code {run.returncode})"
    report = json.loads(output)
    found: dict[str, list[dict]] = {Path(f).as_uri(): [] for f in files}
    for message in report["messages"]:
        found.setdefault(message.get("url", "?"), []).append(message)
    return found


def test_nu_html_checker_finds_no_error(html_path: Path, vnu_messages: dict[str, list[dict]]) -> None:
    errors = [m for m in vnu_messages[html_path.as_uri()] if m.get("type") in ("error", "non-document-error")]
    assert errors == [], "\n".join(f"line {m.get('lastLine')}: {m['message']} [{m.get('extract', '')}]"
                                   for m in errors[:20])
    # nothing reported against a file the checker could not attribute
    assert all(m.get("type") != "error" for m in vnu_messages.get("?", []))


# Structure (parsed HTML) ---------------------------------------------------------


def test_landmarks_are_there_once(soup: BeautifulSoup) -> None:
    body = soup.body
    for name in ("header", "nav", "main", "footer"):
        found = body.find_all(name, recursive=True)
        assert len(found) == 1, name
    header, nav, main, footer = (body.find(n) for n in ("header", "nav", "main", "footer"))
    # header and footer are the page's banner and contentinfo: not inside main or another section
    assert header.parent is body and footer.parent is body and main.parent is body
    assert nav.get("aria-label")
    assert main.get_text(strip=True)


def test_skip_link_is_the_first_focusable_element_and_targets_main(soup: BeautifulSoup) -> None:
    focusable = soup.body.find(lambda tag: (tag.name == "a" and tag.has_attr("href"))
                               or tag.name in ("button", "input", "select", "textarea")
                               or (tag.has_attr("tabindex") and tag["tabindex"] != "-1"))
    assert "skip-link" in focusable.get("class", [])
    assert focusable.get_text(strip=True)
    assert focusable["href"].startswith("#")
    assert soup.find(id=focusable["href"][1:]).name == "main"


def test_table_of_contents_links_every_chapter(soup: BeautifulSoup) -> None:
    nav = soup.find("nav")
    assert nav.find(re.compile("^h[2-6]$")).get_text(strip=True)
    targets = [a["href"] for a in nav.find_all("a")]
    chapters = soup.find("main").find_all("h2")
    assert len(chapters) >= 3
    for heading in chapters:
        if heading.find_parent(class_="downloads"):
            continue
        section = heading.find_parent("section")
        ident = heading.get("id") or (section.get("id") if section else None)
        assert f"#{ident}" in targets, heading.get_text(" ", strip=True)
    for target in targets:
        assert soup.find(id=target[1:]) is not None, target


def test_headings_are_in_order_with_a_single_h1(soup: BeautifulSoup) -> None:
    headings = soup.body.find_all(re.compile(r"^h[1-6]$"))
    levels = [int(h.name[1]) for h in headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    assert all(h.get_text(strip=True) for h in headings)
    # chapters are numbered
    numbered = [h.find(class_="header-section-number") for h in soup.find("main").find_all("h2")]
    assert sum(n is not None for n in numbered) >= 3


def test_tables_have_captions_scoped_headers_and_their_own_scroll_region(soup: BeautifulSoup) -> None:
    tables = soup.find_all("table")
    assert len(tables) >= 5
    widest = max(len(t.find("thead").find_all("th")) for t in tables)
    assert widest >= 7, "the sample report has wide tables (7-8 columns)"
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and caption.get_text(strip=True), table.get("id")
        headers = table.find("thead").find_all("th")
        assert headers and all(th.get("scope") in ("col", "colgroup") for th in headers)
        for th in table.find("tbody").find_all("th"):
            assert th.get("scope") in ("row", "rowgroup")
        region = table.parent
        assert "table-scroll" in region.get("class", [])
        assert region.get("tabindex") == "0" and region.get("role") == "region"
        assert region.get("aria-label") == caption.get_text()


def test_images_have_meaningful_alt_text(soup: BeautifulSoup) -> None:
    images = soup.find_all("img")
    figures = soup.find("main").find_all("figure")
    assert len(figures) >= 2
    for img in images:
        alt = img.get("alt")
        assert alt is not None
        if "logo" in img.get("class", []) and img.find_parent("header"):
            continue  # decorative: the town's name is written beside it
        assert len(alt.strip()) >= 20, alt
        assert not re.search(r"\.(png|jpe?g|svg)$", alt, re.I), alt
        assert alt.strip().lower() not in ("image", "figure", "graphique", "chart")
        assert img["src"].startswith("data:image/")
    for figure in figures:
        img = figure.find("img")
        assert img is not None and figure.find("figcaption").get_text(strip=True)
        assert img["alt"] != figure.find("figcaption").get_text(strip=True), "the alt text describes, it does not repeat"


def test_each_figure_links_to_its_data_and_the_files_are_published(soup: BeautifulSoup, html_path: Path) -> None:
    folder = html_path.parent
    for figure in soup.find("main").find_all("figure"):
        link = None
        for sibling in figure.find_next_siblings(limit=3):
            if sibling.name in ("figure", "section") or re.match("^h[1-6]$", sibling.name or ""):
                break
            link = sibling.find("a", href=re.compile(r"^donnees/[^/]+\.csv$"))
            if link:
                break
        assert link is not None, f"no data link after {figure.get('id')}"
        assert link.get_text(strip=True)
        target = folder / link["href"]
        assert target.is_file() and target.stat().st_size > 0, link["href"]
        assert target.read_text(encoding="utf-8-sig").count("\n") >= 2
    downloads = soup.find(class_="downloads")
    for a in downloads.find_all("a"):
        assert (folder / a["href"]).is_file(), a["href"]


def test_page_is_self_contained(soup: BeautifulSoup) -> None:
    assert soup.find("script") is None and soup.find("link") is None
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag.name
    style = soup.find("style").get_text()
    assert "url(" not in style and "@import" not in style


# In the browser: phone, desktop, print, network ------------------------------------


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll, .figure-scroll, .skip-link')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < -1 || r.right > width + 1) cut.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left)
                                                      + '..' + Math.round(r.right));
  }
  return cut.slice(0, 10);
}"""

REGIONS_JS = """() => [...document.querySelectorAll('.table-scroll')].map(e => ({
  scrolls: e.scrollWidth > e.clientWidth + 1, focusable: e.tabIndex === 0,
  inside: e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1,
  label: e.getAttribute('aria-label')}))"""


@pytest.mark.browser
def test_usable_on_a_phone_without_horizontal_scrolling(html_path: Path, phone) -> None:
    page = phone.open(html_path)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.body.scrollWidth") <= PHONE["width"]
    assert page.evaluate(OVERFLOW_JS) == []
    regions = page.evaluate(REGIONS_JS)
    assert regions and all(r["focusable"] and r["inside"] for r in regions)
    # Under 600 px a wide table reflows as cards: nothing scrolls, every cell names its column.
    cards = page.evaluate("""() => [...document.querySelectorAll('.table-scroll.cards td')].map(td =>
        getComputedStyle(td, '::before').content)""")
    assert cards and all(c.startswith('"') and len(c) > 4 for c in cards), cards[:5]
    assert not page.evaluate("""() => [...document.querySelectorAll('.table-scroll.cards')].some(
        e => e.scrollWidth > e.clientWidth + 1)"""), "no wide table scrolls sideways on a phone"
    captions = page.evaluate("""() => [...document.querySelectorAll('.table-scroll.cards caption')].map(
        c => c.getBoundingClientRect().width)""")
    assert all(width > 0.6 * 375 for width in captions), f"a caption above cards reads as a line: {captions}"
    # text stays readable: body text at least 16 px
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") >= 16
    # the skip link becomes visible when focused, and moves focus to main
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                                  return {cls: e.className, top: r.top, bottom: r.bottom}; }""")
    assert focused["cls"] == "skip-link" and focused["top"] >= 0 and focused["bottom"] > 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # a scrolling table region is reachable by the keyboard
    page.focus(".table-scroll")
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    assert phone.foreign_requests() == []


@pytest.mark.browser
def test_screenshots_at_375_and_1280_px_show_the_whole_page(html_path: Path, phone, desktop, tmp_path: Path) -> None:
    from PIL import Image

    for view, size in ((phone, PHONE), (desktop, DESKTOP)):
        page = view.open(html_path)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        assert page.evaluate(OVERFLOW_JS) == []
        shot = tmp_path / f"{html_path.parent.name}-{size['width']}.jpg"
        page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=60)
        with Image.open(shot) as image:
            assert image.width == size["width"]
            assert image.height > 3 * size["height"]  # the whole report, not one screen
            grey = image.convert("L")
            # every screenful holds something (no blank stretch)
            for top in range(0, image.height - size["height"], size["height"]):
                band = grey.crop((0, top, image.width, top + size["height"]))
                assert band.getextrema()[0] < 128, f"blank screen at {top} px"
        # the main column is centred and readable at 1280 px
        if size is DESKTOP:
            box = page.evaluate("(() => { const r = document.querySelector('main .wrap').getBoundingClientRect();"
                                " return [r.left, r.right]; })()")
            assert box[0] > 100 and size["width"] - box[1] > 100
        assert view.foreign_requests() == []


@pytest.mark.browser
def test_print_stylesheet_is_applied(html_path: Path, desktop) -> None:
    page = desktop.open(html_path)
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).display") != "none"
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.skip-link', 'nav', '.downloads'].map(s =>
        getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 3
    assert page.evaluate("getComputedStyle(document.querySelector('main h2')).breakBefore") == "page"
    assert page.evaluate("getComputedStyle(document.querySelector('.table-scroll')).overflowX") == "visible"
    assert page.evaluate("getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") != "none"


@pytest.mark.browser
def test_no_request_leaves_the_machine(html_path: Path, desktop) -> None:
    page = desktop.open(html_path)
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    assert desktop.requests, "the route saw the page itself"
    assert all(OWN_URL.match(url) for url in desktop.requests), desktop.foreign_requests()
    own = [url for url in desktop.requests if url.startswith("file:")]
    assert own == [html_path.as_uri()] * len(own)  # the page loads no other file
