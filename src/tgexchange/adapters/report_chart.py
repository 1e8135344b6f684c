"""The daily report's chart, drawn on the server with matplotlib's Agg canvas (no display, no
browser, no pyplot global state: one Figure per call, so job threads never share one)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

from tgexchange.services.report import DailyReport

WIDTH_PX: Final = 1000
HEIGHT_PX: Final = 560
_DPI: Final = 100
_ASSIGNED = "#9bb7d4"
_VERIFIED = "#2e7d32"


@dataclass(frozen=True, slots=True)
class Chart:
    png: bytes
    title: str
    width: int
    height: int


def render_report_chart(report: DailyReport, *, title: str, series: tuple[str, str] = ("tasks", "verified")) -> Chart:
    """Tasks handed out and verified feedback per day over the report's days, as grouped bars with
    their numbers on top; the report's own day is outlined. ``title`` and the ``series`` names come
    in the reader's language."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / _DPI, HEIGHT_PX / _DPI), dpi=_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(report.days)))
    width = 0.4
    assigned = [d.assigned for d in report.days]
    verified = [d.verified for d in report.days]
    bars_a = axes.bar([p - width / 2 for p in positions], assigned, width, label=series[0], color=_ASSIGNED)
    bars_v = axes.bar([p + width / 2 for p in positions], verified, width, label=series[1], color=_VERIFIED)
    for bars in (bars_a, bars_v):
        axes.bar_label(bars, labels=[str(int(b.get_height())) if b.get_height() else "" for b in bars], fontsize=8)
    bars_a[-1].set_edgecolor("#1f3b57")
    bars_a[-1].set_linewidth(1.5)
    axes.set_xticks(positions, [f"{d.day:%d.%m}" for d in report.days], rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("per day")
    axes.set_ylim(0, max([*assigned, *verified, 1]) * 1.18)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", frameon=False)
    axes.set_title(title, fontsize=12)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI)
    return Chart(buffer.getvalue(), title, WIDTH_PX, HEIGHT_PX)
