"""R oracle for the model-term analyses of issue 23 item 6, on the real Mayo Clinic PBC data
(studies/pbc/data/raw/pbc_patients.csv = survival::pbc, 418 patients): global likelihood-ratio
p of multi-level factors (stage, 4 levels; oedema, 3) = R ``drop1``/``anova``; the
proportional-hazards test per term and global = R ``cox.zph`` (survival 3.5-3); stratified Cox
= R ``coxph(... + strata(sex))``; interaction coefficients = R ``a:b``. Every number at 1e-9.

Cholesterol is missing for 134 patients: the full model drops them, and R refits the reduced
model on the complete cases of the full model, so the global p checks that ours does too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rscript import require_rscript, run_r

from retrocohort.analysis.regression import regression_analysis

ROOT = Path(__file__).resolve().parents[2]
PBC = ROOT / "studies" / "pbc" / "data" / "raw" / "pbc_patients.csv"
REL = 1e-9

#: R: the data (factor levels as ours), tight convergence (as ours: full precision).
R_SETUP = """
d <- pbc
d$stage <- factor(d$stage, levels = c("1", "2", "3", "4"))
d$edema <- factor(d$edema, levels = c("0", "0.5", "1"))
d$trt <- factor(d$trt, levels = c("1", "2"))
d$sex <- factor(d$sex, levels = c("m", "f"))
ctl <- coxph.control(eps = 1e-14, iter.max = 100, toler.chol = 1e-15)
gctl <- glm.control(epsilon = 1e-15, maxit = 100)
cc <- function(vars) d[complete.cases(d[, vars]), ]
"""


@pytest.fixture(scope="module")
def pbc() -> pd.DataFrame:
    require_rscript()
    raw = pd.read_csv(PBC)
    return pd.DataFrame(
        {
            "time": raw["time"].astype(float),
            "died": (raw["status"] == 2).astype(int),
            "age": raw["age"],
            "chol": raw["chol"],
            "bili": raw["bili"],
            "stage": raw["stage"].map(lambda v: None if pd.isna(v) else str(int(v))),
            "edema": raw["edema"].map({0.0: "0", 0.5: "0.5", 1.0: "1"}),
            "trt": raw["trt"].map(lambda v: None if pd.isna(v) else str(int(v))),
            "sex": raw["sex"],
        }
    )


def _r(code: str, pbc: pd.DataFrame, tmp_path: Path) -> dict[str, list]:
    return run_r(R_SETUP + code, frames={"pbc": pbc}, workdir=tmp_path)


def _close(ours, theirs, what: str) -> None:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, (what, ours, theirs)
    np.testing.assert_allclose(ours, theirs, rtol=REL, atol=0, err_msg=what)


def _spec(kind: str, **extra) -> dict:
    outcome = {"outcome": "died"} if kind == "logistic" else {"time": "time", "event": "died"}
    used = set(extra.get("predictors", [])) | set(extra.get("multivariable", []))
    refs = {k: v for k, v in {"stage": "1", "edema": "0", "trt": "1", "sex": "m"}.items() if k in used}
    return {"kind": kind, **outcome, "conf_level": 0.95, "global_p": True, "reference_levels": refs, **extra}


def _global(result, term: str) -> tuple[float, float, int]:
    (test,) = [t for t in result.global_tests if t.term == term]
    return test.chisq, test.p_value, test.df


@pytest.mark.parametrize("kind", ["logistic", "cox"])
def test_global_likelihood_ratio_p_equals_r_drop1(pbc, tmp_path, kind):
    """Full model age + stage + edema + chol (complete cases: chol known); each factor dropped
    in turn, refitted on the same rows; the univariable stage model against the null model."""
    predictors = ["age", "stage", "edema", "chol"]
    ours = regression_analysis(pbc, _spec(kind, predictors=["stage"], multivariable=predictors))
    if kind == "logistic":
        fit = "glm(died ~ {f}, binomial, data = x, control = gctl)"
        ll = "as.numeric(logLik({m}))"
    else:
        fit = "coxph(Surv(time, died) ~ {f}, data = x, control = ctl)"
        ll = "{m}$loglik[2]"
    code = f"""
