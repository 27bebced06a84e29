"""Checks a report page in headless Chromium (Debian's, driven by Playwright; nothing is downloaded).

    check_report_page.py PAGE.html [CHROMIUM]

- axe-core (bundled with axe-playwright-python): no violation of impact "serious" or "critical";
- at 390 px (a phone) and 1400 px wide: the summary (`#summary`) fits the window (no horizontal scrolling
  of the summary), and the page itself does not scroll sideways.
Exits 1 naming each failure; prints one line per check otherwise.
"""
import pathlib
import sys

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

page_path = pathlib.Path(sys.argv[1]).resolve()
chromium = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/chromium"
failures = []

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    for width in (390, 1400):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(page_path.as_uri())
        sizes = page.evaluate(
            """() => {
                 const summary = document.querySelector('#summary');
                 const cards = document.querySelector('#summary ul.cards');
                 return {
                   viewport: window.innerWidth,
                   document: document.documentElement.scrollWidth,
                   summary: summary ? summary.scrollWidth : -1,
                   summaryClient: summary ? summary.clientWidth : -1,
                   cardsRight: cards ? cards.getBoundingClientRect().right : 0,
                 };
               }"""
        )
        if sizes["summary"] < 0:
            failures.append(f"{width} px: the page has no #summary")
        elif sizes["summary"] > sizes["summaryClient"] or sizes["cardsRight"] > sizes["viewport"]:
            failures.append(f"{width} px: the summary scrolls sideways ({sizes})")
        if sizes["document"] > sizes["viewport"]:
            failures.append(f"{width} px: the page scrolls sideways ({sizes})")
        print(f"{width} px: summary {sizes['summary']} px in {sizes['summaryClient']} px, page {sizes['document']} px")
        if width == 1400:
            results = Axe().run(page)
            serious = [
                violation
                for violation in results.response["violations"]
                if violation.get("impact") in ("serious", "critical")
            ]
            for violation in serious:
                failures.append(
                    f"axe {violation['impact']}: {violation['id']} ({violation['help']}), "
                    f"{len(violation['nodes'])} element(s), e.g. {violation['nodes'][0]['target']}"
                )
            others = len(results.response["violations"]) - len(serious)
            print(f"axe-core: {len(serious)} serious or critical violations, {others} minor or moderate")
        page.close()
    browser.close()

for failure in failures:
    print(f"check_report_page: {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
