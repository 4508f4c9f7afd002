"""`make deploy`: the code and template go to the artifact bucket, then a change set is made
(here against moto's S3 and CloudFormation)."""

import json

import boto3
import pytest
from moto import mock_aws

from infra import deploy

REGION = "eu-west-3"


@pytest.fixture
def aws_account(monkeypatch):
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", REGION),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        session.client("s3").create_bucket(
            Bucket="artefacts", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield session


def test_code_and_template_are_uploaded_once_and_the_template_points_to_the_code(
    packaged, aws_account
):
    s3 = aws_account.client("s3")
    url = deploy.prepare("prod", packaged, s3, "artefacts")
    assert deploy.prepare("prod", packaged, s3, "artefacts") == url  # same bytes, same keys
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="artefacts")["Contents"])
    assert len(keys) == 2 and all(k.startswith("mce-prod/") for k in keys)
    [code_key] = [k for k in keys if k.endswith(".zip")]
    template_key = "mce-prod/" + url.rsplit("/", 1)[-1]
    template = json.loads(s3.get_object(Bucket="artefacts", Key=template_key)["Body"].read())
    functions = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"
    ]
    assert functions and all(
        f["Properties"]["CodeUri"] == {"Bucket": "artefacts", "Key": code_key} for f in functions
    )
    assert (
        s3.get_object(Bucket="artefacts", Key=code_key)["Body"].read()
        == (packaged / "deployment.zip").read_bytes()
    )


def test_a_change_set_creates_the_stack_with_the_alarm_address(packaged, aws_account):
    url = deploy.prepare("prod", packaged, aws_account.client("s3"), "artefacts")
    cloudformation = aws_account.client("cloudformation")
    name, changes = deploy.create_change_set(
        cloudformation, "prod", url, {"ALARM_EMAIL": "exploitation@exemple.fr"}
    )
    added = {c["LogicalResourceId"] for c in changes if c["Action"] == "Add"}
    assert {"APIHandler", "RneIngest", "AccountsTable", "RneBucket", "AlarmTopic"} <= added
    described = cloudformation.describe_change_set(StackName="mce-prod", ChangeSetName=name)
    assert {"ParameterKey": "AlarmEmail", "ParameterValue": "exploitation@exemple.fr"} in described[
        "Parameters"
    ]


def test_without_an_artifact_bucket_it_says_so(capsys):
    assert deploy.main(["prod", "build/prod/package"], {}) == 2
    assert "ARTIFACT_BUCKET" in capsys.readouterr().err


def test_the_web_client_is_published_with_its_types(aws_account):
    s3 = aws_account.client("s3")
    assert deploy.publish_web(s3, "artefacts") >= 10
    head = s3.head_object(Bucket="artefacts", Key="connexion.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "no-cache"
    assert s3.head_object(Bucket="artefacts", Key="assets/app.js")["ContentType"].startswith(
        "text/javascript"
    )