x <- cc(c("time", "died", "age", "stage", "edema", "chol"))
full <- {fit.format(f="age + stage + edema + chol")}
no_stage <- {fit.format(f="age + edema + chol")}
no_edema <- {fit.format(f="age + stage + chol")}
lr <- function(m) 2 * ({ll.format(m="full")} - {ll.format(m="m")})
x <- cc(c("time", "died", "stage"))
uni <- {fit.format(f="stage")}
uni_null <- {"glm(died ~ 1, binomial, data = x, control = gctl)" if kind == "logistic" else "NULL"}
uni_lr <- {"2 * (as.numeric(logLik(uni)) - as.numeric(logLik(uni_null)))" if kind == "logistic" else "2 * diff(uni$loglik)"}
out <- list(stage = c(lr(no_stage), pchisq(lr(no_stage), 3, lower.tail = FALSE)),
            edema = c(lr(no_edema), pchisq(lr(no_edema), 2, lower.tail = FALSE)),
            uni = c(uni_lr, pchisq(uni_lr, 3, lower.tail = FALSE)),
            n = nrow(cc(c("time", "died", "age", "stage", "edema", "chol"))))
"""
    r = _r(code, pbc, tmp_path)
    mv = ours.multivariable
    assert mv.n == int(r["n"][0])
    for term, df in (("stage", 3), ("edema", 2)):
        chisq, p, got_df = _global(mv, term)
        assert got_df == df
        _close([chisq, p], r[term], f"{kind} drop1 {term}")
    chisq, p, _ = _global(ours.univariable["stage"], "stage")
    _close([chisq, p], r["uni"], f"{kind} univariable stage vs null")


def test_cox_zph_per_term_and_global_equals_r(pbc, tmp_path):
    """cox.zph(fit) of age + stage (3 df) + edema (2 df) + bili: chisq, df, p of each term and GLOBAL."""
    ours = regression_analysis(
        pbc, _spec("cox", predictors=["age"], multivariable=["age", "stage", "edema", "bili"])
    ).multivariable
    code = """
fit <- coxph(Surv(time, died) ~ age + stage + edema + bili, data = cc(c("time", "died", "age", "stage", "edema", "bili")), control = ctl)
z <- cox.zph(fit)$table
out <- list(names = rownames(z), chisq = z[, "chisq"], df = z[, "df"], p = z[, "p"])
"""
    r = _r(code, pbc, tmp_path)
    assert [t.term for t in ours.ph_tests] == ["age", "stage", "edema", "bili", "GLOBAL"] == r["names"]
    _close([t.df for t in ours.ph_tests], r["df"], "cox.zph df")
    _close([t.chisq for t in ours.ph_tests], r["chisq"], "cox.zph chisq")
    _close([t.p_value for t in ours.ph_tests], r["p"], "cox.zph p")


def test_stratified_cox_hazard_ratios_and_zph_equal_r(pbc, tmp_path):
    """coxph(Surv(time, died) ~ age + stage + edema + strata(sex)): coefficients, SEs, HRs and
    CIs, the LRT of stage within strata, and cox.zph of the stratified model."""
    ours = regression_analysis(
        pbc, _spec("cox", predictors=["age"], multivariable=["age", "stage", "edema"], strata="sex")
    ).multivariable
    code = """
x <- cc(c("time", "died", "age", "stage", "edema", "sex"))
fit <- coxph(Surv(time, died) ~ age + stage + edema + strata(sex), data = x, control = ctl)
red <- coxph(Surv(time, died) ~ age + edema + strata(sex), data = x, control = ctl)
s <- summary(fit)
z <- cox.zph(fit)$table
lr <- 2 * (fit$loglik[2] - red$loglik[2])
out <- list(coef = coef(fit), se = sqrt(diag(vcov(fit))), hr = exp(coef(fit)),
            low = s$conf.int[, "lower .95"], high = s$conf.int[, "upper .95"], p = s$coefficients[, "Pr(>|z|)"],
            zchisq = z[, "chisq"], zp = z[, "p"], lr = c(lr, pchisq(lr, 3, lower.tail = FALSE)))
