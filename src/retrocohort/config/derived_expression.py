"""Arithmetic of numeric columns (``derived: {<name>: {expression: "kappa + lambda"}}``), parsed
safely (no pandas).

The text is parsed with Python's :mod:`ast` and only these nodes are accepted: ``+ - * /`` between
two terms, a leading ``-`` or ``+``, parentheses, numbers and variable names. Everything else (a
function call, an attribute, ``**``, a comparison, a string) is refused at load, naming what was
found: nothing is ever evaluated by Python's ``eval``. The evaluation itself, on the data, is
:func:`retrocohort.cohort.derive.evaluate_expression`.

Units (from ``variables.<name>.unit``, see :func:`expression_unit`): terms added or subtracted
must share their unit (``kappa + lambda``, both mg/L, is in mg/L); a product or a ratio, even by
a number (``age / 10`` is in decades), has no printed unit: name it in the derived ``label``.

References
----------
Python Software Foundation. *The Python Language Reference*, section 6.7 "Binary arithmetic
operations" (precedence and left-to-right grouping of ``+ - * /``) and :mod:`ast` ("Abstract
Syntax Trees").
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable

#: The binary operators an expression may use, as written.
BINARY_OPERATORS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ExpressionError(ValueError):
    """An expression outside the accepted grammar (the message names what was found)."""


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY_OPERATORS:
            raise ExpressionError(
                f"operator {type(node.op).__name__} is not allowed (only + - * / of variables and numbers)"
            )
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")
        _check(node.operand)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"{node.value!r} is not a number")
    elif not isinstance(node, ast.Name):
        raise ExpressionError(
            f"{type(node).__name__} is not allowed (only + - * / of variables and numbers, and parentheses)"
        )


def parse_expression(text: str) -> ast.expr:
    """The syntax tree of ``text``, checked to hold only ``+ - * /``, numbers and names.

    Parameters
    ----------
    text : str
        The expression as written in the config, e.g. ``"kappa + lambda"``.

    Returns
    -------
    ast.expr
        Its tree (``ast.BinOp``, ``ast.UnaryOp``, ``ast.Constant``, ``ast.Name`` nodes only).

    Raises
    ------
    ExpressionError
        Not a Python expression, or one using anything else (calls, attributes, ``**``, ...).

    Examples
    --------
    >>> ast.unparse(parse_expression("kappa + lambda"))  # a keyword is a name like any other
    'kappa + lambda'
    >>> parse_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    retrocohort.config.derived_expression.ExpressionError: Call is not allowed (only + - * / of variables and numbers, and parentheses)
    """
    source, names = _with_placeholders(str(text).strip())
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"not an arithmetic expression ({exc.msg})") from None
    _check(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            node.id = names[node.id]
    return tree


def _with_placeholders(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with every name replaced by a placeholder (``_v0``, ...), and placeholder -> name.

    A variable may be called like a Python keyword (flchain's ``lambda``), which :func:`ast.parse`
    would refuse: names are found by Python's tokenizer, which reads keywords as names too.
    """
    names: dict[str, str] = {}
    tokens = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME:
                placeholder = next((p for p, n in names.items() if n == tok.string), f"_v{len(names)}")
                names[placeholder] = tok.string
                tokens.append((tokenize.NAME, placeholder))
            else:
                tokens.append((tok.type, tok.string))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise ExpressionError(f"not an arithmetic expression ({exc.args[0]})") from None
    return tokenize.untokenize(tokens), names


def expression_names(text: str) -> list[str]:
    """The variables an expression reads, in order of first appearance (``[]`` when it does not parse).

    Examples
    --------
    >>> expression_names("(kappa + lambda) / 2 + kappa")
    ['kappa', 'lambda']
    """
    try:
        tree = parse_expression(text)
    except ExpressionError:
        return []
    names = [n.id for n in sorted(ast.walk(tree), key=_position) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def _position(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def divisor_names(text: str) -> list[str]:
    """Variables that appear in a divisor (right of a ``/``): a zero there makes the row missing.

    Examples
    --------
    >>> divisor_names("kappa / lambda + 1 / (a - b)")
    ['lambda', 'a', 'b']
    """
    try:
        tree = parse_expression(text)
    except ExpressionError:
        return []
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            out += [n.id for n in sorted(ast.walk(node.right), key=_position) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(out))


def expression_unit(tree: ast.expr, unit_of: Callable[[str], str]) -> str | None:
    """The unit of an expression's value, from its variables' units.

    ``+``/``-``: the operands' shared unit (a number, or a variable without a unit, takes the
    other's); ``*`` and ``/``: ``""``, no unit printed (``age / 10`` is in decades, ``creat /
    88.4`` in another unit: the unit of a product or ratio is not guessed). ``None`` for a bare
    number.

    Parameters
    ----------
    tree : ast.expr
        From :func:`parse_expression`.
    unit_of : callable
        Variable name -> its unit (``""`` when it has none).

    Returns
    -------
    str or None
        The unit, ``""`` when none can be printed, ``None`` for a constant.

    Raises
    ------
    ExpressionError
        Two terms in different units added or subtracted (e.g. mg/L + mg/dL).

    References
    ----------
    Bureau International des Poids et Mesures. The International System of Units (SI), 9th ed.
    2019, section 5.4.1 (only quantities of the same kind, in the same unit, are added).

    Examples
    --------
    >>> units = {"kappa": "mg/L", "lambda": "mg/L", "age": "years"}.get
    >>> expression_unit(parse_expression("kappa + lambda"), units), expression_unit(parse_expression("kappa / 2"), units)
    ('mg/L', '')
    >>> expression_unit(parse_expression("kappa + age"), units)
    Traceback (most recent call last):
    ...
    retrocohort.config.derived_expression.ExpressionError: 'mg/L' and 'years' added or subtracted: terms of a sum must share their unit
    """
    if isinstance(tree, ast.Constant):
        return None
    if isinstance(tree, ast.Name):
        return unit_of(tree.id) or ""
    if isinstance(tree, ast.UnaryOp):
        return expression_unit(tree.operand, unit_of)
    assert isinstance(tree, ast.BinOp)
    left, right = expression_unit(tree.left, unit_of), expression_unit(tree.right, unit_of)
    if isinstance(tree.op, (ast.Add, ast.Sub)):
        if left and right and left != right:
            raise ExpressionError(
                f"{left!r} and {right!r} added or subtracted: terms of a sum must share their unit"
            )
        return left or right if (left or right) else (None if left is None and right is None else "")
    return None if left is None and right is None else ""
