"""The web client's files, served at the root of the same origin as the API (`/api`): by
`make run` through `resolve`, and once deployed by CloudFront, whose page table
(infra/template/web.py) comes from the same folder. `/connexion` is `connexion.html`, `/` is
`index.html`.

Third-party files a page needs (the API documentation's renderer) come from their npm package,
pinned in package.json and installed by `make run` and `make deploy`: served and published
from node_modules/ under `assets/vendor/`, never copied into web/ nor taken from a CDN."""

from __future__ import annotations

import mimetypes
from pathlib import Path

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"  # the web client
NODE_MODULES = WEB_ROOT.parent / "node_modules"
# key under the site's root -> file of an npm package
VENDOR = {
    "assets/vendor/swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "assets/vendor/swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
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
    """The file a URL path names, or None; never a file outside `root` but the listed npm
    packages' files."""
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
    vendor = NODE_MODULES / VENDOR[relative] if relative in VENDOR else None
    return vendor if vendor and vendor.is_file() else None


def content_type(path: Path) -> str:
    return (
        TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def files(root: Path = WEB_ROOT) -> list[tuple[str, Path]]:
    """(key, file) of everything to publish: the folder, then the npm packages' files (a site
    published without them would have pages that cannot work)."""
    missing = [name for name in VENDOR.values() if not (NODE_MODULES / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} introuvable(s) dans {NODE_MODULES} : lancez `npm ci`."
        )
    return [
        (path.relative_to(root).as_posix(), path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ] + [(key, NODE_MODULES / name) for key, name in VENDOR.items()]
