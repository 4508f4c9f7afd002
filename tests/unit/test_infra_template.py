"""The deployment template: what infra/ adds to Chalice's functions."""

import ast
import json
from pathlib import Path

import pytest

from chalicelib.observability import NAMESPACE, Metric
from chalicelib.settings import Settings
from chalicelib.webhooks.events import ATTEMPTS
from infra import resources
from infra.check_package import problems
from infra.stage_config import stage_environment
from infra.template import template
from infra.template.dashboards import code_metric_names
from infra.template.naming import function_id, role_id

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prod():
    return template("prod")["Resources"]


@pytest.fixture(scope="module")
def settings():
    return Settings.from_env(stage_environment("prod"))


def of_type(document, kind):
    return {name: r for name, r in document.items() if r.get("Type") == kind}


def test_every_queue_fed_function_reports_batch_item_failures(prod):
    mappings = of_type(prod, "AWS::Lambda::EventSourceMapping")
    assert len(mappings) == len(resources.EVENT_SOURCES)
    for mapping in mappings.values():
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"] >= 2
    assert {m["Properties"]["FunctionName"]["Ref"] for m in mappings.values()} == {
        function_id(s.function) for s in resources.EVENT_SOURCES
    }


def test_queues_have_a_dead_letter_queue_and_six_times_the_function_timeout(prod, settings):
    timeouts = {f.name: f.timeout for f in resources.FUNCTIONS}
    sources = {getattr(settings, s.queue_field): s.function for s in resources.EVENT_SOURCES}
    by_name = {
        r["Properties"]["QueueName"]: r["Properties"]
        for r in of_type(prod, "AWS::SQS::Queue").values()
    }
    for queue in resources.QUEUES:
        properties = by_name[getattr(settings, queue.settings_field)]
        assert properties["RedrivePolicy"]["maxReceiveCount"] == queue.max_receives
        # the webhook events: one receive per attempt of their backoff over a day
        assert queue.max_receives == (
            ATTEMPTS if queue.settings_field == "webhook_queue_name" else resources.MAX_RECEIVES
        )
        assert (
            properties["VisibilityTimeout"]
            == 6 * timeouts[sources[getattr(settings, queue.settings_field)]]
        )
        assert "KmsMasterKeyId" in properties
    for name, function in sources.items():  # AWS refuses a queue quicker than its function
        assert by_name[name]["VisibilityTimeout"] >= timeouts[function]


