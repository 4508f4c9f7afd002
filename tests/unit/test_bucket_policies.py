"""Who may write what in the RNE bucket, as AWS would decide it: the prod template's bucket
policy, uploader roles and function roles, evaluated by an IAM simulator
(@cloud-copilot/iam-simulate, run in Node by tests/support/iam_simulate.mjs)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from infra.template import template
from infra.template.naming import role_id
from infra.template.uploaders import INGESTION, MINISTRY_ROLE, PREFECTURE_ROLE

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "111122223333", "eu-west-3"


@pytest.fixture(scope="module")
def stack():
    return template("prod")


def resolve(value, resources: dict):
    """The concrete value of a template expression, for this account and region (the
    uploaders' account left empty: this one)."""
    if isinstance(value, list):
        return [resolve(v, resources) for v in value]
    if not isinstance(value, dict):
        return value
    if "Fn::Sub" in value:
        text, names = value["Fn::Sub"], {}
        if isinstance(text, list):
            text, names = text[0], {k: resolve(v, resources) for k, v in text[1].items()}

        def substitute(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in names:
                return names[name]
            return resolve(_reference(name), resources)

        return re.sub(r"\$\{([^}]+)\}", substitute, text)
    if "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn"
        kind = resources.get(logical, {}).get("Type", "AWS::IAM::Role")  # roles: Chalice's
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{resources[logical]['Properties']['BucketName']}"
        if kind == "AWS::KMS::Key":
            return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{logical}"
        return f"arn:aws:iam::{ACCOUNT}:role/{logical}"
    if "Ref" in value:
        return {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": "aws",
            "RneUploadersAccountId": "",
        }[value["Ref"]]
    if "Fn::If" in value:
        _, when_true, _ = value["Fn::If"]  # the uploaders' account: this one
        return resolve(when_true, resources)
    return {k: resolve(v, resources) for k, v in value.items()}


def _reference(name: str) -> dict:
    if "." in name:
        logical, attribute = name.split(".")
        return {"Fn::GetAtt": [logical, attribute]}
    return {"Ref": name}


def role_policies(stack: dict, logical: str) -> list[dict]:
    properties = stack["Resources"][logical]["Properties"]
    return [resolve(p["PolicyDocument"], stack["Resources"]) for p in properties["Policies"]]


def simulate(cases: list[dict]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js runs the IAM simulator here")
    out = subprocess.run(  # noqa: S603 - our own script
        [node, "tests/support/iam_simulate.mjs"],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def principals(stack):
    resources = stack["Resources"]
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role"
    ingestion = role_id(INGESTION)
    return {
        "prefecture 35": {
            "principal": f"{session}/{PREFECTURE_ROLE}/agent-35",
            "context": {
                "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/{PREFECTURE_ROLE}",
                "aws:PrincipalTag/departement": "35",
            },
            "identityPolicies": role_policies(stack, PREFECTURE_ROLE),
        },
        "ministère": {
            "principal": f"{session}/{MINISTRY_ROLE}/agent",
            "context": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/{MINISTRY_ROLE}"},
            "identityPolicies": role_policies(stack, MINISTRY_ROLE),
        },
        "ingestion": {
            "principal": f"{session}/{ingestion}/mce-prod-rne-ingest",
            "context": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/{ingestion}"},
            "identityPolicies": role_policies(stack, ingestion),
        },
        # an operator whose own policy allows everything on S3: the bucket still decides
        "administrateur": {
            "principal": f"arn:aws:iam::{ACCOUNT}:user/admin",
            "context": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/admin"},
            "identityPolicies": [
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                }
            ],
        },
        "_bucket": resolve(
            stack["Resources"]["RneBucketPolicy"]["Properties"]["PolicyDocument"], resources
        ),
        "_name": resources["RneBucket"]["Properties"]["BucketName"],
    }


ALLOWED, DENIED = "Allowed", ("ExplicitlyDenied", "ImplicitlyDenied")
EXPECTED = [
    # who, action, key, allowed
    ("prefecture 35", "s3:PutObject", "prefectures/35/elus-cm.csv", True),
    ("prefecture 35", "s3:PutObject", "prefectures/22/elus-cm.csv", False),
    ("prefecture 35", "s3:PutObject", "prefectures/35-faux/elus-cm.csv", False),
    ("prefecture 35", "s3:PutObject", "national/elus-cm.csv", False),
    ("prefecture 35", "s3:PutObject", "rne-reports/prefectures/35/elus-cm.csv.json", False),
    ("prefecture 35", "s3:PutObject", "rne-etat/abc/CM-35/0000000002.json", False),
    ("prefecture 35", "s3:PutObject", "ailleurs/elus-cm.csv", False),
    ("prefecture 35", "s3:DeleteObject", "prefectures/35/elus-cm.csv", False),
    ("prefecture 35", "s3:GetObject", "rne-reports/prefectures/35/elus-cm.csv.json", True),
    ("prefecture 35", "s3:GetObject", "rne-reports/prefectures/22/elus-cm.csv.json", False),
    ("ministère", "s3:PutObject", "national/8-rne-dep.csv", True),
    ("ministère", "s3:PutObject", "prefectures/35/elus-cm.csv", False),
    ("ministère", "s3:PutObject", "rne-reports/national/8-rne-dep.csv.json", False),
    ("ingestion", "s3:PutObject", "rne-reports/prefectures/35/elus-cm.csv.json", True),
    ("ingestion", "s3:PutObject", "rne-etat/abc/CM-35/0000000002.json", True),
    ("ingestion", "s3:DeleteObject", "rne-etat/abc/CM-35/0000000002.json", True),
    ("ingestion", "s3:GetObject", "prefectures/35/elus-cm.csv", True),
    ("ingestion", "s3:PutObject", "prefectures/35/elus-cm.csv", False),
    ("ingestion", "s3:PutObject", "national/8-rne-dep.csv", False),
    ("administrateur", "s3:PutObject", "national/8-rne-dep.csv", False),
    ("administrateur", "s3:PutObject", "prefectures/35/elus-cm.csv", False),
    ("administrateur", "s3:PutObject", "rne-reports/national/8-rne-dep.csv.json", False),
    ("administrateur", "s3:PutObject", "rne-etat/abc/CM-35/0000000002.json", False),
    ("administrateur", "s3:DeleteObject", "prefectures/35/elus-cm.csv", False),
    ("administrateur", "s3:GetObject", "prefectures/35/elus-cm.csv", True),
]


def test_each_sender_writes_only_its_own_folder_and_only_the_ingestion_its_own(principals):
    bucket = principals["_name"]
    cases = [
        {
            **principals[who],
            "action": action,
            "resource": f"arn:aws:s3:::{bucket}/{key}",
            "account": ACCOUNT,
            "resourcePolicy": principals["_bucket"],
        }
        for who, action, key, _ in EXPECTED
    ]
    results = simulate(cases)
    wrong = [
        (who, action, key, result)
        for (who, action, key, allowed), result in zip(EXPECTED, results, strict=True)
        if (result == ALLOWED) != allowed or (not allowed and result not in DENIED)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("tags", "allowed"),
    [
        ({"aws:RequestTag/departement": "35"}, True),
        ({"aws:RequestTag/departement": "2A"}, True),
        ({"aws:RequestTag/departement": "FR"}, False),
        ({"aws:RequestTag/departement": "*"}, False),
        ({}, False),
    ],
)
def test_only_a_session_tagged_with_a_real_departement_becomes_a_prefecture(stack, tags, allowed):
    resources = stack["Resources"]
    trust = resolve(resources[PREFECTURE_ROLE]["Properties"]["AssumeRolePolicyDocument"], resources)
    keys = ["departement"] if tags else []
    [result] = simulate(
        [
            {
                "principal": f"arn:aws:iam::{ACCOUNT}:role/federation-des-prefectures",
                "action": "sts:AssumeRole",
                "resource": f"arn:aws:iam::{ACCOUNT}:role/{PREFECTURE_ROLE}",
                "account": ACCOUNT,
                "context": {**tags, "aws:TagKeys": keys},
                "identityPolicies": [
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
                        ],
                    }
                ],
                "resourcePolicy": trust,
            }
        ]
    )
    assert (result == ALLOWED) is allowed, result
