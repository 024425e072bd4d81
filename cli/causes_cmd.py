"""rca causes …, rca complaints list and rca trends: working with root causes."""

from __future__ import annotations

import click

from rca.causes.lifecycle import CAUSE_STATUSES
from rca.causes.listing import SORTS, STATUS_FILTERS
from rca.clustering.backends import AUTO, BACKEND_CHOICES

from . import options as checked
from .context import AppContext, pass_app
from .output import echo, emit, format_option, info

LIST_COLUMNS = ["key", "title", "status", "owner", "this_period", "previous", "total", "customers", "emerging",
                "defect_type"]


@click.group("causes")
def causes_group() -> None:
    """List, inspect and curate root causes.

    \b
    Examples:
      rca causes list --sort growth
      rca causes show RC-0007
      rca causes assign RC-0007 --owner dana
      rca causes status RC-0007 fixed --on 2026-11-20
    """


@causes_group.command("list")
@click.option("--status", type=click.Choice(STATUS_FILTERS), help="Only causes in this status.")
@click.option("--owner", help="Only causes owned by this person.")
@click.option("--sort", type=click.Choice(SORTS), default="count", show_default=True,
              help="count: most complaints this period; growth: biggest rise; recent: latest complaint.")
@click.option("--period", metavar="2026-W47", callback=checked.period_callback,
              help="ISO week the counts are for (default: the newest week).")
@format_option
@pass_app
def causes_list(app: AppContext, status, owner, sort, period, output_format) -> None:
    """List root causes with this period's counts, growth and customers.

    \b
    Examples:
      rca causes list
      rca causes list --status recurring --format csv > recurring.csv
    """
    from rca.analytics import latest_week, parse_period
    from rca.causes import listing

    def read(db):
        chosen = parse_period(period) if period else latest_week(db)
        return (chosen, listing.list_causes(db, status=status, owner=owner, sort=sort, period=chosen),
                listing.verification_candidates(db))

    chosen, rows, to_verify = app.read(read)
    columns = LIST_COLUMNS if output_format == "table" else LIST_COLUMNS + ["growth", "known_before_fix",
                                                                          "first_seen", "fixed_at"]
    emit(rows, columns, output_format, headers={"this_period": chosen.label, "previous": "prev week"},
         empty_message="No root causes yet: import complaints, then run `rca cluster`.")
    for key, days in to_verify:
        info(f"{key} was fixed {days} days ago with no complaint since: "
             f"consider `rca causes status {key} verified`.")


@causes_group.command("show")
@click.argument("key")
@click.option("--weeks", type=checked.WEEKS, default=12, show_default=True, help="Weeks of counts to show.")
@pass_app
def causes_show(app: AppContext, key: str, weeks: int) -> None:
    """Everything about one cause: status, owner, weekly counts, words, examples, history.

    \b
    Example:
      rca causes show RC-0007
    """
    from rca.causes import queries
    from rca.causes.events import describe as describe_event
    from rca.scan.records import cause_findings

    with app.database().session() as session:
        d = queries.cause_detail(session, key, weeks)
        reported, findings = cause_findings(session, d.cause)  # what rca scan found on our pages
    c = d.cause
    echo(f"{c.key}  {c.title}")
    echo(f"  status {c.status}   owner {c.owner or '(none)'}   defect type {c.defect_type or '-'}")
    echo(f"  {d.total:,} complaints from {d.customers:,} customers; first {d.first_seen:%Y-%m-%d}, "
               f"last {d.last_seen:%Y-%m-%d}" if d.first_seen else f"  {d.total:,} complaints")
    if c.fixed_at:
        echo(f"  fixed on {c.fixed_at:%Y-%m-%d}; {d.received_since_fix} complaint(s) received since")
    if c.ticket_url:
        echo(f"  ticket {c.ticket_url}")
    if d.merged_keys:
        echo(f"  merged into it: {', '.join(d.merged_keys)}")
    echo(f"  keywords: {', '.join(c.keywords or [])}")
    echo("  weekly complaints:")
    peak = max(d.weekly) or 1
    for label, count in zip(d.weeks, d.weekly):
        echo(f"    {label}  {count:5d}  {'#' * round(30 * count / peak)}")
    for title, values in (("pages", d.breakdown.pages), ("products", d.breakdown.products),
                          ("channels", d.breakdown.channels)):
        if values:
            echo(f"  top {title}: " + "; ".join(f"{v} ({n})" for v, n in values))
    if findings:
        echo(f"  on our own pages (rca scan): {reported}")
        for finding in findings:
            echo(f"    {finding.key} {finding.status}: {' '.join(finding.title.split())[:140]}")
    echo(f"  in customers' words (as the report for {d.quotes_period.label} quotes them):")
    for q in d.quotes:
        echo(f"    #{q.complaint_id} {q.received_at:%Y-%m-%d}: “{q.text}”")
    if not d.quotes:
        echo("    (no complaint text to quote)")
    echo("  history:")
    for event in d.events:
        said = describe_event(event.kind, event.old_value, event.new_value)
        echo(f"    {event.at:%Y-%m-%d %H:%M} {event.actor}: {said}")


