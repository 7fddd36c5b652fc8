"""Chart pictures for the 通报: per-action progress and the units' ranking, as PNG bytes.

matplotlib (Agg, no screen) with a Chinese font found on the machine: Noto/Source Han on
Linux desktops, Microsoft YaHei or SimHei on Windows. When none is installed the chart is still
drawn and ``ChartFontMissing`` tells the caller, so the 通报 can say so instead of showing boxes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.settings import user_data_dir
from workbook.outputs.tallies import BAR_COLORS, STATUS_ORDER, action_counts

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
)


# the run's one line when the 通报 was written without its charts
NO_CHARTS = "通报未插入图表：本机无法加载绘图组件（matplotlib/NumPy），其余内容照常写出。"
# what the 通报 needs of the chart stack, tried in a child process first
_PROBE = "from matplotlib.figure import Figure; from matplotlib.backends.backend_agg import FigureCanvasAgg"


def _probe_mark() -> Path:
    """Where a yes of the probe is remembered: one file per interpreter and per NumPy and
    matplotlib as they would be imported here (their files, found without importing them,
    and versions): another Python, a new version or another package first on the path (a
    broken NumPy shadowing the good one) is asked again."""
    parts = [sys.executable]
    for name in ("numpy", "matplotlib"):
        try:
            spec = importlib.util.find_spec(name)
            parts += [str(spec.origin if spec else None), metadata.version(name)]
        except (ImportError, ValueError, metadata.PackageNotFoundError):
            parts.append(f"{name}?")
    key = hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]
    return user_data_dir() / "chart-probe" / f"{key}.ok"


class ChartProbe:
    """Whether matplotlib (and NumPy below it) can be loaded here, tried in a child process
    started at once, so it runs while the consolidation reads. Where it cannot (NumPy 2 under
    Wine 8 aborts the interpreter, it does not raise) the consolidation must not die with it.
    Already loaded in this process: yes, without asking."""

    def __init__(self) -> None:
        self.mark = _probe_mark()
        known = "matplotlib.figure" in sys.modules or self.mark.exists()
        self.answer: bool | None = True if known else None  # asked before, here: yes
        self.proc: subprocess.Popen[bytes] | None = None
        if self.answer is None:
            try:
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", _PROBE],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    # no console window flashing up when the Excel button runs it
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError:
                self.answer = False

    def loads(self, timeout: float = 120) -> bool:
        if self.answer is None and self.proc is not None:
            try:
                self.answer = self.proc.wait(timeout) == 0
                if self.answer:
                    _remember(self.mark)
            except subprocess.TimeoutExpired:
                self.answer = False
                self.close()
        return bool(self.answer)

    def close(self) -> None:
        """End the child if it is still trying (a run stopped early)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _remember(mark: Path) -> None:
    with contextlib.suppress(OSError):  # not remembered: the next run asks again
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()


def chart_stack_loads() -> bool:
    """``ChartProbe`` asked and answered at once."""
    return ChartProbe().loads()


@functools.cache
def chinese_font() -> str | None:
    """The first installed font of ``CJK_FONTS``, or None (looked up once a process)."""
    from matplotlib import font_manager  # matplotlib only when a chart is drawn (0.3 s)

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure(height: float) -> tuple[Any, Any]:
    """A figure drawn by Agg (no screen), without pyplot: 0.4 s less to load, no global
    figure state to close."""
    # matplotlib only when a chart is drawn
    from matplotlib import rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = chinese_font()
    if font:
        rcParams["font.sans-serif"] = [font]
        rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    fig = Figure(figsize=(6.3, height), dpi=200)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", bbox_inches="tight")  # the legend below the axes too
    return buf.getvalue()


def action_chart(result: Consolidation) -> bytes:
    """Stacked bars: per action, how many of its indicators are in each city status."""
    fig, _ax = action_figure(result)
    return _png(fig)


def action_figure(result: Consolidation) -> tuple[Any, Any]:
    """The figure of ``action_chart`` (figure, axes), before it becomes a picture."""
    counts = action_counts(result)
    fig, ax = _figure(0.45 * len(counts) + 1.2)
    labels = [label for label, _, _ in counts][::-1]
    left = [0] * len(counts)
    for status in STATUS_ORDER:
        vals = [c[status] for _, _, c in counts][::-1]
        if not any(vals):
            continue
        ax.barh(labels, vals, left=left, color=BAR_COLORS[status], label=status)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlabel(f"指标数（{result.catalogue.wording['scope']}口径）")
    ax.set_title(f"{result.period.label}各项实事指标进度")
    # below the plot, never over a bar
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=7, ncol=6, frameon=False)
    ax.tick_params(axis="y", labelsize=8)
    return fig, ax


def ranking_chart(result: Consolidation) -> bytes:
    """Horizontal bars of the units' scores, best on top, coloured by band."""
    ranked = result.ranking
    fig, ax = _figure(0.32 * len(ranked) + 1.2)
    names = [us.unit for us in ranked][::-1]
    scores = [us.score for us in ranked][::-1]
    colors = [us.color for us in ranked][::-1]
    ax.barh(names, scores, color=colors, edgecolor="#7F7F7F")
    for y, s in enumerate(scores):
        ax.text(s + 1, y, f"{s:g}", va="center", fontsize=8)
    ax.set_xlim(0, 110)
    ax.set_xlabel("得分")
    ax.set_title(f"{result.period.label}各单位晾晒得分")
    return _png(fig)
