"""What a report shows, gathered from rca.analytics and rca.causes.queries into plain dataclasses.

Every number comes from the library; this module only picks, orders, words and
formats them. Every piece of customer or curator text passes through
:func:`reports.text.clean` (redacted again, shortened) on its way in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone  # noqa: F401 (date: resolve_period's types)

from markupsafe import Markup
from sqlalchemy.orm import Session

from rca import analytics
from rca.causes import queries
from rca.analytics import (EMERGING_BASELINE_WEEKS, CauseFigures, Period, cause_figures, date_range_period,
                           emerging_causes, emerging_rule, latest_complete_week, newest_received, parse_period,
                           period_breakdowns,
                           period_summary, recurred_in_period, week_labels, week_period, weekly_counts)
from rca.errors import UsageError, as_option, option
from rca.causes.events import describe as describe_event
from rca.causes.lifecycle import CLOSED_STATUSES, FIXED_STATUSES, RECURRING
from rca.causes.recurrence import complaints_since_fix
from rca.quotes import QUOTE_CHARS, choose_quotes

from . import charts
from .kinds import KINDS
from .glyphs import displayable
from .text import KEYWORD_CHARS, TITLE_CHARS, clean, day, number, percent, period_dates, plural, shorten, signed

TOP_CAUSES = 10
QUOTED_CAUSES = 5
QUOTES_PER_CAUSE = 3
TREND_PANELS = 6
PARETO_BARS = 15
ATTENTION_ROWS = 6
# WeasyPrint lays out roughly a page a second: the team report details the causes a team
# lead acts on this week and lists the rest in one table.
TEAM_DETAILED = 15
TEAM_DETAILED_MAX = 25
MIN_WEEKS, MAX_WEEKS = 2, 52


# -- choosing the period -------------------------------------------------------------

def resolve_period(session: Session, period: str | None = None, date_from: date | None = None,
                   date_to: date | None = None) -> Period:
    """--period, or --from/--to, or by default the last complete ISO week in the data.

    A period the data stops inside (an export cut mid-week) is marked partial:
    its figures are then compared with the same span of the period before.
    """
    if period and (date_from or date_to):
        raise UsageError(f"give either {option('period')} or {option('from')}/{option('to')}, not both")
    if (date_from is None) != (date_to is None):
        raise UsageError(f"{option('from')} and {option('to')} go together: give both, e.g. {option('from')} 2026-11-01 {option('to')} 2026-11-14")
    if period:
        return parse_period(period).cut_at(newest_received(session))
    if date_from and date_to:
        return date_range_period(date_from, date_to).cut_at(newest_received(session))
    return latest_complete_week(session)


def period_note(session: Session, chosen: Period, asked: bool) -> str | None:
    """What a command should tell the user about the period it chose (None: nothing to say)."""
    newest = newest_received(session)
    if chosen.partial:
        return (f"{chosen.label} is partial: the data ends {newest:%a %d %b %Y %H:%M} UTC, so each figure is "
                f"compared with the same span of the period before.")
    if not asked and newest is not None and newest >= chosen.end:
        following = week_period(newest.date())
        return (f"reporting {chosen.label}, the last complete week: the data ends {newest:%a %d %b %Y}, inside "
                f"{following.label} ({as_option('period')} {following.label} reports that partial week)")
    return None


def check_weeks(weeks: int) -> int:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise UsageError(f"{option('weeks')} must be between {MIN_WEEKS} and {MAX_WEEKS}")
    return weeks


def trend_anchor(period: Period) -> Period:
    """The ISO week holding the period's last day: the last week of the trend charts."""
    return week_period((period.end - timedelta(days=1)).date())


# -- shared pieces -------------------------------------------------------------------

@dataclass
class Headline:
    label: str
    value: str
    previous: str
    delta: str
    arrow: str  # ▲ ▼ or ""
    tone: str  # good | bad | neutral
    hint: str


@dataclass
class CauseRow:
    rank: int
    key: str
    title: str
    owner: str
    status: str
    count: int
    previous: int
    delta: str
    tone: str
    share: str
    customers: int
    spark: Markup
    tags: list[str]

    @property
    def signal(self) -> str:
        """The one tag a narrow column shows: recurred, then new, then emerging."""
        return next((t for t in ("recurred", "new", "emerging") if t in self.tags), "")


@dataclass
class Attention:
    tag: str
    key: str
    title: str
    owner: str
    why: str


