"""SHA-256 of raw input files, cached by file identity, so a rerun sees content, not mtimes.

Snakemake decides reruns by modification times; a corrected raw file delivered with an older
mtime (``rsync -a``, ``cp -p``, ``unzip``) would be ignored. The workflow passes each site's
raw-file hashes to its ingestion rule as ``params``, so changed bytes rerun the ingestion
whatever the mtime says. Hashing every file on every ``snakemake`` start would cost seconds on
large inputs, so a hash is reused while the file's identity is unchanged: device, inode, size,
mtime *and* ctime (the inode change time, which no user tool can set back: replacing or
rewriting a file always moves it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from retrocohort.io.provenance import sha256_file


def _identity(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def content_hashes(paths: Iterable[str], cache: str | Path) -> dict[str, str]:
    """``{path: sha256}`` for ``paths``, recomputed only for files whose identity changed.

    Parameters
    ----------
    paths : iterable of str
        Raw input files (missing files are left out: the config check reports them).
    cache : path
        JSON file keeping ``{path: [identity..., sha256]}`` between runs (rewritten atomically
        only when an entry changed).
    """
    cache = Path(cache)
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    hashes, changed = {}, False
    for path in sorted(set(paths)):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        identity = _identity(stat)
        entry = known.get(path)
        if isinstance(entry, list) and entry[:-1] == identity:
            hashes[path] = entry[-1]
            continue
        hashes[path] = sha256_file(path)
        known[path] = [*identity, hashes[path]]
        changed = True
    if changed:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(known, sort_keys=True), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only checkout still works, it only hashes again next time
    return hashes


def package_digest() -> str:
    """SHA-256 over the source files of the installed ``retrocohort`` package (paths and bytes).

    Every rule passes it as a param, so results computed by other library code (an upgrade, or
    an edit in an editable install) are recomputed instead of looking current; Snakemake itself
    only notices edits of the rule scripts.
    """
    import hashlib

    import retrocohort

    root = Path(retrocohort.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".yaml"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
