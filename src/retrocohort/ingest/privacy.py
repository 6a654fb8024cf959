"""Direct identifiers: refuse them at ingestion unless the config says what to do with them.

A raw column is a *direct identifier* when its name looks like one (name, date of birth,
hospital number, national id, contact details) or when its values do (French NIR / INSEE
number, US SSN, e-mail address, full calendar dates). Such a column stops ingestion with a
located :class:`~retrocohort.errors.InputError` unless the source declares it under
``identifiers:``:

* ``drop``: the column is discarded when the file is read (it never reaches any table);
* ``pseudonymise``: values are replaced by ``HMAC-SHA256(salt, value)`` (first 16 hex digits),
  the salt being read from the environment variable named by the source's
  ``pseudonym_salt_env`` (never from the config file, so the key is not committed). The same
  salt gives the same pseudonym in every file and site, so joins keep working.

Identifiers *inside* free text ("Mme DUPONT, née le 12/03/1984, tél 06 12 34 56 78") are found
by :data:`EMBEDDED_IDENTIFIER_PATTERNS` (searched, not matched: e-mail addresses, French and
international phone numbers, NIR and SSN written with spaces, dots or dashes, dates of birth
after "né(e) le" / "born" / "DOB", and full dd/mm/yyyy dates). The source's
``free_text_identifiers`` policy says what happens: ``refuse`` (default: a located error, the
cell never shown in full) or ``redact`` (each match replaced by ``[redacted]`` before anything
reads the file). Patient ids that look like hospital numbers (7 or more digits, optionally after
a letters-only prefix) are refused whatever the id column is called, unless the source declares
``identifiers: {<id column>: pseudonymise}`` or ``id_is_pseudonymous: true``.

Detection is vectorised (one regular expression per pattern over a column's unique values);
numeric-parsed value/day columns of long measurement files are not scanned by value (a value
there that is not a number is already an error, and an identifier disguised as a number falls
outside every plausible range).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping

import pandas as pd

from retrocohort.errors import ConfigError, Problem
from retrocohort.io.raw import require_columns

#: Raw column names that denote a direct identifier (matched on the lower-cased name with
#: separators removed, e.g. "Date of birth" -> "dateofbirth").
IDENTIFIER_NAME_PATTERNS: Mapping[str, str] = {
    "name": r"(first|last|family|given|sur|maiden|full|patient|birth)?names?|nom|prenom|nomdenaissance",
    "date of birth": r"(date)?(of)?birth(date|day)?|dob|dateofbirth|datenaissance|datedenaissance|ddn|naissance",
    "hospital number": r"(hospital|medical|patient)?(record)?(number|no|num)|mrn|ipp|nip|nda|hospitalid",
    "national id": r"nir|insee|ssn|socialsecurity(number|no)?|nss|secu|nationalid|nhsnumber|numerosecu",
    "contact details": r"e?mail|phone|telephone|tel|mobile|address|adresse|postcode|zipcode|zip",
}
_NAME_RE = {kind: re.compile(f"(?:{pat})") for kind, pat in IDENTIFIER_NAME_PATTERNS.items()}

#: Cell patterns of direct identifiers (full match on the stripped cell).
IDENTIFIER_VALUE_PATTERNS: Mapping[str, str] = {
    "French NIR / INSEE number": r"[12]\s?\d{2}\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[AB])\s?\d{3}\s?\d{3}(\s?\d{2})?",
    "US social security number": r"\d{3}-\d{2}-\d{4}",
    "e-mail address": r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
    "full calendar date (possible date of birth)": r"(\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d{2})|((19|20)\d{2}-\d{2}-\d{2})",
}
_VALUE_RE = {kind: re.compile(pat) for kind, pat in IDENTIFIER_VALUE_PATTERNS.items()}

_SEP = r"[\s.\-]?"
#: Identifiers searched inside free text (not anchored to the whole cell).
EMBEDDED_IDENTIFIER_PATTERNS: Mapping[str, str] = {
    "e-mail address": r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}",
    "date of birth": r"(?i:\bn[ée]e?\s*(?:\(e\)\s*)?le|\bborn(?:\s+on)?|\bdob\b|\bddn\b"
    r"|date\s+de\s+naissance)"
    r"\s*:?\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}",
    "French NIR / INSEE number": rf"(?<!\d)[12]{_SEP}\d{{2}}{_SEP}(?:0[1-9]|1[0-2]|[2-9]\d){_SEP}"
    rf"(?:\d{{2}}|2[AB]){_SEP}\d{{3}}{_SEP}\d{{3}}(?:{_SEP}\d{{2}})?(?!\d)",
    "US social security number": r"(?<!\d)\d{3}[\s.\-]\d{2}[\s.\-]\d{4}(?!\d)",
    "phone number": r"(?<![\d+])(?:(?:\+|00)33\s?\(?0?\)?\s?[1-9]|0[1-9])(?:[\s.\-]?\d{2}){4}(?!\d)"
    r"|(?<![\d+])\+\d{1,3}(?:[\s.\-]?\(?\d{1,4}\)?){2,5}(?!\d)",
    "full calendar date (possible date of birth)": r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}(?!\d)",
}
_EMBEDDED_RE = {kind: re.compile(pat) for kind, pat in EMBEDDED_IDENTIFIER_PATTERNS.items()}
_ANY_EMBEDDED = re.compile("|".join(f"(?:{pat})" for pat in EMBEDDED_IDENTIFIER_PATTERNS.values()))
#: What replaces an identifier found in free text under ``free_text_identifiers: redact``.
REDACTED = "[redacted]"
#: Patient ids of this many digits or more look like hospital numbers (IPP, NDA, MRN).
HOSPITAL_NUMBER_DIGITS = 7
_ANY_VALUE = "|".join(f"(?:{pat})" for pat in IDENTIFIER_VALUE_PATTERNS.values())
ACTIONS = ("drop", "pseudonymise")


def _normalised(name: str) -> str:
    """Lower case, accents removed ("Prénom" -> "prenom"), separators removed."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def identifier_kind_by_name(column: str) -> str | None:
    """The identifier kind a column name denotes (``None`` when it looks harmless)."""
    norm = _normalised(column)
    return next((kind for kind, rx in _NAME_RE.items() if rx.fullmatch(norm)), None)