@dataclass
class FixedRow:
    key: str
    title: str
    owner: str
    status: str
    fixed: str
    days_to_fix: str
    since_fix: int


@dataclass
class Quote:
    text: str
    received: str
    channel: str


@dataclass
class CauseQuotes:
    key: str
    title: str
    count: int
    quotes: list[Quote]


@dataclass
class Takeaway:
    lead: str
    key: str
    title: str
    text: str


@dataclass
class Frame:
    """What every report kind shows in its header and footer."""

    kind: str
    title: str
    period_label: str
    period_dates: str
    previous_label: str
    previous_dates: str
    weeks: int
    week_labels: list[str]
    generated: str
    complaints: int
    empty_database: bool
    # A partial period (the data stops inside it): what the reader must know about its figures.
    partial_note: str = ""
    # False when the period's complaints carry nothing that identifies a customer (no e-mail or
    # user id was imported): customer counts are then unknown ("–"), not zero.
    customer_ids: bool = True


@dataclass
class ExecutiveReport:
    frame: Frame
    headlines: list[Headline]
    takeaways: list[Takeaway]
    top: list[CauseRow]
    pareto: Markup | None
    pareto_note: str
    trends: Markup | None
    attention: list[Attention]
    attention_more: int
    fixed: list[FixedRow]
    quotes: list[CauseQuotes]
    unassigned: int
    unassigned_share: str
    says_nothing: int = 0  # replies in no cause because they name none (thanks, "ok")


@dataclass
class Event:
    when: str
    actor: str
    text: str


@dataclass
class CauseSection:
    key: str
    title: str
    status: str
    owner: str
    defect_type: str
    count: int
    previous: int
    delta: str
    tone: str
    customers: int
    total: int
    first_seen: str
    last_seen: str
    fixed: str
    since_fix: int
    keywords: list[str]
    weekly: list[int]
    bars: Markup
    pages: list[tuple[str, int]]
    products: list[tuple[str, int]]
    channels: list[tuple[str, int]]
    examples: list[Quote]
    events: list[Event]
    events_more: int
    merged: list[str]
    tags: list[str]


@dataclass
class TeamReport:
    frame: Frame
    headlines: list[Headline]
    index: list[CauseRow]
    sections: list[CauseSection]
    unassigned: int
    unassigned_share: str
    unassigned_previous: int
    unassigned_weekly: list[int]
    unassigned_bars: Markup
    unassigned_examples: list[Quote]
    quiet_causes: int = 0
    not_detailed: int = 0
    says_nothing: int = 0  # replies in no cause because they name none (thanks, "ok")


def _frame(session: Session, kind: str, period: Period, weeks: int, complaints: int, customers: int) -> Frame:
    previous = period.previous()
    anchor = trend_anchor(period)
    empty = complaints == 0 and queries.database_is_empty(session)
    return Frame(kind=kind, title="Executive summary" if kind == "executive" else "Team lead report",
                 period_label=period.label, period_dates=period_dates(period.start, period.data_end or period.end),
                 previous_label=previous.label, previous_dates=period_dates(previous.start, previous.end),
                 weeks=weeks, week_labels=week_labels(anchor, weeks),
                 generated=f"{datetime.now(timezone.utc):%d %b %Y %H:%M} UTC", complaints=complaints,
                 empty_database=empty, partial_note=_partial_note(period),
                 customer_ids=bool(customers) or not complaints)


def _partial_note(period: Period) -> str:
    if not period.partial:
        return ""
    last = period.data_end - timedelta(microseconds=1)
    return (f"Partial period: the data ends {last:%a %d %b %H:%M} UTC. Every figure is compared with the same "
            f"span of the period before ({period_dates(period.previous().start, period.previous().end)}), "
            f"not with a whole week.")


def _delta(now: int, before: int, new: bool = False) -> tuple[str, str, str]:
    """(text, arrow, tone) for a count where more is worse; ``new``: the cause was first reported in the period."""
    if now == before:
        return "±0", "", "neutral"
    arrow, tone = ("▲", "bad") if now > before else ("▼", "good")
    if before == 0:
        return (f"new ({signed(now)})" if new else f"{signed(now)} (none before)"), arrow, tone
    return f"{signed(now - before)} ({(now - before) / before:+.0%})".replace("-", "−"), arrow, tone


