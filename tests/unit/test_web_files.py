import pytest

from infra import web_files
from infra.web_files import NODE_MODULES, WEB_ROOT, content_type, files, resolve


def test_clean_paths_name_the_pages():
    assert resolve("/") == WEB_ROOT / "index.html"
    assert resolve("/connexion?retour=/espace") == WEB_ROOT / "connexion.html"
    assert resolve("/connexion/franceconnect") == WEB_ROOT / "connexion" / "franceconnect.html"
    assert resolve("/mot-de-passe/nouveau") == WEB_ROOT / "mot-de-passe" / "nouveau.html"
    assert resolve("/organisme") == WEB_ROOT / "organisme.html"
    assert resolve("/assets/app.js") == WEB_ROOT / "assets" / "app.js"


def test_nothing_outside_the_web_folder_and_nothing_that_does_not_exist():
    for path in (
        "/../app.py",
        "/assets/../../README.md",
        "/%2e%2e/app.py",
        "/inconnue",
        "//etc/passwd",
    ):
        assert resolve(path) is None, path


def test_types():
    assert content_type(WEB_ROOT / "index.html") == "text/html; charset=utf-8"
    assert content_type(WEB_ROOT / "assets" / "app.js").startswith("text/javascript")


def test_the_api_documentation_renderer_comes_from_its_npm_package():
    assert resolve("/documentation-api") == WEB_ROOT / "documentation-api.html"
    assert (
        resolve("/assets/vendor/swagger-ui/swagger-ui-bundle.js")
        == NODE_MODULES / "swagger-ui-dist" / "swagger-ui-bundle.js"
    )
    # only the files listed: nothing else of node_modules is reachable
    assert resolve("/assets/vendor/swagger-ui/package.json") is None
    published = dict(files())
    assert published["assets/vendor/swagger-ui/swagger-ui.css"] == (
        NODE_MODULES / "swagger-ui-dist" / "swagger-ui.css"
    )
    assert published["documentation-api.html"] == WEB_ROOT / "documentation-api.html"


def test_a_site_without_its_npm_files_is_not_published(monkeypatch, tmp_path):
    monkeypatch.setattr(web_files, "NODE_MODULES", tmp_path)
    assert resolve("/assets/vendor/swagger-ui/swagger-ui-bundle.js") is None
    with pytest.raises(FileNotFoundError, match="npm ci"):
        files()
