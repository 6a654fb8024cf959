"""Statistical tests and estimators for retrocohort tables, each naming its exact variant.

Every test returns a :class:`TestResult` whose ``method`` sentence states exact vs
asymptotic, zero and tie handling and continuity correction; see
/work/shared/notes/statistical-methods.md for where scipy, R and SPSS defaults differ.
Heavy dependencies (scipy.stats, statsmodels submodules) are imported inside functions.
"""

from retrocohort.stats.balance import CovariateBalance, balance_table
from retrocohort.stats.contingency import (
    chi_square_independence,
    crosstab,
    fisher_freeman_halton,
)
from retrocohort.stats.cox_zph import cox_zph
from retrocohort.stats.e_value import EValue, e_value
from retrocohort.stats.hodges_lehmann import (
    HL_CONVENTIONS,
    HLResult,
    hodges_lehmann_paired,
    rank_biserial_paired,
    select_walsh_sum,
)
from retrocohort.stats.hodges_lehmann_r import hodges_lehmann_r
from retrocohort.stats.likelihood_ratio import likelihood_ratio_test
from retrocohort.stats.matching import MatchResult, nearest_neighbour_match
from retrocohort.stats.multi_group import kruskal_wallis
from retrocohort.stats.multiplicity import ADJUST_METHODS, adjust_pvalues
from retrocohort.stats.paired_binary import mcnemar, mcnemar_from_discordant
from retrocohort.stats.paired_t import paired_t
from retrocohort.stats.propensity import PropensityScore, propensity_score
from retrocohort.stats.quantiles import HF_TYPES, grouped_quantiles, quantile
from retrocohort.stats.regression import cox_regression, logistic_regression
from retrocohort.stats.regression_design import RegressionResult, RegressionTerm
from retrocohort.stats.repeated_measures import cochran_q, friedman
from retrocohort.stats.result import TestResult
from retrocohort.stats.signed_rank import (
    sign_test,
    signed_rank_null_pmf,
    wilcoxon_preset,
    wilcoxon_signed_rank,
)
from retrocohort.stats.survival import MedianSurvival, kaplan_meier, logrank, median_survival
from retrocohort.stats.two_sample import (
    chi2_2x2,
    fisher_exact_2x2,
    mann_whitney,
    mann_whitney_preset,
    rank_sum_null_pmf,
)
from retrocohort.stats.weighting import WeightSummary, iptw_weights, truncate_weights, weight_summary
from retrocohort.stats.welch_t import welch_t

__all__ = [
    "weight_summary",
    "truncate_weights",
    "propensity_score",
    "nearest_neighbour_match",
    "iptw_weights",
    "e_value",
    "balance_table",
    "WeightSummary",
    "PropensityScore",
    "MatchResult",
    "EValue",
    "CovariateBalance",
    "ADJUST_METHODS",
    "HF_TYPES",
    "HLResult",
    "HL_CONVENTIONS",
    "MedianSurvival",
    "RegressionResult",
    "RegressionTerm",
    "TestResult",
    "adjust_pvalues",
    "chi2_2x2",
    "chi_square_independence",
    "cochran_q",
    "cox_regression",
    "cox_zph",
    "crosstab",
    "fisher_exact_2x2",
    "fisher_freeman_halton",
    "friedman",
    "grouped_quantiles",
    "hodges_lehmann_paired",
    "hodges_lehmann_r",
    "kaplan_meier",
    "kruskal_wallis",
    "likelihood_ratio_test",
    "logistic_regression",
    "logrank",
    "mann_whitney",
    "mann_whitney_preset",
    "mcnemar",
    "mcnemar_from_discordant",
    "median_survival",
    "paired_t",
    "quantile",
    "rank_biserial_paired",
    "rank_sum_null_pmf",
    "select_walsh_sum",
    "sign_test",
    "signed_rank_null_pmf",
    "wilcoxon_preset",
    "welch_t",
    "wilcoxon_signed_rank",
]
