"""Text to pdfLaTeX source: the LaTeX specials escaped and every non-ASCII character either left
to ``inputenc`` (Latin-1 and Latin Extended-A letters, which ``[utf8]{inputenc}`` with
``[T1]{fontenc}`` typesets) or mapped to a macro that the :data:`PACKAGES` preamble defines.

Mappings (see :data:`ESCAPES`): Greek letters to upright ``upgreek`` symbols (IL-1β ->
``IL-1\\ensuremath{\\upbeta}``); math and relation signs (≠ ≈ ≤ ≥ ± × → −) to math symbols;
dashes to ``--``/``---``; no-break, narrow no-break (U+202F, the French thousands and unit
space), thin and em spaces to ``~``, ``\\,`` and ``\\quad``; typographic marks (†, ‡, •, …, µ, °,
‰) to text-companion macros. Other characters are replaced by their Unicode compatibility form
(NFKC, e.g. the "ﬁ" ligature -> "fi") when that is plain; anything else raises ``ValueError``
naming the character, rather than a pdfLaTeX failure far from its cause.
"""

from __future__ import annotations

import unicodedata

PACKAGES = (
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage{textcomp}",
    r"\usepackage{upgreek}",
    r"\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}",
)

_SPECIALS: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "#": r"\#",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",  # braces stop a cell's leading "[" being read as the optional argument of \\
    "]": "{]}",
    "\n": " ",
    "\t": " ",
}
_SYMBOLS: dict[str, str] = {
    "\u2013": "--",  # en dash
    "\u2014": "---",  # em dash
    "\u2010": "-",  # hyphen
    "\u2011": r"\mbox{-}",  # non-breaking hyphen
    "\u2212": r"\ensuremath{-}",  # minus sign
    "\u00b5": r"\textmu{}",  # micro sign
    "\u2265": r"\ensuremath{\geq}",
    "\u2264": r"\ensuremath{\leq}",
    "\u2260": r"\ensuremath{\neq}",
    "\u2248": r"\ensuremath{\approx}",
    "\u221e": r"\ensuremath{\infty}",
    "\u00b1": r"\ensuremath{\pm}",
    "\u00d7": r"\ensuremath{\times}",
    "\u2192": r"\ensuremath{\rightarrow}",
    "\u2190": r"\ensuremath{\leftarrow}",
    "\u00b0": r"\textdegree{}",
    "\u2030": r"\textperthousand{}",
    "\u2020": r"\textdagger{}",
    "\u2021": r"\textdaggerdbl{}",
    "\u2022": r"\textbullet{}",
    "\u2026": r"\ldots{}",
    "\u00a0": "~",  # no-break space
    "\u202f": r"\,",  # narrow no-break space
    "\u2009": r"\,",  # thin space
    "\u2002": r"\enspace{}",
    "\u2003": r"\quad{}",
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
}
_GREEK_NAMES = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "final_sigma",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
_GREEK_UPPER_MACROS = {
    "gamma",
    "delta",
    "theta",
    "lambda",
    "xi",
    "pi",
    "sigma",
    "upsilon",
    "phi",
    "psi",
    "omega",
}


def _greek() -> dict[str, str]:
    """U+0391-U+03C9: lower case to ``\\upalpha`` ..., upper case to ``\\Upgamma`` ... or the Latin
    capital it looks like (Alpha -> A)."""
    table = {}
    for code in range(0x391, 0x3CA):
        name = unicodedata.name(chr(code), "")
        if not name.startswith("GREEK "):
            continue
        letter = name.split(" LETTER ")[-1].lower().replace(" ", "_")
        if letter not in _GREEK_NAMES:
            continue
        letter = "sigma" if letter == "final_sigma" else letter
        if "SMALL" in name:
            table[chr(code)] = "o" if letter == "omicron" else rf"\ensuremath{{\up{letter}}}"
        elif letter in _GREEK_UPPER_MACROS:
            table[chr(code)] = rf"\ensuremath{{\Up{letter}}}"
        else:
            table[chr(code)] = _LATIN_LOOKALIKE[letter]
    table["\u03bc"] = r"\textmu{}"  # Greek mu, as the micro sign in units (µg/L)
    return table


_LATIN_LOOKALIKE = {
    "alpha": "A",
    "beta": "B",
    "epsilon": "E",
    "zeta": "Z",
    "eta": "H",
    "iota": "I",
    "kappa": "K",
    "mu": "M",
    "nu": "N",
    "omicron": "O",
    "rho": "P",
    "tau": "T",
    "chi": "X",
}
ESCAPES: dict[str, str] = {**_SPECIALS, **_SYMBOLS, **_greek()}
_TABLE = str.maketrans(ESCAPES)


def _inputenc_knows(char: str) -> bool:
    """Printable ASCII, Latin-1 and Latin Extended-A letters (what utf8 inputenc + T1 set)."""
    code = ord(char)
    return 0x20 <= code < 0x7F or 0xA1 <= code <= 0x17F


def _fallback(char: str, text: str) -> str:
    plain = unicodedata.normalize("NFKC", char)
    if plain != char and all(_inputenc_knows(c) or c in ESCAPES for c in plain):
        return plain.translate(_TABLE)
    name = unicodedata.name(char, "unnamed")
    raise ValueError(
        f"cannot typeset U+{ord(char):04X} {name} ({char!r}) with pdfLaTeX in {text!r}; "
        "add it to retrocohort.render.latex_unicode.ESCAPES"
    )


def escape(text: str) -> str:
    """``text`` as pdfLaTeX source (see the module doc); raises ``ValueError`` for a character
    that has no mapping and no plain compatibility form."""
    out = []
    for char in text:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif _inputenc_knows(char):
            out.append(char)
        else:
            out.append(_fallback(char, text))
    return "".join(out)
