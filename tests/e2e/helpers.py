"""What the browser tests do again and again: sign in, and check a page as a person would."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.support.factories import TEST_PASSWORD

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

# Only these fail a test; axe's "moderate" and "minor" findings are advice.
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()

# Visible form controls with no accessible name: no <label> (for= or around it),
# no aria-label, no aria-labelledby pointing at text, no title.
_UNNAMED_CONTROLS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => el.checkVisibility())
  .filter(el => {
    const labelled = [...(el.labels || [])].some(label => label.textContent.trim());
    const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .some(id => (document.getElementById(id)?.textContent || '').trim());
    return !(labelled || byIds || (el.getAttribute('aria-label') || '').trim()
             || (el.getAttribute('title') || '').trim());
  })
  .map(el => el.outerHTML.slice(0, 160))
"""

_OVERFLOW = """
() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(el => !el.closest('.visually-hidden, .skip-link'))
    .slice(0, 5)
    .map(el => [el.tagName.toLowerCase(), el.getAttribute('class')].filter(Boolean).join('.')),
})
"""

# Links and controls partly outside the window, or hidden by a scrolling box around them
# (a menu that scrolls sideways hides its last entries on a phone). The one exception is
# a row of filters made to scroll sideways on a phone ([data-scroll-row]: the status
# filters, the queue's quick views), whose first entries always show.
_CUT_OFF = """
() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
  .filter(el => el.type !== 'hidden' && el.checkVisibility())
  .filter(el => !el.closest('.visually-hidden, .skip-link, [data-scroll-row]'))
  .filter(el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0) return false;
    if (box.left < -1 || box.right > window.innerWidth + 1) return true;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX === 'visible') continue;
      const frame = up.getBoundingClientRect();
      if (box.left < frame.left - 1 || box.right > frame.right + 1) return true;
    }
    return false;
  })
  .map(el => el.outerHTML.slice(0, 120))
"""

# Tables hide their column headers on phones: then every filled cell after the first of its
# row (which names the row) carries its column's name in data-label, shown before the value.
_CELLS_WITHOUT_HEADER = """
() => [...document.querySelectorAll('table')]
  .filter(table => table.tHead && !table.tHead.checkVisibility())
  .flatMap(table => [...table.tBodies].flatMap(body => [...body.rows]))
  .flatMap(row => [...row.cells].slice(1))
  .filter(cell => cell.textContent.trim() && !cell.dataset.label)
  .filter(cell => !cell.querySelector('button, form'))
  .map(cell => cell.outerHTML.slice(0, 120))
"""


# What shows where the keyboard focus is: the outline (and, on form fields, the border)
# and its contrast with the background around the element.
_FOCUS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // The focus is inside the browser's own part of the control (the calendar button of a
  // date field), which the browser outlines itself and pages cannot style.
  if (!el.matches(':focus')) return {element: el.tagName.toLowerCase(), browserPart: true};
  const rgb = value => {
    // color-mix() computes to color(srgb r g b) with channels from 0 to 1.
    const srgb = value.match(/^color\\(srgb ([^ ]+) ([^ ]+) ([^ )]+)/);
    if (srgb) return [+srgb[1] * 255, +srgb[2] * 255, +srgb[3] * 255, 1];
    const parts = (value.match(/[\\d.]+/g) || []).map(Number);
    return [parts[0] || 0, parts[1] || 0, parts[2] || 0, parts.length > 3 ? parts[3] : 1];
  };
  const luminance = ([r, g, b]) => {
    const lin = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  let background = [255, 255, 255, 1];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const color = rgb(getComputedStyle(node).backgroundColor);
    if (color[3] > 0) { background = color; break; }
  }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0;
  let best = outline ? contrast(rgb(style.outlineColor), background) : 0;
  if (el.matches('input, select, textarea')) {
    best = Math.max(best, contrast(rgb(style.borderTopColor), background));
  }
  const label = (el.innerText || el.getAttribute('aria-label') || el.name || el.id || '').trim();
  return {
    element: `${el.tagName.toLowerCase()} "${label.slice(0, 40)}"`,
    focusVisible: el.matches(':focus-visible'),
    outlineWidth: outline,
    contrast: Math.round(best * 100) / 100,
  };
}
"""


def log_in(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/entrar/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()


def horizontal_overflow(page: Page) -> str | None:
    """Why the page scrolls sideways at this width, or None when it fits."""
    found = page.evaluate(_OVERFLOW)
    if found["scrollWidth"] <= found["innerWidth"]:
        return None
    return (
        f"{found['scrollWidth']} px wide in a {found['innerWidth']} px window "
        f"(sticking out: {', '.join(found['wide']) or '?'})"
    )


def cut_off_controls(page: Page) -> list[str]:
    return page.evaluate(_CUT_OFF)


def cells_without_header(page: Page) -> list[str]:
    return page.evaluate(_CELLS_WITHOUT_HEADER)


def unnamed_controls(page: Page) -> list[str]:
    return page.evaluate(_UNNAMED_CONTROLS)


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line per rule."""
    # page.evaluate runs in the page regardless of its Content-Security-Policy.
    results = _axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def page_problems(page: Page) -> list[str]:
    """Everything wrong with the page as it is: sideways scrolling, controls cut off at the
    edge, table cells without their column's name, unnamed controls, and axe-core's
    serious and critical findings."""
    problems = []
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(f"scrolls sideways: {overflow}")
    problems += [f"cut off at the edge: {html}" for html in cut_off_controls(page)]
    problems += [f"cell without its column's name: {html}" for html in cells_without_header(page)]
    problems += [f"control without a name: {html}" for html in unnamed_controls(page)]
    problems += [f"axe: {finding}" for finding in axe_violations(page)]
    return problems


def focus_problem(page: Page) -> str | None:
    """Why the keyboard focus cannot be seen right now, or None when it can."""
    focus = page.evaluate(_FOCUS)
    if focus is None:
        return "the focus is on no element"
    if focus.get("browserPart"):
        return None
    if not focus["focusVisible"] or focus["outlineWidth"] < 2 or focus["contrast"] < 3:
        return f"focus hard to see on {focus['element']}: {focus}"
    return None
