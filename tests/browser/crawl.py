"""What the crawl guard (tests/browser/test_crawl.py) checks on every page, as data and
small functions, so the rules can be read, reviewed and tested apart from the browser.

On each HTML page, opened in Chromium by a role allowed to see it:

- axe-core (WCAG 2.1 A and AA rules, plus the best-practice rules named in STRICT_RULES):
  no violation of impact serious or critical, and none of STRICT_RULES at any impact
  (colour contrast, half of axe's time, once per page: see test_crawl.contrast_role);
- no horizontal scroll at 320 px and at 375 px (`scrollWidth <= innerWidth`);
- no visible English word (text, placeholders, titles, labels for screen readers, the
  document's title) outside ALLOWED_WORDS; e-mail addresses, URLs and file names are
  taken out before the words are counted;
- no raw markup or template syntax in the visible text (`<p>`, `{{ … }}`, `&amp;`);
- element ids unique on the page;
- every form control has a label (a <label>, aria-label, aria-labelledby or title).

Adding a word to the allowlist: only a name that has no Russian form in the product (a
product or standard's own name, a unit of measure, an abbreviation people read as is).
Add it in lower case to ALLOWED_WORDS with a comment saying where it appears.
"""

from __future__ import annotations

import re

# Words in Latin letters that may appear on a page, lower case. Reviewed 07.12.2026.
ALLOWED_WORDS = {
    # Product and standard names shown as such.
    "wagtail",  # the editors' admin («Администрирование Wagtail» is not shown; its logo alt)
    "api",  # «API интранета», in the footer of developers' links
    "openapi",  # the API's schema
    "pdf",
    "docx",
    "doc",
    "odt",
    "rtf",
    "xlsx",
    "csv",
    "jpg",
    "jpeg",
    "png",
    "zip",  # file types in upload hints
    "e-mail",
    "email",  # «e-mail» as Russian documents write it
    "ctrl",
    "shift",
    "enter",  # key names as printed on the keys: «Ctrl+P», «Ctrl+Enter», «Shift+Enter»
}

# axe rules outside the WCAG tags that the guard enforces at every impact: two search
# landmarks with the same name, headings that skip a level, a page without one h1.
STRICT_RULES = {"landmark-unique", "heading-order", "page-has-heading-one", "duplicate-id"}
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}


def axe_options(contrast: bool = True, rules: bool = True) -> dict:
    """AXE_OPTIONS, with the colour-contrast rule off when `contrast` is false; only
    colour contrast when `rules` is false (the page's structure was checked already)."""
    if not rules:
        return {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": ["color-contrast"]}}
    if contrast:
        return AXE_OPTIONS
    return {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}


WIDTHS = (320, 375)
DESKTOP = {"width": 1280, "height": 900}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:ru|рф|ru/\S*)\b")
FILE_NAME = re.compile(r"\S+\.[A-Za-z0-9]{2,5}\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
ROMAN = re.compile(r"^[IVXLCDM]+$")
MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|\{\{|\}\}|\{%|%\}|&[a-zA-Z]+;|&#\d+;")


def _latin_file_name(match) -> str:
    return " " if re.search(r"[A-Za-z]", match.group(0)) else match.group(0)


def english_words(texts: list[str]) -> list[str]:
    """The Latin-letter words of `texts` not in ALLOWED_WORDS, in order, once each."""
    found: dict[str, None] = {}
    for text in texts:
        text = EMAIL.sub(" ", text)
        text = URL.sub(" ", text)
        text = FILE_NAME.sub(_latin_file_name, text)
        for word in WORD.findall(text):
            if word.lower() in ALLOWED_WORDS or ROMAN.match(word):
                continue
            found.setdefault(word, None)
    return list(found)


def raw_markup(texts: list[str]) -> list[str]:
    return [text.strip()[:80] for text in texts if MARKUP.search(text)]


def axe_failures(violations: list[dict]) -> list[str]:
    failures = []
    for violation in violations:
        if violation["impact"] in FAILING_IMPACTS or violation["id"] in STRICT_RULES:
            targets = ", ".join(
                " ".join(node["target"]) if isinstance(node["target"], list) else node["target"]
                for node in violation["nodes"][:3]
            )
            failures.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    return failures


# Collected in the page in one call: the visible texts, duplicate ids, unlabelled
# controls and, at the current width, whether the page scrolls sideways and what sticks out.
PAGE_FACTS = r"""
() => {
  const facts = {ids: [], unlabelled: [], texts: [], overflow: null};
  const counts = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    if (el.id) counts.set(el.id, (counts.get(el.id) || 0) + 1);
  }
  for (const [id, n] of counts) if (n > 1) facts.ids.push(id);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    if ((el.labels && el.labels.length) || el.getAttribute('aria-label')
        || el.getAttribute('aria-labelledby') || el.getAttribute('title')) continue;
    facts.unlabelled.push(el.outerHTML.slice(0, 120));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
    if (!node.nodeValue.trim()) continue;
    if (!parent.checkVisibility({visibilityProperty: true})) continue;
    facts.texts.push(node.nodeValue);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value) facts.texts.push(value);
    }
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button]')) {
    facts.texts.push(el.value);
  }
  facts.texts.push(document.title);
  return facts;
}
"""

OVERFLOW = r"""
() => {
  const width = window.innerWidth;
  const scroll = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (scroll <= width) return null;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const parent = el.parentElement && el.parentElement.getBoundingClientRect();
      if (parent && parent.right > width + 1 && el.parentElement !== document.body) continue;
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      if (el.className && typeof el.className === 'string') {
        name += '.' + el.className.trim().split(/\s+/).join('.');
      }
      out.push(name + ' (' + Math.round(box.right) + ' px)');
      if (out.length >= 4) break;
    }
  }
  return scroll + ' px wide: ' + out.join(', ');
}
"""

# What axe's rules look at, without the data: the set of kinds of element (tag, classes,
# the attributes present, the values of those that change meaning: role, type, scope,
# aria-hidden/expanded/level/required, and whether a leaf has text), then the headings and
# the landmarks in order (heading-order, landmark-unique). Two pages with the same skeleton
# give axe the same structure: the crawl runs axe's rules on one skeleton once per test
# run, whichever role or object shows it first (`axe_once` in test_crawl.py).
SKELETON = r"""
() => {
  const MEANING = ['role', 'type', 'scope', 'aria-hidden', 'aria-expanded', 'aria-level',
                   'aria-required', 'aria-current', 'open', 'multiple'];
  const kinds = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const attrs = [];
    for (const a of el.attributes) {
      if (a.name === 'class') continue;
      attrs.push(MEANING.includes(a.name) ? a.name + '=' + a.value : a.name);
    }
    const leafText = el.children.length === 0 && el.textContent.trim() ? '+t' : '';
    kinds.add(el.tagName + '.' + [...el.classList].sort().join('.') + '['
              + attrs.sort().join(',') + ']' + leafText);
  }
  const order = [];
  const marks = 'h1,h2,h3,h4,h5,h6,main,nav,header,footer,aside,form,[role]';
  for (const el of document.querySelectorAll(marks)) {
    const name = el.tagName + (el.getAttribute('role') || '')
      + (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ? '@' : '');
    if (order[order.length - 1] !== name) order.push(name);
  }
  return [...kinds].sort().join('|') + '#' + order.join('>') + '#' + document.documentElement.lang;
}
"""
