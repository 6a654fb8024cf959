"""Published numbers as data: load and validate ``config/published/*.yaml``.

Validation is two-layered: JSON Schema (``src/retrocohort/config/schemas/published.schema.yaml``) for
structure, then cross-field rules the schema cannot state (unique ids, decimals keyed like
values, every value visible in ``printed`` at its decimals, references that resolve). Every
problem names the file, the entry id and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from retrocohort.config.check import SAFE_LOADER
from retrocohort.errors import ConfigError, Problem
from retrocohort.hscore.items import HSCORE_ITEMS

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "config" / "schemas" / "published.schema.yaml"
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "none one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_TENS = {
    w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)
}
#: A number word above twenty as printed at a sentence start: "Thirty-six", "forty two", "Fifty".
TENS_WORD = re.compile(
    rf"\b({'|'.join(_TENS)})(?:[-\u2010\u2011 ](one|two|three|four|five|six|seven|eight|nine))?\b", re.I
)


def tens_word_value(text: str) -> int | None:
    """The value of a number word from twenty to ninety-nine ("Thirty-six" -> 36), else None.

    >>> tens_word_value("Thirty-six"), tens_word_value("fifty"), tens_word_value("six")
    (36, 50, None)
    """
    m = TENS_WORD.fullmatch(text.strip())
    if not m:
        return None
    return _TENS[m.group(1).lower()] + (NUMBER_WORDS[m.group(2).lower()] if m.group(2) else 0)


#: Hundreds in words: "Three hundred twelve", "one hundred and ninety-two", "two hundred".
HUNDREDS_WORD = re.compile(
    rf"\b({'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\s+hundred"
    rf"(?:\s+(?:and\s+)?({TENS_WORD.pattern.removeprefix(chr(92) + 'b').removesuffix(chr(92) + 'b')}"
    rf"|{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))}))?\b",
    re.I,
)


def hundreds_word_value(text: str) -> int | None:
    """The value of a number word of hundreds ("Three hundred twelve" -> 312), else None.

    >>> hundreds_word_value("Three hundred twelve"), hundreds_word_value("one hundred and ninety-two")
    (312, 192)
    >>> hundreds_word_value("two hundred"), hundreds_word_value("twelve")
    (200, None)
    """
    m = HUNDREDS_WORD.fullmatch(" ".join(text.split()))
    if not m:
        return None
    rest = m.group(2) or ""
    tail = NUMBER_WORDS.get(rest.lower(), tens_word_value(rest) if rest else 0)
    return 100 * NUMBER_WORDS[m.group(1).lower()] + (tail or 0)


_NUMBER = re.compile(r"\d*\.\d+|\d+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A minus sign (hyphen-minus or U+2212) not after a digit: "± -3.1" is negative, "13-19" a range.
_NEGATIVE = re.compile(r"(?<![\d.,])[-\u2212](\d*\.\d+|\d+)")


@dataclass(frozen=True)
class PublishedNumber:
    """One printed number (or number group, e.g. median [IQR]) with its parsed values."""

    id: str
    where: str
    printed: str
    statistic: str
    values: Mapping[str, float]
    decimals: Mapping[str, int]
    variable: str
    n: int | None = None
    denominator: int | None = None
    test: str | None = None
    design: str | None = None
    relation: str = "="
    compares: tuple[str, ...] = ()
    timepoint: str | None = None
    group: str | None = None
    unit: str | None = None
    reference_range: Mapping[str, Any] | None = None
    assumed_resolution: float | None = None
    quantile_type: int | None = None
    scale: Mapping[str, int] | None = None
    hscore_items: Mapping[str, int | None] | None = None
    test_family: str | None = None
    tails: int = 2
    note: str | None = None

    @property
    def printed_p(self) -> str:
        """The p-value as a printable comparison string, e.g. "<0.001" or "0.021"."""
        rel = "" if self.relation == "=" else self.relation
        return f"{rel}{self.values['p']:.{self.decimals['p']}f}"


@dataclass(frozen=True)
class Agreement:
    """Values (``id.key`` references) that must be equal."""

    name: str
    members: tuple[str, ...]
    note: str | None = None
    versions: bool = False


@dataclass(frozen=True)
class SumRule:
    """Parts that must add up to a total (``id.key`` references)."""

    name: str
    parts: tuple[str, ...]
    total: str
    note: str | None = None


@dataclass(frozen=True)
class ShareRule:
    """Counts and percentages (``id.key`` references, ``(count, pct)`` per part) printed in
    separate columns, each percentage a share of ``total``."""

    name: str
    parts: tuple[tuple[str, str], ...]
    total: int
    note: str | None = None


@dataclass(frozen=True)
class SubsetRule:
    """A subset median that must be attainable from a full-sample median [IQR]."""

    name: str
    full: str
    subset: str
    note: str | None = None


OPERATIONS = (
    "variable",
    "all_of",
    "any_of",
    "equals",
    "text_matches",
    "only_agent",
    "known",
    "cohort_size",
    "missing",
)


@dataclass(frozen=True)
class Definition:
    """One way to regenerate a published variable: an operation (see ``OPERATIONS``) and its
    argument, a label for the audit and, optionally, the variables it rests on."""

    op: str
    arg: Any
    label: str | None = None
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishedStudy:
    """All published numbers of one paper plus the cross-entry rules stated in its file."""

    source: Mapping[str, Any]
    numbers: tuple[PublishedNumber, ...]
    agreements: tuple[Agreement, ...] = ()
    sums: tuple[SumRule, ...] = ()
    subsets: tuple[SubsetRule, ...] = ()
    shares: tuple[ShareRule, ...] = ()
    regenerate: Mapping[str, tuple[Definition, ...]] = field(default_factory=dict)
    groups: Mapping[str, tuple[Definition, ...]] = field(default_factory=dict)

    def by_id(self) -> dict[str, PublishedNumber]:
        """Entries keyed by id."""
        return {e.id: e for e in self.numbers}

    def value(self, ref: str) -> float:
        """The value behind an ``id.key`` reference."""
        entry_id, key = ref.split(".", 1)
        return self.by_id()[entry_id].values[key]


def printed_tokens(printed: str) -> set[str]:
    """Numbers visible in a printed string: digits (thousands commas dropped), negative numbers
    ("-3.1", "−3.1" after anything but a digit) and number words."""
    text = _THOUSANDS.sub("", printed)
    tokens = set(_NUMBER.findall(text))
    tokens |= {"-" + t for t in _NEGATIVE.findall(text)}
    tokens |= {"0" + t for t in tokens if t.startswith(".")}  # ".035" as printed in APA style
    tokens |= {"-0" + t[1:] for t in tokens if t.startswith("-.")}
    tokens |= {str(NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    tokens |= {str(tens_word_value(m.group(0))) for m in TENS_WORD.finditer(text)}
    tokens |= {str(hundreds_word_value(m.group(0))) for m in HUNDREDS_WORD.finditer(text)}
    return tokens


def _entry_problems(path: str, entry: Mapping[str, Any]) -> list[Problem]:
    eid = entry["id"]
    out = []
    values, decimals = entry["values"], entry["decimals"]
    if set(values) != set(decimals):
        out.append(
            Problem(
                f"entry '{eid}': decimals keys {sorted(decimals)} differ from values keys {sorted(values)}",
                file=path,
                column="decimals",
            )
        )
        return out
    points = {i.name: set(i.points) for i in HSCORE_ITEMS}
    for item, p in entry.get("hscore_items", {}).items():
        if p is not None and p not in points[item]:
            out.append(
                Problem(
                    f"entry '{eid}': HScore item '{item}' cannot score {p}",
                    file=path,
                    column=f"hscore_items.{item}",
                    value=p,
                    expected=" or ".join(map(str, sorted(points[item]))),
                )
            )
    if "hscore_items" in entry and "value" not in values:
        out.append(
            Problem(
                f"entry '{eid}': hscore_items needs the printed total as values.value",
                file=path,
                column="values",
            )
        )
    tokens = printed_tokens(entry["printed"])
    for key, v in values.items():
        shown = f"{v:.{decimals[key]}f}"
        if shown not in tokens:
            out.append(
                Problem(
                    f"entry '{eid}': value {key}={shown} (at {decimals[key]} decimals) "
                    f"is not visible in printed {entry['printed']!r}",
                    file=path,
                    column=f"values.{key}",
                    value=v,
                )
            )
    return out


def _ref_problems(path: str, doc: Mapping[str, Any], by_id: Mapping[str, Mapping]) -> list[Problem]:
    out = []

    def need(ref: str, where: str, key_required: bool = True) -> None:
        eid, _, key = ref.partition(".")
        if eid not in by_id:
            out.append(Problem(f"{where}: unknown entry '{eid}'", file=path, column=where, value=ref))
        elif key_required and key not in by_id[eid]["values"]:
            out.append(
                Problem(f"{where}: entry '{eid}' has no value '{key}'", file=path, column=where, value=ref)
            )

    for e in doc["numbers"]:
        for c in e.get("compares", []):
            need(c, f"entry '{e['id']}' compares", key_required=False)
    for a in doc.get("agreements", []):
        for m in a["members"]:
            need(m, f"agreements '{a['name']}'")
    for s in doc.get("sums", []):
        for m in [*s["parts"], s["total"]]:
            need(m, f"sums '{s['name']}'")
    for s in doc.get("shares", []):
        for part in s["parts"]:
            for m in (part["count"], part["pct"]):
                need(m, f"shares '{s['name']}'")
    for s in doc.get("subsets", []):
        for m in (s["full"], s["subset"]):
            need(m, f"subsets '{s['name']}'", key_required=False)
    return out


def _definitions(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(spec["definitions"]) if "definitions" in spec else [spec]


def _regenerate_problems(path: str, doc: Mapping[str, Any], section: str = "regenerate") -> list[Problem]:
    out = []
    for name, spec in sorted(doc.get(section, {}).items()):
        for i, d in enumerate(_definitions(spec)):
            ops = [k for k in OPERATIONS if k in d]
            if len(ops) != 1:
                out.append(
                    Problem(
                        f"{section} '{name}' definition {i + 1}: needs exactly one of "
                        f"{', '.join(OPERATIONS)}, got {ops or 'none'}",
                        file=path,
                        column=f"{section}.{name}",
                    )
                )
            if "text_matches" in d:
                try:
                    re.compile(d["text_matches"]["pattern"])
                except re.error as exc:
                    out.append(
                        Problem(
                            f"{section} '{name}': invalid pattern ({exc})",
                            file=path,
                            column=f"{section}.{name}.text_matches.pattern",
                            value=d["text_matches"]["pattern"],
                        )
                    )
    return out


def _group_problems(path: str, doc: Mapping[str, Any]) -> list[Problem]:
    declared = set(doc.get("groups", {}))
    return [
        Problem(
            f"entry '{e['id']}': group '{e['group']}' is not declared under `groups:`",
            file=path,
            column="group",
            value=e["group"],
        )
        for e in doc["numbers"]
        if declared and e.get("group") and e["group"] not in declared
    ]


def _freeze_definitions(
    doc: Mapping[str, Any], section: str = "regenerate"
) -> Mapping[str, tuple[Definition, ...]]:
    out = {}
    for name, spec in sorted(doc.get(section, {}).items()):
        defs = []
        for d in _definitions(spec):
            op = next(k for k in OPERATIONS if k in d)
            arg = (
                dict(d[op])
                if isinstance(d[op], Mapping)
                else (tuple(d[op]) if isinstance(d[op], list) else d[op])
            )
            defs.append(Definition(op, arg, d.get("label"), tuple(d.get("inputs", ()))))
        out[name] = tuple(defs)
    return MappingProxyType(out)


def _schema_problems(path: str, doc: Any, schema: Mapping[str, Any]) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        where = list(err.absolute_path)
        prefix = ""
        if len(where) >= 2 and where[0] == "numbers" and isinstance(where[1], int):
            entry = doc["numbers"][where[1]]
            eid = entry.get("id", f"#{where[1]}") if isinstance(entry, dict) else f"#{where[1]}"
            prefix, where = f"entry '{eid}': ", where[2:]
        column = ".".join(map(str, where)) or None
        out.append(Problem(prefix + err.message, file=path, column=column))
    return out


def _freeze(entry: Mapping[str, Any]) -> PublishedNumber:
    kw = dict(entry)
    kw["values"] = MappingProxyType({k: float(v) for k, v in entry["values"].items()})
    kw["decimals"] = MappingProxyType(dict(entry["decimals"]))
    kw["compares"] = tuple(entry.get("compares", ()))
    if "reference_range" in entry:
        kw["reference_range"] = MappingProxyType(dict(entry["reference_range"]))
    if "scale" in entry:
        kw["scale"] = MappingProxyType({"items": 1, **entry["scale"]})
    if "hscore_items" in entry:
        kw["hscore_items"] = MappingProxyType(dict(entry["hscore_items"]))
    return PublishedNumber(**kw)


def load_study(path: str | Path, schema_path: str | Path = SCHEMA_PATH) -> PublishedStudy:
    """Read and validate a published-numbers YAML file; raise ConfigError listing every problem."""
    path = str(path)
    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read published numbers {path}", [Problem(str(exc), file=path)]) from exc
    schema = yaml.load(Path(schema_path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    problems = _schema_problems(path, doc, schema)
    if not problems:
        ids = [e["id"] for e in doc["numbers"]]
        problems += [
            Problem(f"entry '{i}': duplicate id", file=path, column="id", value=i)
            for i in sorted({i for i in ids if ids.count(i) > 1})
        ]
        for e in doc["numbers"]:
            problems += _entry_problems(path, e)
        problems += _ref_problems(path, doc, {e["id"]: e for e in doc["numbers"]})
        problems += _regenerate_problems(path, doc) + _regenerate_problems(path, doc, "groups")
        problems += _group_problems(path, doc)
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s) in published numbers", problems)
    return PublishedStudy(
        source=MappingProxyType(doc["source"]),
        numbers=tuple(_freeze(e) for e in doc["numbers"]),
        agreements=tuple(
            Agreement(a["name"], tuple(a["members"]), a.get("note"), a.get("versions", False))
            for a in doc.get("agreements", [])
        ),
        sums=tuple(
            SumRule(s["name"], tuple(s["parts"]), s["total"], s.get("note")) for s in doc.get("sums", [])
        ),
        subsets=tuple(
            SubsetRule(s["name"], s["full"], s["subset"], s.get("note")) for s in doc.get("subsets", [])
        ),
        shares=tuple(
            ShareRule(s["name"], tuple((p["count"], p["pct"]) for p in s["parts"]), s["total"], s.get("note"))
            for s in doc.get("shares", [])
        ),
        regenerate=_freeze_definitions(doc),
        groups=_freeze_definitions(doc, "groups"),
    )


def load_published(path: str | Path, schema_path: str | Path = SCHEMA_PATH) -> list[PublishedNumber]:
    """The validated entries of a published-numbers YAML file."""
    return list(load_study(path, schema_path).numbers)
