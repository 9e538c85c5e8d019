"""The answer's rich text: plain text to HTML and back, placeholders marked, and the
word-level difference between two versions.

An answer is stored as sanitised HTML (intranet.security.sanitize_html). It is written
in the case page's editor (cases/static/cases/answer_editor.js), which posts HTML, or,
without JavaScript, in a plain textarea: what is typed there becomes paragraphs (a blank
line), line breaks and lists (lines starting with «•», «-», «*» or «1.») here, and the
textarea is filled with the stored answer as such text (`html_to_text`), never with
markup. The e-mail letter uses the same text."""

from __future__ import annotations

import difflib
import re
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kb.typical_answers import PLACEHOLDER

# Tags that start a block of their own (a blank line between blocks in the text).
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"}
_BULLET = re.compile(r"^\s*[•\-*–]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
# Words, runs of spaces and single marks: the units the difference is counted in.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _lines_html(lines: list[str]) -> str:
    """One block of typed lines: runs of list lines become lists, other runs a paragraph
    with line breaks."""
    html: list[str] = []
    run: list[str] = []
    kind = ""

    def flush():
        if not run:
            return
        if kind == "p":
            html.append("<p>" + "<br>".join(escape(line, quote=False) for line in run) + "</p>")
        else:
            items = "".join(f"<li>{escape(line, quote=False)}</li>" for line in run)
            html.append(f"<{kind}>{items}</{kind}>")

    for line in lines:
        line = line.rstrip()
        if bullet := _BULLET.match(line):
            this, text = "ul", bullet.group(1)
        elif numbered := _NUMBERED.match(line):
            this, text = "ol", numbered.group(1)
        else:
            this, text = "p", line.strip()
        if this != kind:
            flush()
            run, kind = [], this
        run.append(text)
    flush()
    return "".join(html)


def text_to_html(text: str) -> str:
    """Text typed in a plain textarea as HTML: a blank line starts a paragraph, a line
    break stays a line break, lines that start with a bullet or a number are a list.
    Everything typed is text: a «<p>» typed is shown as «<p>», never run as markup."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    blocks = [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    return "".join(_lines_html(block.split("\n")) for block in blocks)


class _TextWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [tag, counter]
        self.links: list[str] = []
        self.link_text: list[str] = []

    def _block(self):
        text = "".join(self.out).rstrip(" \t")
        if text and not text.endswith("\n\n"):
            self.out.append("\n" if text.endswith("\n") else "\n\n")

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS and not self.lists:
            self._block()
        if tag in {"ul", "ol"}:
            self.lists.append([tag, 0])
        elif tag == "li":
            text = "".join(self.out)
            if text and not text.endswith("\n"):
                self.out.append("\n")
            if self.lists:
                self.lists[-1][1] += 1
                tag_, number = self.lists[-1]
                marker = f"{number}. " if tag_ == "ol" else "• "
            else:
                marker = "• "
            self.out.append("  " * max(len(self.lists) - 1, 0) + marker)
        elif tag == "br":
            self.out.append("\n")
        elif tag in {"td", "th"}:
            text = "".join(self.out)
            if text and not text.endswith(("\n", " ")):
                self.out.append(" | ")
        elif tag == "tr":
            text = "".join(self.out)
            if text and not text.endswith("\n"):
                self.out.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.link_text.append("")

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            if not self.lists:
                self._block()
        elif tag in _BLOCKS and not self.lists:
            self._block()
        elif tag == "a" and self.links:
            href, text = self.links.pop(), self.link_text.pop().strip()
            if href and href != text and href.removeprefix("mailto:") != text:
                self.out.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data):
        data = re.sub(r"\s+", " ", data)
        text = "".join(self.out)
        if not text or text[-1].isspace():
            data = data.lstrip()
        if self.link_text:
            self.link_text[-1] += data
        self.out.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """The answer's HTML as plain text: paragraphs apart by a blank line, line breaks,
    list items with «•» or their number, a link's address after its text. What the
    textarea shows without JavaScript and what the e-mail letter says."""
    if not html:
        return ""
    writer = _TextWriter()
    writer.feed(str(html))
    writer.close()
    return writer.text()


def mark_placeholders(html: str) -> SafeString:
    """`html` (already safe) with every unfilled placeholder `{name}` in a
    <mark class="placeholder">, so that it stands out until the executor fills it."""
    # The input is safe HTML; only the marks are added.
    return mark_safe(PLACEHOLDER.sub(r'<mark class="placeholder">{\1}</mark>', str(html or "")))


def _hidden(text: str) -> str:
    return f'<span class="visually-hidden">{escape(text)}</span>'


def word_diff(old: str, new: str) -> SafeString:
    """The change from text `old` to text `new`, word by word, as HTML: removed words in
    <del>, added ones in <ins>, each also announced in words for screen readers (and the
    page's styles strike out and underline them), so the change is not told by colour
    alone. Line breaks are kept (shown in a pre-wrapped block)."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # (kept, removed, added) pieces; a space alone between two replacements joins them,
    # so «30 апреля» → «1 мая» reads as one change, not two.
    pieces: list[list[str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            pieces.append([removed, "", ""])
        else:
            pieces.append(["", removed if op != "insert" else "", added if op != "delete" else ""])
    merged: list[list[str]] = []
    for piece in pieces:
        if (
            piece[0] == ""
            and len(merged) >= 2
            and merged[-1][0].isspace()
            and "\n" not in merged[-1][0]
            and merged[-2][0] == ""
            and all(merged[-2][1:] + piece[1:])
        ):
            space = merged.pop()[0]
            merged[-1][1] += space + piece[1]
            merged[-1][2] += space + piece[2]
        elif piece[0] == "" and merged and merged[-1][0] == "":
            merged[-1][1] += piece[1]
            merged[-1][2] += piece[2]
        else:
            merged.append(piece)
    start_del, start_ins = _hidden(_("[removed: ")), _hidden(_("[added: "))
    end = _hidden("]")
    out: list[str] = []
    for kept, removed, added in merged:
        out.append(escape(kept, quote=False))
        if removed:
            out.append(f"<del>{start_del}{escape(removed, quote=False)}{end}</del>")
        if added:
            out.append(f"<ins>{start_ins}{escape(added, quote=False)}{end}</ins>")
    return mark_safe("".join(out))  # every piece of text is escaped above


def changed(old: str, new: str) -> bool:
    return (old or "").split() != (new or "").split()