def _headline_count(label: str, now: int, before: int, hint: str, more_is: str = "bad",
                    relative: bool = True) -> Headline:
    if now == before:
        arrow, tone, text = "", "neutral", "±0"
    else:
        up = now > before
        arrow = "▲" if up else "▼"
        tone = more_is if up else ("good" if more_is == "bad" else "bad")
        text = signed(now - before)
        if relative and before:
            text += f" ({abs(now - before) / before:.0%})"
    return Headline(label, number(now), number(before), text, arrow, tone, hint)


def _headlines(summary, previous_summary, recurred: int, previous_recurred: int) -> list[Headline]:
    share_now, share_before = summary.top5_share, previous_summary.top5_share
    points = round(share_now * 100) - round(share_before * 100)  # the difference of the two shown figures
    days_now, days_before = summary.median_days_to_fix, previous_summary.median_days_to_fix
    if days_now is None or days_before is None or round(days_now, 1) == round(days_before, 1):
        days_delta, days_arrow, days_tone = ("±0" if days_now is not None and days_before is not None else "–"), "", \
            "neutral"
    else:
        faster = days_now < days_before
        days_delta = f"{days_now - days_before:+.1f} d".replace("-", "−")
        days_arrow, days_tone = ("▼", "good") if faster else ("▲", "bad")
    return [
        _headline_count("Complaints", summary.complaints, previous_summary.complaints, "received in the period"),
        _headline_count("Customers", summary.customers, previous_summary.customers, "distinct customers who complained")
        if summary.customers or not summary.complaints else
        Headline("Customers", "–", "–", "–", "", "neutral", "no customer ids in these complaints"),
        Headline("Top-5 share", percent(share_now), percent(share_before),
                 "±0 pp" if points == 0 else f"{points:+d} pp".replace("-", "−"),
                 "" if points == 0 else ("▲" if points > 0 else "▼"), "neutral",
                 "of complaints explained by the 5 biggest causes"),
        _headline_count("New causes", summary.new_causes, previous_summary.new_causes, "first reported in the period",
                        relative=False),
        _headline_count("Recurred", recurred, previous_recurred, "fixed causes reported again after the fix",
                        relative=False),
        _headline_count("Fixed", summary.fixed_in_period, previous_summary.fixed_in_period,
                        "causes marked fixed in the period", more_is="good", relative=False),
        Headline("Days to fix", "–" if days_now is None else f"{days_now:.1f}",
                 "–" if days_before is None else f"{days_before:.1f}", days_delta, days_arrow, days_tone,
                 "median, first report to fix"),
    ]


def _previous_figures(figures: list[CauseFigures]) -> list[CauseFigures]:
    """The same causes with the previous period's counts, so period_summary can describe that period
    without scanning the complaints a second time (cause_figures already counted it)."""
    return [dataclasses.replace(f, count=f.previous, previous=0, customers=0) for f in figures]


def _summaries(session: Session, period: Period, figures: list[CauseFigures]):
    summary = period_summary(session, period, figures)
    previous = period_summary(session, period.previous(), _previous_figures(figures))
    return summary, previous


def _series(session: Session, period: Period, weeks: int):
    """Weekly counts for the trend window, and the causes emerging in its last week."""
    anchor = trend_anchor(period)
    series = weekly_counts(session, anchor, weeks)
    if weeks > EMERGING_BASELINE_WEEKS:
        # emerging_rule reads only the last 1 + 8 weeks, so the longer series gives the same
        # verdicts as emerging_causes() without another pass over the complaints.
        emerging = {cid: verdict for cid, s in series.items() if cid is not None
                    and (verdict := emerging_rule(s)).emerging}
    else:
        emerging = emerging_causes(session, anchor)
    return series, emerging


def _title(figure_title: str | None, limit: int = TITLE_CHARS) -> str:
    return clean(figure_title, limit) or "(untitled)"


def _owner(owner: str | None) -> str:
    return clean(owner, 40) or "—"


def _is_new(f: CauseFigures, period: Period) -> bool:
    """First reported in the period: only such a cause is called new."""
    return bool(f.first_seen and period.contains(f.first_seen))


def _tags(f: CauseFigures, period: Period, emerging: dict, recurred: dict) -> list[str]:
    tags = []
    if _is_new(f, period):
        tags.append("new")
    if f.cause_id in emerging:
        tags.append("emerging")
    if f.cause_id in recurred or f.status == RECURRING:
        tags.append("recurred")
    return tags


