"""rca cluster, rca runs and rca eval: grouping complaints into root causes."""

from __future__ import annotations

import re
from pathlib import Path

from typing import TYPE_CHECKING

import click

from rca.clustering.backends import AUTO, BACKEND_CHOICES
from rca.errors import UsageError

if TYPE_CHECKING:
    from rca.runs.tracking import RunResult

from . import options as checked
from .context import AppContext, pass_app
from .output import emit, format_option, info


def parse_window(value: str | None) -> int | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", value)
    if not match:
        raise UsageError(f"--window '{value}' should look like 90d or 12w")
    number, unit = int(match.group(1)), match.group(2)
    days = number * (7 if unit == "w" else 1)
    if not 1 <= days <= checked.MAX_WINDOW_DAYS:
        raise UsageError(f"--window '{value}' should be between 1d and {checked.MAX_WINDOW_DAYS // 7}w")
    return days


def _print_run(result: RunResult, output_format: str) -> None:
    rows = [{"key": c.key, "title": c.title, "status": c.status, "change": "new cause" if c.created else "grew",
             "added": c.added, "total": c.total, "defect_type": c.defect_type, "keywords": c.keywords[:5]}
            for c in result.changes]
    emit(rows, ["key", "title", "status", "change", "added", "total", "defect_type", "keywords"], output_format,
         empty_message="No cause was created or grew in this run.")
    prefix = "DRY RUN, nothing saved: " if result.dry_run else f"Run {result.run_id}: "
    info(f"{prefix}{result.considered:,} unassigned complaints considered with the {result.backend} backend — "
         f"{result.assigned_existing:,} joined existing causes, {result.new_causes} new causes "
         f"({result.new_cause_members:,} complaints), {result.unassigned:,} left unassigned; "
         f"{result.seconds:.1f} s.")
    if result.says_nothing:
        info(f"  {result.says_nothing:,} of the unassigned say nothing about a cause (only thanks, ok, "
             "'DM sent', a lone link): not clustered.")
    if result.score_note:
        info(f"  Quality: {result.score_note}.")
    for warning in result.warnings:
        info(f"  WARNING: {warning}")
    for key in result.recurred:
        info(f"  {key} is RECURRING: complaints received after its fix date landed in it.")


@click.command("cluster")
@click.option("--since", metavar="DATE", help="Consider complaints received on or after DATE (YYYY-MM-DD).")
@click.option("--window", metavar="90d", default=None,
              help="Consider complaints received in this window before the newest one (default 90d; 12w works).")
@click.option("--backend", type=click.Choice(BACKEND_CHOICES), default=AUTO, show_default=True,
              help="How complaints become vectors: tfidf (words), semantic (meaning; needs the semantic "
                   "extra), auto (semantic when installed, else tfidf).")
@click.option("--min-size", type=checked.MIN_SIZE, default=5, show_default=True,
              help="Smallest group that becomes a new root cause.")
@click.option("--threshold", type=checked.THRESHOLD, default=None,
              help="Similarity (0-1) a complaint needs to join an existing cause (default: the backend's).")
@click.option("--seed", type=checked.SEED, default=0, show_default=True,
              help="Random seed; same data + seed = same result.")
@click.option("--wait", is_flag=True, help="If another run holds the database, wait for it instead of stopping.")
@click.option("--dry-run", is_flag=True, help="Show what would change, save nothing.")
@format_option
@pass_app
def cluster_command(app: AppContext, since, window, backend, min_size, threshold, seed, wait, dry_run,
                    output_format) -> None:
    """Group new complaints into root causes (run it weekly).

    New complaints join an existing root cause when they are similar enough;
    what no cause claims is clustered, and groups of at least --min-size become
    new causes (RC-0001, …) with status `new`. Existing causes keep their key
    and members: only people move complaints between causes. Running again
    with no new complaints changes nothing. Replies that say nothing about a
    cause (only thanks, "ok", "DM sent", a lone link) are not clustered: they
    stay unassigned and are counted apart.

    \b
    Examples:
      rca cluster
      rca cluster --window 12w --min-size 8 --dry-run
      rca cluster --since 2026-09-01 --format json
    """
    from rca.runs.tracking import ClusterOptions, run_clustering

    if since and window:
        raise UsageError("use --since or --window, not both")
    options = ClusterOptions(since=checked.parse_day(since), window_days=parse_window(window) if window else (None if since else 90),
                             backend=backend, min_size=min_size, threshold=threshold, dry_run=dry_run,
                             random_state=seed, wait=wait)
    result = run_clustering(app.database(), options, progress=lambda message: info(f"… {message}"))
    if result.nothing_new:
        info(f"No complaints newer than run {result.last_run_id}: nothing to do (import new exports first).")
        return
    _print_run(result, output_format)


