#!/usr/bin/env bash
# Benchmarks against the local PostgreSQL: the regisseur's case list (page 1 + count)
# against the unfiltered list. Uses its own database (BENCH_DATABASE_URL, default sd_bench).
#   bash scripts/bench.sh [--cases 50000] [--reuse] [--explain]
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
bash scripts/services.sh
[ -x .venv/bin/python ] || uv sync --frozen
.venv/bin/python bench/case_list.py "$@"