def _quotes(session: Session, cause_id: int | None, period: Period, limit: int = QUOTES_PER_CAUSE) -> list[Quote]:
    """The cause's quotes as rca.quotes chooses them for every output, cleaned once more for print."""
    keywords = queries.cause_keywords(session, cause_id) if cause_id else None
    return [Quote(clean(q.text, QUOTE_CHARS), day(q.received_at), clean(q.channel, 24))
            for q in choose_quotes(session, cause_id, keywords, period, limit)]


def _period_basis(session: Session, kind: str, period: Period, weeks: int):
    """What both reports are built from: this period's figures against the previous one's."""
    figures = cause_figures(session, period)
    summary, previous_summary = _summaries(session, period, figures)
    recurred = recurred_in_period(session, period)
    previous_recurred = recurred_in_period(session, period.previous())
    series, emerging = _series(session, period, weeks)
    frame = _frame(session, kind, period, weeks, summary.complaints, summary.customers)
    return figures, summary, previous_summary, recurred, previous_recurred, series, emerging, frame


# -- executive -----------------------------------------------------------------------

def executive_report(session: Session, period: Period, weeks: int = 12) -> ExecutiveReport:
    weeks = check_weeks(weeks)
    figures, summary, previous_summary, recurred, previous_recurred, series, emerging, frame = \
        _period_basis(session, "executive", period, weeks)
    total = summary.complaints
    active = [f for f in figures if f.count]

    top = []
    for rank, f in enumerate(active[:TOP_CAUSES], 1):
        delta, _, tone = _delta(f.count, f.previous, _is_new(f, period))
        top.append(CauseRow(rank, f.key, _title(f.title, 60), _owner(f.owner), f.status, f.count, f.previous, delta,
                            tone, percent(f.count / total if total else 0), f.customers,
                            charts.sparkline(series.get(f.cause_id, [0] * weeks), width=52, height=14),
                            _tags(f, period, emerging, recurred)))

    points = analytics.pareto(figures, total)
    shown = points[:PARETO_BARS]
    pareto_svg = charts.pareto_chart([p.key for p in shown], [p.count for p in shown],
                                     [p.cumulative_share for p in shown])
    pareto_note = ""
    if points:
        five = min(5, len(points))
        pareto_note = (f"The {five} biggest causes explain {percent(points[five - 1].cumulative_share)} of the "
                       f"{number(total)} complaints; {percent(summary.unassigned_share)} match no cause yet"
                       + (f", and {number(summary.says_nothing)} are replies that say nothing about a cause."
                          if summary.says_nothing else "."))
        if len(points) > PARETO_BARS:
            pareto_note += f" {len(points) - PARETO_BARS} smaller causes are not drawn."

    panels = [(f"{f.key} · {shorten(displayable(_title(f.title)), 26)}", series.get(f.cause_id, [0] * weeks))
              for f in active[:TREND_PANELS]]
    trends_svg = charts.trend_multiples(panels, frame.week_labels)

    week = trend_anchor(period).label
    attention, more = _attention(figures, period, emerging, recurred, total, week)
    return ExecutiveReport(
        frame=frame,
        headlines=_headlines(summary, previous_summary, len(recurred), len(previous_recurred)),
        takeaways=_takeaways(figures, period, summary, emerging, recurred, week),
        top=top, pareto=pareto_svg, pareto_note=pareto_note, trends=trends_svg,
        attention=attention, attention_more=more,
        fixed=_fixed(session, figures, period, weeks),
        quotes=[CauseQuotes(f.key, _title(f.title), f.count, _quotes(session, f.cause_id, period))
                for f in active[:QUOTED_CAUSES]],
        unassigned=summary.unassigned, unassigned_share=percent(summary.unassigned_share),
        says_nothing=summary.says_nothing)


