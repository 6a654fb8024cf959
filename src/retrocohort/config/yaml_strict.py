"""A strict YAML loader owned by the project: a config file means exactly what it says, or stops.

PyYAML's safe loader (and Snakemake's ``configfile:``) silently accept several things that
change what a study config means. This loader refuses them, each with the file and line:

* a **duplicate key** in one mapping (two ``lyon:`` site blocks: the first silently lost);
* a **YAML tag** other than the JSON-compatible core tags (``!!python/...``, ``!!binary``,
  ``!!timestamp``, local ``!tags``): a config holds plain data, never objects;
* **aliases beyond a small budget** (:data:`MAX_ALIASES`) or a document whose alias expansion
  exceeds :data:`MAX_EXPANDED_NODES` (the "billion laughs" alias bomb exhausts memory);
* the **YTE templating key** ``__use_yte__`` (Snakemake would execute code from the config);
* a **non-string key** (``1:``, ``true:``, ``null:``, unquoted ``Yes:``): raw codes are text,
  so ``map: {1: true}`` would never match the raw cell ``"1"`` as intended by the YAML reader.

It also records where every value is (key path -> line) and which plain scalars YAML 1.1 turned
into booleans from ``yes/no/on/off`` spellings, so a later "expected a string" message can say
"unquoted Yes is the boolean true in YAML; quote it".

References: YAML 1.1 ``bool`` type (https://yaml.org/type/bool.html); the "billion laughs"
entity-expansion attack (CVE-2003-1564 class); Snakemake YTE config templating
(https://snakemake.readthedocs.io/en/stable/snakefiles/configuration.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retrocohort.errors import ConfigError, Problem

#: At most this many aliases (``*name``) per document; a study config needs few, a bomb many.
MAX_ALIASES = 50
#: At most this many nodes once every alias is expanded (the flagship config has ~2 000).
MAX_EXPANDED_NODES = 200_000
#: Snakemake's YTE templating switch: a config carrying it would run Python code.
YTE_KEY = "__use_yte__"
_CORE = "tag:yaml.org,2002:"
#: Tags of plain JSON-like data; any other explicit tag is refused.
ALLOWED_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))
#: YAML 1.1 boolean spellings that a reader would not expect to become true/false.
_SURPRISING_BOOLEANS = frozenset(
    s for w in ("yes", "no", "on", "off", "y", "n") for s in (w, w.capitalize(), w.upper())
)

#: libyaml's safe loader when PyYAML was built with it (about 10x faster; same results).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class StrictYaml:
    """A parsed YAML document and where its values were written.

    Attributes
    ----------
    data
        The document, as plain dicts, lists, strings, numbers, booleans and None.
    lines
        1-based line of each value, by key path (``("sites", "a", "sources", 0)``).
    yaml11_booleans
        Key paths of plain scalars such as ``Yes``/``No``/``on`` that YAML 1.1 reads as booleans,
        with the text as written.
    """

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    yaml11_booleans: dict[KeyPath, str] = field(default_factory=dict)

    def line_of(self, path: KeyPath) -> int | None:
        """Line of ``path``, else of its nearest written ancestor (None when unknown)."""
        for end in range(len(path), -1, -1):
            if tuple(path[:end]) in self.lines:
                return self.lines[tuple(path[:end])]
        return None


def format_key_path(path: KeyPath) -> str:
    """``("sites", "a", "sources", 0)`` -> ``"sites/a/sources/0"`` (``(top level)`` when empty)."""
    return "/".join(str(p) for p in path) or "(top level)"


def _problem(
    file: str,
    line: int | None,
    message: str,
    path: KeyPath = (),
    value: Any = None,
    expected: str | None = None,
) -> Problem:
    where = f"line {line}: " if line is not None else ""
    return Problem(
        where + message,
        file=file,
        column=format_key_path(path) if path else None,
        value=value,
        expected=expected,
    )


def _event_problems(text: str, file: str) -> list[Problem]:
    """Tags and alias budget, from the event stream (stops at the budget: no expansion)."""
    problems: list[Problem] = []
    aliases = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        line = event.start_mark.line + 1 if event.start_mark else None
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ALLOWED_TAGS and tag != "!":
            problems.append(
                _problem(
                    file,
                    line,
                    f"YAML tag {tag!r} is not allowed",
                    value=tag,
                    expected="plain data without tags (strings, numbers, true/false, "
                    "lists, mappings); a config never builds objects",
                )
            )
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                problems.append(
                    _problem(
                        file,
                        line,
                        f"more than {MAX_ALIASES} YAML aliases (*name)",
                        expected="a config that repeats values explicitly "
                        "(an alias bomb would exhaust memory)",
                    )
                )
                break
    return problems


def _scalar_key(node: yaml.Node) -> str | None:
    """The key as text when it is a string scalar (quoted, or plain resolving to str)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _CORE + "str":
        return node.value
    return None


