"""What `rca scan` reads: folders of HTML, sitemaps, lists of URLs, Markdown and text files.

Each SOURCE becomes pages (:class:`Page`) or a reason it was skipped
(:class:`Skipped`). Local files are read from disk; URLs are fetched with
:class:`rca.scan.fetch.Fetcher`, which contacts only the hosts the user gave.
A local ``sitemap.xml`` that lists ``https://shop.example.com/help/faq``
scans ``help/faq.html`` beside it and names the page by its real URL, so
findings use the same page addresses as the complaints.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from rca.errors import UsageError, as_option

from .extract import PageText, extract_html, extract_markdown, extract_plain
from .fetch import FetchFailed, Fetcher, FetchRefused, looks_binary, origin

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt",)
# Scheme and host of pages read from a folder without a sitemap or --base-url:
# links are resolved against it and it is never contacted (.invalid is reserved).
LOCAL_ORIGIN = "http://local.invalid"
MAX_SITEMAPS = 50
# Folders of this many pages or more are parsed by worker processes, CHUNK_FILES files a task.
PARALLEL_FROM = 400
CHUNK_FILES = 100
MAX_WORKERS = 4
PROGRESS_EVERY = 500


@dataclass
class Page:
    url: str  # the page's address: its real URL, or its path when the site's address is not known
    path: str  # normalised path, "/help/faq": what complaints' page URLs are compared with
    source: str  # the file or URL it was read from
    kind: str  # html | markdown | text
    content: PageText
    link_base: str  # what relative links in it are resolved against


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


def normalise_path(path: str) -> str:
    """'/help/faq.html', '/help/faq/', '/help/faq/index.html' -> '/help/faq'; '' and '/index.html' -> '/'."""
    path = unquote(path or "/")
    if path.endswith("/index.html") or path.endswith("/index.htm") or path in ("index.html", "index.htm"):
        path = path.rsplit("index.", 1)[0]
    for suffix in HTML_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    path = "/" + path.strip("/")
    return path


def _page_kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def _extract(kind: str, text: str) -> PageText:
    if kind == "html":
        return extract_html(text)
    if kind == "markdown":
        return extract_markdown(text)
    return extract_plain(text)


def _url_list(path: Path) -> list[str] | None:
    """The URLs of a .txt file that holds nothing but URLs (one a line, # comments), else None."""
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return None
    lines = [line for line in lines if line and not line.startswith("#")]
    if lines and all(line.lower().startswith(("http://", "https://")) and " " not in line for line in lines):
        return lines
    return None


def _sitemap_locs(content: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise FetchFailed(f"not a readable sitemap ({exc})") from exc
    pages, children = [], []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "loc" or not (element.text or "").strip():
            continue
        # A <loc> inside <sitemap> (a sitemap index) names another sitemap.
        (children if root.tag.rsplit("}", 1)[-1] == "sitemapindex" else pages).append(element.text.strip())
    return pages, children


@dataclass
class Collection:
    """Every page read, every source skipped, and what is needed to check links."""

    pages: dict[str, Page] = field(default_factory=dict)  # by page URL
    skipped: list[Skipped] = field(default_factory=list)
    # site origin -> the folders its files are in (several folders can be parts of one site)
    roots: dict[str, list[Path]] = field(default_factory=dict)

    def add_root(self, site: str, folder: Path) -> None:
        folders = self.roots.setdefault(origin(site), [])
        if folder not in folders:
            folders.append(folder)
    fetcher: Fetcher | None = None

    progress: Callable[[int], None] | None = None  # told the number of pages read, every PROGRESS_EVERY

    def add(self, page: Page) -> None:
        self.pages.setdefault(page.url, page)
        if self.progress is not None and len(self.pages) % PROGRESS_EVERY == 0:
            self.progress(len(self.pages))


class Reader:
    def __init__(self, *, base_url: str | None = None, max_bytes: int = 5_000_000, max_pages: int = 20_000,
                 rate: float = 2.0, timeout: float = 10.0, obey_robots: bool = True):
        self.base_url = base_url.rstrip("/") if base_url else None
        self.max_bytes = max_bytes
        self.max_pages = max_pages
        self.fetch_options = dict(rate=rate, timeout=timeout, max_bytes=max_bytes, obey_robots=obey_robots)

    def read(self, sources: Iterable[str], progress: Callable[[int], None] | None = None) -> Collection:
        sources = list(sources)
        if not sources:
            raise UsageError("give at least one SOURCE: a folder of HTML, a sitemap.xml, a URL or a file of URLs")
        collection = Collection(progress=progress)
        urls: list[str] = []
        local: list[Path] = []
        for source in sources:
            if source.lower().startswith(("http://", "https://")):
                urls.append(source)
                continue
            path = Path(source).expanduser()
            if not path.exists():
                raise UsageError(f"{source}: no such file or folder (give a folder, a sitemap.xml, a URL, "
                                 "a file of URLs, or .html/.md/.txt files)")
            listed = _url_list(path) if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES else None
            if listed is not None:
                urls.extend(listed)
            else:
                local.append(path)
        if urls:
            # The hosts the user named are the only ones ever contacted.
            collection.fetcher = Fetcher({origin(url) for url in urls}, **self.fetch_options)
        for path in local:
            self._read_local(path, collection)
        for url in urls:
            self._read_url(url, collection)
        return collection

    # -- local files ----------------------------------------------------------------------

    def _full(self, collection: Collection) -> bool:
        return len(collection.pages) >= self.max_pages

    def _read_local(self, path: Path, collection: Collection) -> None:
        if path.is_dir():
            site = self.base_url or self._sitemap_origin(path / "sitemap.xml") or LOCAL_ORIGIN
            collection.add_root(site, path)
            files = sorted(self._files(path))
            room = self.max_pages - len(collection.pages)
            if len(files) > room:
                collection.skipped.append(Skipped(str(path), f"{len(files):,} pages: only the first {max(room, 0):,} "
                                                              f"were read ({as_option('max_pages')})"))
                files = files[:max(room, 0)]
            jobs = [(file, "/" + file.relative_to(path).as_posix(), site) for file in files]
            for loaded in self._load_all(jobs):
                (collection.skipped.append if isinstance(loaded, Skipped) else collection.add)(loaded)
        elif path.suffix.lower() == ".xml":
            self._read_local_sitemap(path, collection)
        elif _page_kind(path) is None:
            collection.skipped.append(Skipped(str(path), "not a page: rca scans .html, .md, .txt and sitemap.xml"))
        else:
            site = self.base_url or LOCAL_ORIGIN
            collection.add_root(site, path.parent)
            self._read_file(path, "/" + path.name, site, collection)

    @staticmethod
    def _files(folder: Path) -> Iterator[Path]:
        for directory, subfolders, names in os.walk(folder):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            for name in names:
                file = Path(directory, name)
                if _page_kind(file) is not None and name.lower() != "robots.txt":
                    yield file

    def _sitemap_origin(self, sitemap: Path) -> str | None:
        if not sitemap.is_file():
            return None
        try:
            pages, _ = _sitemap_locs(self._read_bytes(sitemap))
        except (FetchFailed, OSError):
            return None
        return origin(pages[0]) if pages and "://" in pages[0] else None

    def _read_local_sitemap(self, sitemap: Path, collection: Collection) -> None:
        try:
            locs, _ = _sitemap_locs(self._read_bytes(sitemap))
        except (FetchFailed, OSError) as exc:
            collection.skipped.append(Skipped(str(sitemap), str(exc)))
            return
        folder = sitemap.parent
        for loc in locs:
            if self._full(collection):
                collection.skipped.append(Skipped(str(sitemap), f"more than {self.max_pages:,} pages ({as_option('max_pages')})"))
                return
            site = self.base_url or origin(loc)
            collection.add_root(site, folder)
            file = self._local_file(folder, urlsplit(loc).path)
            if file is None:
                collection.skipped.append(Skipped(loc, f"listed in {sitemap.name} but no file for it in {folder}"))
            else:
                self._read_file(file, urlsplit(loc).path or "/", site, collection)

    @staticmethod
    def _local_file(folder: Path, url_path: str) -> Path | None:
        """The file in ``folder`` serving ``url_path`` ('/help/faq' -> help/faq.html or help/faq/index.html)."""
        relative = unquote(url_path).lstrip("/")
        root = folder.resolve()
        candidates = [relative] if relative and not relative.endswith("/") else []
        stem = relative.rstrip("/")
        candidates += [f"{stem}.html", f"{stem}.htm", f"{stem}/index.html" if stem else "index.html"]
        for candidate in candidates:
            file = (folder / candidate).resolve()
            # Never outside the site's folder, whatever '..' the link holds.
            if file.is_file() and (file == root or root in file.parents):
                return file
        return None

    def _read_bytes(self, file: Path) -> bytes:
        size = file.stat().st_size
        if size > self.max_bytes:
            raise FetchFailed(f"larger than the size cap ({size:,} bytes > {self.max_bytes:,})")
        return file.read_bytes()

    def _read_file(self, file: Path, url_path: str, site: str, collection: Collection) -> None:
        loaded = _load_file(file, url_path, site, self.max_bytes)
        (collection.skipped.append if isinstance(loaded, Skipped) else collection.add)(loaded)

    def _load_all(self, jobs: list[tuple[Path, str, str]]) -> Iterator[Page | Skipped]:
        """Pages of a big folder are parsed by worker processes (one per core, up to 4), in order."""
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        if len(jobs) < PARALLEL_FROM or workers < 2:
            yield from (_load_file(file, url_path, site, self.max_bytes) for file, url_path, site in jobs)
            return
        from concurrent.futures import ProcessPoolExecutor

        chunks = [jobs[i:i + CHUNK_FILES] for i in range(0, len(jobs), CHUNK_FILES)]
        with ProcessPoolExecutor(workers) as pool:
            for loaded in pool.map(_load_chunk, chunks, [self.max_bytes] * len(chunks)):
                yield from loaded

    # -- URLs -----------------------------------------------------------------------------

    def _read_url(self, url: str, collection: Collection) -> None:
        if urlsplit(url).path.lower().endswith(".xml"):
            self._read_remote_sitemap(url, collection, depth=0)
            return
        if self._full(collection):
            collection.skipped.append(Skipped(url, f"more than {self.max_pages:,} pages ({as_option('max_pages')})"))
            return
        fetcher = collection.fetcher
        try:
            response = fetcher.get(url)
        except (FetchRefused, FetchFailed) as exc:
            collection.skipped.append(Skipped(url, str(exc)))
            return
        if response.status >= 400:
            collection.skipped.append(Skipped(url, f"HTTP {response.status}"))
            return
        kind = response.content_type.split(";")[0].strip().lower()
        page_kind = "text" if kind == "text/plain" else "markdown" if kind == "text/markdown" else "html"
        path = normalise_path(urlsplit(response.url).path)
        collection.add(Page(response.url.split("#", 1)[0], path, url, page_kind,
                            _extract(page_kind, response.text or ""), link_base=response.url))

    def _read_remote_sitemap(self, url: str, collection: Collection, depth: int) -> None:
        fetcher = collection.fetcher
        try:
            response = fetcher.get(url)
            if response.status >= 400:
                raise FetchFailed(f"HTTP {response.status}")
            locs, children = _sitemap_locs((response.text or "").encode("utf-8"))
        except (FetchRefused, FetchFailed) as exc:
            collection.skipped.append(Skipped(url, str(exc)))
            return
        for child in children[:MAX_SITEMAPS] if depth == 0 else []:
            if origin(child) in fetcher.allowed:
                self._read_remote_sitemap(child, collection, depth + 1)
            else:
                collection.skipped.append(Skipped(child, f"{origin(child)} is not one of the hosts given"))
        for loc in locs:
            if origin(loc) not in fetcher.allowed:
                collection.skipped.append(Skipped(loc, f"{origin(loc)} is not one of the hosts given"))
            else:
                self._read_url(loc, collection)


def _load_file(file: Path, url_path: str, site: str, max_bytes: int) -> Page | Skipped:
    """One local file as a page, or why it was skipped (too big, unreadable, binary)."""
    kind = _page_kind(file) or "html"
    try:
        size = file.stat().st_size
        if size > max_bytes:
            return Skipped(str(file), f"larger than the size cap ({size:,} bytes > {max_bytes:,})")
        content = file.read_bytes()
    except OSError as exc:
        return Skipped(str(file), f"cannot be read ({exc.strerror or exc})")
    if looks_binary(content):
        return Skipped(str(file), "binary content, not a text page")
    path = normalise_path(url_path)
    url = path if site == LOCAL_ORIGIN else site + path
    return Page(url, path, str(file), kind, _extract(kind, content.decode("utf-8", "replace")),
                link_base=site + "/" + url_path.lstrip("/"))


def _load_chunk(jobs: list[tuple[Path, str, str]], max_bytes: int) -> list[Page | Skipped]:
    return [_load_file(file, url_path, site, max_bytes) for file, url_path, site in jobs]


def resolve_link(base: str, href: str) -> str | None:
    """The absolute URL a link points to, or None for mailto:, tel:, javascript:, data: and in-page anchors."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        return origin(base) + href.split("#", 1)[0]  # the common case, without urljoin's work
    scheme = urlsplit(href).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return None
    return urljoin(base, href).split("#", 1)[0]
