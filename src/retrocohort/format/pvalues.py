"""How p-values are printed in every table: journal style from the study's ``statistics``."""

from __future__ import annotations

from retrocohort.format.numbers import format_p


def p_value_format(stats_cfg: dict) -> dict:
    """Printing settings: ``statistics.p_value`` (decimals 3, threshold 0.001) and rounding."""
    return {"decimals": 3, "threshold": 0.001, **stats_cfg.get("p_value", {}),
            "rule": stats_cfg.get("rounding", "half_up")}


def printed_p(p: float, p_format: dict) -> str:
    """``p`` as journals print it ("<0.001", else three decimals), per :func:`p_value_format`;
    a missing p prints as an em dash."""
    return format_p(p, decimals=p_format["decimals"], threshold=p_format["threshold"],
                    rule=p_format["rule"])
