"""Raw-file paths a study config declares, resolved only inside the study directory."""

from __future__ import annotations

from pathlib import Path

from retrocohort.errors import InputError, Problem


def resolve_inside(base_dir: str | Path, relative: str, file: str | None = None) -> Path:
    """``base_dir / relative``, refused unless it resolves (symlinks followed) inside ``base_dir``.

    A raw path is a declared input of the study: ``../``, an absolute path elsewhere, or a
    symlink out of the study directory (to ``/etc/passwd``, say) is an :class:`InputError`
    raised before the file is opened, so no message ever echoes a non-declared file's content.
    """
    root = Path(base_dir).resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        link = " (through a symbolic link)" if (root / relative).is_symlink() else ""
        raise InputError(
            f"Input path outside the study directory: {relative}",
            [
                Problem(
                    f"resolves to {target}{link}, outside the study directory {root}",
                    file=file or relative,
                    expected="a raw file inside the study directory (copy it there; no links out of it)",
                )
            ],
        )
    return target
