#!/usr/bin/env bash
# Set up shishi and run the main job on the bundled 2024 catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/shishi catalogue check
.venv/bin/shishi catalogue export --format xlsx -o dist/catalogue_2024.xlsx
