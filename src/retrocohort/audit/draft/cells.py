"""Table cells as statistics: the text of one cell -> its statistic, values and decimals.

A pure module (no I/O): :func:`parse_cell` reads one cell ("69 (61.6)", "18/24 (75.0)",
"45 (33–58)", "12.6 ± 3.1", "2.1 (1.1–4.0)", "<0.001"), :func:`find_cells` the cells of a row
pasted with single spaces, :func:`group_header` a column header with its n ("Survivors
(n = 45)"), :func:`label_end` where a row label stops ("28-d survival 40 (70.2)": the label
keeps its "28-d").

Numbers are read as printed in the wild: a middle dot ("71·0", *The Lancet*) or a comma
("71,0") before one, two or four+ digits is a decimal mark, a comma before exactly three digits
or a thin/no-break space between digit groups a thousands separator ("13,835", "13 835"),
"−" (U+2212) a minus sign. A dot before exactly three digits ("32.000", "11.000") is a decimal
mark unless the paper's own style says otherwise: inside :func:`number_style` with
``decimal_comma=True`` (the draft sets it when :func:`decimal_comma_style` finds a comma decimal
elsewhere in the paper, "5,9%", "p<0,05") an integer printed in dot-separated groups of three
("32.000", "1.250.000") is a thousands-grouped count, 32000. Footnote markers after a cell ("45 (33–58)*", "0.02†", "12ᵃ") are
stripped. What a cell's brackets hold is decided by hints read in order of precedence -- the
row label, the column header, the table header and caption ("Age, years, mean (SD)",
"median [range]", "OR (95% CI)", "n (%)") -- and, when none decides, by the shape of the
numbers (an integer with a share in [0, 100] is "n (%)"); such guesses are marked.

The statistics are those of the published-numbers schema
(``src/retrocohort/config/schemas/published.schema.yaml``): ``count_pct``,
``count_of_total``, ``median_iqr``, ``median`` (with ``min``/``max`` for a range), ``mean_iqr``,
``mean``, ``mean_sd``, ``p_value``, ``percentage``, ``count`` and ``value`` (a ratio with
``ci_low``/``ci_high``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

#: One printed number: thousands groups (comma, thin or no-break space), a decimal mark (".",
#: middle dot "·", or a comma not followed by exactly three digits), an optional minus sign.
NUM = (
    r"[-−]?(?:\d{1,3}(?:[,\u2009\u202f\u00a0]\d{3})+(?![\d·])(?:[.·]\d+)?"
    r"|\d+(?:[.·]\d+|,(?!\d{3}(?!\d))\d+)?|[.·]\d+)"
)
_DASH = r"\s*(?:[–—]|-(?=\s*[-−]?[\d.·])|\bto\b)\s*"
_SEP = rf"(?:{_DASH}|\s*[,;]\s+|\s*;\s*)"
_MARK = r"(?:\s*(?:[*†‡§¶#]+|[ᵃᵇᶜᵈᵉᶠ¹²³⁴⁵⁶⁷⁸⁹⁰]+|(?<=[\d)\]%])[a-e](?![a-z])))"
FOOTNOTE = re.compile(rf"{_MARK}+\s*$")
_REL = r"(?:([<>≤≥=])\s*)"
#: A unit printed between a value and its bracket: one or two words of letters, "/", digits
#: glued to letters ("cells/mm3", "copies/ml", "months", "mg/dL", "x10⁹/L").
_UNIT = r"(?:[A-Za-zµμ×][\w/µμ⁰-⁹²³^.×]*(?:\s+[A-Za-zµμ/][\w/µμ⁰-⁹²³^]*)?)"
#: A label opening an interval's bracket: the statistic it names decides the cell's form.
_LABEL = r"(?:IQR|inter-?quartile\s+range|range|min(?:imum)?\s*[-–,]\s*max(?:imum)?|95\s*%\s*CI|CI)"

_FORMS = {
    "count_of_total": rf"({NUM})\s*/\s*({NUM})(?:\s*\(\s*({NUM})\s*%?\s*\))?",
    # "116 cells/mm3 (IQR: 54–189)", "40.1 months (range: 20–52)", "15.9 (95% CI: 13.6–18.4)":
    # a unit may stand between the value and its bracket, a label may open the bracket
    "interval": (
        rf"({NUM})\s*%?\s*(?P<unit>{_UNIT})?\s*([(\[])\s*(?:(?P<label>{_LABEL})\s*[,:=]?\s*)?"
        rf"({NUM})\s*%?{_SEP}({NUM})\s*%?\s*[)\]]"
    ),
    "pm": rf"({NUM})\s*(?:±|\+/-|\+-)\s*({NUM})",
    "paren": rf"({NUM})\s*([(\[])\s*(?:SD\s*[=:,]?\s*)?({NUM})\s*(%)?\s*[)\]]",
    "p": rf"\b[pP]\s*{_REL}({NUM})|{_REL}?({NUM})",
    "percentage": rf"({NUM})\s*%",
    "pct_paren": rf"({NUM})\s*%\s*[(\[]\s*({NUM})\s*[)\]]",
    "single": rf"({NUM})",
    "to_one": rf"({NUM})\s*:\s*1",
    # "39 (19;35–54)" under "Median Age [years (Range; min-max)]": the range's width, then min–max,
    # read as such when the width is max - min (a check that needs no hint from the label)
    "width_range": rf"({NUM})\s*[(\[]\s*({NUM})\s*;\s*({NUM}){_DASH}({NUM})\s*[)\]]",
}
_CELL = {k: re.compile(rf"^(?:{v})$") for k, v in _FORMS.items()}
_INTERVAL_START = re.compile(rf"^(?:{_FORMS['interval']})")
_ANY = re.compile(
    r"(?<![\w.·/])(?:"
    + "|".join(_FORMS[k] for k in ("count_of_total", "interval", "pm", "paren", "percentage"))
    + rf"|{_REL}{NUM}|{NUM})(?:{_MARK}+|(?![\w·/]))"
)
_HINTS = (
    ("ratio", re.compile(r"\b(?:a?OR|a?HR|a?RR|95\s*%\s*CI|CI|[Oo]dds|[Hh]azard|[Rr]isk ratio)\b")),
    ("range", re.compile(r"\brange\b|\bmin(?:imum)?\s*[-–,]\s*max", re.I)),
    ("iqr", re.compile(r"\bIQR\b|\binter-?quartile|\bQ1\b|\bmedian\b", re.I)),
    ("mean", re.compile(r"\bmean\b|\bSD\b|±|\baverage\b", re.I)),
    ("pct", re.compile(r"%|\bn\s*\(\s*%\s*\)|\bno\.\s*\(\s*%\s*\)", re.I)),
    # a column headed "N of Participants", "Number of patients", "No. of cases": counts, whatever
    # a neighbouring header says ("Mean Age (and SD)")
    ("count", re.compile(r"^\s*(?:n|no\.?|number)\s+of\b", re.I)),
)
#: A column header naming percentages only ("%", "Percent", "(%)"): its bare numbers are percentages.
PCT_COLUMN = re.compile(r"^\s*\(?\s*(?:%|per\s*cent(?:age)?)\s*\)?\s*$", re.I)
#: A column header naming p-values ("p", "p-Value", "P value").
P_COLUMN = re.compile(r"\bp[- ]?values?\b|\bp\b", re.I)
_GROUP_N = re.compile(r"[(\[,;]?\s*\b[nN]\s*[=:]\s*(\d[\d,\u2009\u202f\u00a0]*)\s*[)\]]?")


@dataclass(frozen=True)
class Cell:
    """One cell read as a statistic: ``statistic`` (schema vocabulary), ``form`` (the printed
    form, e.g. "n (%)", "median [range]"), values and decimals keyed alike, the relation of a
    p-value ("<" for "<0.001"), ``guessed`` when no hint decided the form, the ``unit`` printed
    between a value and its bracket ("cells/mm3") and the ``category`` of one count of a pair
    ("female" of "5/7" under "Female/Male")."""

    statistic: str
    form: str
    values: dict[str, float] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)
    relation: str = "="
    guessed: bool = False
    unit: str = ""
    category: str = ""


#: True while drafting a paper whose style is the decimal comma (see :func:`number_style`).
_DECIMAL_COMMA: ContextVar[bool] = ContextVar("decimal_comma", default=False)
#: A comma decimal that cannot be a thousands separator: "0,05" (no thousands group starts with
#: 0) or one or two digits after the comma before "%" ("5,9%", "29,7 %"); an interval "[0,1]"
#: or a citation "[0,12]" is not one.
_COMMA_DECIMAL = re.compile(r"(?<![\d.,·])(?:(?<![\[(])0,\d+(?![\d,\]])|[1-9]\d*,\d{1,2}\s*%(?![\d,]))")
#: An integer in dot-separated groups of three ("32.000", "1.250.000"), first group not 0.
_DOT_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(?:\.\d{3})+$")


#: A unit of things counted whole ("copies/ml", "cells/mm3", "patients"): a value printed before
#: it in dot-separated groups of three, with its interval, is a thousands-grouped count in any paper.
_COUNT_UNIT = re.compile(r"^(?:copies|cells|patients|cases|subjects|participants|children|persons)\b", re.I)


def decimal_comma_style(text: str) -> bool:
    """The paper writes decimals with a comma somewhere ("5,9%", "(p<0,05)", "0,75"): its
    style is the decimal comma, so its dot-grouped integers ("32.000 copies/ml") are thousands.

    >>> decimal_comma_style("55/926 (5,9%) and 32.000 copies/ml"), decimal_comma_style("13,835 patients (62.0%)")
    (True, False)
    >>> decimal_comma_style("(p<0,05)"), decimal_comma_style("scores in [0,1] and (0,5)")
    (True, False)
    """
    return bool(_COMMA_DECIMAL.search(text))


@contextmanager
def number_style(*, decimal_comma: bool) -> Iterator[None]:
    """Read numbers in the paper's own style while inside: with ``decimal_comma`` an integer
    printed in dot-separated groups of three is a thousands-grouped count (:func:`number_value`).

    >>> with number_style(decimal_comma=True):
    ...     number_value("32.000"), number_value("37.900"), number_value("0.001"), number_value("2,75")
    ((32000.0, 0), (37900.0, 0), (0.001, 3), (2.75, 2))
    >>> number_value("32.000")
    (32.0, 3)
    """
    token = _DECIMAL_COMMA.set(decimal_comma)
    try:
        yield
    finally:
        _DECIMAL_COMMA.reset(token)


def dot_thousands(token: str) -> float | None:
    """The value of a number printed in dot-separated groups of three read as a thousands-grouped
    integer ("32.000" -> 32000.0), or None when it has another shape ("32.5", "0.001").

    >>> dot_thousands("11.000"), dot_thousands("0.001")
    (11000.0, None)
    """
    t = token.strip().replace("−", "-")
    return float(t.replace(".", "")) if _DOT_THOUSANDS.match(t) else None


def decimal_comma() -> bool:
    """True inside :func:`number_style` with ``decimal_comma=True``."""
    return _DECIMAL_COMMA.get()


def number_value(token: str) -> tuple[float, int]:
    """(value, decimals shown) of one printed number in any of the spellings of :data:`NUM`;
    in a decimal-comma paper (:func:`number_style`) "32.000" is 32000.

    >>> number_value("71·0"), number_value("13,835"), number_value("75,0"), number_value("−1.20")
    ((71.0, 1), (13835.0, 0), (75.0, 1), (-1.2, 2))
    """
    t = re.sub(r"[\u2009\u202f\u00a0]", "", token.strip()).replace("−", "-").replace("·", ".")
    if _DECIMAL_COMMA.get() and _DOT_THOUSANDS.match(t):
        return float(t.replace(".", "")), 0
    t = re.sub(r",(?=\d{3}(?!\d))", "", t).replace(",", ".")
    decimals = len(t.split(".")[1]) if "." in t else 0
    return float(t), decimals


def clean_cell(text: str) -> str:
    """The cell without surrounding space and trailing footnote markers.

    >>> clean_cell(" 45 (33–58)*† "), clean_cell("0.02ᵃ"), clean_cell("12 (40.0)b")
    ('45 (33–58)', '0.02', '12 (40.0)')
    """
    return FOOTNOTE.sub("", text.strip()).strip()


def form_hint(hints: Sequence[str]) -> set[str]:
    """The forms the first deciding hint names (row label first, then column header, then the
    table header/caption); ``{"iqr", "pct"}`` for "Median (IQR) or n (%)".

    >>> sorted(form_hint(["Age, years", "Mean (SD)"])), sorted(form_hint(["Sex", "Median (IQR) or n (%)"]))
    (['mean'], ['iqr', 'pct'])
    """
    for hint in hints:
        found = {name for name, rx in _HINTS if rx.search(hint or "")}
        if found:
            return found
    return set()


#: The form a column header names after its group ("Uninfected n = 29 n (%)", "Cases, mean (SD)").
_FORM_WORDS = re.compile(
    r"[,;]?\s*(?:\b(?:n|no\.?|number)\s*(?:/\s*N\s*)?\(\s*%\s*\)|"
    r"\b(?:mean|median)\s*(?:[(\[]\s*(?:SD|IQR|range)\s*[)\]]|±\s*SD)|\(\s*%\s*\))",
    re.I,
)


def strip_form(name: str) -> str:
    """A column header's group name without the form it names ("Uninfected n (%)" -> "Uninfected",
    "Cases, mean (SD)" -> "Cases"); "n (%)" alone -> "".

    >>> strip_form("Uninfected n (%)"), strip_form("Cases, mean (SD)"), strip_form("n (%)")
    ('Uninfected', 'Cases', '')
    """
    return re.sub(r"\s+", " ", _FORM_WORDS.sub(" ", name)).strip(" ,;:")


def _vals(**tokens: str | None) -> tuple[dict[str, float], dict[str, int]]:
    values, decimals = {}, {}
    for key, token in tokens.items():
        if token:
            values[key], decimals[key] = number_value(token)
    return values, decimals


def _interval(m: re.Match[str], hint: set[str]) -> Cell:
    """An interval cell: the label inside its bracket ("IQR:", "range:", "95% CI:") decides its
    statistic before any hint; a unit between the value and the bracket is kept as ``unit``.
    Before a unit of things counted whole (:data:`_COUNT_UNIT`), three numbers all printed in
    dot-separated groups of three ("32.000 copies/ml (IQR: 11.000–68.000)") are thousands-grouped
    counts whatever the paper's style (a count-like context, :func:`number_style`)."""
    centre, bracket, low, high = m.group(1), m.group(3), m.group(5), m.group(6)
    label = (m.group("label") or "").lower()
    unit = (m.group("unit") or "").strip()
    if (
        not _DECIMAL_COMMA.get()
        and _COUNT_UNIT.match(unit)
        and all(_DOT_THOUSANDS.match(t) for t in (centre, low, high))
    ):
        with number_style(decimal_comma=True):  # "32.000 copies/ml (IQR: 11.000–68.000)": counts
            return _interval(m, hint)
    named = {"ci"} if "ci" in label else {"range"} if "range" in label or "min" in label else set()
    named |= {"iqr"} if "iqr" in label or "quartile" in label else set()
    if "ci" in named or (not named and "ratio" in hint):
        v, d = _vals(value=centre, ci_low=low, ci_high=high)
        return Cell("value", "ratio (95% CI)", v, d, unit=unit)
    central = "mean" if "mean" in hint and "iqr" not in hint else "median"
    if "range" in named or (not named and "range" in hint):
        v, d = _vals(**{central: centre, "min": low, "max": high})
        return Cell(central, f"{central} [range]", v, d, unit=unit)
    v, d = _vals(**{central: centre, "q1": low, "q3": high})
    guessed = not ({"iqr", "mean"} & hint or "iqr" in named)
    return Cell(f"{central}_iqr", f"{central} (IQR)", v, d, guessed=guessed and bracket == "(", unit=unit)