def _takeaways(figures, period, summary, emerging, recurred, week: str) -> list[Takeaway]:
    """One line each: what hurts most, what grows, what is new (or emerging), what came back.

    Each line names a different cause when there is one, so four lines say four things.
    """
    total = summary.complaints
    active = [f for f in figures if f.count]
    out: list[Takeaway] = []
    if not active:
        return out
    named: set[int] = set()

    def pick(candidates):
        candidates = list(candidates)
        fresh = [f for f in candidates if f.cause_id not in named]
        chosen = (fresh or candidates or [None])[0]
        if chosen is not None:
            named.add(chosen.cause_id)
        return chosen, len(candidates)

    worst, _ = pick(active)
    out.append(Takeaway("Hurts most", worst.key, _title(worst.title, 70),
                        f"{plural(worst.count, 'complaint')} ({percent(worst.count / total)} of all)"
                        + (f" from {plural(worst.customers, 'customer')}" if summary.customers else "")))
    g, _ = pick(sorted((f for f in active if f.previous and f.count > f.previous),
                       key=lambda f: (-(f.count - f.previous), f.key)))
    if g:
        out.append(Takeaway("Growing", g.key, _title(g.title, 70),
                            f"{number(g.previous)} → {number(g.count)} complaints "
                            f"({(g.count - g.previous) / g.previous:+.0%} on the period before)".replace("-", "−")))
    n, count = pick(f for f in active if f.first_seen and period.contains(f.first_seen))
    if n:
        rest = f"; {count - 1} more new cause{'s' if count > 2 else ''}" if count > 1 else ""
        out.append(Takeaway("New", n.key, _title(n.title, 70),
                            f"{plural(n.count, 'complaint')} since {day(n.first_seen)}{rest}"))
    else:
        e, count = pick(sorted((f for f in active if f.cause_id in emerging),
                               key=lambda f: (-emerging[f.cause_id].observed, f.key)))
        if e:
            rest = f"; {count - 1} more emerging" if count > 1 else ""
            out.append(Takeaway("Emerging", e.key, _title(e.title, 70), _emerging_words(emerging[e.cause_id], week)
                                + rest))
    b, count = pick(sorted((f for f in figures if f.cause_id in recurred), key=lambda f: (-recurred[f.cause_id], f.key)))
    if b:
        rest = f"; {count - 1} more came back" if count > 1 else ""
        out.append(Takeaway("Came back", b.key, _title(b.title, 70),
                            f"{plural(recurred[b.cause_id], 'complaint')} after its fix on {day(b.fixed_at)}{rest}"))
    return out


def _emerging_words(verdict, week: str) -> str:
    if verdict.p_value == 0.0:
        return f"new: {number(verdict.observed)} in {week}, none in the {EMERGING_BASELINE_WEEKS} weeks before"
    return f"{number(verdict.observed)} in {week} against a usual {verdict.baseline:.1f} a week"


def _attention(figures, period, emerging, recurred, total, week: str) -> tuple[list[Attention], int]:
    rows: list[Attention] = []
    seen: set[int] = set()

    def add(tag: str, f: CauseFigures, why: str) -> None:
        seen.add(f.cause_id)
        rows.append(Attention(tag, f.key, _title(f.title, 44), _owner(f.owner), why))

    for f in sorted((f for f in figures if f.cause_id in recurred), key=lambda f: (-recurred[f.cause_id], f.key)):
        add("Recurred", f, f"{plural(recurred[f.cause_id], 'complaint')} after its fix on {day(f.fixed_at)}")
    for f in sorted((f for f in figures if f.status == RECURRING and f.cause_id not in seen),
                    key=lambda f: (-f.count, f.key)):
        add("Recurred", f, f"status recurring; {plural(f.count, 'complaint')} in the period")
    for f in sorted((f for f in figures if f.cause_id in emerging and f.cause_id not in seen),
                    key=lambda f: (-emerging[f.cause_id].observed, f.key)):
        add("Emerging", f, _emerging_words(emerging[f.cause_id], week))
    big = [f for f in figures if f.count][:TOP_CAUSES]
    for f in big:
        if f.cause_id not in seen and not f.owner and f.status not in CLOSED_STATUSES:
            add("No owner", f, f"#{big.index(f) + 1} with {plural(f.count, 'complaint')} "
                               f"({percent(f.count / total if total else 0)}); nobody assigned")
    return rows[:ATTENTION_ROWS], max(len(rows) - ATTENTION_ROWS, 0)


def _fixed(session: Session, figures, period: Period, weeks: int) -> list[FixedRow]:
    window_start = trend_anchor(period).end - timedelta(weeks=weeks)
    fixed = [f for f in figures if f.status in FIXED_STATUSES and f.fixed_at
             and window_start <= f.fixed_at < period.end]
    fixed.sort(key=lambda f: (f.fixed_at, f.key), reverse=True)
    days = analytics.days_to_fix(fixed)
    rows = []
    causes = queries.causes_by_id(session, [f.cause_id for f in fixed[:TOP_CAUSES]])
    for f in fixed[:TOP_CAUSES]:
        cause = causes[f.cause_id]
        rows.append(FixedRow(f.key, _title(f.title, 70), _owner(f.owner), f.status, day(f.fixed_at),
                             "–" if f.key not in days else f"{days[f.key]:.1f}", complaints_since_fix(session, cause)))
    return rows


