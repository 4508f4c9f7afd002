"""The web client's files, served at the root of the same origin as the API (`/api`): by
`make run` through `resolve`, and once deployed by CloudFront, whose page table
(infra/template/web.py) comes from the same folder. `/connexion` is `connexion.html`, `/` is
`index.html`."""

from __future__ import annotations

import mimetypes
from pathlib import Path

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"  # the web client
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


def resolve(url_path: str, root: Path = WEB_ROOT) -> Path | None:
    """The file a URL path names, or None; never a file outside `root`."""
    relative = url_path.split("?", 1)[0].split("#", 1)[0].strip("/")
    if relative and any(part in ("..", "") for part in relative.split("/")):
        return None
    candidates = (
        [root / "index.html"]
        if not relative
        else [root / relative, root / f"{relative}.html", root / relative / "index.html"]
    )
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(root.resolve()):
            return resolved
    return None


def content_type(path: Path) -> str:
    return (
        TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def files(root: Path = WEB_ROOT) -> list[tuple[str, Path]]:
    """(key, file) of everything to publish."""
    return [
        (path.relative_to(root).as_posix(), path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]
