import json

from chalice import Response

from chalicelib.problems import FieldError, Problem, invalid, rewrite_framework_error


def test_a_validation_problem_lists_fields_and_summarises():
    problem = invalid([FieldError("email", "Adresse invalide."), FieldError("nir", "Clé.")])
    body = problem.body()
    assert body["status"] == 400
    assert body["errors"] == [
        {"champ": "email", "message": "Adresse invalide."},
        {"champ": "nir", "message": "Clé."},
    ]
    assert body["detail"] == "2 informations sont à corriger."
    response = problem.to_response()
    assert response.headers["Content-Type"] == "application/problem+json"


def test_framework_errors_become_french_problems():
    chalice_error = Response(
        body={"Code": "UnsupportedMediaType", "Message": "Unsupported"}, status_code=415
    )
    rewritten = rewrite_framework_error(chalice_error)
    body = json.loads(rewritten.body)
    assert rewritten.headers["Content-Type"] == "application/problem+json"
    assert body["status"] == 415 and "JSON" in body["detail"]


def test_successes_and_problems_pass_through_untouched():
    ok = Response(body="{}", status_code=200)
    assert rewrite_framework_error(ok) is ok
    problem = Problem(409, "Déjà là.").to_response()
    assert rewrite_framework_error(problem) is problem
