"""Text shaping shared by the subcommands (standard library only, so ``--help`` stays fast)."""

from __future__ import annotations


def one_paragraph(text: str) -> str:
    """Drop blank lines so a message prints as a single paragraph.

    Examples
    --------
    >>> one_paragraph("a\\n\\n  \\nb\\n")
    'a\\nb'
    """
    return "\n".join(line for line in str(text).splitlines() if line.strip())