@causes_group.command("history")
@click.argument("key")
@format_option
@pass_app
def causes_history(app: AppContext, key: str, output_format: str) -> None:
    """The audit log of a cause: who changed what, and when.

    \b
    Example:
      rca causes history RC-0007
    """
    from rca.causes import queries

    with app.database().session() as session:
        events = queries.history(session, key)
        keys = queries.cause_keys(session)
    rows = [{"at": e.at, "cause": keys.get(e.cause_id), "actor": e.actor, "change": e.kind, "from": e.old_value,
             "to": e.new_value, "run": e.run_id} for e in events]
    emit(rows, ["at", "cause", "actor", "change", "from", "to", "run"], output_format)


def _write(app: AppContext, action, *, lock: bool = False):
    """Run ``action(session)`` in one write transaction (under the cluster lock if asked)."""
    from rca.locks import cluster_lock

    database = app.database()
    if lock:
        with cluster_lock(database, wait=True, timeout=30), database.write_session() as session:
            return action(session)
    with database.write_session() as session:
        return action(session)


@causes_group.command("rename")
@click.argument("key")
@click.argument("title")
@pass_app
def causes_rename(app: AppContext, key: str, title: str) -> None:
    """Give a cause a title people understand.

    \b
    Example:
      rca causes rename RC-0003 "Typo on checkout: 'Procced to payment'"
    """
    from rca.causes import curation

    cause = _write(app, lambda s: curation.rename(s, key, title, app.actor))
    echo(f"{cause.key} is now titled: {cause.title}")


@causes_group.command("assign")
@click.argument("key")
@click.option("--owner", required=True, help="Who owns the fix (empty string to clear).")
@pass_app
def causes_assign(app: AppContext, key: str, owner: str) -> None:
    """Set who owns a cause.

    \b
    Example:
      rca causes assign RC-0003 --owner "dana@shop"
    """
    from rca.causes import curation

    cause = _write(app, lambda s: curation.assign(s, key, owner, app.actor))
    echo(f"{cause.key} owner: {cause.owner or '(none)'}")


@causes_group.command("status")
@click.argument("key")
@click.argument("status", type=click.Choice(CAUSE_STATUSES))
@click.option("--on", "on", metavar="DATE", help="With fixed: the date the fix went live (default: now).")
@pass_app
def causes_status(app: AppContext, key: str, status: str, on: str | None) -> None:
    """Move a cause along new -> investigating -> fixing -> fixed -> verified (or wont_fix).

    Marking a cause fixed records the fix date: a complaint received after it
    that lands in the cause flips it to recurring.

    \b
    Examples:
      rca causes status RC-0003 investigating
      rca causes status RC-0003 fixed --on 2026-11-20
    """
    from rca.causes import curation

    fixed_on = checked.not_in_future(checked.parse_day(on), "--on")
    change = _write(app, lambda s: curation.set_status(s, key, status, app.actor, fixed_on))
    echo(f"{change.cause.key}: {change.old} -> {change.new}")
    if change.received_since_fix:
        info(f"  note: {change.received_since_fix} complaint(s) in it were received after that date; "
             "the next `rca cluster` that adds one will flag it recurring.")


