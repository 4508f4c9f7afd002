"""Every refusal of the domain has its answer in the one table of api.py."""

import json
from datetime import UTC, datetime, timedelta

import chalicelib.accounts.errors
import chalicelib.catalogue.errors
import chalicelib.errors
import chalicelib.franceconnect.errors
import chalicelib.support.errors  # noqa: F401 - every module of domain errors is loaded
from chalicelib.accounts.errors import AccountLocked, AlreadyTaken, WrongCode
from chalicelib.api import ANSWERS, problem_for
from chalicelib.errors import DomainError, FieldError, InvalidForm


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_domain_error_has_an_answer():
    missing = [
        c.__name__
        for c in _all_subclasses(DomainError)
        if c.__module__.startswith("chalicelib.") and c is not InvalidForm and c not in ANSWERS
    ]
    assert missing == []


def test_answers_are_french_problems_with_a_type():
    until = datetime.now(UTC) + timedelta(minutes=14)
    for error in (AccountLocked(until, 840), AlreadyTaken("email"), WrongCode(4)):
        body = problem_for(error).body()
        assert body["type"].startswith("urn:mon-compte-elu:probleme:")
        assert body["detail"] and body["title"]
    locked = problem_for(AccountLocked(until, 840))
    assert locked.status == 429 and locked.headers["Retry-After"] == "840"
    assert "reessayer_apres" in locked.body()
    taken = problem_for(AlreadyTaken("email")).body()
    assert taken["errors"] == [{"champ": "email", "message": taken["detail"]}]
    assert problem_for(WrongCode(4)).body()["errors"][0] == {
        "champ": "code",
        "message": "Code incorrect. Il vous reste 4 essais.",
    }


def test_an_invalid_form_lists_its_fields():
    problem = problem_for(
        InvalidForm([FieldError("email", "Adresse invalide."), FieldError("nir", "Clé.")])
    )
    assert problem.status == 400
    assert json.loads(problem.to_response().body)["detail"] == "2 informations sont à corriger."


def test_an_error_missing_from_the_table_is_a_500_not_a_crash():
    class Unmapped(DomainError):
        pass

    try:
        assert problem_for(Unmapped()).status == 500
    finally:
        del Unmapped