def parse_cell(
    text: str, hints: Sequence[str] = (), *, p_column: bool = False, pct_column: bool = False
) -> Cell | None:
    """The statistic of one table cell, or None when the cell holds no number (a label, "NA").

    ``hints``: texts that may name the form, in precedence order (row label, column header,
    table header); ``p_column``: the column holds p-values (a bare number in [0, 1] is a p);
    ``pct_column``: the column is headed "%" (a bare number in [0, 100] is a percentage).

    >>> parse_cell("69 (61.6)").values, parse_cell("18/24 (75.0)").statistic
    ({'count': 69.0, 'pct': 61.6}, 'count_of_total')
    >>> parse_cell("45 [21–80]", ["Age, median [range]"]).values
    {'median': 45.0, 'min': 21.0, 'max': 80.0}
    >>> c = parse_cell("12.6 (3.1)", ["Age, mean (SD)"]); c.statistic, c.values
    ('mean_sd', {'mean': 12.6, 'sd': 3.1})
    >>> parse_cell("2.1 (1.1–4.0)", ["OR (95% CI)"]).values
    {'value': 2.1, 'ci_low': 1.1, 'ci_high': 4.0}
    >>> c = parse_cell("<0.001*"); c.statistic, c.relation, c.values
    ('p_value', '<', {'p': 0.001})
    >>> parse_cell("1,234 (71·0)").values, parse_cell("NA")
    ({'count': 1234.0, 'pct': 71.0}, None)
    >>> parse_cell("39 (19;35–54)", ["Median Age [years (Range; min-max)]"]).values
    {'median': 39.0, 'min': 35.0, 'max': 54.0}
    >>> parse_cell("40,7", pct_column=True).values, parse_cell("77.9% (1)").form, parse_cell("1.3: 1").values
    ({'pct': 40.7}, '% (k)', {'value': 1.3})
    """
    cell = clean_cell(text)
    hint = form_hint(hints)
    if m := _CELL["count_of_total"].match(cell):
        v, d = _vals(count=m.group(1), total=m.group(2), pct=m.group(3))
        if d["count"] == d["total"] == 0:
            return Cell("count_of_total", "n/N (%)" if "pct" in v else "n/N", v, d)
    if m := _CELL["interval"].match(cell):
        return _interval(m, hint)
    if m := _CELL["width_range"].match(cell):  # read when its width is its max - min
        v, d = _vals(value=m.group(1), width=m.group(2), min=m.group(3), max=m.group(4))
        if abs(v["max"] - v["min"] - v["width"]) <= 10 ** -max(d["min"], d["max"], d["width"]) / 2:
            central = "mean" if "mean" in hint else "median"
            v = {central: v["value"], "min": v["min"], "max": v["max"]}
            d = {central: d["value"], "min": d["min"], "max": d["max"]}
            return Cell(central, f"{central} (range; min–max)", v, d)
    if m := _CELL["pm"].match(cell):
        v, d = _vals(mean=m.group(1), sd=m.group(2))
        return Cell("mean_sd", "mean ± SD", v, d)
    if m := _CELL["paren"].match(cell):
        first, second, pct = m.group(1), m.group(3), m.group(4)
        (a, da), (b, _) = number_value(first), number_value(second)
        if pct or ("mean" not in hint and da == 0 and 0 <= b <= 100 and a >= 0):
            v, d = _vals(count=first, pct=second)
            return Cell("count_pct", "n (%)", v, d, guessed=not (pct or "pct" in hint))
        if "sd" in cell.lower() or "mean" in hint or da > 0:
            v, d = _vals(mean=first, sd=second)
            return Cell("mean_sd", "mean (SD)", v, d, guessed="mean" not in hint)
        return None
    if m := _CELL["p"].match(cell):
        rel, token = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
        value, decimals = number_value(token)
        relation = {"≤": "<", "≥": ">"}.get(rel or "=", rel or "=")
        is_p = cell[:1] in "pP" or (relation != "=" and value <= 1) or (p_column and value <= 1)
        if is_p:
            return Cell("p_value", "p", {"p": value}, {"p": decimals}, relation)
        if rel:
            return None
    if m := _CELL["percentage"].match(cell):
        v, d = _vals(pct=m.group(1))
        return Cell("percentage", "%", v, d)
    if m := _CELL["pct_paren"].match(cell):  # "77.9% (1)": a percentage and its rank (or n)
        v, d = _vals(pct=m.group(1))
        return Cell("percentage", "% (k)", v, d)
    if pct_column and (m := _CELL["single"].match(cell)) and 0 <= number_value(m.group(1))[0] <= 100:
        v, d = _vals(pct=m.group(1))
        return Cell("percentage", "%", v, d)
    if m := _CELL["to_one"].match(cell):  # "1.3: 1", a ratio to one (male:female)
        v, d = _vals(value=m.group(1))
        return Cell("value", "x:1", v, d)
    if m := _CELL["single"].match(cell):
        value, decimals = number_value(m.group(1))
        central = "median" if "iqr" in hint else "mean" if "mean" in hint else None
        if central:
            return Cell(central, central, {central: value}, {central: decimals}, guessed=True)
        if decimals == 0 and value >= 0:
            return Cell("count", "n", {"count": value}, {"count": 0}, guessed=True)
        return Cell("value", "value", {"value": value}, {"value": decimals}, guessed=True)
    return None


