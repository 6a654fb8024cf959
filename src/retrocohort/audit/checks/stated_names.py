"""Test names as papers print them -> the test registry, and the audit's candidates in words.

A paper names its tests in many spellings: "χ2", "χ²", "chi2", "chi-square(d)", "Pearson",
"Yates", "Fisher('s exact)", "Mann–Whitney (U)", "Wilcoxon rank-sum", "Wilcoxon signed-rank",
"Kruskal–Wallis", "Student('s) t", "Welch('s) t", "log-rank", "McNemar". :func:`named_tests`
reads every test a text names, each as a :class:`StatedTest` carrying the name of
:data:`retrocohort.stats.registry.TESTS` it is (``registry``; ``None`` for a test the registry
does not run, e.g. Student's t) and its ``variant``. Pearson's chi-square and the chi-square
test with Yates' continuity correction are different tests (Yates F, Suppl J R Stat Soc
1934;1:217-35): a plain "chi-square" is Pearson's, Yates' correction must be named. A
"Wilcoxon" test named without "rank-sum"/"signed-rank" is ambiguous and not read.

The audit's recomputed p-values are keyed ``test/method`` (:mod:`retrocohort.audit.checks.counts_only`,
:mod:`retrocohort.audit.checks.attainable`): :func:`stated_keys` gives the keys that *are* a
stated test, :func:`title_of` the words a report prints for a key (never the key itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StatedTest:
    """A test a paper names: its :data:`retrocohort.stats.registry.TESTS` name (``registry``,
    None when the registry does not run it), a ``variant`` ("pearson", "yates", ...) and its
    ``title`` in prose."""

    registry: str | None
    variant: str
    title: str


PEARSON = StatedTest("chi_square", "pearson", "Pearson's chi-square test")
YATES = StatedTest("chi_square", "yates", "the chi-square test with Yates' continuity correction")
_CHI = r"(?:χ\s*(?:2|²|\^2)|chi[\s-]*(?:2|²|sq(?:uared?|uare)?d?)\b|chi2)"

#: (pattern, test), most specific first; each text span is read once.
VOCABULARY: tuple[tuple[re.Pattern[str], StatedTest], ...] = tuple(
    (re.compile(p, re.I), t)
    for p, t in (
        (rf"\byates\b(?:[^.;]{{0,40}}?{_CHI})?|{_CHI}[^.;]{{0,40}}?\byates\b", YATES),
        (r"continuity[\s-]correct", YATES),
        (
            r"fisher[\s–-]*freeman[\s–-]*halton",
            StatedTest("fisher_freeman_halton", "", "the Fisher-Freeman-Halton exact test"),
        ),
        (r"\bmid[\s-]?p\b", StatedTest("fisher", "mid-p", "Fisher's mid-p test")),
        (r"\bfisher(?:'s|’s|s)?\b", StatedTest("fisher", "", "Fisher's exact test")),
        (rf"\bpearson(?:'s|’s)?(?:\s+{_CHI})?|{_CHI}", PEARSON),
        (
            r"mann[\s–-]*whitney(?:\s*u)?|wilcoxon\s+rank[\s-]*sum|\bu[\s-]test",
            StatedTest("mann_whitney", "", "the Mann-Whitney U test"),
        ),
        (
            r"wilcoxon\s+(?:signed|matched)[\s-]*(?:rank|pairs)",
            StatedTest("wilcoxon_signed_rank", "", "the Wilcoxon signed-rank test"),
        ),
        (r"kruskal[\s–-]*wallis", StatedTest("kruskal_wallis", "", "the Kruskal-Wallis test")),
        (
            r"\bwelch(?:'s|’s)?(?:\s+(?:unequal[\s-]variances?\s+)?t[\s-]?tests?)?",
            StatedTest("welch_t", "", "Welch's t-test"),
        ),
        (r"\bpaired\s+(?:student(?:'s|’s)?\s+)?t[\s-]test", StatedTest("paired_t", "", "the paired t-test")),
        (
            r"\bstudent(?:'s|’s)?\s+t\b|\bunpaired\s+t[\s-]test|(?<![\w-])t[\s-]test",
            StatedTest(None, "student", "Student's t-test"),
        ),
        (r"\blog[\s-]?rank\b", StatedTest("logrank", "", "the log-rank test")),
        (r"\bmcnemar(?:'s|’s)?\b", StatedTest("mcnemar", "", "McNemar's test")),
        (r"\bfriedman\b", StatedTest("friedman", "", "the Friedman test")),
        (r"\bcochran(?:'s|’s)?\s+q\b", StatedTest("cochran_q", "", "Cochran's Q test")),
        (r"\bsign\s+test\b", StatedTest("sign", "", "the sign test")),
    )
)


def named_tests(text: str | None) -> list[StatedTest]:
    """Every test ``text`` names, in order of appearance, each once.

    >>> [t.variant or t.registry for t in named_tests("Pearson χ2 test or Fisher's exact test")]
    ['pearson', 'fisher']
    >>> [t.variant for t in named_tests("chi-square test with Yates' correction")], named_tests("Wilcoxon test")
    (['yates'], [])
    >>> [t.registry for t in named_tests("Mann–Whitney U; Kruskal-Wallis; log-rank; McNemar")]
    ['mann_whitney', 'kruskal_wallis', 'logrank', 'mcnemar']
    """
    found: list[tuple[int, StatedTest]] = []
    taken: list[tuple[int, int]] = []
    for pattern, test in VOCABULARY:
        for m in pattern.finditer(text or ""):
            if m.end() > m.start() and not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append(m.span())
                found.append((m.start(), test))
    out: list[StatedTest] = []
    for _, test in sorted(found, key=lambda x: x[0]):
        if test not in out:
            out.append(test)
    return out


#: The audit's candidate keys (``test/method``) that are each stated test.
_KEYS = {
    ("chi_square", "pearson"): {"chi_square/pearson"},
    ("chi_square", "yates"): {"chi_square/yates"},
    ("fisher", ""): {"fisher_exact/two-sided minlike"},
    ("fisher", "mid-p"): {"fisher_exact/mid-p"},
    ("mann_whitney", ""): {"mann_whitney/exact", "mann_whitney/normal", "mann_whitney/normal_cc"},
    ("wilcoxon_signed_rank", ""): {
        "wilcoxon_signed_rank/exact",
        "wilcoxon_signed_rank/normal",
        "wilcoxon_signed_rank/normal_cc",
    },
    ("mcnemar", ""): {"mcnemar/exact", "mcnemar/chi2", "mcnemar/chi2_cc"},
}


def stated_keys(tests: list[StatedTest]) -> set[str]:
    """The audit's candidate keys that are one of ``tests`` (empty: none it recomputes)."""
    return {k for t in tests for k in _KEYS.get((t.registry or "", t.variant), set())}