@click.group("runs")
def runs_group() -> None:
    """Past clustering runs.

    \b
    Example:
      rca runs list
    """


@runs_group.command("list")
@click.option("--limit", type=checked.LIMIT, default=20, show_default=True)
@format_option
@pass_app
def runs_list(app: AppContext, limit: int, output_format: str) -> None:
    """List clustering runs, newest first, with their counts and quality.

    \b
    Example:
      rca runs list --format json
    """
    from rca.runs.tracking import recent_runs

    with app.database().session() as session:
        runs = recent_runs(session, limit)
    rows = [{"run": r.id, "started": r.started_at, "backend": r.backend, "considered": r.n_considered,
             "to_existing": r.n_assigned_existing, "new_causes": r.n_new_causes,
             "in_new_causes": r.n_new_cause_members, "unassigned": r.n_unassigned,
             "silhouette": r.silhouette, "seconds": r.seconds,
             "warnings": (r.params or {}).get("warnings", []), "params": r.params} for r in runs]
    columns = ["run", "started", "backend", "considered", "to_existing", "new_causes", "in_new_causes",
               "unassigned", "silhouette", "seconds", "warnings"]
    emit(rows, columns + (["params"] if output_format != "table" else []), output_format,
         empty_message="No clustering runs yet: run `rca cluster`.")


@click.command("eval")
@click.argument("labeled_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="category", show_default=True)
@click.option("--backend", type=click.Choice(["all", *BACKEND_CHOICES]), default="all", show_default=True,
              help="Which vectors to score: all installed backends, or one.")
@click.option("--min-size", type=checked.MIN_SIZE, default=5, show_default=True)
@click.option("--seed", type=checked.SEED, default=0, show_default=True)
@format_option
def eval_command(labeled_file: Path, text_column: str, label_column: str, backend: str, min_size: int, seed: int,
                 output_format: str) -> None:
    """Measure clustering quality on a labeled CSV (no database is touched).

    For each backend, one row for rca (what `rca cluster` does) and one for
    KMeans told the true number of labels, on the same vectors: NMI, ARI,
    V-measure, clusters found against the true number, unassigned share and
    seconds. Unassigned items count as one extra group, so leaving hard items
    out does not flatter the scores. Rows with an empty text or label are skipped.
    With --format json, each rca row also has "found": each cluster's title,
    size, majority label and purity.

    \b
    Examples:
      rca eval ../shared/data/banking77/test.csv
      rca eval complaints.csv --text-column "Consumer complaint narrative" --label-column Issue --format json
    """
    from rca.clustering import evaluate_against_kmeans, installed_backends, read_labeled_csv

    texts, labels = read_labeled_csv(labeled_file, text_column=text_column, label_column=label_column)
    backends = installed_backends() if backend == "all" else [backend]
    rows = []
    for name in backends:
        for scores in evaluate_against_kmeans(texts, labels, backend=name, min_size=min_size, random_state=seed):
            row = {"file": labeled_file.name, **scores.as_row()}
            if output_format == "json" and scores.method == "rca":
                row["found"] = scores.clusters  # each cluster's title, size, majority label and purity
            rows.append(row)
    columns = list(rows[0])
    emit(rows, [c for c in columns if c != "warnings"] if output_format == "table" else columns, output_format)
    if output_format == "table":
        for row in rows:
            for warning in row["warnings"]:
                info(f"WARNING ({row['backend']}): {warning}")


COMMANDS = [cluster_command, runs_group, eval_command]