_VERSUS = re.compile(rf"^(\s*)({NUM})\s*(?:vs\.?|versus)\s*({NUM})\s*$")
#: A p-value and a ratio with its CI run together in one cell, under a header naming both ("p
#: value and odds ratio"): "0.33OR 2.24 (0.425–11.80)", "0.24OR = 3.27, (0.412–26.01)".
_P_THEN_RATIO = re.compile(rf"^\s*(?P<p>[<>≤≥]?\s*{NUM})\s*(?:a?OR|a?HR|a?RR)\b\s*[=:]?\s*")
#: One explicit "n (%)" cell; two or more of them run together in one cell ("53 (96.4%)2 (3.6%)",
#: the sub-rows of a label naming two regimens) are read one by one.
_COUNT_PCT = re.compile(rf"({NUM})\s*\(\s*{NUM}\s*%\s*\)")
#: A hint ending with two categories ("Female/Male", "Sex (M/F)", a footnote "** Yes/No"): a
#: cell "5/7" under it is a count of each category, not 5 of a total of 7.
_PAIR = re.compile(r"(?:^|[\s,(:])([A-Za-z][A-Za-z-]*)\s*/\s*([A-Za-z][A-Za-z-]*)\s*\)?\s*[;.]?\s*$")
_PAIR_CELL = re.compile(rf"^\s*({NUM})\s*/\s*({NUM})\s*$")
#: Words that make "a/b" a unit or a total, not two categories ("mg/dL", "n/N").
_NOT_CATEGORY = frozenset(
    "n no total all mg g kg l dl ml ul µl mm mm3 cm m m2 mmol umol µmol iu u h hr min s d day days "
    "wk week month year yr y copies cells".split()
)