def identifier_kind_by_values(values: pd.Series) -> tuple[str, int, str] | None:
    """(kind, first row index, value) of the first cell that looks like an identifier.

    Only the column's distinct values are matched (one combined regular expression), so a
    16 M-row column of a few distinct codes costs one hash pass.
    """
    uniques = pd.Series(pd.unique(values.dropna()), dtype="string")
    if uniques.empty:
        return None
    hit = uniques.str.strip().str.fullmatch(_ANY_VALUE).fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return None
    raw = uniques[hit].iloc[0]
    value = raw.strip()
    kind = next(k for k, rx in _VALUE_RE.items() if rx.fullmatch(value))
    index = values.index[(values == raw).fillna(False).to_numpy(dtype=bool)][0]
    return kind, index, value


def scan_identifiers(
    frame: pd.DataFrame,
    file: str,
    *,
    declared: Iterable[str],
    value_scan_skip: Iterable[str] = (),
    role_columns: Iterable[str] = (),
) -> list[Problem]:
    """Problems for every undeclared column whose name or values look like a direct identifier.

    ``role_columns`` (the source's ``id_column``, and a long file's day, variable, value and unit
    columns) are not judged by their names: the config says what they hold (``patient_no`` is the
    study's patient number, ``name`` the measured variable), and their cells are checked for what
    they should be. :func:`id_column_problems` judges the id by name and values together. Values
    of role columns are scanned like any other column's.
    """
    declared, skip, roles = set(declared), set(value_scan_skip), set(role_columns)
    problems = []
    for column in frame.columns:
        if column in declared:
            continue
        expected = (
            f"no direct identifiers in raw files, or `identifiers: {{{column}: drop}}` "
            "(or `pseudonymise`) for this source"
        )
        kind = identifier_kind_by_name(column) if column not in roles else None
        if kind:
            problems.append(
                Problem(
                    f"column name looks like a direct identifier ({kind})",
                    file=file,
                    column=str(column),
                    expected=expected,
                )
            )
            continue
        if column in skip:
            continue
        found = identifier_kind_by_values(frame[column])
        if found:
            kind, index, value = found
            problems.append(
                Problem(
                    f"value looks like a direct identifier ({kind})",
                    file=file,
                    row=int(index) + 2,
                    column=str(column),
                    value=mask_identifiers(value),
                    expected=expected,
                )
            )
    return problems


