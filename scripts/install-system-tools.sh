#!/usr/bin/env bash
# Debian packages for three checks that need programs outside Python: LibreOffice (the Word
# tables open and convert to PDF), Chromium (the report renders) and a single-node SLURM
# (slurm-wlm + munge: the workflow through the SLURM executor matches a local run).
# Needs root and apt-get. Prints the time it took. Used by .ci/run; run it by hand otherwise.
set -euo pipefail
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui chromium slurm-wlm munge >/dev/null
echo "install-system-tools: libreoffice, chromium, slurm-wlm, munge installed in $(( $(date +%s) - start )) s"