def category_pair(hints: Sequence[str]) -> tuple[str, str] | None:
    """The two categories the first hint naming a pair names ("Gender Female/Male" ->
    ("female", "male")), or None; a unit ("mg/dL") or a total ("n/N") is not a pair.

    >>> category_pair(["Signa", "Gender** Female/Male"]), category_pair(["Glucose, mg/dL"]), category_pair(["n/N (%)"])
    (('female', 'male'), None, None)
    """
    for hint in hints:
        m = _PAIR.search(clean_cell(hint or ""))
        if m and not {m.group(1).lower(), m.group(2).lower()} & _NOT_CATEGORY:
            return m.group(1).lower(), m.group(2).lower()
    return None


def parse_cells(text: str, hints: Sequence[str] = (), **kw: bool) -> list[tuple[Cell, str, int]]:
    """(cell, its text, its offset in ``text``) of each statistic one table cell holds: one, or two
    for "a vs. b" (two counts side by side, "8 vs. 27"), for "a/b" under two named categories
    (:func:`category_pair`: "5/7" under "Female/Male" is 5 females and 7 males, each a count with
    its ``category``), and for "n (%)" cells run together ("53 (96.4%)2 (3.6%)"); see
    :func:`parse_cell`.

    >>> [(c.values, t, o) for c, t, o in parse_cells("8 vs. 27")]
    [({'count': 8.0}, '8', 0), ({'count': 27.0}, '27', 6)]
    >>> [(c.values, c.category) for c, _, _ in parse_cells("5/7", ["Gender Female/Male"])]
    [({'count': 5.0}, 'female'), ({'count': 7.0}, 'male')]
    >>> [(c.values, t) for c, t, _ in parse_cells("53 (96.4%)2 (3.6%)")]
    [({'count': 53.0, 'pct': 96.4}, '53 (96.4%)'), ({'count': 2.0, 'pct': 3.6}, '2 (3.6%)')]

    A p-value and a ratio with its CI run together ("0.33OR 2.24 (0.425–11.80)") are two:

    >>> [(c.statistic, c.values, t) for c, t, _ in parse_cells("0.24OR = 3.27, (0.412–26.01)")]
    [('p_value', {'p': 0.24}, '0.24'), ('value', {'value': 3.27, 'ci_low': 0.412, 'ci_high': 26.01}, '3.27 (0.412–26.01)')]
    """
    pair = category_pair(hints)
    run = list(_COUNT_PCT.finditer(text))
    if m := _P_THEN_RATIO.match(text):
        value_at = m.end()
        value = re.sub(rf"^({NUM})\s*,\s*(?=[(\[])", r"\1 ", text[value_at:])  # "3.27, (0.41–26.01)"
        p_cell = parse_cell(m.group("p"), hints, p_column=True)
        ratio_cell = parse_cell(value, ["OR (95% CI)"])
        if p_cell and p_cell.statistic == "p_value" and ratio_cell and ratio_cell.statistic == "value":
            return [(p_cell, m.group("p"), m.start("p")), (ratio_cell, value, value_at)]
    if m := _VERSUS.match(text):
        pieces = [(m.group(2), m.start(2)), (m.group(3), m.start(3))]
    elif (
        pair
        and (m := _PAIR_CELL.match(clean_cell(text)))
        and all(number_value(g)[1] == 0 for g in m.groups())
    ):
        start = len(text) - len(text.lstrip())
        return [
            (
                Cell("count", "n", *_vals(count=m.group(k + 1)), category=pair[k]),
                m.group(k + 1),
                start + m.start(k + 1),
            )
            for k in (0, 1)
        ]
    elif len(run) >= 2 and not re.sub(_COUNT_PCT, "", clean_cell(text)).strip():
        pieces = [(r.group(0), r.start()) for r in run]
    else:
        pieces = [(text, 0)]
    return [(c, t, o) for t, o in pieces if (c := parse_cell(t, hints, **kw)) is not None]


