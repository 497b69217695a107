#!/usr/bin/env bash
# Plate reading accuracy (issue 8): PlateReader (PP-OCRv4) on plates rendered by PlateRenderer (all 31 provinces, every
# plate colour, four levels of camera degradation), as plate crops (ReadPlate) and on rendered vehicles (ReadVehicle):
# exact, province, per-character and colour accuracy, by level and by colour, ms per plate; medians of N runs.
#   bench/plates.sh [--runs N] [--count N] [--seed N] [--no-vehicles] [--failures N] [--save DIR] [--models DIR]
#   bench/plates.sh --sheet FILE.png     # 24 plates and 6 vehicles labelled with what was read, then exit
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"
[[ -n "$(fc-list 'Noto Sans CJK SC:style=Bold' family 2>/dev/null || true)" ]] \
  || die "the plates are drawn with Noto Sans CJK SC Bold: apt-get install fonts-noto-cjk"
dotnet run -c Release --project bench/PlateBench -- "$@"