@causes_group.command("note")
@click.argument("key")
@click.argument("text")
@pass_app
def causes_note(app: AppContext, key: str, text: str) -> None:
    """Add a note to a cause's history.

    \b
    Example:
      rca causes note RC-0003 "Copy fix waiting for the CMS deploy on Friday"
    """
    from rca.causes import curation

    cause = _write(app, lambda s: curation.add_note(s, key, text, app.actor))
    echo(f"Noted on {cause.key}.")


@causes_group.command("link")
@click.argument("key")
@click.option("--ticket", required=True, metavar="URL", help="The engineering ticket for the fix.")
@pass_app
def causes_link(app: AppContext, key: str, ticket: str) -> None:
    """Link a cause to the ticket that fixes it.

    \b
    Example:
      rca causes link RC-0003 --ticket https://jira.example.com/browse/WEB-123
    """
    from rca.causes import curation

    cause = _write(app, lambda s: curation.link_ticket(s, key, ticket, app.actor))
    echo(f"{cause.key} linked to {cause.ticket_url}")


@causes_group.command("merge")
@click.argument("into_key")
@click.argument("from_key")
@pass_app
def causes_merge(app: AppContext, into_key: str, from_key: str) -> None:
    """Merge cause FROM_KEY into INTO_KEY; FROM_KEY then resolves to INTO_KEY.

    \b
    Example:
      rca causes merge RC-0003 RC-0011
    """
    from rca.causes import curation

    target, source, moved = _write(app, lambda s: curation.merge(s, into_key, from_key, app.actor), lock=True)
    echo(f"Merged {source.key} into {target.key}: {moved} complaints moved; {source.key} now points to {target.key}.")


