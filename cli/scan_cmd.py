"""rca scan: read our own pages and record what is wrong with them before customers report it."""

from __future__ import annotations

from pathlib import Path

import click

from .context import AppContext, pass_app
from .output import emit, format_option, info

SUMMARY_COLUMNS = ["key", "kind", "title", "reported"]


@click.command("scan")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--base-url", metavar="URL", help="The site's address, for pages read from a folder "
              "(default: the sitemap.xml in it, else pages are named by path).")
@click.option("--accept", "accept", multiple=True, metavar="WORD", help="A word that is spelt right (repeatable).")
@click.option("--accept-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="FILE",
              help="Words that are spelt right, one a line.")
@click.option("--rate", type=float, default=2.0, show_default=True, help="Requests a second to one host.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds for one whole request.")
@click.option("--max-bytes", type=int, default=5_000_000, show_default=True, help="Largest page read.")
@click.option("--max-pages", type=int, default=20_000, show_default=True, help="Most pages read in one scan.")
@click.option("--ignore-robots", is_flag=True, help="Do not read robots.txt (only for your own staging site).")
@format_option
@pass_app
def scan_command(app: AppContext, sources, base_url, accept, accept_file, rate, timeout, max_bytes, max_pages,
                 ignore_robots, output_format) -> None:
    """Check our own pages for typos, facts that differ between pages, broken links and missing images.

    SOURCE is a folder of HTML (a site build or export), a sitemap.xml, a URL,
    a .txt file of URLs, or Markdown/text files. Only the hosts of the URLs you
    give are ever contacted. Findings are recorded (F-0001 …); a re-scan marks
    fixed what is gone and adds no copies. Each is linked to the root cause
    whose complaints report it, so run it after `rca cluster`.

    \b
    Examples:
      rca scan sample_data/site
      rca scan https://shop.example.com/sitemap.xml --rate 1
      rca scan urls.txt help-centre/*.md --accept Northwind --accept-file words.txt
    """
    from rca.scan import ScanOptions, read_accept_file, read_site, record_scan
    from rca.scan.records import cause_links, row

    words = list(accept) + (read_accept_file(accept_file) if accept_file else [])
    options = ScanOptions(base_url=base_url, accept=words, rate=rate, timeout=timeout, max_bytes=max_bytes,
                          max_pages=max_pages, obey_robots=not ignore_robots)
    database = app.database()  # checked before anything is fetched
    if any(s.lower().startswith(("http://", "https://")) or s.lower().endswith(".txt") for s in sources):
        info(f"Fetching URLs at most {rate:g} a second per host, {timeout:g} s each; only the hosts given.")
    report = read_site(list(sources), options, progress=lambda n: info(f"… {n:,} pages read"))
    with database.write_session() as session:
        result = record_scan(session, report, list(sources), options)
        links = cause_links(session, result.seen)
        rows = [row(f, links.get(f.id)) for f in result.seen if f.status == "open"]
    report = result.report
    info(f"Scanned {report.pages:,} page(s) in {report.seconds:.1f} s; {len(report.skipped)} skipped.")
    for skipped in report.skipped[:10]:
        info(f"  skipped {skipped.source}: {skipped.reason}")
    if len(report.skipped) > 10:
        info(f"  … and {len(report.skipped) - 10} more (`rca findings list` shows findings; the scan record keeps "
             "the first 200 reasons).")
    info(f"Findings: {len(result.new)} new, {len(rows)} open, {len(result.reopened)} back after a fix, "
         f"{len(result.fixed)} fixed since the last scan; {sum(1 for r in rows if r['cause'])} reported by customers.")
    emit(rows, SUMMARY_COLUMNS if output_format == "table" else SUMMARY_COLUMNS + ["status", "cause", "complaints",
                                                                                   "pages", "page_urls", "suggestion"],
         output_format, empty_message="No problems found on these pages.")


COMMANDS = [scan_command]
