"""Highlighted snippets. The database backends return none, so they are built here for
every backend the same way: the text is split into words, a word whose Snowball stem is
one of the query's stems is wrapped in ``<mark>``, everything else is HTML-escaped."""

from __future__ import annotations

from functools import lru_cache
from html import escape  # what django.utils.html.escape calls, without its lazy wrapper

from django.utils.safestring import SafeString, mark_safe

from search.stemming import WORD_RE, normalise, stem


@lru_cache(maxsize=50_000)
def _word_stem(word: str) -> str:
    """The stem of a word as written (snippets stem every word of a text)."""
    return stem(normalise(word))


def _is_hit(word: str, stems: set[str], prefixes: tuple[str, ...]) -> bool:
    return _word_stem(word) in stems or bool(prefixes and normalise(word).startswith(prefixes))


def highlight(text: str, stems: set[str], prefixes: tuple[str, ...] = ()) -> SafeString:
    """All of `text`, escaped, with the words matching `stems` (or starting with one of
    `prefixes`) marked."""
    text = str(text or "")
    out: list[str] = []
    position = 0  # the start of the text not yet written out
    for match in WORD_RE.finditer(text):
        word = match.group()
        if _is_hit(word, stems, prefixes):
            out.append(escape(text[position : match.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))


def snippet(text: str, stems: set[str], words_around: int = 14, max_words: int = 40) -> SafeString:
    """A window of `text` around its densest cluster of matching words, escaped and
    highlighted, with an ellipsis where the text was cut. Without a match, the start."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    matches = list(WORD_RE.finditer(text))
    hits = [i for i, m in enumerate(matches) if _word_stem(m.group()) in stems]
    if hits:
        # The window of max_words words holding the most hits (the first such window).
        best, best_count, last = hits[0], 0, 0
        for position, first in enumerate(hits):
            last = max(last, position)
            while last + 1 < len(hits) and hits[last + 1] < first + max_words:
                last += 1
            if last - position + 1 > best_count:
                best, best_count = first, last - position + 1
        start_word = max(0, best - words_around // 2)
    else:
        start_word = 0
    end_word = min(len(matches), start_word + max_words)
    if not matches:
        return highlight(text[:300], stems)
    start = 0 if start_word == 0 else matches[start_word].start()
    end = len(text) if end_word >= len(matches) else matches[end_word - 1].end()
    body = highlight(text[start:end], stems)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")
