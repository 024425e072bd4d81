"""Fetching pages over HTTP politely and safely, with the standard library only.

- Only the hosts the user gave are ever contacted: a URL or a redirect to any
  other host is refused before a connection is made.
- robots.txt is read once per host and obeyed (urllib.robotparser).
- Requests to one host are spaced by the rate limit.
- Every request has one deadline for the whole exchange (connect, headers,
  body): a server that never finishes, or drips a byte a second, is cut off
  when the deadline passes, not merely when one read stalls.
- Bodies are capped: a larger page is refused, never held in memory whole.
- Only text is returned: a binary body served as text/html is refused.
"""

from __future__ import annotations

import functools
import http.client
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from rca import __version__

USER_AGENT = f"rca-scan/{__version__} (+site quality check)"
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/xml", "application/xml")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_TEXT_BYTES = bytes([9, 10, 12, 13, *range(32, 256)])


class FetchRefused(Exception):
    """rca will not fetch this URL (other host, robots.txt, not http): the reason is the message."""


class FetchFailed(Exception):
    """The URL was fetched but gave no usable page (time-out, too big, binary, network error)."""


@dataclass(frozen=True)
class Response:
    url: str  # after same-host redirects
    status: int
    content_type: str
    text: str | None  # None when only the status was asked for


@functools.lru_cache(maxsize=4096)
def origin(url: str) -> str:
    """scheme://host[:port], lower-cased: what 'the same host' means here."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = parts.port
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port and port != default else "")


def looks_binary(body: bytes) -> bool:
    """NUL bytes, or many control bytes, in the first 4 KiB: not a text page whatever its header says."""
    head = body[:4096]
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _TEXT_BYTES))  # what is left after deleting every text byte
    return bool(head) and controls / len(head) > 0.05


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


class Fetcher:
    def __init__(self, allowed_origins, *, rate: float = 2.0, timeout: float = 10.0, max_bytes: int = 5_000_000,
                 user_agent: str = USER_AGENT, obey_robots: bool = True):
        self.allowed = {origin(o) if "://" in o else o for o in allowed_origins}
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.obey_robots = obey_robots
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | FetchFailed | None] = {}
        self.requests: list[str] = []  # every URL a connection was made for, in order (tests read it)

    # -- public -------------------------------------------------------------------------

    def get(self, url: str, *, body: bool = True) -> Response:
        """GET a page, following redirects on the same host only. Raises FetchRefused or FetchFailed."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_allowed(current)
            if self.obey_robots and not self._robots_allow(current):
                raise FetchRefused("robots.txt disallows it")
            status, headers, content = self._request(current, want_body=body)
            if status in REDIRECTS and headers.get("location"):
                target = urljoin(current, headers["location"])
                if origin(target) not in self.allowed:
                    raise FetchRefused(f"redirects to {origin(target)}, a host that was not given: not followed")
                current = target
                continue
            content_type = headers.get("content-type", "")
            if not body or status >= 400:
                return Response(current, status, content_type, None)
            return Response(current, status, content_type, self._decode(content, content_type))
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    # -- checks -------------------------------------------------------------------------

    def _check_allowed(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchRefused(f"not an http(s) URL ({parts.scheme or 'no scheme'})")
        if origin(url) not in self.allowed:
            raise FetchRefused(f"{origin(url)} is not one of the hosts given")

    def _robots_allow(self, url: str) -> bool:
        site = origin(url)
        if site not in self._robots:
            self._robots[site] = self._read_robots(site)
        parser = self._robots[site]
        if isinstance(parser, FetchFailed):
            raise FetchFailed(f"robots.txt {parser}: the host is not reachable, nothing was fetched from it")
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _read_robots(self, site: str) -> RobotFileParser | FetchFailed | None:
        parser = RobotFileParser()
        try:
            status, _, content = self._request(site + "/robots.txt", want_body=True, limit=500_000)
        except FetchFailed as exc:
            return exc  # unreachable: every page of the host is skipped with this reason
        # RFC 9309: a server error on robots.txt means "assume everything is disallowed".
        if status >= 500 or status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif status >= 400 or status in REDIRECTS:
            return None  # no robots.txt: everything is allowed
        else:
            parser.parse(content.decode("utf-8", "replace").splitlines())
        return parser

    def _decode(self, content: bytes, content_type: str) -> str:
        kind = content_type.split(";")[0].strip().lower()
        if kind and kind not in TEXT_TYPES:
            raise FetchFailed(f"not a text page ({kind})")
        if looks_binary(content):
            raise FetchFailed(f"binary content served as {kind or 'no type'}")
        try:
            return content.decode(_charset(content_type), "replace")
        except LookupError:
            return content.decode("utf-8", "replace")

    # -- one request --------------------------------------------------------------------

    def _wait_turn(self, site: str) -> None:
        last = self._last.get(site)
        if last is not None and self.interval:
            pause = last + self.interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last[site] = time.monotonic()

    def _request(self, url: str, *, want_body: bool, limit: int | None = None) -> tuple[int, dict, bytes]:
        parts = urlsplit(url)
        site = origin(url)
        self._wait_turn(site)
        limit = limit or self.max_bytes
        connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname, parts.port, timeout=self.timeout)
        expired = threading.Event()

        def cut_off() -> None:
            # One deadline for the whole exchange: shutting the socket down wakes a
            # read that is blocked, however slowly the server is dripping bytes.
            expired.set()
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(self.timeout, cut_off)
        timer.daemon = True
        self.requests.append(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            timer.start()
            connection.request("GET", path, headers={"User-Agent": self.user_agent, "Accept": "text/html, text/*;q=0.9",
                                                     "Accept-Encoding": "identity"})
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            if not want_body or response.status in REDIRECTS or response.status >= 400:
                return response.status, headers, b""
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchFailed(f"larger than the size cap ({int(declared):,} bytes > {limit:,})")
            chunks, size = [], 0
            while True:
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(f"larger than the size cap ({limit:,} bytes)")
                chunks.append(chunk)
                if expired.is_set():
                    break
            if expired.is_set():
                raise FetchFailed(f"did not finish within {self.timeout:g} s")
            return response.status, headers, b"".join(chunks)
        except FetchFailed:
            raise
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or isinstance(exc, (socket.timeout, TimeoutError)):
                raise FetchFailed(f"did not finish within {self.timeout:g} s") from exc
            raise FetchFailed(f"could not be fetched ({type(exc).__name__}: {exc})"[:200]) from exc
        finally:
            timer.cancel()
            connection.close()
