"""Labels in running text: a table cell starts with a capital ("Placebo", "Follow-up"), a
sentence names it in lower case ("65 in placebo", "censored at follow-up"), unless it is an
acronym, a code or a name ("CRP", "IFN-γ", "D-penicillamine")."""

from __future__ import annotations

import re

#: A label whose first word is an ordinary capitalised word ("Placebo", "Interferon gamma"),
#: not an acronym, a code or a name with inner capitals ("CRP", "IFN-γ", "D-penicillamine", "McArdle").
_CAPITALISED_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]+(?=[\s-]|$)")


def in_sentence(label: str) -> str:
    """A label (a group's, a variable's) as it reads inside a sentence: a table prints "Placebo"
    and "Interferon gamma" at the start of a cell, the text says "65 in placebo and 63 in
    interferon gamma".
    Only a first word that is an ordinary capitalised word is lowered; any other label keeps
    its declared spelling ("CRP", "IFN-γ", "D-penicillamine", "5-FU"), and a label the study
    declares in lower case stays so. A sentence that starts with a label uses
    :func:`retrocohort.manuscript.skeleton_words.upper_first`.

    >>> [in_sentence(g) for g in ("Placebo", "Interferon gamma", "D-penicillamine", "CRP > 50")]
    ['placebo', 'interferon gamma', 'D-penicillamine', 'CRP > 50']
    >>> [in_sentence(g) for g in ("Follow-up", "Still's disease", "IFN-γ")]
    ['follow-up', "Still's disease", 'IFN-γ']
    """
    if _CAPITALISED_WORD.match(label) and label[:1].isupper():
        return label[0].lower() + label[1:]
    return label


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 warning", "2 warnings", "1 decimal", "0 decimals" (``many``: an irregular plural).

    >>> plural(1, "warning"), plural(2, "decimal"), plural(1, "is", "are"), plural(3, "is", "are")
    ('1 warning', '2 decimals', '1 is', '3 are')
    """
    return f"{n} {word if n == 1 else many or word + 's'}"