"""
    r = _r(code, pbc, tmp_path)
    terms = ours.terms
    _close([t.coefficient for t in terms], r["coef"], "stratified coef")
    _close([t.std_err for t in terms], r["se"], "stratified se")
    _close([t.ratio for t in terms], r["hr"], "stratified HR")
    _close([t.ci_low for t in terms], r["low"], "stratified CI low")
    _close([t.ci_high for t in terms], r["high"], "stratified CI high")
    _close([t.p_value for t in terms], r["p"], "stratified Wald p")
    _close([t.chisq for t in ours.ph_tests], r["zchisq"], "stratified cox.zph chisq")
    _close([t.p_value for t in ours.ph_tests], r["zp"], "stratified cox.zph p")
    _close(_global(ours, "stage")[:2], r["lr"], "stratified LRT of stage")


@pytest.mark.parametrize(
    ("kind", "multivariable", "pair", "codes"),
    [
        (
            "logistic",
            ["age", "stage", "sex"],
            ["stage", "sex"],
            ["stage=2;sex=f", "stage=3;sex=f", "stage=4;sex=f"],
        ),
        ("cox", ["trt", "edema", "age"], ["trt", "edema"], ["trt=2;edema=0.5", "trt=2;edema=1"]),
    ],
)
def test_interaction_coefficients_and_their_global_p_equal_r(pbc, tmp_path, kind, multivariable, pair, codes):
    """Main effects + a:b: every coefficient and SE (the products included), the likelihood-ratio
    test of the interaction on its df, and cox.zph of the interaction model (Cox). (trt:edema
    separates in the logistic model, oedema despite diuretics being fatal in one arm, so the
    logistic case uses stage:sex.)"""
    ours = regression_analysis(
        pbc, _spec(kind, predictors=[multivariable[0]], multivariable=multivariable, interactions=[pair])
    ).multivariable
    if kind == "logistic":
        fit, ll, extra = "glm(died ~ {f}, binomial, data = x, control = gctl)", "as.numeric(logLik({m}))", ""
        coef = "coef(fit)[-1]"
        se = "sqrt(diag(vcov(fit)))[-1]"
    else:
        fit, ll = "coxph(Surv(time, died) ~ {f}, data = x, control = ctl)", "{m}$loglik[2]"
        extra = 'zc = cox.zph(fit)$table[, "chisq"], zp = cox.zph(fit)$table[, "p"],'
        coef, se = "coef(fit)", "sqrt(diag(vcov(fit)))"
    main = " + ".join(multivariable)
    columns = ", ".join(f'"{v}"' for v in ["time", "died", *multivariable])
    df = len(codes)
    code = f"""
x <- cc(c({columns}))
fit <- {fit.format(f=f"{main} + {pair[0]}:{pair[1]}")}
red <- {fit.format(f=main)}
lr <- 2 * ({ll.format(m="fit")} - {ll.format(m="red")})
out <- list(coef = {coef}, se = {se}, {extra} lr = c(lr, pchisq(lr, {df}, lower.tail = FALSE)))
"""
    r = _r(code, pbc, tmp_path)
    products = [t for t in ours.terms if t.interaction]
    assert [t.interaction for t in products] == codes
    _close([t.coefficient for t in ours.terms], r["coef"], f"{kind} interaction model coef")
    _close([t.std_err for t in ours.terms], r["se"], f"{kind} interaction model se")
    chisq, p, got_df = _global(ours, ":".join(pair))
    assert got_df == df
    _close([chisq, p], r["lr"], f"{kind} LRT of the interaction")
    if kind == "cox":
        assert [t.term for t in ours.ph_tests] == [*multivariable, ":".join(pair), "GLOBAL"]
        _close([t.chisq for t in ours.ph_tests], r["zc"], "cox.zph of the interaction model")
        _close([t.p_value for t in ours.ph_tests], r["zp"], "cox.zph p of the interaction model")


def test_the_oracle_would_catch_a_reduced_model_fitted_on_other_rows(pbc, tmp_path):
    """The reduced model refitted on the patients with its own variables known (stage missing,
    chol known: more rows) gives another chi-square than R's drop1: the comparison can fail."""
    from retrocohort.analysis.regression import fit_model

    data = pbc.assign(stage=pbc["stage"].where(pbc.index % 7 != 0))  # stage missing in 1 of 7
    spec = _spec("logistic", predictors=["age", "stage", "edema"])
    full = fit_model(data, spec, ["age", "stage", "edema"])
    wrong = fit_model(data, spec, ["age", "edema"])
    assert wrong.n > full.n
    mv = regression_analysis(
        data, _spec("logistic", predictors=["age"], multivariable=["age", "stage", "edema"])
    )
    ours = _global(mv.multivariable, "stage")[0]
    code = """
d$stage[seq_len(nrow(d)) %% 7 == 1] <- NA
x <- cc(c("died", "age", "stage", "edema"))
lr <- 2 * (as.numeric(logLik(glm(died ~ age + stage + edema, binomial, data = x, control = gctl)))
           - as.numeric(logLik(glm(died ~ age + edema, binomial, data = x, control = gctl))))
out <- list(lr = lr)
"""
    r = _r(code, pbc, tmp_path)
    _close([ours], r["lr"], "LRT on the full model's rows")
    naive = 2 * (full.log_likelihood - wrong.log_likelihood)
    assert abs(naive - r["lr"][0]) > 1e-3 * r["lr"][0]


