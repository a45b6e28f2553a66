"""report.html: one self-contained page (no scripts, no outside links).

Every string from the evidence is escaped: file names, EXIF text and bank labels are
attacker-controlled. Thumbnails are the blurred greyscale data URIs made during the scan.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

TIMELINE_LIMIT = 2000  # the full list is in items.csv; the page stays light

_STYLE = """
body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
img.thumb{width:96px;filter:blur(2px)}code{word-break:break-all}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _summary(records: list[dict[str, Any]]) -> str:
    statuses = Counter(r["status"] for r in records)
    categories = Counter(
        m["category"] or "(none)"
        for r in records
        for m in {m["category"]: m for m in r["matches"]}.values()
    )
    ai = Counter((r.get("provenance") or {}).get("ai") for r in records if r.get("provenance"))
    rows = [[_e(k), _e(v)] for k, v in sorted(statuses.items())]
    cat_rows = [[_e(k), _e(v)] for k, v in sorted(categories.items())]
    ai_rows = [[_e(k), _e(ai[k])] for k in ("yes", "claimed", "no", "unknown") if ai[k]]
    return (
        "<h2>Summary</h2>" + _table(["status", "items"], rows)
        + "<h3>Matched items by category</h3>" + _table(["category", "items"], cat_rows)
        + "<h3>AI provenance of images and videos</h3>"
        + "<p>yes: a verified C2PA manifest declares AI; claimed: only unsigned metadata or an "
        + "invalid manifest says so; no: a verified manifest declares a capture or other non-AI "
        + "source; unknown: no provenance (not the same as not AI).</p>"
        + _table(["ai", "items"], ai_rows)
    )  # fmt: skip


def _thumb(record: dict[str, Any]) -> str:
    uri = record.get("_thumbnail")
    if not uri or not str(uri).startswith("data:image/png;base64,"):
        return ""
    return f'<img class="thumb" alt="blurred" src="{_e(uri)}">'


def _matches(records: list[dict[str, Any]]) -> str:
    rows = [
        [
            _thumb(r),
            f"<code>{_e(r['path'])}</code>",
            "<br>".join(
                _e(f"{m['category']} · {m['label']} · {m['signal_type']}"
                   + (f" d={m['distance']}" if "distance" in m else "") + f" · {m['bank']}")
                for m in r["matches"]
            ),
            f"<code>{_e(r.get('sha256'))}</code>",
        ]
        for r in records
        if r["matches"]
    ]  # fmt: skip
    return "<h2>Matches</h2>" + _table(["preview", "path", "matches", "SHA-256"], rows)


def _gps(records: list[dict[str, Any]]) -> str:
    rows = []
    for r in records:
        gps = (r.get("exif") or {}).get("gps")
        if gps:
            rows.append([f"<code>{_e(r['path'])}</code>", _e(gps["lat"]), _e(gps["lon"]),
                         _e((r.get("exif") or {}).get("original_time"))])  # fmt: skip
    return "<h2>GPS points</h2>" + _table(["path", "latitude", "longitude", "taken"], rows)


def _when(record: dict[str, Any]) -> tuple[str, str] | None:
    exif_time = (record.get("exif") or {}).get("original_time")
    if exif_time:
        # EXIF writes "YYYY:MM:DD HH:MM:SS" in camera local time, without a zone.
        return exif_time.replace(":", "-", 2), "taken (EXIF, camera clock)"
    mtime = (record.get("times") or {}).get("mtime")
    return (mtime, "modified") if mtime else None


def _timeline(records: list[dict[str, Any]]) -> str:
    events = sorted(
        (when[0], when[1], r["path"]) for r in records if (when := _when(r)) is not None
    )[:TIMELINE_LIMIT]
    rows = [[_e(t), _e(what), f"<code>{_e(path)}</code>"] for t, what, path in events]
    return "<h2>Timeline</h2>" + _table(["time", "event", "path"], rows)


def render_report(records: list[dict[str, Any]], facts: dict[str, Any]) -> str:
    header = _table(["", ""], [[_e(k), f"<code>{_e(v)}</code>"] for k, v in facts.items()])
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>Perisai triage report</title><style>{_STYLE}</style></head><body>"
        f"<h1>Perisai triage report</h1>{header}{_summary(records)}{_matches(records)}"
        f"{_gps(records)}{_timeline(records)}</body></html>"
    )


def write_report(path: Path, records: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    path.write_text(render_report(records, facts), encoding="utf-8")
