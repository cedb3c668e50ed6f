"""Static views of a report for notebooks (SPEC §7): HTML
with inline ``style`` attributes only — no ``<script>``, ``<style>``,
``<iframe>`` or inline ``<svg>`` (JupyterLab's sanitizer strips those in
untrusted notebooks) — charts as ``<img src="data:image/svg+xml;base64,…">``.
The whole HTML stays under :data:`MAX_HTML` bytes. (The Markdown view is
the CLI's summary, ``attest check --markdown``.)"""

from __future__ import annotations

import base64
import html as _html
from typing import Any, Iterable

MAX_HTML = 200_000
_COLOURS = {"pass": "#1a7f37", "warn": "#9a6700", "fail": "#cf222e", "error": "#cf222e", "skipped": "#57606a"}
_WORDS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "error": "ERROR", "skipped": "skipped"}


def _e(s: Any) -> str:
    return _html.escape(str(s), quote=True)


def _num(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, int) or float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4g}"


def _title(doc: dict) -> str:
    model = (doc.get("config") or {}).get("model") or {}
    name = model.get("name")
    if name:
        version = model.get("version")
        return f"{name} {version}" if version else name
    names = [i.get("name", "") for i in doc.get("inputs", []) if i.get("dataset") == "current"]
    return f"Attest report — {names[0]}" if names and names[0] else "Attest report"


def _img(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}" style="max-width:100%;margin:4px 8px 4px 0"/>'


def _svg(width: int, height: int, body: Iterable[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#fff"/>'
        f'<text x="8" y="16" font-size="13" font-weight="bold">{_e(title)}</text>' + "".join(body) + "</svg>"
    )


def drift_chart(check: dict) -> str | None:
    """Each column's judged drift statistic against its threshold (bars;
    the threshold at the line), coloured by verdict."""
    rows = [m for m in check.get("metrics", []) if "threshold" in m and "column" in m][:30]
    if not rows:
        return None
    width, left, bar_h = 600, 130, 16
    height = 40 + bar_h * len(rows) + 20
    scale = max(max(m["value"] / m["threshold"] if m["threshold"] else 0 for m in rows), 1.5)
    span = width - left - 190  # room for the value's label beside the longest bar
    x_thr = left + span / scale
    body = [f'<line x1="{x_thr:.1f}" y1="26" x2="{x_thr:.1f}" y2="{height - 14}" stroke="#555" stroke-dasharray="4 3"/>',
            f'<text x="{x_thr + 3:.1f}" y="{height - 4}" fill="#555">threshold</text>']
    for i, m in enumerate(rows):
        y = 30 + i * bar_h
        ratio = m["value"] / m["threshold"] if m["threshold"] else 0
        w = max(1.0, span * min(ratio, scale) / scale)
        colour = _COLOURS.get(m.get("status", "pass"), "#57606a")
        label = f"{m['column']}"[:22]
        body.append(f'<text x="{left - 6}" y="{y + 11}" text-anchor="end">{_e(label)}</text>')
        body.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 5}" fill="{colour}"/>')
        body.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}">{_e(m["name"])} {_num(m["value"])}</text>')
    return _svg(width, height, body, f"{check.get('title', check['id'])}: statistic ÷ threshold")


