"""What a query asks for: its terms, each with the alternatives that satisfy it.

One analysis serves the database backends (SQLite and PostgreSQL), so they read a query
the same way:

1. references to legal acts become one term each («указ 559» → «указ559»,
   `search.acts`), article numbers beside them are dropped;
2. the other words are stemmed, and the words whose stem is that of a stop word or a
   question word are dropped after stemming («что такое конфликт интересов»: «такое»
   stems to «так», a stop word, so it is not required); a query made only of such
   words keeps them;
3. the synonyms kept by editors (`search.synonyms`) become alternatives of the term
   they match: «сувенир» is satisfied by «подарок» too, «декларация» by «справка о
   доходах» (a phrase alternative needs all its words).

A word typed in the wrong keyboard layout is read in the Russian one before (and typos
corrected after) the analysis, by `search.services` with `search.vocabulary`."""

from __future__ import annotations

from dataclasses import dataclass, field

from modelsearch.query import And, Or, PlainText

from search import acts, synonyms
from search.stemming import STOP_STEMS, STOP_WORDS, stem, words

# Forms the database's own stemmer treats differently from ours: PostgreSQL's Snowball
# stems «приём» to «при» but «приёма» to «прием», so a query word of that family asks
# for both forms there.
FORM_ALTERNATIVES = {"прием": ("прием", "приема")}


@dataclass(frozen=True)
class Term:
    """One thing the query asks for: any of `alternatives` (words or phrases, lower
    case, «ё» as «е») satisfies it. `word` is what was typed."""

    word: str
    alternatives: tuple[str, ...]

    @property
    def stems(self) -> set[str]:
        return {stem(w) for alternative in self.alternatives for w in alternative.split()}


@dataclass
class Analysis:
    text: str
    terms: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def stems(self) -> set[str]:
        """Stems to highlight: those of every alternative."""
        result: set[str] = set()
        for term in self.terms:
            result |= term.stems
        return result

    def as_text(self) -> str:
        return " ".join(term.word for term in self.terms)

    def query(self, any_word: bool = False):
        """The query as modelsearch query objects: And (or Or) of the terms, each an Or
        of its alternatives, a phrase alternative an And of its words."""
        parts = [_term_query(term) for term in self.terms]
        if len(parts) == 1:
            return parts[0]
        return Or(parts) if any_word else And(parts)


def _term_query(term: Term):
    options = []
    for alternative in term.alternatives:
        pieces = alternative.split()
        if len(pieces) == 1:
            options.append(PlainText(alternative))
        else:
            options.append(And([PlainText(piece) for piece in pieces]))
    return options[0] if len(options) == 1 else Or(options)


def meaningful(tokens: list[str]) -> list[str]:
    """`tokens` without stop and question words, judged by their stems; all of them if
    nothing is left."""
    kept = [w for w in tokens if w not in STOP_WORDS and stem(w) not in STOP_STEMS]
    return kept or tokens


def analyse(text: str, *, groups: list[list[str]] | None = None) -> Analysis:
    """The terms of `text` (a cleaned query). `groups`: the synonym groups, by default
    those editors keep (`search.synonyms.groups`)."""
    found_acts, rest = acts.split_query(text)
    tokens = words(rest)
    tokens = meaningful(tokens) if tokens else []
    if groups is None:
        groups = synonyms.groups()
    terms: list[Term] = []
    stems = [stem(word) for word in tokens]
    position = 0
    while position < len(tokens):
        match = synonyms.match(groups, stems, position)
        if match is not None:
            length, group = match
            typed = " ".join(tokens[position : position + length])
            alternatives = [typed, *(p for p in group if p != typed)]
            # A phrase of the group that is in another group brings that group too
            # (an editor adds «презент» to «подарок»: «подарки» counts as well).
            for other in synonyms.related(groups, group):
                alternatives.extend(p for p in other if p not in alternatives)
            terms.append(Term(typed, tuple(dict.fromkeys(_expand_forms(alternatives)))))
            position += length
            continue
        word = tokens[position]
        terms.append(Term(word, tuple(dict.fromkeys(_expand_forms([word])))))
        position += 1
    terms.extend(Term(term, (term,)) for term in found_acts)
    # The same term twice asks for nothing more.
    unique: dict[tuple, Term] = {}
    for term in terms:
        unique.setdefault(tuple(sorted(term.stems)), term)
    return Analysis(text=text, terms=list(unique.values()))


def _expand_forms(alternatives: list[str]) -> list[str]:
    result = []
    for alternative in alternatives:
        result.append(alternative)
        pieces = alternative.split()
        if len(pieces) == 1 and stem(alternative) in FORM_ALTERNATIVES:
            result.extend(FORM_ALTERNATIVES[stem(alternative)])
    return result