_TITLES = {
    "chi_square/pearson": "Pearson's chi-square test",
    "chi_square/yates": "the chi-square test with Yates' continuity correction",
    "chi_square/likelihood ratio (G)": "the likelihood-ratio (G) test",
    "fisher_exact/two-sided minlike": "Fisher's exact test",
    "fisher_exact/mid-p": "Fisher's mid-p test",
    "barnard_exact/pooled": "Barnard's exact test",
    "barnard_exact/unpooled": "Barnard's exact test (unpooled)",
    "boschloo_exact/two-sided": "Boschloo's exact test",
}
_FAMILY = {
    "two_proportion_z": "the two-proportion z-test",
    "mann_whitney": "the Mann-Whitney U test",
    "wilcoxon_signed_rank": "the Wilcoxon signed-rank test",
    "mcnemar": "McNemar's test",
    "sign": "the sign test",
}
_METHOD = {
    "exact": "exact",
    "normal": "normal approximation",
    "normal_cc": "normal approximation with continuity correction",
    "chi2": "chi-square approximation",
    "chi2_cc": "chi-square approximation with continuity correction",
    "pooled": "pooled variance",
    "unpooled": "unpooled variance",
}


def title_of(key: str) -> str:
    """The words for a candidate key ``test/method``.

    >>> title_of("chi_square/yates"), title_of("mann_whitney/normal_cc")
    ("the chi-square test with Yates' continuity correction", 'the Mann-Whitney U test (normal approximation with continuity correction)')
    """
    if key in _TITLES:
        return _TITLES[key]
    test, _, method = key.partition("/")
    family = _FAMILY.get(test, test.replace("_", " "))
    return f"{family} ({_METHOD.get(method, method.replace('_', ' '))})" if method else family


def titles(keys: list[str] | set[str]) -> str:
    """Several candidate keys in words, each once, joined with "or".

    >>> titles(["fisher_exact/mid-p", "barnard_exact/pooled", "fisher_exact/mid-p"])
    "Fisher's mid-p test or Barnard's exact test"
    """
    return " or ".join(dict.fromkeys(title_of(k) for k in sorted(keys, key=_order)))


def _order(key: str) -> tuple[int, str]:
    return (list(_TITLES).index(key) if key in _TITLES else len(_TITLES), key)
