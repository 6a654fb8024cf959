"""The slice of the study config a rule reads, declared in its ``params:``.

Snakemake reruns a job when its ``params`` change, so a rule that passes exactly the config keys
it reads is rerun exactly when one of them is edited. Two halves keep that honest:

* :func:`config_slice` (called in the rule's ``params:``) copies the declared key paths, e.g.
  ``("variables", "tables/table1", "statistics/quantile_type")``, into a plain nested dict;
* :class:`DeclaredConfig` (what the rule's script reads) is a read-only view of that slice that
  raises :class:`UndeclaredConfigKey` when code reads a key outside the declared paths, even
  through ``.get(key, default)``, so a step cannot silently fall back to a default for a setting
  the rule did not declare (and would therefore not rerun for).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Path_ = tuple[str, ...]


class UndeclaredConfigKey(RuntimeError):
    """A step read a config key its rule does not declare in ``params:`` (a workflow bug)."""


def _split(path: str) -> Path_:
    return tuple(part for part in path.split("/") if part)


def config_slice(config: Mapping[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """``{"declared": [...], "values": {...}}``: the values at ``paths`` (absent keys skipped).

    Parameters
    ----------
    config : mapping
        The whole study config (defaults filled).
    paths : sequence of str
        ``/``-separated key paths; a path names a whole subtree.
    """
    values: dict[str, Any] = {}
    for path in paths:
        keys = _split(path)
        node: Any = config
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                break
            node = node[key]
        else:
            target = values
            for key in keys[:-1]:
                target = target.setdefault(key, {})
            target[keys[-1]] = node
    return {"declared": sorted(set(paths)), "values": values}


class DeclaredConfig(Mapping):
    """Read-only view of a :func:`config_slice` that refuses undeclared keys.

    Reading a key inside a declared subtree returns the plain value; reading a key on the way
    to a declared path returns another view; anything else raises
    :class:`UndeclaredConfigKey` naming the key path.
    """

    def __init__(
        self, sliced: Mapping[str, Any], _prefix: Path_ = (), _values: Any = None, _rule: str = ""
    ) -> None:
        self._declared = [_split(p) for p in sliced["declared"]]
        self._sliced = sliced
        self._prefix = _prefix
        self._values = sliced["values"] if _values is None else _values
        self._rule = _rule

    def _covered(self, path: Path_) -> bool:
        return any(path[: len(d)] == d for d in self._declared)

    def _on_the_way(self, path: Path_) -> bool:
        return any(len(d) > len(path) and d[: len(path)] == path for d in self._declared)

    def _check(self, key: str) -> Path_:
        path = (*self._prefix, key)
        if not (self._covered(path) or self._on_the_way(path)):
            rule = f"rule {self._rule!r}" if self._rule else "this rule"
            raise UndeclaredConfigKey(
                f"{rule} reads config key {'/'.join(path)!r} but does not declare it in its "
                f"params (declared: {', '.join(self._sliced['declared'])})"
            )
        return path

    def __getitem__(self, key: str) -> Any:
        path = self._check(key)
        value = self._values[key]
        if self._covered(path) or not isinstance(value, Mapping):
            return value
        return DeclaredConfig(self._sliced, path, value, self._rule)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._check(key)) and key in self._values

    def __iter__(self) -> Iterator[str]:
        prefix = self._prefix
        return (k for k in self._values if self._covered((*prefix, k)) or self._on_the_way((*prefix, k)))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"DeclaredConfig({'/'.join(self._prefix) or '/'}: {', '.join(self._sliced['declared'])})"


def with_value(sliced: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of a :func:`config_slice` whose declared ``path`` holds ``value`` instead: a rule
    passes a projection of a key (e.g. Table 1 rows without their labels) so that edits outside
    the projection do not rerun it."""
    keys = _split(path)
    if path not in sliced["declared"]:
        raise ValueError(f"{path!r} is not declared in this slice")
    values = dict(sliced["values"])
    node = values
    for key in keys[:-1]:
        node[key] = dict(node.get(key, {}))
        node = node[key]
    node[keys[-1]] = value
    return {"declared": sliced["declared"], "values": values}