@causes_group.command("split")
@click.argument("key")
@click.option("--min-size", type=checked.MIN_SIZE, default=5, show_default=True, help="Smallest sub-cause.")
@click.option("--backend", type=click.Choice(BACKEND_CHOICES), default=AUTO, show_default=True,
              help="How texts become vectors, as for rca cluster: auto is semantic when installed, else tfidf.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def causes_split(app: AppContext, key: str, min_size: int, backend: str, yes: bool) -> None:
    """Re-cluster a cause's complaints into sub-causes (the biggest keeps the key).

    \b
    Example:
      rca causes split RC-0005 --yes
    """
    from rca.causes import curation

    with app.database().session() as session:
        preview = curation.split(session, key, app.actor, backend=backend, min_size=min_size, dry_run=True)
    for part in preview:
        echo(f"  {part.key}{' (new)' if part.created else ''}: {part.size} complaints — {part.title}")
    if not yes and not click.confirm("Split as shown?", err=True):
        info("Nothing changed.")
        return
    parts = _write(app, lambda s: curation.split(s, key, app.actor, backend=backend, min_size=min_size),
                   lock=True)
    echo(f"Split {parts[0].key} into {', '.join(p.key for p in parts)}.")


@causes_group.command("move")
@click.argument("complaint_ids", nargs=-1, required=True, type=checked.ID)
@click.option("--to", "to_key", required=True, help="The cause the complaints belong to.")
@pass_app
def causes_move(app: AppContext, complaint_ids: tuple[int, ...], to_key: str) -> None:
    """Move complaints to the cause they belong to; later runs keep them there.

    \b
    Example:
      rca causes move 1042 1057 --to RC-0003
    """
    from rca.causes import curation

    target, moved = _write(app, lambda s: curation.move(s, list(complaint_ids), to_key, app.actor), lock=True)
    echo(f"Moved {moved} complaint(s) to {target.key}.")


@causes_group.command("followup")
@click.argument("key")
@format_option
@pass_app
def causes_followup(app: AppContext, key: str, output_format: str) -> None:
    """List the customers who reported a fixed cause, so support can tell them.

    This is the one command that prints customers' contact details.

    \b
    Example:
      rca causes followup RC-0003 --format csv > tell-customers.csv
    """
    from rca.causes import queries

    with app.database().session() as session:
        cause, rows = queries.followup_contacts(session, key)
    info(f"Contact details of {len(rows)} customer report(s) for {cause.key}: personal data, share only with support.")
    emit(rows, ["contact", "complaint_id", "ticket", "source", "received", "channel"], output_format,
         empty_message="No contacts recorded for this cause.")


@click.group("complaints")
def complaints_group() -> None:
    """Look at individual complaints.

    \b
    Example:
      rca complaints list --cause RC-0003
    """


@complaints_group.command("list")
@click.option("--cause", "cause_key", help="Only this cause's complaints.")
@click.option("--unassigned", is_flag=True, help="Only complaints in no cause.")
@click.option("--limit", type=checked.LIMIT, default=50, show_default=True)
@format_option
@pass_app
def complaints_list(app: AppContext, cause_key, unassigned, limit, output_format) -> None:
    """List complaints, newest first (text redacted; no contact details).

    \b
    Examples:
      rca complaints list --cause RC-0003
      rca complaints list --unassigned --limit 200 --format csv
    """
    from rca.causes import queries

    with app.database().session() as session:
        rows = queries.list_complaints(session, cause=cause_key, unassigned=unassigned, limit=limit)
    columns = ["id", "received", "cause", "channel", "defect_type", "subject"]
    if output_format != "table":
        columns += ["source", "ticket", "assigned_by", "similarity", "body"]
    emit(rows, columns, output_format, empty_message="No complaints match.")


@click.command("trends")
@click.option("--weeks", type=checked.WEEKS, default=12, show_default=True,
              help="How many ISO weeks, ending with the newest.")
@click.option("--top", type=checked.TOP, default=10, show_default=True,
              help="How many causes (by complaints in those weeks).")
@format_option
@pass_app
def trends_command(app: AppContext, weeks: int, top: int, output_format: str) -> None:
    """Weekly complaints per root cause (plus unassigned and total).

    \b
    Example:
      rca trends --weeks 8 --format csv > trends.csv
    """
    from rca.analytics import latest_week, total_weekly_counts, week_labels, weekly_counts
    from rca.causes import queries

    with app.database().session() as session:
        last = latest_week(session)
        labels = week_labels(last, weeks)
        counts = weekly_counts(session, last, weeks)
        keys = queries.cause_keys(session)
        titles = queries.cause_titles(session)
        totals = total_weekly_counts(session, last, weeks)
    ranked = sorted((cid for cid in counts if cid is not None), key=lambda cid: (-sum(counts[cid]), keys[cid]))[:top]
    rows = []
    for cid in ranked:
        rows.append({"cause": keys[cid], "title": titles[cid], **dict(zip(labels, counts[cid])),
                     "total": sum(counts[cid])})
    unassigned = counts.get(None, [0] * weeks)
    rows.append({"cause": "unassigned", "title": "", **dict(zip(labels, unassigned)), "total": sum(unassigned)})
    rows.append({"cause": "all", "title": "", **dict(zip(labels, totals)), "total": sum(totals)})
    shown = labels if output_format != "table" else labels[-8:]
    emit(rows, ["cause", "title", *shown, "total"], output_format,
         headers={label: label[-3:] for label in labels})


COMMANDS = [causes_group, complaints_group, trends_command]
