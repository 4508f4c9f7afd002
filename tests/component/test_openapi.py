from openapi_spec_validator import validate

from app import app  # its routes fill the registry the document is assembled from
from chalicelib.openapi import spec


def test_the_document_is_valid_openapi_3_1():
    document = spec()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_document_describes_exactly_the_routes_of_the_app():
    routes = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    # the signup's steps are documented one path each (each its own body); what is not a step
    # answers 404 and is not an operation of the API
    routes.remove(("/signup/steps/{step}", "post"))
    documented = {
        (path, method)
        for path, operations in spec()["paths"].items()
        for method in operations
        if method != "parameters"
    }
    assert documented == routes


def test_every_operation_documents_its_success_and_a_request_body_where_it_takes_one():
    for path, operations in spec()["paths"].items():
        for method, operation in operations.items():
            # success is a 2XX, or a 303 for the browser redirections of FranceConnect
            assert any(code.startswith("2") or code == "303" for code in operation["responses"]), (
                path,
                method,
            )
            if method == "post":
                assert "requestBody" in operation, path


def test_the_document_is_served(api):
    response = api.get("/openapi.json")
    assert response.status == 200
    assert response.json == spec()
