#!/usr/bin/env bash
# Behaviour-audit figures (issue 7): training and scoring time of the ML.NET model on the demo generator's history and
# precision at 10 on its planted abuse, over a DuckDB file.
#   bench/behaviour.sh [--users N] [--days N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet run -c Release --project bench/LogBench -- --behaviour "$@"
