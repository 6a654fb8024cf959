"""Benchmark the whole workflow at several cohort sizes; write a results table.

Run from the repository root (needs the project's environment)::

    python benchmarks/run_benchmarks.py                       # issue 26's targets (below)
    python benchmarks/run_benchmarks.py --sizes 21 10000 --studies   # a subset
    python benchmarks/run_benchmarks.py --sizes 1000000 --sites 20 --formats csv parquet

For each size it builds a study in a temporary directory (N = 21: a copy of the flagship
``config/`` and ``data/``; otherwise :func:`retrocohort.synthetic.large_cohort.simulate_cohort`), runs
``snakemake --cores C`` cold, then once more (the no-op rerun), and reads every rule's
``benchmark:`` file (``logs/benchmarks/**.tsv``: wall seconds ``s`` and peak ``max_rss`` in MB).
In the same session it times the bare 7-rule chain of ``script:`` rules
(``benchmarks/bare_chain``) cold and as a no-op, for the overhead ratios. ``--studies`` adds
shipped studies (default: ``studies/pbc`` and ``.test``), run as copies like the flagship. On the
flagship, after the no-op rerun: the rerun after a Table 1 label edit (a one-table config edit)
and the jobs ``snakemake -n`` schedules after a derived variable is added (none may be an
ingestion).

Targets (issue 26; ratios to the bare chain's cold run of the same invocation): every shipped
study and the simulated 20,000-patient cohort cold <= 2.0x; 10^6 patients <= 10x, every rule
<= 4 GB; the label edit <= 1.0x; the derived-variable edit: no ingestion job; the flagship's
no-op rerun <= 1 s.

Outputs ``benchmarks/results/<UTC date-time>.md`` (machine, summary, per-rule table, targets)
and ``.csv`` (one row per size x rule, plus rows ``rule = "(end to end)"``, ``"(no-op rerun)"``,
``"(simulate)"``). ``(end to end)`` peak RSS is the largest single process of the run
(``wait4`` rusage), not a sum over concurrent jobs. Wall times depend on machine load: the
load average at the start of each run is recorded.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BARE = REPO / "benchmarks" / "bare_chain" / "Snakefile"
FLAGSHIP_N = 21

#: Targets of issue 26 (ratios to the bare chain cold in the same invocation; 2-core machine).
TARGET_STUDY_RATIO = 2.0  # every shipped study and the 20,000-patient cohort, cold
TARGET_1E6_RATIO = 10.0
TARGET_1E6_RSS_MB = 4096.0
TARGET_EDIT_RATIO = 1.0  # a one-table config edit (a Table 1 label)
TARGET_NOOP_SECONDS = 1.0
#: Shipped studies ``--studies`` runs by default (directories of the repository).
STUDIES = ("studies/pbc", ".test")


def machine_info() -> dict[str, str]:
    """nproc, RAM, CPU model, OS, Python and Snakemake versions, load average."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    snakemake = subprocess.run([str(_snakemake()), "--version"], capture_output=True, text=True)
    return {
        "nproc": str(os.cpu_count()),
        "ram_gb": f"{mem_kb / 2**20:.1f}",
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "snakemake": snakemake.stdout.strip(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def slurm_probe_seconds() -> float | None:
    """Seconds ``scontrol show config`` takes (None without SLURM's client tools).

    The SLURM executor plugin runs it whenever Snakemake loads its plugins, on every
    invocation, local runs included; with a ``slurm.conf`` but no reachable controller it
    waits ~9 s for a timeout, which would swamp every measurement here.
    """
    if shutil.which("scontrol") is None:
        return None
    start = time.perf_counter()
    subprocess.run(["scontrol", "show", "config"], capture_output=True, timeout=30)
    return time.perf_counter() - start


#: An empty SLURM_CONF: scontrol exits at once ("ClusterName needs to be specified") instead of
#: waiting for a controller (a missing file would make it retry for 60 s).
NO_SLURM_CONF = "/dev/null"


def _snakemake() -> Path:
    return Path(sys.executable).with_name("snakemake")


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Run ``cmd``; (wall seconds, peak RSS MB of its largest process). Raise on failure."""
    start = time.perf_counter()
    with open(cwd / "benchmark-run.log", "ab") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed (exit {proc.returncode}); see {cwd / 'benchmark-run.log'}"
        )
    return wall, usage.ru_maxrss / 1024


def rule_benchmarks(workdir: Path) -> list[dict[str, object]]:
    """One row per job from ``logs/benchmarks/**.tsv`` (rule name = path below benchmarks/)."""
    rows = []
    root = workdir / "logs" / "benchmarks"
    for tsv in sorted(root.rglob("*.tsv")):
        with open(tsv, newline="") as fh:
            records = list(csv.DictReader(fh, delimiter="\t"))
        if records:
            last = records[-1]
            rows.append(
                {
                    "rule": str(tsv.relative_to(root).with_suffix("")),
                    "seconds": float(last["s"]),
                    "max_rss_mb": _float(last["max_rss"]),
                }
            )
    return rows


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "NA" when the job was too short to sample
        return float("nan")


def prepare(n: int | str, sites: int, formats: tuple[str, ...], seed: int, workdir: Path) -> float:
    """Write the study for size ``n`` (or shipped study directory ``n``) into ``workdir``; return
    the simulation seconds."""
    if n == FLAGSHIP_N or isinstance(n, str):
        source = REPO if n == FLAGSHIP_N else REPO / str(n)
        shutil.copytree(source / "config", workdir / "config")
        shutil.copytree(source / "data", workdir / "data")
        return 0.0
    from retrocohort.synthetic.large_cohort import simulate_cohort

    start = time.perf_counter()
    simulate_cohort(n, min(sites, n), workdir, seed=seed, formats=formats)
    return time.perf_counter() - start


def _edit_config(workdir: Path, change) -> None:
    import yaml

    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _relabel(config: dict) -> None:
    rows = config["tables"]["table1"]["rows"]
    row = next(r for r in rows if r.get("variable") == "age")
    row["label"] = "Age at diagnosis (years), edited"


def _add_derived(config: dict) -> None:
    config["derived"]["benchmark_under_65"] = {
        "label": "Under 65 (benchmark edit)",
        "less_than": {"variable": "age", "value": 65},
    }


def scheduled_jobs(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, int]:
    """Jobs per rule ``snakemake -n`` would run (its job-stats table)."""
    dry = [c for c in cmd if c != "--quiet"] + ["-n"]
    proc = subprocess.run(dry, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    text = proc.stdout + proc.stderr
    if "Job stats:" not in text:
        return {}
    block = text.split("Job stats:")[1].split("total")[0]
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", block, flags=re.M)
        if m.group(1) != "job"
    }


def flagship_edits(cmd: list[str], workdir: Path, env: dict[str, str], base: dict) -> list[dict]:
    """The label-edit rerun (timed) and the jobs a derived-variable edit schedules (dry run)."""
    _edit_config(workdir, _relabel)
    label, _ = timed(cmd, workdir, env)
    _edit_config(workdir, _add_derived)
    jobs = scheduled_jobs(cmd, workdir, env)
    ingestion = sum(n for rule, n in jobs.items() if rule.startswith(("ingest", "validate")))
    return [
        dict(base, rule="(label edit rerun)", seconds=round(label, 3), max_rss_mb=""),
        dict(base, rule="(derived edit: ingestion jobs)", seconds=ingestion, max_rss_mb=""),
        dict(base, rule="(derived edit: jobs)", seconds=sum(jobs.values()), max_rss_mb=""),
    ]


def run_size(n: int | str, args: argparse.Namespace, env: dict[str, str]) -> list[dict[str, object]]:
    """Cold run, no-op rerun and per-rule benchmarks of one cohort size (or shipped study);
    on the flagship also the edits of :func:`flagship_edits`."""
    workdir = Path(
        tempfile.mkdtemp(prefix=f"retrocohort-bench-{str(n).strip('.').replace('/', '-')}-", dir=args.tmp)
    )
    sim = prepare(n, args.sites, tuple(args.formats), args.seed, workdir)
    load = os.getloadavg()[0]
    cmd = [
        str(_snakemake()),
        "-s",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        str(args.cores),
        "--quiet",
    ]
    wall, rss = timed(cmd, workdir, env)
    noop, _ = timed(cmd, workdir, env)
    flow = (workdir / "results" / "selection" / "flow.csv").read_text().splitlines()
    cells = flow[-1].split(",") if len(flow) > 1 else []
    cohort = cells[6] if len(cells) > 6 else "?"
    base = {"n_patients": n, "cohort": cohort, "load_at_start": round(load, 2)}
    rows = [
        dict(base, rule="(simulate)", seconds=round(sim, 3), max_rss_mb=""),
        dict(base, rule="(end to end)", seconds=round(wall, 3), max_rss_mb=round(rss, 1)),
        dict(base, rule="(no-op rerun)", seconds=round(noop, 3), max_rss_mb=""),
    ]
    rows += [dict(base, **r) for r in rule_benchmarks(workdir)]
    if n == FLAGSHIP_N:
        rows += flagship_edits(cmd, workdir, env, base)
    if not args.keep:
        shutil.rmtree(workdir)
    else:
        print(f"kept {workdir}", file=sys.stderr)
    return rows


def run_bare(args: argparse.Namespace, env: dict[str, str]) -> list[dict[str, object]]:
    """Bare 7-rule chain of script: rules, cold and no-op."""
    workdir = Path(tempfile.mkdtemp(prefix="retrocohort-bench-bare-", dir=args.tmp))
    cmd = [
        str(_snakemake()),
        "-s",
        str(BARE),
        "--directory",
        str(workdir),
        "--cores",
        str(args.cores),
        "--quiet",
    ]
    load = os.getloadavg()[0]
    wall, rss = timed(cmd, workdir, env)
    noop, _ = timed(cmd, workdir, env)
    shutil.rmtree(workdir)
    base = {"n_patients": "bare chain", "cohort": "", "load_at_start": round(load, 2)}
    return [
        dict(base, rule="(end to end)", seconds=round(wall, 3), max_rss_mb=round(rss, 1)),
        dict(base, rule="(no-op rerun)", seconds=round(noop, 3), max_rss_mb=""),
    ]


def _get(rows: list[dict], n: object, rule: str, key: str) -> float | None:
    hit = [r[key] for r in rows if r["n_patients"] == n and r["rule"] == rule]
    return float(hit[0]) if hit and hit[0] != "" else None


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return f"{value:.2f} (target <= {limit:g}): " + (
        "met" if value <= limit else f"MISSED by {value - limit:.2f}"
    )


def markdown(info: dict[str, str], rows: list[dict], args: argparse.Namespace) -> str:
    """Results page: machine, targets, summary per size, per-rule detail."""
    sizes = [r for r in dict.fromkeys(r["n_patients"] for r in rows)]
    lines = [
        "# retrocohort benchmark",
        "",
        f"Command: `{' '.join([Path(sys.executable).name] + sys.argv)}`  ",
        f"Date (UTC): {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}  ",
        "Synthetic data (retrocohort.synthetic.large_cohort.simulate_cohort) except N = 21 (the flagship).",
        "",
        "## Machine",
        "",
        "| key | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    bare = _get(rows, "bare chain", "(end to end)", "seconds")
    lines += ["", "## Targets (issue 26; ratios to the bare chain cold of this invocation)", ""]
    lines += target_lines(rows, bare)
    lines += [
        "",
        "## Summary",
        "",
        "| N patients | cohort selected | simulate s | end to end s | largest process RSS MB | no-op rerun s | load at start |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        lines.append(
            "| {} | {} | {} | {} | {} | {} | {} |".format(
                n,
                next((r["cohort"] for r in rows if r["n_patients"] == n), ""),
                _fmt(_get(rows, n, "(simulate)", "seconds")),
                _fmt(_get(rows, n, "(end to end)", "seconds")),
                _fmt(_get(rows, n, "(end to end)", "max_rss_mb"), 0),
                _fmt(_get(rows, n, "(no-op rerun)", "seconds")),
                next((r["load_at_start"] for r in rows if r["n_patients"] == n), ""),
            )
        )
    rules = sorted({r["rule"] for r in rows if not str(r["rule"]).startswith("(")})
    numeric = [n for n in sizes if n != "bare chain"]
    lines += [
        "",
        "## Per rule: wall seconds / peak RSS MB (Snakemake `benchmark:` files)",
        "",
        "| rule | " + " | ".join(f"N = {n}" for n in numeric) + " |",
        "|---|" + "---:|" * len(numeric),
    ]
    for rule in rules:
        cells = []
        for n in numeric:
            s, m = _get(rows, n, rule, "seconds"), _get(rows, n, rule, "max_rss_mb")
            cells.append("" if s is None else f"{s:.2f} / {_fmt(m, 0)}")
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Per-site ingestion jobs run in parallel (`--cores "
        f"{args.cores}`), so end-to-end time is less than the sum of rule times.",
        "",
    ]
    return "\n".join(lines)


def _ratio(value: float | None, bare: float | None) -> float | None:
    return value / bare if value is not None and bare else None


def target_lines(rows: list[dict], bare: float | None) -> list[str]:
    """One line per issue-26 target: the measured value, the limit, met or MISSED."""
    big = 1_000_000
    lines = []
    for n in dict.fromkeys(r["n_patients"] for r in rows):
        if n == "bare chain":
            continue
        cold = _get(rows, n, "(end to end)", "seconds")
        name = "flagship" if n == FLAGSHIP_N else (f"N = {n}" if isinstance(n, int) else str(n))
        limit = TARGET_1E6_RATIO if n == big else TARGET_STUDY_RATIO
        lines.append(f"- {name} cold / bare chain cold: {_verdict(_ratio(cold, bare), limit)}")
    rss = [
        float(r["max_rss_mb"])
        for r in rows
        if r["n_patients"] == big and r["rule"][0] != "(" and r["max_rss_mb"] == r["max_rss_mb"]
    ]
    if rss:
        lines.append(f"- 10^6 peak RSS of any rule (MB): {_verdict(max(rss), TARGET_1E6_RSS_MB)}")
    label = _get(rows, FLAGSHIP_N, "(label edit rerun)", "seconds")
    if label is not None:
        lines.append(
            f"- Table 1 label edit rerun / bare chain cold: {_verdict(_ratio(label, bare), TARGET_EDIT_RATIO)}"
        )
    ingestion = _get(rows, FLAGSHIP_N, "(derived edit: ingestion jobs)", "seconds")
    if ingestion is not None:
        lines.append(f"- ingestion jobs after a derived-variable edit: {_verdict(ingestion, 0)}")
    noop = _get(rows, FLAGSHIP_N, "(no-op rerun)", "seconds")
    if noop is not None:
        lines.append(f"- flagship no-op rerun seconds: {_verdict(noop, TARGET_NOOP_SECONDS)}")
    return lines


def _fmt(x: float | None, decimals: int = 2) -> str:
    return "" if x is None or x != x else f"{x:.{decimals}f}"


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=int,
        default=[FLAGSHIP_N, 20_000, 1_000_000],
        help="cohort sizes; 21 = the flagship study (default: %(default)s)",
    )
    parser.add_argument(
        "--studies",
        nargs="*",
        default=list(STUDIES),
        help="shipped study directories, run as copies (default: %(default)s; none: --studies)",
    )
    parser.add_argument("--sites", type=int, default=10, help="sites of simulated cohorts")
    parser.add_argument(
        "--formats",
        nargs="+",
        default=["parquet"],
        choices=["csv", "parquet"],
        help="raw file formats, alternating over sites (default: parquet)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-chain baseline")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    parser.add_argument("--tmp", default=None, help="parent of the work directories")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    sys.path.insert(0, str(REPO / "src"))
    info = machine_info()
    probe = slurm_probe_seconds()
    if probe is not None and probe > 1.0 and "SLURM_CONF" not in os.environ:
        env["SLURM_CONF"] = NO_SLURM_CONF
        info["slurm_probe"] = (
            f"`scontrol show config` took {probe:.1f} s (no reachable slurmctld); "
            f"runs use SLURM_CONF={NO_SLURM_CONF} so the executor plugin's "
            "probe fails at once"
        )
    elif probe is not None:
        info["slurm_probe"] = f"`scontrol show config` took {probe:.2f} s"
    rows: list[dict] = []
    if not args.no_bare:
        rows += run_bare(args, env)
    for n in [*args.sizes, *args.studies]:
        print(f"N = {n} ...", file=sys.stderr, flush=True)
        rows += run_size(n, args, env)
    info["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H%M}"
    with open(stem.with_suffix(".csv"), "w", newline="") as fh:
        writer = csv.DictWriter(
            fh,
            ["n_patients", "rule", "seconds", "max_rss_mb", "cohort", "load_at_start"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)
    page = markdown(info, rows, args)
    stem.with_suffix(".md").write_text(page)
    print(page)
    return stem.with_suffix(".md")


if __name__ == "__main__":
    main()
