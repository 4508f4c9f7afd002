"""`make run` and the tests provision moto from infra/resources.py; AWS gets the template built
from the same definitions. Here both are compared: what provisioning created in moto is what
the template declares (names, keys, indexes, TTL, queues, notifications, identities, secrets)."""

import json

import boto3
import pytest

from infra.template import template

REGION = "eu-west-3"


@pytest.fixture(scope="module")
def declared():
    return template("local")["Resources"]


def of_type(document, kind):
    return [r["Properties"] for r in document.values() if r.get("Type") == kind]


def test_tables_have_the_declared_keys_indexes_and_ttl(aws, declared):
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    tables = of_type(declared, "AWS::DynamoDB::Table")
    assert sorted(t["TableName"] for t in tables) == sorted(dynamodb.list_tables()["TableNames"])
    for table in tables:
        live = dynamodb.describe_table(TableName=table["TableName"])["Table"]
        assert live["KeySchema"] == table["KeySchema"], table["TableName"]
        assert (
            sorted(live["AttributeDefinitions"], key=lambda a: a["AttributeName"])
            == table["AttributeDefinitions"]
        )
        assert {
            (i["IndexName"], json.dumps(i["KeySchema"]), i["Projection"]["ProjectionType"])
            for i in live.get("GlobalSecondaryIndexes", [])
        } == {
            (i["IndexName"], json.dumps(i["KeySchema"]), i["Projection"]["ProjectionType"])
            for i in table.get("GlobalSecondaryIndexes", [])
        }
        ttl = dynamodb.describe_time_to_live(TableName=table["TableName"])["TimeToLiveDescription"]
        expected = table.get("TimeToLiveSpecification", {}).get("AttributeName")
        assert ttl.get("AttributeName") == expected, table["TableName"]


def test_queues_have_the_declared_timeouts_and_dead_letter_queues(aws, declared):
    sqs = boto3.client("sqs", region_name=REGION)
    for queue in of_type(declared, "AWS::SQS::Queue"):
        url = sqs.get_queue_url(QueueName=queue["QueueName"])["QueueUrl"]
        live = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert int(live["VisibilityTimeout"]) == queue["VisibilityTimeout"]
        assert int(live["MessageRetentionPeriod"]) == queue["MessageRetentionPeriod"]
        if "RedrivePolicy" in queue:
            redrive = json.loads(live["RedrivePolicy"])
            assert int(redrive["maxReceiveCount"]) == queue["RedrivePolicy"]["maxReceiveCount"]
            dlq = declared[queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]]
            assert redrive["deadLetterTargetArn"].endswith(":" + dlq["Properties"]["QueueName"])


def test_each_bucket_notifies_the_declared_queue_for_the_declared_prefixes(aws, declared):
    s3 = boto3.client("s3", region_name=REGION)
    buckets = [b for b in of_type(declared, "AWS::S3::Bucket") if "NotificationConfiguration" in b]
    assert len(buckets) == 2  # the RNE uploads, the help requests' documents
    for bucket in buckets:
        live = s3.get_bucket_notification_configuration(Bucket=bucket["BucketName"])[
            "QueueConfigurations"
        ]
        wanted = bucket["NotificationConfiguration"]["QueueConfigurations"]
        queue_names = {
            declared[c["Queue"]["Fn::GetAtt"][0]]["Properties"]["QueueName"] for c in wanted
        }
        assert {c["QueueArn"].rsplit(":", 1)[-1] for c in live} == queue_names
        assert sorted(c["Filter"]["Key"]["FilterRules"][0]["Value"] for c in live) == sorted(
            c["Filter"]["S3Key"]["Rules"][0]["Value"] for c in wanted
        )
        versioning = s3.get_bucket_versioning(Bucket=bucket["BucketName"])
        assert versioning["Status"] == bucket["VersioningConfiguration"]["Status"]


def test_the_sender_identity_configuration_set_and_secret_exist_as_declared(aws, declared):
    ses = boto3.client("sesv2", region_name=REGION)
    identities = {i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]}
    assert {i["EmailIdentity"] for i in of_type(declared, "AWS::SES::EmailIdentity")} <= identities
    assert {c["Name"] for c in of_type(declared, "AWS::SES::ConfigurationSet")} <= set(
        ses.list_configuration_sets()["ConfigurationSets"]
    )
    secrets = boto3.client("secretsmanager", region_name=REGION)
    for secret in of_type(declared, "AWS::SecretsManager::Secret"):
        assert len(secrets.get_secret_value(SecretId=secret["Name"])["SecretString"]) >= 32