def test_the_rne_bucket_notifies_the_ingestion_queue_for_uploads_only(prod):
    bucket = prod["RneBucket"]["Properties"]
    configurations = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert sorted(c["Filter"]["S3Key"]["Rules"][0]["Value"] for c in configurations) == sorted(
        resources.RNE_UPLOAD_PREFIXES
    )
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    tls, *who_writes_what = prod["RneBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (tls["Effect"], tls["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    assert {s["Effect"] for s in who_writes_what} == {"Deny"}  # evaluated in test_bucket_policies


def test_tables_are_on_demand_recoverable_encrypted_and_expire_what_expires(prod):
    tables = of_type(prod, "AWS::DynamoDB::Table")
    names = {t["Properties"]["TableName"] for t in tables.values()}
    # 13, the enrolment files, the organismes, the evaluations, the payments and the webhooks
    assert "mce-prod-idempotency" in names and "mce-prod-webhooks" in names and len(tables) == 18
    for table in tables.values():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
        assert properties["SSESpecification"]["SSEEnabled"]
        assert properties["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
    assert tables["SessionsTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }
    assert (
        tables["IdempotencyTable"]["Properties"]["TimeToLiveSpecification"]["AttributeName"]
        == "expiration"
    )
    assert "TimeToLiveSpecification" not in tables["RneMandatesTable"]["Properties"]
    assert (  # the deliveries, a month
        tables["WebhooksTable"]["Properties"]["TimeToLiveSpecification"]["AttributeName"]
        == "expires_at"
    )
    assert (
        template("dev")["Resources"]["AccountsTable"]["Properties"]["DeletionProtectionEnabled"]
        is False
    )


def emitted_metric_names() -> set[str]:
    """Every `Metric.X` the code passes on, read from its source, and the cold start metric
    Powertools emits when the app asks for it."""
    names = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Metric"
            ):
                names.add(getattr(Metric, node.attr))
            if (
                isinstance(node, ast.keyword)
                and node.arg == "capture_cold_start_metric"
                and getattr(node.value, "value", False) is True
            ):
                names.add(Metric.COLD_START)
    return names


def test_the_dashboards_show_every_metric_the_code_emits_and_only_those(prod):
    shown = set()
    for dashboard in of_type(prod, "AWS::CloudWatch::Dashboard").values():
        shown |= code_metric_names(json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"]))
    emitted = emitted_metric_names()
    assert shown - emitted == set(), "widgets of metrics nothing emits"
    assert emitted - shown == set(), "metrics no dashboard shows"
    declared = {v for k, v in vars(Metric).items() if k.isupper()}
    assert declared == emitted, "Metric names that nothing emits"


def test_the_operations_dashboard_shows_each_route_each_function_and_each_queue(prod, settings):
    body = prod["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for path in ("/sessions", "/formations/{formation_id}", "/support-requests"):
        assert f'"Resource", "{path}"' in body
    for function in resources.FUNCTIONS:
        assert f"mce-prod-{function.name.replace('_', '-')}" in body
    for queue in resources.QUEUES:
        assert getattr(settings, queue.dlq_settings_field) in body
    assert NAMESPACE in body and "p99" in body


def test_alarms_go_to_the_topic_for_dead_letters_errors_5xx_rejects_and_login_spikes(prod):
    alarms = of_type(prod, "AWS::CloudWatch::Alarm")
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    metrics = {a["Properties"].get("MetricName") for a in alarms.values()}
    assert {
        "ApproximateNumberOfMessagesVisible",
        "Errors",
        Metric.RNE_FILE_REJECT_RATE,
        Metric.LOGIN_FAILED,
    } <= metrics
    assert "Api5xxRateAlarm" in alarms
    dead_letter_alarms = [
        a
        for a in alarms.values()
        if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
    ]
    assert len(dead_letter_alarms) == len(resources.QUEUES)
    assert len(
        [a for a in alarms.values() if a["Properties"].get("MetricName") == "Errors"]
    ) == len(resources.FUNCTIONS)


def test_every_function_role_policy_is_replaced_by_a_least_privilege_one(prod):
    for function in resources.FUNCTIONS:
        role = prod[role_id(function.name)]
        [policy] = role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert not any("*" in action for action in statement["Action"])


def chalice_like(policy_statements, role_of=lambda name: f"{name}Role"):
    """A packaged template as Chalice would merge it, with these statements in each role."""
    resources_ = {}
    for function in resources.FUNCTIONS:
        name = function_id(function.name)
        resources_[name] = {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Timeout": function.timeout,
                "MemorySize": function.memory,
                "Role": {"Fn::GetAtt": [role_of(name), "Arn"]},
            },
        }
        resources_[role_of(name)] = {
            "Type": "AWS::IAM::Role",
            "Properties": {"Policies": [{"PolicyDocument": {"Statement": policy_statements}}]},
        }
    return {"Resources": resources_}


def test_the_package_check_finds_wildcards_placeholders_and_shared_roles():
    good = [{"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["arn:table"]}]
    assert problems(chalice_like(good)) == []
    assert "wildcard action s3:*" in " ".join(
        problems(chalice_like([{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:bucket"}]))
    )
    assert "resource *" in " ".join(
        problems(chalice_like([{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]))
    )
    assert "placeholder" in " ".join(
        problems(chalice_like([{"Effect": "Deny", "Action": "*", "Resource": "*"}]))
    )
    assert "shared" in " ".join(problems(chalice_like(good, role_of=lambda _: "DefaultRole")))


def test_the_site_and_the_api_share_one_origin_behind_cloudfront(prod):
    config = prod["WebDistribution"]["Properties"]["DistributionConfig"]
    [api] = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*" and api["TargetOriginId"] == "api"
    assert "POST" in api["AllowedMethods"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert "OriginAccessControlId" in origins["web"]
    headers = prod["WebSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert "default-src 'self'" in headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    statements = prod["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Principal"] for s in statements if s["Effect"] == "Allow"] == [
        {"Service": "cloudfront.amazonaws.com"}
    ]


def test_cloudfront_maps_paths_to_files_as_make_run_does(tmp_path):
    """The CloudFront Function, run by Node, against the local server's own resolution."""
    import shutil
    import subprocess

    from infra.template.web import rewrite_function_code
    from infra.web_files import VENDOR, WEB_ROOT, resolve

    node = shutil.which("node")
    assert node, "Node.js runs the CloudFront Function here"
    paths = [
        "/",
        "/connexion",
        "/connexion/",
        "/connexion/franceconnect",
        "/formation",
        "/mot-de-passe/nouveau",
        "/assets/app.js",
        "/documentation-api",
        "/assets/vendor/swagger-ui/swagger-ui-bundle.js",
        "/inconnue",
        "/espace.html.bak",
    ]
    script = tmp_path / "run.js"
    script.write_text(
        rewrite_function_code()
        + "\nconsole.log(JSON.stringify("
        + json.dumps(paths)
        + ".map(u => handler({request: {uri: u}}).uri)));\n",
        encoding="utf-8",
    )
    run = subprocess.run(  # noqa: S603 - node on our own script
        [node, str(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    rewritten = json.loads(run.stdout)
    for path, uri in zip(paths, rewritten, strict=True):
        local = resolve(path)
        if path.lstrip("/") in VENDOR:  # published under its own key
            expected = path
        else:
            expected = "/" + local.relative_to(WEB_ROOT).as_posix() if local else "/404.html"
        assert uri == expected, path


def test_the_api_answers_only_through_cloudfront_and_counts_the_viewers_address(prod, tmp_path):
    """The firewall blocks what lacks CloudFront's secret header, and rates requests by the
    address CloudFront's function sets, never by a header the client chooses."""
    import shutil
    import subprocess

    from infra.template.web import api_viewer_function_code

    rules = {r["Name"]: r for r in prod["ApiFirewall"]["Properties"]["Rules"]}
    only = rules["cloudfront-only"]["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert only["FieldToMatch"] == {"SingleHeader": {"Name": "x-origin-verify"}}
    assert "resolve:secretsmanager" in only["SearchString"]["Fn::Sub"]
    assert rules["cloudfront-only"]["Priority"] == 0
    rate = rules["rate-per-ip"]["Statement"]["RateBasedStatement"]
    assert rate["ForwardedIPConfig"]["HeaderName"] == "x-mce-viewer-ip"
    distribution = prod["WebDistribution"]["Properties"]["DistributionConfig"]
    [api_origin] = [o for o in distribution["Origins"] if o["Id"] == "api"]
    assert api_origin["OriginCustomHeaders"][0]["HeaderName"] == "X-Origin-Verify"
    [api_behaviour] = distribution["CacheBehaviors"]
    assert api_behaviour["FunctionAssociations"][0]["FunctionARN"]["Fn::GetAtt"][0] == "ApiViewer"
    node = shutil.which("node")
    assert node, "Node.js runs the CloudFront Function here"
    script = tmp_path / "viewer.js"
    script.write_text(
        api_viewer_function_code()
        + "console.log(JSON.stringify(handler({viewer: {ip: '203.0.113.9'}, request: {headers:"
        " {'x-mce-viewer-ip': {value: '1.2.3.4'}}}}).headers['x-mce-viewer-ip']));\n",
        encoding="utf-8",
    )
    run = subprocess.run(  # noqa: S603 - node on our own script
        [node, str(script)], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == {"value": "203.0.113.9"}  # the client's own value is gone