#: What replaces an identifier of each kind in a message, a report or a log line: the kind
#: stays readable (a date typed in an age column is still seen to be a date), the value is gone.
MASKS: Mapping[str, str] = {
    "e-mail address": "[e-mail]",
    "date of birth": "[date of birth]",
    "French NIR / INSEE number": "[NIR]",
    "US social security number": "[SSN]",
    "phone number": "[phone]",
    "full calendar date (possible date of birth)": "[date]",
}


def _labelled(patterns: Mapping[str, str]) -> tuple[re.Pattern, dict[str, str]]:
    """One expression with a named group per kind, and group name -> mask."""
    groups = {f"k{i}": kind for i, kind in enumerate(patterns)}
    rx = re.compile("|".join(f"(?P<{g}>{patterns[kind]})" for g, kind in groups.items()))
    return rx, {g: MASKS[kind] for g, kind in groups.items()}


_MASK_PASSES = (_labelled(EMBEDDED_IDENTIFIER_PATTERNS), _labelled(IDENTIFIER_VALUE_PATTERNS))


def mask_identifiers(text: str) -> str:
    """``text`` with *every* match of every identifier pattern replaced by its kind's mask
    (:data:`MASKS`: ``[e-mail]``, ``[phone]``, ``[date]``...).

    Both the free-text patterns (:data:`EMBEDDED_IDENTIFIER_PATTERNS`) and the whole-cell ones
    (:data:`IDENTIFIER_VALUE_PATTERNS`, searched) are applied, all matches of each, so a cell
    holding two e-mail addresses and a phone number is shown with all three masked. Messages,
    reports and logs show cells only through this.
    """
    for rx, masks in _MASK_PASSES:
        text = rx.sub(lambda m, masks=masks: masks[m.lastgroup], text)
    return text


def embedded_identifier_problems(frame: pd.DataFrame, file: str, *, skip: Iterable[str]) -> list[Problem]:
    """One problem per cell of a scanned column holding an identifier inside its text.

    The distinct values are searched first (one combined expression); the problem shows the
    cell with every identifier in it masked (:func:`mask_identifiers`) and names the kind of
    the first.
    """
    skip = set(skip)
    problems = []
    for column in frame.columns:
        if column in skip or not (
            pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column])
        ):
            continue
        values = frame[column].astype("string")
        uniques = pd.Series(pd.unique(values.dropna()), dtype="string")
        hits = uniques[uniques.str.contains(_ANY_EMBEDDED).fillna(False).to_numpy(dtype=bool)]
        for cell in hits:
            kind = next(k for k, rx in _EMBEDDED_RE.items() if rx.search(cell))
            for index in values.index[(values == cell).fillna(False).to_numpy(dtype=bool)]:
                problems.append(
                    Problem(
                        f"free text contains a direct identifier ({kind})",
                        file=file,
                        row=int(index) + 2,
                        column=str(column),
                        value=mask_identifiers(cell),
                        expected="no identifiers in free text: remove it, or declare "
                        "`free_text_identifiers: redact` for this source",
                    )
                )
    return problems


def redact_embedded_identifiers(frame: pd.DataFrame, *, skip: Iterable[str]) -> pd.DataFrame:
    """``frame`` with every identifier found inside text replaced by :data:`REDACTED`."""
    skip = set(skip)
    out = frame.copy()
    for column in out.columns:
        if column in skip or not (
            pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column])
        ):
            continue
        out[column] = out[column].astype("string").str.replace(_ANY_EMBEDDED, REDACTED, regex=True)
    return out


#: A patient id that looks like a hospital number (IPP, NDA, MRN): :data:`HOSPITAL_NUMBER_DIGITS`
#: or more digits, alone or after a letters-only prefix (``80012345``, ``MRN1234567``,
#: ``IPP-0012345678``). Study codes such as ``1``..``418``, ``C12`` or ``S01-0000001`` (a prefix
#: holding a digit) do not match.
HOSPITAL_NUMBER_ID = rf"[A-Za-z]{{0,5}}[\s\-_/:.#]?\d{{{HOSPITAL_NUMBER_DIGITS},}}"


def hospital_number_ids(ids: pd.Series) -> tuple[int, int, int | None]:
    """(ids matching :data:`HOSPITAL_NUMBER_ID`, non-missing ids, index label of the first match)."""
    present = ids.dropna().astype("string").str.strip()
    hits = present.str.fullmatch(HOSPITAL_NUMBER_ID).fillna(False).to_numpy(dtype=bool)
    first = present.index[hits][0] if hits.any() else None
    return int(hits.sum()), len(present), first


