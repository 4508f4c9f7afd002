from infra.web_files import WEB_ROOT, content_type, resolve


def test_clean_paths_name_the_pages():
    assert resolve("/") == WEB_ROOT / "index.html"
    assert resolve("/connexion?retour=/espace") == WEB_ROOT / "connexion.html"
    assert resolve("/connexion/franceconnect") == WEB_ROOT / "connexion" / "franceconnect.html"
    assert resolve("/mot-de-passe/nouveau") == WEB_ROOT / "mot-de-passe" / "nouveau.html"
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
