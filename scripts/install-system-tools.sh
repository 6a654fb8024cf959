#!/usr/bin/env bash
# Debian packages for checks that need programs outside Python: LibreOffice + poppler (the Word
# tables open, convert to PDF, page counts and text), Chromium (the report renders), a single-node
# SLURM (slurm-wlm + munge: the SLURM executor matches a local run), pdflatex (tables.tex
# compiles) and R with survival (the independent oracle of every statistic) and cmprsk (Gray's test).
# Needs root and apt-get. Prints the time it took. Used by .ci/run; run it by hand otherwise.
set -euo pipefail
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils chromium slurm-wlm munge \
  texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern \
  fonts-liberation2 fonts-urw-base35 r-base-core r-cran-survival r-cran-cmprsk r-cran-matchit r-cran-sandwich >/dev/null
echo "install-system-tools: libreoffice, poppler, chromium, slurm-wlm, munge, texlive, R installed in $(( $(date +%s) - start )) s"
