#!/usr/bin/env bash
# Debian packages for two checks that need programs outside Python:
#   LibreOffice (the Word tables open and convert to PDF) and Chromium (the report renders).
# Needs root and apt-get. Prints the time it took. Used by .ci/run; run it by hand otherwise.
set -euo pipefail
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui chromium >/dev/null
echo "install-system-tools: libreoffice + chromium installed in $(( $(date +%s) - start )) s"