# --- the table oracle's comparator of these columns (r_tables.regression_code / compare_regression) --
def _table_frame(analysis, path: Path) -> pd.DataFrame:
    """As the pipeline writes results/stats/<id>.csv and the table oracle reads it back."""
    analysis.to_frame().to_csv(path, index=False)
    return pd.read_csv(path, dtype={"level": str})


@pytest.mark.parametrize("kind", ["cox", "logistic"])
def test_table_oracle_compares_global_p_and_ph_columns_and_reports_a_perturbed_one(pbc, tmp_path, kind):
    """The table oracle (r_tables, as run on every declared regression table of studies/colon and
    studies/pbc by test_tables_e2e_vs_r) recomputes each row's global likelihood-ratio test (R
    drop1) and, for Cox, its proportional-hazards check (R cox.zph, "km") on the rows the table
    uses (chol missing for 134 patients; a stratified Cox model), and compares them at 1e-9. A
    global p or a PH p moved by 1e-8 is reported once, naming table, row and column."""
    from r_tables import REL_MODEL, Comparison, compare_regression, regression_code, run_oracle

    # site: a three-level factor unrelated to death (patients in turn), so that its global p is
    # far above the comparison's 1e-12 absolute floor (stage's and oedema's are below 1e-5)
    data = pbc.assign(site=[("a", "b", "c")[i % 3] for i in range(len(pbc))])
    strata = {"strata": "sex"} if kind == "cox" else {}
    multivariable = ["stage", "edema", "site", "age", "chol"]
    spec = _spec(kind, predictors=["stage", "site", "age"], multivariable=multivariable, **strata)
    spec["reference_levels"]["site"] = "a"
    ours = _table_frame(regression_analysis(data, spec), tmp_path / "t.csv")
    r = run_oracle(regression_code("models", data, spec))
    cmp = Comparison()
    compare_regression("models", ours, r, cmp, REL_MODEL)
    columns = ["global_chisq", "global_df", "global_p"]
    columns += ["ph_chisq", "ph_df", "ph_p", "ph_global_chisq", "ph_global_df", "ph_global_p"] * (
        kind == "cox"
    )
    cmp.assert_ok(minimum=len(ours) * (8 + len(columns)))
    tested = ours[ours["global_p"].notna()]
    assert set(tested["variable"]) == {"stage", "edema", "site"}
    for column in ("global_p", "ph_p")[: 1 + (kind == "cox")]:
        target = tested[tested["analysis"] == "multivariable"][column].idxmax()
        assert 1e-3 < tested.loc[target, column] < 1
        broken = ours.copy()
        broken.loc[target, column] *= 1 + 1e-8
        cmp = Comparison()
        compare_regression("models", broken, r, cmp, REL_MODEL)
        row = f"multivariable//{ours.loc[target, 'variable']}{ours.loc[target, 'level']}"
        assert len(cmp.failures) == 1 and cmp.failures[0].startswith(f"models | row {row} | {column}: ours ")
    # a global p printed for a one-coefficient term (R: none) is a failure too
    broken = ours.copy()
    broken.loc[broken["variable"] == "age", "global_p"] = 0.5
    cmp = Comparison()
    compare_regression("models", broken, r, cmp, REL_MODEL)
    assert len(cmp.failures) == (ours["variable"] == "age").sum()
