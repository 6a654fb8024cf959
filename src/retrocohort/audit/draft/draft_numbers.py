"""Find the printed numbers of one line of paper text and guess what each one is.

Patterns, tried in this order (a character belongs to at most one number): a test statistic
with its p ("t(18) = 2.31, p = .035", "χ2(1) = 6.2, p = 0.01", "F(2, 28) = 3.1, p < .05"); an
odds/risk/hazard ratio with its 95% CI ("OR 2.1 (95% CI 1.1-4.0)", "HR, 2.18; 95% CI, 1.44 to
3.30", "HR 0.61 [0.42; 0.88]"; an unlabelled interval after a ratio named in its sentence is
that ratio's CI, :func:`_ratio_in_sentence`); a p-value ("p = 0.021",
"p < 0.001", "p value 0.017", a log-rank p printed without "p": "(Log Rank (Mantel-Cox) 0.945)");
a count of a total with its percentage ("19/21 patients (90.5%)", "93 of 147 patients with
abnormal ECG (63.2%)") or without ("19/21"); a count with its percentage ("13 (62%)", "three
patients (14.3%)", "Three hundred twelve of the total patients (68.6%)", "108 fulfilled the
criteria (5.6% of those admitted, ...)"); a mean and SD ("12.6 ± 3.1", "mean 2 (SD 1)"); a central value
with an interval ("45.0 [33.0-58.0]", "45 years [IQR, 33-58]", "1.0 day (1, 2)"); a percentage;
"n = 18"; then any other number or number word ("three", "Fifteen", "Thirty-six"), a count when
whole. A percentage before its count ("42% (27)", "fifty-two percent (12 of 23)") is a count
with its percentage; "95% CI" is a label, not a percentage.
Every result says which of its fields are guesses (statistic, variable, test, design).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from retrocohort.audit.draft.cells import decimal_comma
from retrocohort.audit.draft.cells import number_value as cell_number
from retrocohort.audit.published import (
    HUNDREDS_WORD,
    NUMBER_WORDS,
    TENS_WORD,
    hundreds_word_value,
    tens_word_value,
)

NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
#: In a decimal-comma paper (:func:`retrocohort.audit.draft.cells.number_style`) a comma before
#: anything but exactly three digits is a decimal mark too ("29,7%", "p<0,05", "2,75").
NUM_COMMA = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+|,(?!\d{3}(?!\d))\d+)?|\.\d+)"
DASH = r"(?:\s*[–—−-]\s*|\s+to\s+)"
#: Number words: "Thirty-six" (:data:`~retrocohort.audit.published.TENS_WORD`, its groups made
#: non-capturing) before "six", "Fifteen", ...
_TENS_WORD = re.sub(r"\((?!\?)", "(?:", TENS_WORD.pattern.removeprefix(r"\b").removesuffix(r"\b"))
_UNIT_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
#: "Three hundred twelve", "One hundred and ninety-two" (:data:`~retrocohort.audit.published.HUNDREDS_WORD`).
_HUNDREDS = re.sub(r"\((?!\?)", "(?:", HUNDREDS_WORD.pattern.removeprefix(r"\b").removesuffix(r"\b"))
_WORD = f"{_HUNDREDS}|{_TENS_WORD}|{_UNIT_WORDS}"
_COUNT = rf"(?:{NUM}|\b(?:{_WORD})\b)"
_REL = r"([<>=≤≥])"
#: Words or signs before a number that make it a label or a threshold, not a result ("Day 3",
#: "Table 2", "VL >5.000 copies/ml").
_BEFORE = re.compile(
    r"(?:\b(?:Day|day|D|Table|Figure|Fig\.|Patient|patient|grade|Grade|type|Type)\s*|"
    r"[A-Za-z\-/]|[<>≤≥]\s*|"
    # a threshold or an age bracket in words: "BMI greater than or equal to 25", "aged 24-60 y"
    r"\b(?:than|equal\s+to|at\s+least|at\s+most|[Aa]ged)\s+)$"
)

SKIP = "skip"  # consumed, not a published number (a reference range, a citation)

#: A ratio as named in prose: "OR", "aHR", "IRR", "hazard ratio(s)", "odds ratio", "relative risk".
RATIO = (
    r"(?:a?OR|a?RR|a?HR|IRR|sHR|[Aa]djusted\s+(?:hazard|odds|risk)\s+ratios?|"
    r"[Hh]azard\s+ratios?|[Oo]dds\s+ratios?|[Rr]isk\s+ratios?|[Rr]ate\s+ratios?|[Rr]elative\s+risks?)"
)
#: The label of a 95% confidence interval: "95% CI", "CI", "95% confidence interval", "95% confidence".
CI_LABEL = r"(?:(?:95\s*%\s*)?(?:CI|confidence(?:\s+intervals?)?))"
_RATIO_BEFORE = re.compile(rf"\b{RATIO}\b")


def _patterns(NUM: str) -> tuple[tuple[str, re.Pattern[str]], ...]:  # noqa: N803
    """The patterns of the module docstring, in order, for one spelling of a number."""
    _COUNT = rf"(?:{NUM}|\b(?:{_WORD})\b)"
    return (
        ("reference_range", re.compile(rf"\(\s*{NUM}{DASH}{NUM}\s*\)\s*[*†]")),
        (
            "test_result",
            re.compile(
                rf"\b(t|F|χ2|χ²|chi2|X2|z|r)\s*(?:\(\s*({NUM})(?:\s*,\s*({NUM}))?\s*\))?"
                rf"\s*=\s*(-?{NUM})\s*[,;]\s*p\s*{_REL}\s*({NUM})"
            ),
        ),
        (
            "ratio_ci",  # "OR 2.1 (95% CI 1.1-4.0)", "HR, 2.18; 95% CI, 1.44 to 3.30", "HR = 0.42, 95% confidence
            # 0.36–0.49", "hazard ratio for high/low heterogeneity, 2.2; 95% CI 1.4 to 3.3"
            re.compile(
                rf"\b({RATIO})\b[^\d;()\[\]]{{0,60}}?({NUM})\s*[(\[,;]?\s*(?:and\s+)?{CI_LABEL}\s*[,:=]?\s*({NUM})"
                rf"(?:{DASH}|\s*;\s*|\s*,\s+)({NUM})\s*[)\]]?"
            ),
        ),
        (
            "ratio_ci",  # "HR 0.61 [0.42; 0.88]", "OR 2.3 (1.1-4.8)": the bracket right after the ratio
            re.compile(
                rf"\b({RATIO})\b\s*[=:,]?\s*({NUM})\s*[(\[]\s*(?:{CI_LABEL}\s*[,:=]?\s*)?({NUM})"
                rf"(?:{DASH}|\s*;\s*|\s*,\s+)({NUM})\s*[)\]]"
            ),
        ),
        ("p_value", re.compile(rf"\bp\s*(?:-?\s*values?)?\s*{_REL}\s*({NUM})", re.I)),
        # "(p value 0.017, ...)", "(Log Rank (Mantel-Cox) 0.945)": a p-value printed with no sign,
        # after the words "p value" or after the name of its test
        (
            "p_worded",
            re.compile(
                r"\b(?:p[\s-]*values?(?:\s+(?:of|was|is))?|log[\s-]?rank(?:\s+test)?(?:\s*\([A-Za-z\s-]+\))?)"
                r"\s*[,:]?\s*(0?\.\d+|1\.0+)(?![\d.])",
                re.I,
            ),
        ),
        (
            "count_of_total",
            re.compile(
                rf"({NUM})\s*/\s*({NUM})(?:\s+[A-Za-z]+){{0,2}}"
                rf"(?:\s*\(\s*({NUM})\s*%\s*\))?"
            ),
        ),
        (
            "count_of_total",  # "93 of 147 patients with abnormal ECG (63.2%)": the percentage closes it
            re.compile(
                rf"({NUM})\s+(?:out\s+)?of\s+(?:the\s+)?({NUM})(?:\s+[A-Za-z-]+){{0,4}}\s*\(\s*({NUM})\s*%\s*\)"
            ),
        ),
        (
            "pct_of",  # "fifty-two percent (12 of 23)", "67% (two of three)", "6.5% patients (6 out of 93)"
            re.compile(
                rf"({_COUNT})\s*(?:%|per\s*cent)(?:\s+[A-Za-z]+){{0,2}}\s*\(\s*({_COUNT})\s+(?:out\s+)?of\s+({_COUNT})\s*\)",
                re.I,
            ),
        ),
        ("pct_count", re.compile(rf"({NUM})\s*%\s*\(\s*(\d+)\s*\)")),  # "42% (27) had positive nodes"
        (
            # "13 (62%)", "108 fulfilled the criteria (5.6% of those admitted, 17% of ...)": the
            # bracket may go on after the percentage with "of" its denominator
            "count_pct",
            re.compile(
                rf"({_COUNT})(?:\s+[A-Za-z-]+){{0,4}}?\s*\(\s*({NUM})\s*(?:(%)\s*(?=of\s)|(%)?\s*\))", re.I
            ),
        ),
        (
            "mean_sd",
            re.compile(
                rf"({NUM})\s*(?:±|\+/-|\+-)\s*({NUM})|"
                rf"\bmean\s*({NUM})\s*\(\s*SD\s*[=:,]?\s*({NUM})\s*\)|"
                # "1252.5 mg (SD±1862.0)", "12.6 (SD 3.1)": a value, its unit, its SD in brackets
                rf"({NUM})(?:\s*[A-Za-zµ/%][\w/%]*)?\s*\(\s*SD\s*(?:±|[=:,])?\s*({NUM})\s*\)|"
                # "7.3 SD ± 6.3": the SD named between the mean and its ±
                rf"({NUM})\s*SD\s*(?:±|\+/-)\s*({NUM})",
                re.I,
            ),
        ),
        (
            "interval",
            re.compile(
                rf"(?P<c>{NUM})(?:\s*[A-Za-zµ/%][A-Za-zµ/%0-9²³]*){{0,2}}\s*[\[(]\s*"
                rf"(?:IQR|(?P<range>range)|(?P<ci>{CI_LABEL}))?\s*[,:=]?\s*"
                # the bracket closes, or goes on with its p-value: "(95% CI: 0.58 to 1.75; p = 0.98)"
                rf"(?P<lo>{NUM})(?:{DASH}|\s*,\s*)(?P<hi>{NUM})\s*(?:[\])]|(?=;\s*[pP]\b))"
            ),
        ),
        ("citation", re.compile(r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]")),
        ("ci_level", re.compile(r"\b\d{2}(?:\.\d)?\s*%\s*(?:CI\b|[Cc]onfidence)")),  # "95% CI": a label
        ("percentage", re.compile(rf"(?:{_REL}\s*)?({NUM})\s*%")),
        ("n", re.compile(rf"\bn\s*=\s*({NUM})")),
        ("single", re.compile(rf"({_COUNT})", re.I)),
    )


PATTERNS = _patterns(NUM)
PATTERNS_COMMA = _patterns(NUM_COMMA)


@dataclass
class DraftNumber:
    """One number (group) found: its statistic, values, decimals, relation, the printed text,
    its column in the line, and the fields that are guesses."""

    statistic: str
    values: dict[str, float]
    decimals: dict[str, int]
    printed: str
    column: int
    relation: str = "="
    extra: dict[str, Any] = field(default_factory=dict)
    guesses: list[str] = field(default_factory=list)


def number_value(token: str) -> tuple[float, int]:
    """(value, decimals) of a printed number or number word ("13,835.0" -> (13835.0, 1)),
    hundreds in words included.

    >>> number_value("Three hundred twelve"), number_value("one hundred and ninety-two")
    ((312.0, 0), (192.0, 0))
    """
    word = " ".join(token.strip().lower().split())
    if (hundreds := hundreds_word_value(word)) is not None:
        return float(hundreds), 0
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word]), 0
    if (tens := tens_word_value(word)) is not None:
        return float(tens), 0
    return cell_number(token)


def _values(**tokens: str | None) -> tuple[dict[str, float], dict[str, int]]:
    values, decimals = {}, {}
    for key, token in tokens.items():
        if token:
            values[key], decimals[key] = number_value(token)
    return values, decimals


def _keyword_before(text: str, start: int) -> str | None:
    """ "median" or "mean" when one of them comes shortly before ``start``, with no bracket and no
    clause break in between ("median age, 45"; "median, 17 vs. 195")."""
    found = list(re.finditer(r"\b(median|mean|average)\b", text[:start], re.I))
    if not found:
        return None
    between = text[found[-1].end() : start]
    if len(between) > 45 or re.search(r"[()\[\];]|(?<!vs)\. ", between):
        return None
    return "median" if found[-1].group(1).lower() == "median" else "mean"


def _ratio_in_sentence(text: str, start: int) -> str | None:
    """The ratio named earlier in the sentence that ``start`` is in ("the hazard ratios (with
    95% confidence intervals) were 0.84 (0.49–1.48) for ..., 1.86 (1.22–2.87) for ..."), or
    None: an unlabelled interval after it is that ratio's 95% CI.

    >>> _ratio_in_sentence("Median age 61. The HR being 2.13 (1.22–3.71)", 34)
    'HR'
    >>> _ratio_in_sentence("The HR was 2. The median age was 61 (52–70)", 33) is None
    True
    """
    ends = [m.end() for m in re.finditer(r"(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z])", text[:start])]
    found = list(_RATIO_BEFORE.finditer(text, ends[-1] if ends else 0, start))
    return found[-1].group(0) if found else None


def _build(kind: str, m: re.Match[str], text: str) -> DraftNumber | str | None:
    g = m.groups()
    printed, col = m.group(0).strip(), m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
    if kind in ("reference_range", "citation", "ci_level"):
        return SKIP
    if kind == "test_result":
        family = {"χ2": "chi2", "χ²": "chi2", "X2": "chi2"}.get(g[0], g[0])
        v, d = _values(statistic=g[3], df1=g[1], df2=g[2], p=g[5])
        return DraftNumber(
            "test_result",
            v,
            d,
            printed,
            col,
            g[4].replace("≤", "<").replace("≥", ">"),
            {"test_family": family},
        )
    if kind == "ratio_ci":
        v, d = _values(value=g[1], ci_low=g[2], ci_high=g[3])
        if not v["ci_low"] <= v["ci_high"]:
            return None
        return DraftNumber("value", v, d, printed, col, extra={"note": f"{g[0]} with its 95% CI"})
    if kind == "p_value":
        v, d = _values(p=g[1])
        rel = {"≤": "<", "≥": ">"}.get(g[0], g[0])
        return DraftNumber("p_value", v, d, printed, col, rel, guesses=["test", "design"])
    if kind == "p_worded":
        v, d = _values(p=g[0])
        return DraftNumber("p_value", v, d, printed, col, guesses=["test", "design"])
    if kind == "count_of_total":
        v, d = _values(count=g[0], total=g[1], pct=g[2])
        if v["count"] > v["total"] or d["count"] or d["total"]:
            return None
        return DraftNumber("count_of_total", v, d, printed, col)
    if kind == "pct_of":
        v, d = _values(count=g[1], total=g[2], pct=g[0])
        if v["count"] > v["total"] or v["pct"] > 100 or d["count"] or d["total"]:
            return None
        return DraftNumber(
            "count_of_total", v, d, printed, col, extra={"note": "percentage printed before its count"}
        )
    if kind == "pct_count":
        v, d = _values(count=g[1], pct=g[0])
        if v["pct"] > 100:
            return None
        return DraftNumber(
            "count_pct", v, d, printed, col, extra={"note": "percentage printed before its count"}
        )
    if kind == "count_pct":
        if not (g[2] or g[3]):
            return None
        v, d = _values(count=g[0], pct=g[1])
        if d["count"] or v["pct"] > 100:
            return None
        return DraftNumber("count_pct", v, d, printed, col)
    if kind == "mean_sd":
        v, d = _values(mean=g[0] or g[2] or g[4] or g[6], sd=g[1] or g[3] or g[5] or g[7])
        return DraftNumber("mean_sd", v, d, printed, col)
    if kind == "interval":
        if re.search(r"[A-Za-z]$", text[: m.start()]):
            return None  # "mm3 (IQR: 54–189)": the 3 belongs to a unit, not a median
        key = _keyword_before(text, m.start())
        ratio = _ratio_in_sentence(text, m.start())
        if m.group("ci") or (ratio and not key and not m.group("range")):
            v, d = _values(value=m.group("c"), ci_low=m.group("lo"), ci_high=m.group("hi"))
            if not v["ci_low"] <= v["ci_high"]:
                return None
            named = f"{ratio} with its 95% CI" if ratio else "an estimate with its 95% CI"
            return DraftNumber("value", v, d, printed, col, extra={"note": named}, guesses=["statistic"])
        central = "mean" if key == "mean" else "median"
        if m.group("range"):  # "61 days (range = 14–105)": a central value with its min and max
            v, d = _values(**{central: m.group("c"), "min": m.group("lo"), "max": m.group("hi")})
            if not v["min"] <= v[central] <= v["max"]:
                return None
            return DraftNumber(central, v, d, printed, col, guesses=[] if key else ["statistic"])
        v, d = _values(**{central: m.group("c"), "q1": m.group("lo"), "q3": m.group("hi")})
        if not v["q1"] <= v["q3"] and "," not in m.group(0):
            return None
        return DraftNumber(f"{central}_iqr", v, d, printed, col, guesses=[] if key else ["statistic"])
    if kind == "percentage":
        v, d = _values(pct=g[1])
        key = _keyword_before(text, m.start())
        if key:
            return DraftNumber(
                key,
                {key: v["pct"]},
                {key: d["pct"]},
                printed,
                col,
                {"<": "<", ">": ">"}.get(g[0] or "=", "="),
            )
        return DraftNumber("percentage", v, d, printed, col, {"<": "<", ">": ">"}.get(g[0] or "=", "="))
    if kind == "n":
        v, d = _values(count=g[0])
        return DraftNumber("count", v, d, printed, col)
    value, decimals = number_value(g[0])
    if (
        _BEFORE.search(text[: m.start()])
        or re.match(r"-?[A-Za-z]", text[m.end() :])  # "28-day", "2nd": part of a word
        or decimals == 0
        and 1900 <= value <= 2099
        and "," not in g[0]
    ):
        return None
    key = _keyword_before(text, m.start())
    if key:
        return DraftNumber(key, {key: value}, {key: decimals}, printed, col, guesses=["statistic"])
    if decimals == 0:
        return DraftNumber("count", {"count": value}, {"count": 0}, printed, col, guesses=["statistic"])
    return DraftNumber("value", {"value": value}, {"value": decimals}, printed, col, guesses=["statistic"])


#: An integer printed with a leading zero ("05–2803", an approval or file number): an identifier.
_IDENTIFIER = re.compile(r"(?<![\d.,·])0\d+(?![.,·]\d)(?:\s*[–/-]\s*\d+)*")


def find_numbers(text: str) -> list[DraftNumber]:
    """Every number (group) of one line of prose, left to right (see module docstring); table
    rows are read cell by cell (:mod:`retrocohort.audit.draft.cells`). An integer printed with
    a leading zero, with what a dash or slash joins to it ("05–2803"), is an identifier and skipped.

    >>> [n.printed for n in find_numbers("approved by the ethics committee (05–2803) for 12 patients")]
    ['12']
    """
    taken = [False] * len(text)
    for m in _IDENTIFIER.finditer(text):
        taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    out = []
    for kind, pattern in PATTERNS_COMMA if decimal_comma() else PATTERNS:
        for m in pattern.finditer(text):
            if m.end() == m.start() or any(taken[m.start() : m.end()]):
                continue
            found = _build(kind, m, text)
            if found is not None:
                if found != SKIP:
                    out.append(found)  # type: ignore[arg-type]
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    return sorted(out, key=lambda n: n.column)


def footnote_results(text: str) -> list[DraftNumber]:
    """The results a table's footnote prints of its own: p-values printed "p = x" or "p > x" and
    ratios with their CI. A legend ("*p < 0.05"), an n ("261 patients", "n = 3,188"), a method
    ("400 resamples") or a threshold qualifies the table and is not a result.

    >>> [(n.values, n.relation) for n in footnote_results("Note: 261 patients; some trend (p = 0.082); * p < 0.05")]
    [({'p': 0.082}, '=')]
    """
    return [
        n
        for n in find_numbers(text)
        if (n.statistic == "p_value" and n.relation in ("=", ">"))
        or (n.statistic == "value" and "ci_low" in n.values)
    ]
