"""HTML from Jinja2 templates, PDF from the HTML with WeasyPrint.

Safety rules, in one place:
- autoescaping is on for every template, and templates come only from this
  package's templates/ folder: complaint text is only ever a *variable*;
- every string a template prints is redacted once more (``finalize``), so an
  e-mail address, phone or card number cannot slip through a forgotten field;
- WeasyPrint may load nothing but the files bundled in reports/static and the
  report font's files (reports.glyphs.font_paths):
  :class:`BundledOnlyFetcher` refuses every other URL (http, https, data:,
  other files, ``..`` tricks), whatever the HTML asks for.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from rca.causes.lifecycle import status_tone
from rca.errors import RcaError, UsageError, option
from rca.redact import redact

from .glyphs import FONT_FAMILY, displayable, font_paths
from .text import plural

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
FORMATS = (".pdf", ".html")


class ResourceRefused(ValueError):
    """WeasyPrint asked for a URL that is not one of the report's bundled files."""


@pass_context
def _finalize(context, value):
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    if isinstance(value, str):
        value = redact(value)
        # In the PDF, text the embedded font cannot draw is named instead of printed as boxes;
        # a browser showing the HTML has fonts of its own for it.
        return displayable(value) if context.get("for_pdf") else value
    return value


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "css"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plural"] = plural
    env.filters["status_tone"] = status_tone
    return env


def render_html(report, *, for_pdf: bool = True) -> str:
    """The report as one self-contained HTML document (styles and charts inline)."""
    template = environment().get_template(f"{report.frame.kind}.html")
    mark = Markup((STATIC / "mark.svg").read_text(encoding="utf-8"))
    fonts = [(weight, style, path.as_uri()) for (weight, style), path in font_paths().items()] if for_pdf else []
    return template.render(report=report, frame=report.frame, for_pdf=for_pdf, mark=mark, fonts=fonts,
                           font_family=FONT_FAMILY)


def bundled_fetcher():
    """A WeasyPrint URL fetcher that serves reports/static files and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
            self.allowed = {path.resolve() for path in STATIC.iterdir() if path.is_file()} | \
                {path.resolve() for path in font_paths().values()}
            self.requested: list[str] = []
            self.refused: list[str] = []

        def bundled_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query \
                    or parts.fragment:
                return None
            path = Path(url2pathname(parts.path)).resolve()
            return path if path in self.allowed else None

        def fetch(self, url, headers=None):
            self.requested.append(url)
            path = self.bundled_path(url)
            if path is None:
                self.refused.append(url)
                raise ResourceRefused(f"refused {url[:120]!r}: a report loads only its own bundled files")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})

    return BundledOnlyFetcher()


def html_to_pdf(html: str, fetcher=None) -> bytes:
    from weasyprint import HTML

    fetcher = fetcher or bundled_fetcher()
    return HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher).write_pdf()


def default_filename(kind: str, period_label: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-" else "_" for ch in period_label.replace(" to ", "_to_"))
    return f"rca-{kind}-{safe}.pdf"


def output_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{option('out')} {path.name}: the file name must end in .pdf or .html")
    return suffix[1:]


def write_output(path: Path, content: bytes) -> Path:
    """Write atomically: a reader never sees half a report, a failure leaves no partial file."""
    folder = path.parent
    if not folder.is_dir():
        raise RcaError(f"folder {folder} does not exist: create it or choose another {option('out')}")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        # mkstemp makes the file private (0600); a report is a document to share,
        # so give it the permissions any new file would get under the user's umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise RcaError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
