from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.rne.snapshot_guard import ScopeChange, hold_reasons
from chalicelib.rne.uploads import (
    NATIONAL,
    Refused,
    Upload,
    scope_of,
    snapshot_instant,
    upload_of,
)

UPLOADED = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "upload"),
    [
        ("prefectures/35/cm.csv", Upload("prefectures", "35")),
        ("prefectures/1/cm.csv", Upload("prefectures", "01")),
        ("prefectures/2a/cm.csv", Upload("prefectures", "2A")),
        ("prefectures/974/sous/dossier/cm.csv", Upload("prefectures", "974")),
        ("national/8-rne-dep.csv", Upload("national")),
        ("depot/cm.csv", Upload("")),
    ],
)
def test_the_folder_says_who_sent_the_file(key, upload):
    assert upload_of(key) == upload


@pytest.mark.parametrize(
    "key",
    ["prefectures/FR/x.csv", "prefectures/*/x.csv", "prefectures/20/x.csv", "prefectures/x.csv"],
)
def test_a_prefecture_folder_must_name_a_departement(key):
    with pytest.raises(Refused):
        upload_of(key)


CM_COLUMNS = {"departement_code", "commune_code"}


def test_a_prefecture_replaces_its_departement_the_ministry_every_one():
    assert scope_of(Upload("prefectures", "35"), "CM", CM_COLUMNS) == {"35"}
    assert scope_of(Upload("national"), "CM", CM_COLUMNS) == {NATIONAL}
    assert scope_of(Upload(""), "CM", CM_COLUMNS) is None
    assert scope_of(Upload("national"), "RPE", set()) == {"FR"}


@pytest.mark.parametrize("kind", ["RPE", "CFE", "AFE"])
def test_national_mandates_never_come_from_a_prefecture(kind):
    with pytest.raises(Refused, match="ministère"):
        scope_of(Upload("prefectures", "35"), kind, CM_COLUMNS)


def test_the_corsican_assembly_comes_from_a_corsican_prefecture_or_the_ministry():
    assert scope_of(Upload("prefectures", "2A"), "CAC", set()) == {"FR"}
    with pytest.raises(Refused):
        scope_of(Upload("prefectures", "35"), "CAC", set())


def test_a_prefecture_file_must_place_its_rows_in_a_departement():
    with pytest.raises(Refused, match="Aucune colonne"):
        scope_of(Upload("prefectures", "35"), "SEN", {"nom", "prenom"})


@pytest.mark.parametrize(
    ("declared", "instant"),
    [
        (None, "2026-11-28T10:00:00+00:00"),
        ("2026-09-30", "2026-09-30T00:00:00+00:00"),
        ("2026-09-30T12:00:00+02:00", "2026-09-30T10:00:00+00:00"),
        ("2026-11-29", "2026-11-29T00:00:00+00:00"),  # a day of clock skew
    ],
)
def test_the_snapshot_time_is_the_declared_date_or_the_upload(declared, instant):
    assert snapshot_instant(declared, UPLOADED) == instant


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        ("2099-01-01", "postérieure au dépôt"),
        ((UPLOADED - timedelta(days=401)).date().isoformat(), "antérieure de plus de 400 jours"),
        ("hier", "illisible"),
    ],
)
def test_a_declared_date_far_from_the_upload_is_refused(declared, reason):
    with pytest.raises(Refused, match=reason):
        snapshot_instant(declared, UPLOADED)


def change(current=100, closing=0, added=0, older=0, scope="CM#35"):
    return ScopeChange(scope, current, closing, added, older)


def test_ordinary_changes_apply():
    assert hold_reasons([change(closing=20, added=20), change(current=3, closing=3)]) == []


def test_closing_more_than_a_fifth_of_a_scope_waits_for_an_operator():
    [reason] = hold_reasons([change(closing=21), change(scope="CM#22")])
    assert reason.startswith("CM#35 : fermerait 21 des 100 mandats")


def test_a_snapshot_adding_mostly_older_mandates_waits_for_an_operator():
    [reason] = hold_reasons([change(closing=10, added=12, older=7)])
    assert "7 des 12 mandats ajoutés" in reason
    assert hold_reasons([change(closing=10, added=12, older=4)]) == []