def id_column_problems(
    ids: pd.Series, file: str, column: str, *, pseudonymous: bool = False
) -> list[Problem]:
    """Whether a source's declared ``id_column`` may be used as the patient id as it stands.

    The declared id is accepted whatever its name, with two protections:

    * a name that sounds like a direct identifier other than a number (a name, a date of birth,
      a national id, contact details: :func:`identifier_kind_by_name`) is refused;
    * ids that look like hospital numbers (:data:`HOSPITAL_NUMBER_ID`: 7+ digits, optionally
      after a letters-only prefix) are refused **whatever the column's name**: they would reach
      every result file. The problem gives the count, the first row and the id's shape (never
      the id itself).

    ``pseudonymous`` (the source's ``id_is_pseudonymous: true``: the user states the ids are study
    codes) lifts both; ``identifiers: {<id column>: pseudonymise}`` replaces the ids before this
    check. Values that look like a NIR, a social security number, an e-mail or a date are
    refused by :func:`scan_identifiers` in every case.
    """
    if pseudonymous:
        return []
    fix = (
        f"`identifiers: {{{column}: pseudonymise}}` for this source (ids replaced by keyed hashes), "
        "or `id_is_pseudonymous: true` for this source if the ids are study codes"
    )
    problems = []
    kind = identifier_kind_by_name(column)
    if kind not in (None, "hospital number"):
        problems.append(
            Problem(
                f"column name looks like a direct identifier ({kind})",
                file=file,
                column=str(column),
                expected=fix,
            )
        )
    long, total, first = hospital_number_ids(ids)
    if long:
        shown = str(ids.loc[first]).strip()
        digits = sum(c.isdigit() for c in shown)
        problems.append(
            Problem(
                ("column name looks like a direct identifier (hospital number), and " if kind else "")
                + f"{long} of {total} patient ids look like hospital numbers ({HOSPITAL_NUMBER_DIGITS}+ "
                "digits, optionally after letters); they would reach every result file",
                file=file,
                row=int(first) + 2,
                column=str(column),
                value=f"[{digits} digits]",
                expected=fix,
            )
        )
    return problems


def pseudonym(values: pd.Series, salt: bytes) -> pd.Series:
    """HMAC-SHA256(salt, value) -> first 16 hex digits; missing stays missing."""
    text = values.astype("string").str.strip()
    uniques = text.dropna().unique()
    table = {v: hmac.new(salt, v.encode("utf-8"), hashlib.sha256).hexdigest()[:16] for v in uniques}
    return text.map(table).astype("string")


def salt_from_env(source: dict, file: str) -> bytes:
    """The pseudonymisation key from the environment variable the source names."""
    env = source.get("pseudonym_salt_env")
    if not env:
        raise ConfigError(
            f"No pseudonymisation key for {file}",
            [
                Problem(
                    "`identifiers` asks to pseudonymise but `pseudonym_salt_env` is not set",
                    file=file,
                    column="pseudonym_salt_env",
                    expected="the name of an environment variable holding the key",
                )
            ],
        )
    salt = os.environ.get(env, "")
    if len(salt) < 16:
        raise ConfigError(
            f"No pseudonymisation key for {file}",
            [
                Problem(
                    f"environment variable {env} is unset or shorter than 16 characters",
                    file=file,
                    column="pseudonym_salt_env",
                    value=env,
                    expected="a secret of at least 16 characters",
                )
            ],
        )
    return salt.encode("utf-8")


def apply_identifier_policy(frame: pd.DataFrame, source: dict, file: str) -> pd.DataFrame:
    """Drop or pseudonymise the declared identifier columns (before anything else reads them)."""
    policy = source.get("identifiers") or {}
    require_columns(
        frame,
        list(policy),
        file,
        title="Declared identifier columns missing",
        reason="column declared under `identifiers` not found",
    )
    drop = [c for c, action in policy.items() if action == "drop"]
    out = frame.drop(columns=drop)
    pseudo = [c for c, action in policy.items() if action == "pseudonymise"]
    if pseudo:
        salt = salt_from_env(source, file)
        for column in pseudo:
            out[column] = pseudonym(out[column], salt)
    return out