def label_end(text: str) -> int:
    """Where the label of a single-spaced table row ends: before the first number that is not
    part of a word ("28-d", "90-day", "IL-6", "2nd", "(n = 18)", "CD4+ count" stay label).

    >>> row = "28-d survival 40 (70.2) 12 (66.7)"; row[: label_end(row)]
    '28-d survival '
    >>> row = "Platelets, 10⁹/L 150 (90–210)"; row[: label_end(row)]
    'Platelets, 10⁹/L '
    >>> row = "Smoker 12/44 (27.3) 5/12 (41.7)"; row[: label_end(row)]
    'Smoker '
    >>> row = "SOFA score at day 1 6 (4–8)"; row[: label_end(row)]
    'SOFA score at day 1 '
    >>> row = "Lactate > 2 mmol/L 14 (31.1) 9 (75.0)"; row[: label_end(row)]
    'Lactate > 2 mmol/L '
    >>> row = "Median CD4 116 cells/mm3 (IQR: 54–189)"; row[: label_end(row)]  # a value, its unit, its IQR
    'Median CD4 '
    >>> row = "White blood cells (G/L) (4.0–10.0) * 4.3 [3.1–14.4]"; row[: label_end(row)]
    'White blood cells (G/L) (4.0–10.0) * '
    """
    ranges = [r.span() for r in re.finditer(rf"\(\s*{NUM}{_DASH}{NUM}\s*\)\s*[*†‡]", text)]
    for m in re.finditer(r"(?<![\w\-/.·^])[<>≤≥]?[-−]?\d", text):
        rest, before = text[m.start() :], text[: m.start()]
        if any(a <= m.start() < b for a, b in ranges):
            continue  # a reference range with its marker: "White blood cells (G/L) (4.0–10.0) *"
        if re.match(r"[<>≤≥]?[-−]?\d+(?:[.,·]\d+)*(?:-?[A-Za-z]|[⁰-⁹^]|/[A-Za-zµ])", rest):
            continue  # "28-d", "2nd", "10⁹/L"
        if re.search(
            r"\b[nN]\s*=\s*$|[<>≤≥]\s*$|\b(?:[Dd]ay|D|[Ww]eek|[Mm]onth|[Gg]rade|[Tt]ype|[Ss]tage)\s*$", before
        ):
            continue  # "(n = 18)": the row's n; "> 2 mmol/L": a threshold; "day 1", "grade 3"
        if re.match(rf"{NUM}\s+[A-Za-zµ]", rest) and not _INTERVAL_START.match(rest):
            continue  # "Lymphocytes < 0.5 G/L": a number followed by its unit
        return m.start()
    return len(text)