class _Walker:
    """One pass over the composed node graph: keys, lines, YAML 1.1 booleans, expanded size."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.lines: dict[KeyPath, int] = {}
        self.booleans: dict[KeyPath, str] = {}
        self._size: dict[int, int] = {}
        self._walked: set[int] = set()

    def size(self, node: yaml.Node) -> int:
        """Number of nodes with every alias expanded (memoised on the shared node objects)."""
        key = id(node)
        if key not in self._size:
            self._size[key] = 1  # guards a recursive alias
            if isinstance(node, yaml.SequenceNode):
                self._size[key] += sum(self.size(n) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                self._size[key] += sum(self.size(k) + self.size(v) for k, v in node.value)
        return self._size[key]

    def walk(self, node: yaml.Node, path: KeyPath, seen: set[int]) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:  # an alias to an enclosing node (recursive structure)
            self.problems.append(
                _problem(
                    self.file,
                    node.start_mark.line + 1,
                    "recursive YAML alias",
                    path,
                    expected="a tree of plain data",
                )
            )
            return
        if id(node) in self._walked:  # an alias: its anchor was checked where it was written
            return
        self._walked.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _CORE + "bool" and node.style in (None, "") and node.value in _SURPRISING_BOOLEANS:
                self.booleans[path] = node.value
            return
        seen = seen | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, path + (i,), seen)
            return
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _CORE + "merge":  # `<<: *base`: checked where the anchor was written
                continue
            key = _scalar_key(key_node)
            if key is None:
                written = getattr(key_node, "value", "") if isinstance(key_node, yaml.ScalarNode) else "?"
                hint = (
                    " (YAML 1.1 reads an unquoted yes/no/on/off as a boolean)"
                    if written in _SURPRISING_BOOLEANS
                    else ""
                )
                self.problems.append(
                    _problem(
                        self.file,
                        line,
                        f"key {written!r} is not a string{hint}",
                        path,
                        value=written,
                        expected=f'a quoted key, e.g. "{written}": ...',
                    )
                )
                continue
            if key == YTE_KEY:
                self.problems.append(
                    _problem(
                        self.file,
                        line,
                        f"`{YTE_KEY}` (Snakemake YTE templating) is not allowed",
                        path + (key,),
                        expected="a plain config: templating would execute code from the config file",
                    )
                )
            if key in first_line:
                self.problems.append(
                    _problem(
                        self.file,
                        line,
                        f"duplicate key {key!r} (first written at line {first_line[key]})",
                        path + (key,),
                        expected="each key once per mapping (a repeated block silently "
                        "replaces the first one)",
                    )
                )
            first_line.setdefault(key, line)
            self.walk(value_node, path + (key,), seen)


def load_yaml_strict(text: str, file: str) -> StrictYaml:
    """Parse ``text`` (the content of ``file``) strictly; raise one :class:`ConfigError`.

    Parameters
    ----------
    text
        The YAML document.
    file
        Name used in messages.

    Returns
    -------
    StrictYaml
        The data with the line of every value and the YAML 1.1 booleans spelled yes/no/on/off.

    Raises
    ------
    ConfigError
        On a syntax error, a tag, too many aliases, an alias bomb, duplicate or non-string keys,
        or the YTE key; every problem names the file and line.
    """
    summary = f"Refused YAML in {file}"
    try:
        problems = _event_problems(text, file)
        if problems:
            raise ConfigError(summary, problems)
        root = yaml.compose(text, Loader=SAFE_LOADER)
        if root is None:
            return StrictYaml(None)
        walker = _Walker(file)
        expanded = walker.size(root)
        if expanded > MAX_EXPANDED_NODES:
            raise ConfigError(
                summary,
                [
                    _problem(
                        file,
                        None,
                        f"aliases expand to more than {MAX_EXPANDED_NODES} values ({expanded})",
                        expected="a config that repeats values explicitly (alias bomb)",
                    )
                ],
            )
        walker.walk(root, (), set())
        if walker.problems:
            raise ConfigError(summary, walker.problems)
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"Cannot parse YAML in {file}",
            [
                Problem(
                    str(getattr(exc, "problem", None) or exc), file=file, row=mark.line + 1 if mark else None
                )
            ],
        ) from None
    return StrictYaml(data, walker.lines, walker.booleans)


def read_yaml_strict(path: str | Path) -> StrictYaml:
    """Read a UTF-8 YAML file with :func:`load_yaml_strict` (missing file: :class:`ConfigError`)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"Configuration file not found: {path}", [Problem("file does not exist", file=str(path))]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"Cannot read {path}",
            [
                Problem(
                    f"bytes at offset {exc.start} are not valid UTF-8",
                    file=str(path),
                    expected="a UTF-8 YAML file",
                )
            ],
        ) from None
    return load_yaml_strict(text, str(path))
