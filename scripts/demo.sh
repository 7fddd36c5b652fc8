#!/usr/bin/env bash
# Set up shishi and run the main job on the bundled 2024 catalogue: generate the templates,
# fill sample returns, consolidate, and print where the summary is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/shishi catalogue check
.venv/bin/shishi demo --out dist/demo --period "${1:-2024Q2}"
