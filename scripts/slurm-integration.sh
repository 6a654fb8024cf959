#!/usr/bin/env bash
# Run the flagship workflow twice -- locally and through SLURM (profiles/slurm) -- and check
# that every file under results/ is byte-identical.
#
#   sudo scripts/slurm-localhost.sh start      # or any SLURM cluster reachable from here
#   scripts/slurm-integration.sh [python]      # default python: .venv/bin/python
#   sudo scripts/slurm-localhost.sh stop
#
# Needs snakemake-executor-plugin-slurm in the environment. Without an accounting daemon
# (the single-node setup of slurm-localhost.sh) status comes from squeue and no account is
# passed; on a real cluster set SLURM_EXTRA="" and your account/partition in the profile.
# Exit status 0 only when both runs complete and results/ are identical.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${1:-$REPO/.venv/bin/python}
SNAKEMAKE=$(dirname "$PY")/snakemake
SLURM_EXTRA=${SLURM_EXTRA:---slurm-status-command squeue --slurm-no-account --slurm-init-seconds-before-status-checks 1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/retrocohort-slurm.XXXXXX")
export PYTHONPATH=$REPO/src${PYTHONPATH:+:$PYTHONPATH}

for run in local slurm; do
  mkdir -p "$WORK/$run"
  cp -r "$REPO/config" "$REPO/data" "$WORK/$run/"
done

t0=$(date +%s.%N)
"$SNAKEMAKE" -s "$REPO/Snakefile" --directory "$WORK/local" --cores 2 --quiet
t1=$(date +%s.%N)
# shellcheck disable=SC2086  # SLURM_EXTRA is a list of flags
"$SNAKEMAKE" -s "$REPO/Snakefile" --directory "$WORK/slurm" --profile "$REPO/profiles/slurm" \
  $SLURM_EXTRA --quiet
t2=$(date +%s.%N)

awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "local run: %.1f s\nslurm run: %.1f s\n", b - a, c - b }'
n=$(cd "$WORK/local" && find results -type f | wc -l)
if diff -r "$WORK/local/results" "$WORK/slurm/results" > "$WORK/diff.txt"; then
  echo "OK: $n result files byte-identical (local vs SLURM); work dir $WORK"
else
  echo "MISMATCH between local and SLURM results (see $WORK/diff.txt):" >&2
  head -20 "$WORK/diff.txt" >&2
  exit 1
fi
