"""rca findings …: the problems `rca scan` found on our own pages, tracked like causes."""

from __future__ import annotations

import click

from rca.scan.vocabulary import FINDING_KINDS, FINDING_STATUSES

from .context import AppContext, pass_app
from .output import emit, format_option

LIST_COLUMNS = ["key", "kind", "status", "pages", "reported", "title"]
STATUSES = [*FINDING_STATUSES, "all"]
KINDS = list(FINDING_KINDS)
PAGES_SHOWN = 5


@click.group("findings")
def findings_group() -> None:
    """List, inspect and ignore what `rca scan` found on our pages.

    \b
    Examples:
      rca findings list
      rca findings show F-0003
      rca findings ignore F-0007 --reason "brand name"
    """


@findings_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default="open", show_default=True)
@click.option("--kind", type=click.Choice(KINDS), help="Only findings of this kind.")
@click.option("--cause", "cause_key", metavar="RC-0001", help="Only findings linked to this cause.")
@format_option
@pass_app
def findings_list(app: AppContext, status, kind, cause_key, output_format) -> None:
    """List findings, with the cause whose customers reported each one.

    \b
    Examples:
      rca findings list
      rca findings list --status all --format csv > findings.csv
    """
    from rca.scan.records import list_findings

    with app.database().session() as session:
        rows = list_findings(session, status=status, kind=kind, cause=cause_key)
    columns = LIST_COLUMNS if output_format == "table" else LIST_COLUMNS + [
        "subject", "suggestion", "cause", "complaints", "page_urls", "first_seen", "last_seen", "fixed_at", "note",
        "link_reason", "details"]
    emit(rows, columns, output_format, empty_message="No findings: run `rca scan SOURCE` first.")


def _line(text) -> str:
    """One printable line: nothing from a page reaches the terminal as a control sequence."""
    from rca.scan.extract import clean_text
    return clean_text(str(text)) if text is not None else ""


@findings_group.command("show")
@click.argument("key")
@pass_app
def findings_show(app: AppContext, key: str) -> None:
    """Everything about one finding: every page, what it says there, and the cause it is linked to.

    \b
    Example:
      rca findings show F-0003
    """
    from rca.scan.records import finding_detail

    with app.database().session() as session:
        d = finding_detail(session, key)
    click.echo(f"{d['key']}  {_line(d['title'])}")
    click.echo(f"  {d['kind']}, {d['status']}; first seen {d['first_seen']:%Y-%m-%d}, last seen {d['last_seen']:%Y-%m-%d}"
               + (f", fixed {d['fixed_at']:%Y-%m-%d}" if d["fixed_at"] else ""))
    if d["note"]:
        click.echo(f"  note: {_line(d['note'])}")
    if d["suggestion"]:
        click.echo(f"  suggestion: {_line(d['suggestion'])}")
    click.echo(f"  {_line(d['reported'])}" + (f" ({_line(d['link_reason'])})" if d["link_reason"] else ""))
    by_value: dict[str, list[dict]] = {}
    for item in d["details"]:
        by_value.setdefault(_line(item.get("value")), []).append(item)
    click.echo("  where:")
    for value, items in sorted(by_value.items(), key=lambda pair: len(pair[1])):  # the odd one out first
        click.echo(f"    {value}  ({len(items)} page{'s' if len(items) != 1 else ''})")
        for item in items[:PAGES_SHOWN]:
            click.echo(f"      {_line(item.get('page'))}: “{_line(item.get('context'))}”")
        if len(items) > PAGES_SHOWN:
            click.echo(f"      … and {len(items) - PAGES_SHOWN} more pages (all of them: rca findings list --format json)")


@findings_group.command("ignore")
@click.argument("keys", nargs=-1, required=True)
@click.option("--reason", help="Why (kept in the finding's note).")
@pass_app
def findings_ignore(app: AppContext, keys, reason) -> None:
    """Mark findings as not a problem; later scans keep them ignored.

    \b
    Example:
      rca findings ignore F-0007 --reason "Lumen is the product's name"
    """
    from rca.scan.records import ignore

    with app.database().write_session() as session:
        done = [ignore(session, key, reason, app.actor).key for key in keys]
    click.echo(f"Ignored {', '.join(done)}.")


@findings_group.command("reopen")
@click.argument("key")
@pass_app
def findings_reopen(app: AppContext, key) -> None:
    """Open an ignored or fixed finding again.

    \b
    Example:
      rca findings reopen F-0007
    """
    from rca.scan.records import reopen

    with app.database().write_session() as session:
        finding = reopen(session, key, app.actor)
    click.echo(f"{finding.key} is open again.")


COMMANDS = [findings_group]
