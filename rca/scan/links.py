"""Broken internal links and missing images on the scanned pages.

A link or image is internal when it points to the scanned page's own host.
It is checked against the pages read in this scan, then against the site's
files (a folder or sitemap source), else, for pages fetched over HTTP, with
one request per distinct target (rate-limited, robots.txt obeyed, the
body not read). Links to other hosts are never followed or fetched.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from .fetch import FetchFailed, FetchRefused, origin
from .problems import Observation, Problem
from .sources import LOCAL_ORIGIN, Collection, Reader, normalise_path, resolve_link

# Words of a complaint about a link that goes nowhere, or an image that does not show.
LINK_TERMS = [r"\b404\b", r"not found", r"\bbroken\b", r"\bdead link", r"\blinks?\b", r"doesn'?t (?:work|exist)"]
IMAGE_TERMS = [r"\bimages?\b", r"\bpictures?\b", r"\bphotos?\b", r"\bmissing\b", r"\bblank\b"]


def _display(url: str) -> str:
    return url[len(LOCAL_ORIGIN):] or "/" if url.startswith(LOCAL_ORIGIN) else url


class LinkChecker:
    def __init__(self, collection: Collection):
        self.collection = collection
        self.known_pages = {origin(page.link_base) + page.path for page in collection.pages.values()}
        self._verdicts: dict[tuple[str, bool], bool | None] = {}
        self.unchecked: list[tuple[str, str]] = []  # (target, why it could not be checked)

    def _exists(self, target: str, is_image: bool) -> bool | None:
        """True, False (broken), or None when it cannot be told (refused, timed out)."""
        key = (target, is_image)
        if key in self._verdicts:
            return self._verdicts[key]
        site = origin(target)
        path = urlsplit(target).path or "/"
        verdict: bool | None
        if not is_image and site + normalise_path(path) in self.known_pages:
            verdict = True
        elif site in self.collection.roots:
            verdict = any(self._in_folder(folder, path, is_image) for folder in self.collection.roots[site])
        elif self.collection.fetcher is not None and site in self.collection.fetcher.allowed:
            try:
                verdict = self.collection.fetcher.get(target, body=False).status < 400
            except (FetchRefused, FetchFailed) as exc:
                self.unchecked.append((target, str(exc)))
                verdict = None
        else:
            verdict = None
        self._verdicts[key] = verdict
        return verdict

    @staticmethod
    def _in_folder(folder, path: str, is_image: bool) -> bool:
        if not is_image:
            return Reader._local_file(folder, path) is not None
        file = (folder / unquote(path).lstrip("/")).resolve()
        return file.is_file() and folder.resolve() in file.parents

    def problems(self) -> list[Problem]:
        broken: dict[str, list[Observation]] = {}
        missing: dict[str, list[Observation]] = {}
        for page in self.collection.pages.values():
            if page.kind != "html":
                continue
            base = resolve_link(page.link_base, page.content.base_href) if page.content.base_href else None
            base = base or page.link_base
            home = origin(page.link_base)
            for link in page.content.links:
                target = resolve_link(base, link.href)
                if target is None or origin(target) != home:
                    continue
                if self._exists(target, is_image=False) is False:
                    broken.setdefault(target, []).append(
                        Observation(page.url, link.text or link.href, f'link "{link.text or link.href}" to '
                                                                      f'{_display(target)}'))
            for src in page.content.images:
                target = resolve_link(base, src)
                if target is None or origin(target) != home:
                    continue
                if self._exists(target, is_image=True) is False:
                    missing.setdefault(target, []).append(Observation(page.url, src, f"image {src}"))
        found = []
        for target, observations in sorted(broken.items()):
            shown = _display(target)
            words = sorted({o.value for o in observations})
            label = ", ".join(f'"{w}"' for w in words[:3])
            found.append(Problem(
                kind="broken_link", subject=shown,
                title=f"Broken link: {label} goes to {shown}, which does not exist "
                      f"(on {len({o.page for o in observations})} page{'s' if len({o.page for o in observations}) != 1 else ''})",
                observations=_unique(observations), terms=LINK_TERMS, related_pages=[shown]))
        for target, observations in sorted(missing.items()):
            shown = _display(target)
            pages = len({o.page for o in observations})
            found.append(Problem(
                kind="missing_image", subject=shown,
                title=f"Missing image: {shown} (on {pages} page{'s' if pages != 1 else ''})",
                observations=_unique(observations), terms=IMAGE_TERMS))
        return found


def _unique(observations: list[Observation]) -> list[Observation]:
    seen, kept = set(), []
    for observation in observations:
        if (observation.page, observation.value) not in seen:
            seen.add((observation.page, observation.value))
            kept.append(observation)
    return kept