def _line_chart(title: str, series: list[tuple[str, list[tuple[float, float]], str]], xlabel: str, ylabel: str,
                band: tuple[float, float] | None = None, xticks: list[str] | None = None,
                diagonal: bool = False) -> str:
    width, height, l, r, t, b = 360, 260, 46, 12, 28, 40
    pts = [p for _, ps, _ in series for p in ps]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    if band:
        ys += list(band)
    x0, x1 = (0.0, 1.0) if diagonal else (min(xs), max(xs))
    y0, y1 = (0.0, 1.0) if diagonal else (min(ys), max(ys))
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y1 = y0 + 1
    fx = lambda x: l + (x - x0) / (x1 - x0) * (width - l - r)  # noqa: E731
    fy = lambda y: height - b - (y - y0) / (y1 - y0) * (height - t - b)  # noqa: E731
    body = [f'<rect x="{l}" y="{t}" width="{width - l - r}" height="{height - t - b}" fill="none" stroke="#ccc"/>']
    if band:
        body.append(f'<rect x="{l}" y="{fy(band[1]):.1f}" width="{width - l - r}" height="{fy(band[0]) - fy(band[1]):.1f}" fill="#ddf4e4"/>')
    if diagonal:
        body.append(f'<line x1="{fx(0):.1f}" y1="{fy(0):.1f}" x2="{fx(1):.1f}" y2="{fy(1):.1f}" stroke="#bbb" stroke-dasharray="3 3"/>')
    for v in (y0, y1):
        body.append(f'<text x="{l - 4}" y="{fy(v) + 4:.1f}" text-anchor="end">{_num(v)}</text>')
    if xticks:
        step = max(1, len(xticks) // 6)
        for i in range(0, len(xticks), step):
            body.append(f'<text x="{fx(i):.1f}" y="{height - b + 14}" text-anchor="middle">{_e(xticks[i])}</text>')
    else:
        for v in (x0, x1):
            body.append(f'<text x="{fx(v):.1f}" y="{height - b + 14}" text-anchor="middle">{_num(v)}</text>')
    body.append(f'<text x="{(l + width - r) / 2:.0f}" y="{height - 6}" text-anchor="middle">{_e(xlabel)}</text>')
    body.append(f'<text x="12" y="{(t + height - b) / 2:.0f}" transform="rotate(-90 12 {(t + height - b) / 2:.0f})" text-anchor="middle">{_e(ylabel)}</text>')
    for k, (name, ps, colour) in enumerate(series):
        if len(ps) > 400:  # enough points for a 360-pixel chart
            step = len(ps) / 400
            ps = [ps[int(i * step)] for i in range(400)] + [ps[-1]]
        path = " ".join(f"{fx(x):.1f},{fy(y):.1f}" for x, y in ps)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
        body.append(f'<rect x="{l + 8}" y="{t + 8 + 14 * k}" width="10" height="3" fill="{colour}"/>'
                    f'<text x="{l + 22}" y="{t + 12 + 14 * k}">{_e(name)}</text>')
    return _svg(width, height, body, title)


def performance_chart(check: dict) -> str | None:
    ev = check.get("evidence") or {}
    series = []
    for ds, colour in (("reference", "#8c959f"), ("current", "#0969da")):
        roc = (ev.get(ds) or {}).get("roc")
        if roc:
            series.append((ds, [(float(p[0]), float(p[1])) for p in roc], colour))
    if not series:
        return None
    return _line_chart("ROC curve", series, "false positive rate", "true positive rate", diagonal=True)


def backtest_chart(check: dict) -> str | None:
    ev = check.get("evidence") or {}
    chunks = (ev.get("current") or {}).get("chunks") or []
    ref_chunks = (ev.get("reference") or {}).get("chunks") or []
    thresholds = ev.get("thresholds") or []
    if not chunks or not thresholds:
        return None
    metric = thresholds[0]["metric"]
    all_chunks = ref_chunks + chunks
    series = []
    for name, rows, colour in (("reference", ref_chunks, "#8c959f"), ("current", chunks, "#0969da")):
        offset = 0 if name == "reference" else len(ref_chunks)
        ps = [(offset + i, float(c[metric])) for i, c in enumerate(rows) if isinstance(c.get(metric), (int, float))]
        if ps:
            series.append((name, ps, colour))
    if not series:
        return None
    band = (thresholds[0]["lower"], thresholds[0]["upper"])
    ticks = [str(c.get("chunk", i)) for i, c in enumerate(all_chunks)]
    return _line_chart(f"{metric} {ev.get('chunking', 'by chunk')}", series, "chunk", metric, band=band, xticks=ticks)


def _badge(status: str) -> str:
    colour = _COLOURS.get(status, "#57606a")
    return (f'<span style="display:inline-block;min-width:52px;text-align:center;padding:1px 6px;border-radius:4px;'
            f'color:#fff;background:{colour};font-weight:bold;font-size:12px">{_WORDS.get(status, status)}</span>')


def html(doc: dict) -> str:
    """The static HTML view (tables and SVG images), at most MAX_HTML bytes."""
    s = doc["summary"]
    counts = " · ".join(f"{s['counts'][k]} {k}" for k in ("pass", "warn", "fail", "error", "skipped") if s["counts"].get(k))
    parts = [
        '<div style="font-family:sans-serif;font-size:13px;line-height:1.4;color:#1f2328;background:#fff;padding:8px">',
        f'<div style="font-size:16px;font-weight:bold;margin-bottom:6px">{_e(_title(doc))} {_badge(s["status"])}</div>',
        f'<div style="color:#57606a;margin-bottom:8px">{_e(counts)} — attest {_e(doc.get("tool", {}).get("version", ""))}, {_e(doc.get("created_at", ""))}</div>',
        '<table style="border-collapse:collapse;margin-bottom:8px">',
        '<tr><th style="text-align:left;padding:3px 8px;border-bottom:1px solid #d0d7de">check</th>'
        '<th style="text-align:left;padding:3px 8px;border-bottom:1px solid #d0d7de">verdict</th>'
        '<th style="text-align:left;padding:3px 8px;border-bottom:1px solid #d0d7de">finding</th></tr>',
    ]
    for c in doc["checks"]:
        message = str(c.get("message", ""))
        if len(message) > 300:
            message = message[:297] + "…"
        parts.append(
            f'<tr><td style="padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:left">{_e(c.get("title", c["id"]))}</td>'
            f'<td style="padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:left">{_badge(c["status"])}</td>'
            f'<td style="padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:left">{_e(message)}</td></tr>'
        )
    parts.append("</table>")
    charts = []
    by_id = {c["id"]: c for c in doc["checks"]}
    for cid, make in (("feature_drift", drift_chart), ("prediction_drift", drift_chart),
                      ("performance", performance_chart), ("backtest", backtest_chart)):
        c = by_id.get(cid)
        if c and c.get("status") != "skipped":
            svg = make(c)
            if svg:
                charts.append(_img(svg, f"{c.get('title', cid)} chart"))
    parts.append('<div>' + "".join(charts) + "</div>")
    parts.append('<div style="color:#57606a;font-size:12px">The interactive report: '
                 "<code>report.save_html(\"report.html\")</code> or <code>report.show()</code>.</div></div>")
    out = "".join(parts)
    if len(out.encode("utf-8")) > MAX_HTML:
        # Charts go first, then the findings are shortened: never over the limit.
        out = "".join(parts[:-2]) + parts[-1]
    return out
