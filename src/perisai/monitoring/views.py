"""Monitoring pages: the supervisors' trends (`/workspace/monitoring`, its CSV) and the public
statistics (`/statistik` in Malay, `/statistics` in English).

Both read the rollups only (`perisai.monitoring.rollups`), never the reports themselves. Spike
alerts are marked on the charts through `perisai.monitoring.alerts.alerts_between` when that
module exists (the spike job's); without it the charts say alerts will appear there.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from perisai.audit.service import record
from perisai.identity.deps import DbDep, Principal, Public, require, staff_context
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.monitoring import expectations
from perisai.monitoring import text as _text  # noqa: F401 - registers the strings
from perisai.monitoring.charts import LineChart, line_chart
from perisai.monitoring.rollups import MALAYSIA, daily_counts, hourly_counts, pending_since
from perisai.monitoring.series import DIMENSIONS, dimension_of, value_of
from perisai.monitoring.statistics import OTHER, public_statistics
from perisai.monitoring.trends import (
    GRANULARITIES,
    Expectation,
    Granularity,
    Trend,
    build_trend,
    history_start,
)
from perisai.reports.models import OffenceCode
from perisai.reports.states import STATES, state_name
from perisai.web.codes import code_label
from perisai.web.i18n import LANGUAGES, language_of, translate
from perisai.web.templating import render

router = APIRouter(include_in_schema=False)
public_router = APIRouter(include_in_schema=False, dependencies=[Public])

PAGE: Final = "/workspace/monitoring"
PUBLIC_PATHS: Final = {"ms": "/statistik", "en": "/statistics"}
DEFAULT_DAYS: Final = 28
MAX_DAYS: Final[dict[str, int]] = {"day": 366, "hour": 14}
MAX_CHARTS: Final = 12
DEFAULT_DIMENSION: Final = "source"
ALERTS_MODULE: Final = "perisai.monitoring.alerts"

add_home_link(Permission.DASHBOARD_VIEW, PAGE, "mon.home")

Text = Annotated[str, Query(max_length=40)]


# --- words for series ------------------------------------------------------------------------


def offence_titles(db: DbDep, lang: str) -> dict[str, str]:
    """`code → "code: title"` from the offence list (in `lang`), for the offence series."""
    rows = db.execute(select(OffenceCode.code, OffenceCode.title, OffenceCode.title_ms))
    return {code: f"{code}: {ms if lang == 'ms' else en}" for code, en, ms in rows}


def value_label(
    dimension: str, value: str, lang: str, titles: Mapping[str, str] | None = None
) -> str:
    """A series value in words (platform names as stored; offences by their title)."""
    if dimension == "total":
        return translate("mon.val.total", lang)
    if dimension == "source":
        kind, _, name = value.partition(":")
        if kind in ("platform", "import") and name:
            shown = translate("mon.val.unknown", lang) if name == "unknown" else name
            return translate(f"mon.val.{kind}", lang, name=shown)
    if dimension == "state" and value in STATES:
        return state_name(value, lang)
    if dimension == "type":
        return code_label("incident", value, lang)
    if dimension == "offence":
        return (titles or {}).get(value, value)
    key = f"mon.val.{value}"
    found = translate(key, lang)
    return value if found == key else found


def series_label(series_key: str, lang: str, titles: Mapping[str, str] | None = None) -> str:
    dimension = dimension_of(series_key)
    if dimension == "total":
        return translate("mon.val.total", lang)
    return value_label(dimension, value_of(series_key), lang, titles)


# --- the filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    dimension: str
    since: date  # first day shown
    until: date  # day after the last day shown
    granularity: Granularity

    def query(self, lang: str) -> str:
        last = self.until - timedelta(days=1)
        return (
            f"dimension={self.dimension}&from={self.since.isoformat()}&to={last.isoformat()}"
            f"&granularity={self.granularity}&lang={lang}"
        )


def _today() -> date:
    return datetime.now(UTC).astimezone(MALAYSIA).date()


# The dates a filter may name: wide enough for any history and plan, narrow enough that a day
# before or after (and a baseline's weeks before) is still a date (9999-12-31 + 1 overflows).
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


def _date(text: str | None) -> date | None:
    try:
        found = date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None
    return found if found is not None and FIRST_DATE <= found <= LAST_DATE else None


def read_ask(
    dimension: str | None, start: str | None, end: str | None, granularity: str | None
) -> tuple[Ask, dict[str, str]]:
    """The filters asked for (defaults for what is missing) and the problems, by field, as
    translation keys with their values joined by '|' (e.g. "mon.error.span_day|366")."""
    problems: dict[str, str] = {}
    chosen = dimension or DEFAULT_DIMENSION
    if chosen not in DIMENSIONS:
        problems["dimension"] = "mon.error.choice"
        chosen = DEFAULT_DIMENSION
    grain = granularity or "day"
    if grain not in GRANULARITIES:
        problems["granularity"] = "mon.error.choice"
        grain = "day"
    fine: Granularity = "hour" if grain == "hour" else "day"
    today = _today()
    last = _date(end) if end else today
    if last is None:
        problems["to"] = "mon.error.date"
        last = today
    default_days = DEFAULT_DAYS if fine == "day" else 2
    first = _date(start) if start else last - timedelta(days=default_days - 1)
    if first is None:
        problems["from"] = "mon.error.date"
        first = last - timedelta(days=default_days - 1)
    if first > last:
        problems["from"] = "mon.error.order"
        first = last
    if (last - first).days + 1 > MAX_DAYS[fine]:
        problems["from"] = f"mon.error.span_{fine}|{MAX_DAYS[fine]}"
        first = last - timedelta(days=MAX_DAYS[fine] - 1)
    return Ask(chosen, first, last + timedelta(days=1), fine), problems


def problem_text(problem: str, lang: str) -> str:
    key, _, days = problem.partition("|")
    return translate(key, lang, days=days) if days else translate(key, lang)


# --- the data --------------------------------------------------------------------------------


def _counts_by_series(db: DbDep, ask: Ask) -> dict[str, dict[datetime, int]]:
    since = history_start(ask.since)
    found: dict[str, dict[datetime, int]] = defaultdict(dict)
    if ask.granularity == "day":
        for row in daily_counts(db, since=since, until=ask.until, dimension=ask.dimension):
            start = datetime(row.day.year, row.day.month, row.day.day, tzinfo=MALAYSIA)
            found[row.series_key][start] = row.count
    else:
        for hour in hourly_counts(
            db,
            since=datetime(since.year, since.month, since.day, tzinfo=MALAYSIA),
            until=datetime(ask.until.year, ask.until.month, ask.until.day, tzinfo=MALAYSIA),
            dimension=ask.dimension,
        ):
            found[hour.series_key][hour.hour] = hour.count
    return found


def alert_marks(
    db: DbDep, ask: Ask, series: Sequence[str], lang: str
) -> tuple[dict[str, dict[datetime, str]], bool]:
    """Alerts by series and bucket start, and whether alerts can be read at all.

    The spike job's module provides ``alerts_between(session, *, since, until, series)``
    returning objects with ``series_key``, ``day`` (or ``hour``), ``method`` and ``status``.
    """
    try:
        module = importlib.import_module(ALERTS_MODULE)
    except ImportError:
        return {}, False
    reader = getattr(module, "alerts_between", None)
    if reader is None:
        return {}, False
    since = datetime(ask.since.year, ask.since.month, ask.since.day, tzinfo=MALAYSIA)
    until = datetime(ask.until.year, ask.until.month, ask.until.day, tzinfo=MALAYSIA)
    marks: dict[str, dict[datetime, str]] = defaultdict(dict)
    for alert in reader(db, since=since, until=until, series=list(series)):
        marks[str(alert.series_key)][_bucket_of_alert(alert, ask.granularity)] = _alert_words(
            alert, lang
        )
    return marks, True


def _detector_models(
    db: DbDep, ask: Ask, series: Sequence[str]
) -> dict[str, dict[datetime, Expectation]]:
    """The spike detector's stored model of each shown day (daily charts draw their band from
    it, so the band and the alerts agree)."""
    stored = expectations.between(db, since=ask.since, until=ask.until, series=series)
    return {
        key: {
            datetime(day.year, day.month, day.day, tzinfo=MALAYSIA): Expectation(
                row.expected, row.low, row.high
            )
            for day, row in per.items()
        }
        for key, per in stored.items()
    }


def _bucket_of_alert(alert: Any, granularity: Granularity) -> datetime:
    hour = getattr(alert, "hour", None)
    if isinstance(hour, datetime):
        local = hour.astimezone(MALAYSIA)
        if granularity == "hour":
            return local.replace(minute=0, second=0, microsecond=0)
        return datetime(local.year, local.month, local.day, tzinfo=MALAYSIA)
    day: date = alert.day
    return datetime(day.year, day.month, day.day, tzinfo=MALAYSIA)


def _at_peak_hours(
    marks: Mapping[datetime, str], counts: Mapping[datetime, int]
) -> dict[datetime, str]:
    """A day's alert on an hourly chart sits on that day's busiest hour (its first if none)."""
    placed: dict[datetime, str] = {}
    for start, words in marks.items():
        if start.hour or start.minute:
            placed[start] = words  # already an hour
            continue
        hours = [start + timedelta(hours=h) for h in range(24)]
        placed[max(hours, key=lambda h: (counts.get(h, 0), -h.hour))] = words
    return placed


def _alert_words(alert: Any, lang: str) -> str:
    parts = [translate("mon.legend.alert", lang)]
    for name in ("method", "status"):
        value = getattr(alert, name, None)
        if value:
            parts.append(str(value))
    return " · ".join(parts)


def trends_for(
    db: DbDep, ask: Ask, lang: str, *, limit: int | None = MAX_CHARTS
) -> tuple[list[Trend], int, bool]:
    """The dimension's series with a count in the period, largest totals first (all of them;
    alerts read for the first `limit`, None: all), how many are beyond `limit`, and whether
    alerts could be read."""
    counts = _counts_by_series(db, ask)
    first = datetime(ask.since.year, ask.since.month, ask.since.day, tzinfo=MALAYSIA)
    totals = {
        key: sum(n for start, n in per.items() if start >= first) for key, per in counts.items()
    }
    shown = sorted((k for k, n in totals.items() if n > 0), key=lambda k: (-totals[k], k))
    marks, alerts_known = alert_marks(db, ask, shown if limit is None else shown[:limit], lang)
    if ask.granularity == "hour":
        marks = {key: _at_peak_hours(found, counts.get(key, {})) for key, found in marks.items()}
    models = _detector_models(db, ask, shown) if ask.granularity == "day" else {}
    trends = [
        build_trend(
            key,
            counts[key],
            since=ask.since,
            until=ask.until,
            granularity=ask.granularity,
            alerts=marks.get(key),
            models=models.get(key, {}) if ask.granularity == "day" else None,
        )
        for key in shown
    ]
    return trends, 0 if limit is None else max(0, len(shown) - limit), alerts_known


@dataclass(frozen=True)
class ChartView:
    trend: Trend
    chart: LineChart
    label: str
    caption: str
    anchor: str


def _chart_views(
    trends: Sequence[Trend], ask: Ask, lang: str, titles: Mapping[str, str]
) -> list[ChartView]:
    fmt = "%d/%m" if ask.granularity == "day" else "%d/%m %H:00"
    views: list[ChartView] = []
    for index, trend in enumerate(trends[:MAX_CHARTS]):
        label = series_label(trend.series_key, lang, titles)
        peak = trend.peak
        caption = translate(
            "mon.caption",
            lang,
            series=label,
            total=trend.total,
            peak=peak.observed if peak else 0,
            at=_when(peak.start, ask.granularity) if peak else "—",
            alerts=trend.alerts,
        )
        views.append(
            ChartView(trend, line_chart(trend, x_label_format=fmt), label, caption, f"s{index}")
        )
    return views


def _when(start: datetime, granularity: Granularity) -> str:
    return f"{start:%Y-%m-%d}" if granularity == "day" else f"{start:%Y-%m-%d %H:00}"


# --- the pages -------------------------------------------------------------------------------


@router.get(PAGE)
def monitoring_page(
    request: Request,
    db: DbDep,
    dimension: Text | None = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    granularity: Text | None = None,
    principal: Principal = require(Permission.DASHBOARD_VIEW),
) -> Response:
    lang = language_of(request)
    ask, problems = read_ask(dimension, start, end, granularity)
    trends, more, alerts_known = trends_for(db, ask, lang)
    waiting = pending_since(db)
    titles = offence_titles(db, lang) if ask.dimension == "offence" else {}
    context = {
        **staff_context(principal),
        "ask": ask,
        "last_day": ask.until - timedelta(days=1),
        "dimensions": [(d, translate(f"mon.dim.{d}", lang)) for d in DIMENSIONS],
        "granularities": GRANULARITIES,
        "problems": {field: problem_text(p, lang) for field, p in problems.items()},
        "charts": _chart_views(trends, ask, lang, titles),
        "more": more,
        "alerts_known": alerts_known,
        "csv_url": f"{PAGE}.csv?{ask.query(lang)}",
        "now": datetime.now(UTC),
        "waiting": waiting,
        "when": lambda start: _when(start, ask.granularity),
    }
    return render(request, "monitoring/trends.html", context, 422 if problems else 200)


CSV_HEADER: Final = ("series", "label", "start_myt", "observed", "expected", "low", "high", "alert")
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (names come from API keys)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def trends_csv(trends: Sequence[Trend], lang: str, titles: Mapping[str, str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for trend in trends:
        label = series_label(trend.series_key, lang, titles)
        for point in trend.points:
            e = point.expectation
            writer.writerow(
                [
                    csv_cell(trend.series_key),
                    csv_cell(label),
                    point.start.isoformat(),
                    point.observed,
                    "" if e is None else f"{e.expected:.2f}",
                    "" if e is None else e.low,
                    "" if e is None else e.high,
                    csv_cell(point.alert or ""),
                ]
            )
    return out.getvalue()


@router.get(f"{PAGE}.csv")
def monitoring_csv(
    request: Request,
    db: DbDep,
    dimension: Text | None = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    granularity: Text | None = None,
    principal: Principal = require(Permission.DASHBOARD_VIEW),
) -> Response:
    lang = language_of(request)
    ask, problems = read_ask(dimension, start, end, granularity)
    if problems:
        # The page shows what is wrong, field by field, in the person's language.
        return RedirectResponse(f"{PAGE}?{request.url.query}", status_code=303)
    trends, _, _ = trends_for(db, ask, lang, limit=None)
    record(
        db,
        actor=principal.actor,
        action="monitoring.export",
        object_type="monitoring",
        object_id=ask.dimension,
        details={
            "from": ask.since.isoformat(),
            "to": (ask.until - timedelta(days=1)).isoformat(),
            "granularity": ask.granularity,
            "series": len(trends),
        },
    )
    name = f"perisai-trends-{ask.dimension}-{ask.since:%Y%m%d}-{ask.until:%Y%m%d}.csv"
    return Response(
        trends_csv(trends, lang, offence_titles(db, lang) if ask.dimension == "offence" else None),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


# --- public statistics -----------------------------------------------------------------------


def _public(request: Request, db: DbDep, lang: str) -> Response:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and asked != lang:
        return RedirectResponse(PUBLIC_PATHS[asked], status_code=303)
    figures = public_statistics(db, today=_today())
    other = "en" if lang == "ms" else "ms"
    context: Mapping[str, Any] = {
        "lang": lang,
        "t": lambda key, **values: translate(key, lang, **values),
        "figures": figures,
        "source_label": lambda v: (
            translate("mon.val.other", lang) if v == OTHER else value_label("source", v, lang)
        ),
        "type_label": lambda v: (
            translate("mon.val.other", lang) if v == OTHER else code_label("incident", v, lang)
        ),
        "other": OTHER,
        "other_language_url": PUBLIC_PATHS[other],
        "hotline_url": "/lapor" if lang == "ms" else "/report",
    }
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        "monitoring/statistics.html",
        {"demo": request.app.state.runtime.settings.demo, **context},
    )
    # Figures change as reports arrive; a shared cache may keep them a few minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@public_router.get(PUBLIC_PATHS["ms"])
def statistics_ms(request: Request, db: DbDep) -> Response:
    return _public(request, db, "ms")


@public_router.get(PUBLIC_PATHS["en"])
def statistics_en(request: Request, db: DbDep) -> Response:
    return _public(request, db, "en")
