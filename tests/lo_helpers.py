"""Run tests/lo/fill.py (system Python + python3-uno) from the tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

FILL = Path(__file__).parent / "lo" / "fill.py"


def lo_run(jobs: list[dict], tmp: Path) -> list[dict]:
    spec = tmp / "lo_jobs.json"
    spec.write_text(
        json.dumps(
            {
                "jobs": [
                    {k: (str(v) if isinstance(v, Path) else v) for k, v in j.items()} for j in jobs
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    r = subprocess.run(
        ["/usr/bin/python3", str(FILL), str(spec)], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def lo_convert(src: Path, outdir: Path, target: str, tmp: Path) -> Path:
    """Convert with soffice --convert-to (xlsx, ods, xls, pdf); returns the new file."""
    profile = tmp / "lo_profile_convert"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    ext = target.split(":")[0]
    return outdir / (src.stem + "." + ext)