def find_cells(text: str, hints: Sequence[str] = (), *, p_last: bool = False) -> list[tuple[int, int, Cell]]:
    """(start, end, cell) of every statistic in the value part of a single-spaced row; with
    ``p_last`` the last cell is read as a p-value when it can be one.

    >>> [(s, c.statistic) for s, _, c in find_cells("69 (61.6) 18/24 (75.0) 0.021", p_last=True)]
    [(0, 'count_pct'), (10, 'count_of_total'), (23, 'p_value')]
    """
    spans = [m for m in _ANY.finditer(text) if m.group(0).strip()]
    out = []
    for i, m in enumerate(spans):
        cell = parse_cell(m.group(0), hints, p_column=p_last and i == len(spans) - 1 and i > 0)
        if cell is not None:
            out.append((m.start(), m.end(), cell))
    return out


def group_header(text: str) -> tuple[str, int | None]:
    """(group name, n) of a column header: "Survivors (n = 45)", "Non-survivors, N=12",
    "All patients n: 1,057"; (header, None) when it prints no n.

    >>> group_header("Survivors (n = 45)"), group_header("All N=1,057"), group_header("p-value")
    (('Survivors', 45), ('All', 1057), ('p-value', None))
    """
    m = _GROUP_N.search(text)
    if not m:
        return clean_cell(text), None
    name = (text[: m.start()] + " " + text[m.end() :]).strip(" ,;:")
    return re.sub(r"\s+", " ", name).strip(), int(number_value(m.group(1))[0])
