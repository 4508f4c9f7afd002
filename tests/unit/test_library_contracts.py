"""The few places that lean on a library's undocumented internals, each because no public API
does the job. If a new release changes them, these tests say where and why, before anything
else breaks in a less readable way."""

import inspect

import pytest

from chalicelib.models import ALL_MODELS, bind_tables, shared_connection
from chalicelib.settings import Settings
from infra.stage_config import stage_environment


@pytest.fixture
def settings():
    return Settings.from_env({**stage_environment("local"), "AWS_REGION": "eu-west-3"})


def test_pynamodb_models_can_share_one_connection(settings):
    """chalicelib.models.bind_tables: one botocore client for every model (PynamoDB builds one
    per model, each about 0.1 s of cold start) through Model._connection, _get_connection()
    and the connection's _tables / add_meta_table / get_meta_table."""
    for model in ALL_MODELS:
        assert hasattr(model, "_connection") and callable(model._get_connection), (
            f"PynamoDB no longer has Model._connection/_get_connection ({model.__name__}): "
            "rewrite chalicelib.models.bind_tables"
        )
    bind_tables(settings)
    connections = {id(model._get_connection().connection) for model in ALL_MODELS}
    assert connections == {id(shared_connection())}, (
        "PynamoDB models no longer share the connection bind_tables gives them"
    )
    shared = shared_connection()
    for name in ("_tables", "add_meta_table", "get_meta_table"):
        assert hasattr(shared, name), f"pynamodb.connection.Connection has no {name} any more"
    for model in ALL_MODELS:
        assert model.Meta.table_name in shared._tables, (
            f"the shared connection does not know {model.Meta.table_name}: transactions "
            "across tables would call DescribeTable"
        )


def test_pynamodb_models_describe_their_schema_and_ttl():
    """infra/template/data.py builds the CloudFormation tables from Model._get_schema() and
    Model._ttl_attribute()."""
    for model in ALL_MODELS:
        schema = model._get_schema()
        assert {"key_schema", "attribute_definitions", "global_secondary_indexes"} <= set(schema), (
            f"Model._get_schema() changed shape ({model.__name__})"
        )
        assert callable(model._ttl_attribute), "Model._ttl_attribute() is gone"


def test_chalice_local_request_handler_keeps_the_methods_the_local_gateway_overrides():
    """local/api_server.py overrides ChaliceRequestHandler._generic_handle (the /api prefix,
    the pool's failures) and _send_error_response, and calls _send_http_response."""
    from chalice.local import ChaliceRequestHandler

    expected = {
        "_generic_handle": ["self"],
        "_send_error_response": ["self", "error"],
        "_send_http_response": ["self", "code", "headers", "body"],
    }
    for name, parameters in expected.items():
        method = getattr(ChaliceRequestHandler, name, None)
        assert method is not None, f"chalice.local.ChaliceRequestHandler.{name} is gone"
        assert list(inspect.signature(method).parameters) == parameters, (
            f"chalice.local.ChaliceRequestHandler.{name} changed its parameters"
        )
    source = inspect.getsource(ChaliceRequestHandler._generic_handle)
    assert "_send_error_response" in source and "_send_http_response" in source, (
        "ChaliceRequestHandler._generic_handle no longer answers through the methods "
        "local/api_server.py overrides"
    )


def test_pynamodb_sends_a_transactions_writes_grouped_by_kind(settings, monkeypatch):
    """chalicelib.rights.store.cancellation_reasons maps DynamoDB's reasons back to the writes
    by the order PynamoDB sends them in: checks, deletes, puts, updates (SENT_ORDER)."""
    from pynamodb.connection.base import Connection

    from chalicelib.models import Account, LedgerEntry
    from chalicelib.rights.store import SENT_ORDER, Write, transact

    bind_tables(settings)
    sent = []
    monkeypatch.setattr(
        Connection, "dispatch", lambda self, operation, kwargs: sent.append(kwargs) or {}
    )
    transact(
        [
            Write("update", Account("a"), actions=(Account.elu.set(True),)),
            Write("save", LedgerEntry("a", "b")),
            Write("delete", LedgerEntry("a", "c")),
            Write("check", (Account, "d"), condition=Account.elu == True),  # noqa: E712
        ]
    )
    kinds = [next(iter(item)) for item in sent[0]["TransactItems"]]
    assert kinds == [
        {"check": "ConditionCheck", "delete": "Delete", "save": "Put", "update": "Update"}[k]
        for k in SENT_ORDER
    ], f"PynamoDB now sends {kinds}: update chalicelib.rights.store.SENT_ORDER"


def test_powertools_says_whether_it_would_trace(monkeypatch):
    """chalicelib.observability.tracing_on asks Powertools' own rule (Tracer._is_tracer_disabled)
    so that no X-Ray recorder is built where the Tracer would be disabled anyway."""
    from aws_lambda_powertools.tracing.tracer import Tracer

    assert callable(getattr(Tracer, "_is_tracer_disabled", None)), (
        "Powertools' Tracer has no _is_tracer_disabled any more: rewrite observability.tracing_on"
    )
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    monkeypatch.delenv("AWS_CHALICE_CLI_MODE", raising=False)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    assert not Tracer._is_tracer_disabled(), "Powertools would not trace in Lambda"
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")  # the local stage's
    assert Tracer._is_tracer_disabled()


@pytest.mark.parametrize("stage", ["local", "dev", "prod"])
def test_pydantic_looks_for_no_plugin_in_any_stage(stage, monkeypatch):
    """The stages set PYDANTIC_DISABLE_PLUGINS: pydantic then skips the scan of every
    installed package's entry points at the first model it builds."""
    from pydantic.plugin import _loader

    def scan(**_):
        raise AssertionError("pydantic scanned the entry points for plugins")

    for name, value in stage_environment(stage).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(_loader, "entry_points", scan)
    monkeypatch.setattr(_loader, "_plugins", None)
    assert list(_loader.get_plugins()) == []
