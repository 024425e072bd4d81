"""rca scan: findings precision and recall on the sample site, links to causes, and pages/s.

    python benchmarks/scan_bench.py                   # quality on sample_data/site + speed on 10,000 pages
    python benchmarks/scan_bench.py --with-complaints # also: import + cluster the sample complaints, check links
    python benchmarks/scan_bench.py --pages 2000 --repeat 1   # quicker speed run

Quality: every finding on the sample site is matched by fingerprint against
sample_data/site_truth.csv (the planted problems). Targets: recall >= 95 %,
precision >= 90 %.

Links (--with-complaints): the sample exports are imported and clustered
(TF-IDF) into a temporary database; each root cause is named by the planted
cause most of its complaints belong to (sample_data/truth.csv). A planted
problem customers report must link to a cause of that planted cause; one
nobody reported must link to none.

Speed: 10,000 generated pages in a local folder, median of --repeat runs,
against a baseline in the same run: reading the same files and feeding them
to html.parser with nothing else done. Target >= 200 pages/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rca.scan import ScanOptions, read_site  # noqa: E402
from sample_data.generate_site import read_truth, write_generated_site  # noqa: E402

SITE = ROOT / "sample_data" / "site"


def quality() -> tuple[float, float]:
    truth = {row["fingerprint"] for row in read_truth()}
    report = read_site([str(SITE)])
    found = {p.fingerprint for p in report.problems}
    hits = found & truth
    recall, precision = len(hits) / len(truth), (len(hits) / len(found) if found else 0.0)
    print(f"sample site: {report.pages} pages, {len(truth)} planted problems, {len(found)} findings")
    print(f"  recall    {recall:6.1%}  ({len(hits)}/{len(truth)} planted problems found)  target >= 95%")
    print(f"  precision {precision:6.1%}  ({len(hits)}/{len(found)} findings are planted problems)  target >= 90%")
    for fingerprint in sorted(truth - found):
        print(f"  missed: {fingerprint}")
    for fingerprint in sorted(found - truth):
        print(f"  not planted: {fingerprint}")
    return recall, precision


def links() -> None:
    from click.testing import CliRunner

    from cli.main import cli
    from rca.db import open_database
    from rca.models import Complaint, RootCause
    from rca.scan import scan

    planted = {}
    with (ROOT / "sample_data" / "truth.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            planted[row["external_id"]] = row["cause"]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        runner = CliRunner()
        sample = ROOT / "sample_data"
        for args in ([str(sample / n) for n in ("zendesk_export.csv", "jira_export.csv", "freshdesk_export.json")],
                     [str(sample / "zendesk_tickets.json"), "--map", "custom_fields.360011112222=product",
                      "--map", "custom_fields.360011113333=page_url"]):
            result = runner.invoke(cli, ["--db", url, "import", *args])
            assert result.exit_code == 0, result.output
        started = time.perf_counter()
        result = runner.invoke(cli, ["--db", url, "cluster", "--backend", "tfidf"])
        assert result.exit_code == 0, result.output
        print(f"links: sample complaints imported and clustered in {time.perf_counter() - started:.0f} s")
        database = open_database(url)
        with database.write_session() as session:
            members = defaultdict(Counter)
            for cause_id, external_id in session.query(Complaint.cause_id, Complaint.external_id) \
                    .filter(Complaint.cause_id.is_not(None)):
                members[cause_id][planted.get(external_id, "noise")] += 1
            named = {key: members[cid].most_common(1)[0][0] for cid, key in session.query(RootCause.id, RootCause.key)
                     if members[cid]}
            result = scan(session, [str(SITE)])
            by_fingerprint = {f.fingerprint: f for f in result.seen}
            keys = dict(session.query(RootCause.id, RootCause.key).all())
            right = 0
            truth = read_truth()
            for row in truth:
                finding = by_fingerprint.get(row["fingerprint"])
                linked = keys.get(finding.cause_id) if finding and finding.cause_id else None
                ok = (named.get(linked) == row["reported_by"]) if row["reported_by"] else linked is None
                right += ok
                print(f"  {'ok ' if ok else 'BAD'} {row['fingerprint'][:70]:70s} expected {row['reported_by'] or '-':4s}"
                      f" linked {linked or '-'} ({named.get(linked, '-')})")
        database.dispose()
    print(f"  links right: {right}/{len(truth)}")


def _cpu() -> float:
    """CPU seconds of this process and of the worker processes it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def speed(pages: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        write_generated_site(site, pages)
        files = sorted(site.rglob("*.html"))
        size = sum(f.stat().st_size for f in files)
        read_site([str(SITE)])  # load the dictionary once, as any real scan has
        baseline, full, baseline_cpu, full_cpu = [], [], [], []
        for _ in range(repeat):
            started, cpu = time.perf_counter(), _cpu()
            for file in files:
                parser = HTMLParser()
                parser.feed(file.read_text(encoding="utf-8"))
                parser.close()
            baseline.append(time.perf_counter() - started)
            baseline_cpu.append(_cpu() - cpu)
            started, cpu = time.perf_counter(), _cpu()
            report = read_site([str(site)], ScanOptions(max_pages=pages + 100))
            full.append(time.perf_counter() - started)
            full_cpu.append(_cpu() - cpu)
        assert report.pages == len(files), (report.pages, len(files))
        b, f = statistics.median(baseline), statistics.median(full)
        bc, fc = statistics.median(baseline_cpu), statistics.median(full_cpu)
        print(f"speed: {len(files):,} local pages ({size / 1e6:.1f} MB), median of {repeat}, "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:")
        print(f"  rca scan checks        {f:6.2f} s  {len(files) / f:8,.0f} pages/s  target >= 200;"
              f"  CPU {fc:6.2f} s (workers included), {len(files) / fc:,.0f} pages per CPU second")
        print(f"  baseline (parse only)  {b:6.2f} s  {len(files) / b:8,.0f} pages/s  ({f / b:.1f}x the baseline);"
              f"  CPU {bc:6.2f} s, {len(files) / bc:,.0f} pages per CPU second")
        print(f"  findings on the generated pages: {len(report.problems)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-complaints", action="store_true", help="import + cluster the sample complaints and "
                                                                        "check which cause each finding links to")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    quality()
    if args.with_complaints:
        links()
    if not args.skip_speed:
        speed(args.pages, args.repeat)


if __name__ == "__main__":
    main()