# -- team lead -----------------------------------------------------------------------

def team_report(session: Session, period: Period, weeks: int = 12) -> TeamReport:
    weeks = check_weeks(weeks)
    figures, summary, previous_summary, recurred, previous_recurred, series, emerging, frame = \
        _period_basis(session, "team", period, weeks)
    zero = [0] * weeks
    total = summary.complaints
    shown = [f for f in figures if f.count or any(series.get(f.cause_id, zero))]
    shown.sort(key=lambda f: (-f.count, -sum(series.get(f.cause_id, zero)), f.key))
    index = []
    for rank, f in enumerate(shown, 1):
        delta, _, tone = _delta(f.count, f.previous, _is_new(f, period))
        index.append(CauseRow(rank, f.key, _title(f.title, 70), _owner(f.owner), f.status, f.count, f.previous,
                              delta, tone, percent(f.count / total if total else 0), f.customers,
                              charts.sparkline(series.get(f.cause_id, zero), width=52, height=12),
                              _tags(f, period, emerging, recurred)))
    detailed = shown[:TEAM_DETAILED]
    flagged = [f for f in shown[TEAM_DETAILED:] if f.cause_id in emerging or f.cause_id in recurred
               or f.status == RECURRING]
    detailed += flagged[:TEAM_DETAILED_MAX - len(detailed)]
    breakdowns = period_breakdowns(session, [f.cause_id for f in detailed], period)
    sections = [_section(session, f, series.get(f.cause_id, zero), period, emerging, recurred,
                         breakdowns[f.cause_id]) for f in detailed]
    unassigned_weekly = series.get(None, zero)
    return TeamReport(
        frame=frame, headlines=_headlines(summary, previous_summary, len(recurred), len(previous_recurred)),
        index=index, sections=sections, unassigned=summary.unassigned,
        unassigned_share=percent(summary.unassigned_share),
        unassigned_previous=previous_summary.unassigned, unassigned_weekly=unassigned_weekly,
        unassigned_bars=charts.sparkbars(unassigned_weekly),
        unassigned_examples=_quotes(session, None, period, 5),
        quiet_causes=len(figures) - len(shown), not_detailed=len(shown) - len(sections),
        says_nothing=summary.says_nothing)


def _section(session: Session, f: CauseFigures, weekly: list[int], period: Period, emerging, recurred,
             breakdown) -> CauseSection:
    cause = queries.causes_by_id(session, [f.cause_id])[f.cause_id]
    delta, _, tone = _delta(f.count, f.previous, _is_new(f, period))
    events = [Event(f"{e.at:%d %b %Y}", clean(e.actor, 40), _event_text(e))
              for e in reversed(queries.history(session, f.key))]
    merged = queries.merged_keys(session, cause.id)

    def values(pairs):
        return [(clean(value, 80) or "—", count) for value, count in pairs]

    return CauseSection(
        key=f.key, title=_title(f.title, 200), status=f.status, owner=_owner(f.owner),
        defect_type=(f.defect_type or "—").replace("_", " "), count=f.count, previous=f.previous, delta=delta,
        tone=tone, customers=f.customers, total=f.total,
        first_seen=day(cause.first_seen), last_seen=day(cause.last_seen), fixed=day(f.fixed_at),
        since_fix=complaints_since_fix(session, cause),
        keywords=[k for k in (clean(word, KEYWORD_CHARS) for word in (cause.keywords or [])[:12]) if k],
        weekly=list(weekly), bars=charts.sparkbars(weekly),
        pages=values(breakdown.pages), products=values(breakdown.products), channels=values(breakdown.channels),
        examples=_quotes(session, cause.id, period),
        events=events[:8], events_more=max(len(events) - 8, 0),
        merged=[clean(k, 16) for k in merged], tags=_tags(f, period, emerging, recurred))


def _event_text(event) -> str:
    """The event as rca.causes.events words it, each part cleaned for print."""
    return describe_event(clean(event.kind, 32), clean(event.old_value, 80), clean(event.new_value, 120))


def build_report(session: Session, kind: str, period: Period, weeks: int = 12):
    if kind == "executive":
        report = executive_report(session, period, weeks)
    elif kind == "team":
        report = team_report(session, period, weeks)
    else:
        raise UsageError(f"unknown report kind '{kind}': choose {' or '.join(KINDS)}")
    from .findings import findings_section  # our own pages (rca scan): a section of its own
    report.findings = findings_section(session, kind)
    return report
