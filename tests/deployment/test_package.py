"""`make package` end to end: Chalice's package merged with infra/'s template is a valid
CloudFormation template (cfn-lint, no error) where each function has its own least-privilege
role, the settings infra/resources.py declares, and the RNE bucket is wired to ingestion."""

import json
import subprocess
import sys
from pathlib import Path

from infra.check_package import problems

BIN = Path(sys.executable).parent


def test_the_package_holds_the_code_and_one_template(packaged):
    assert sorted(p.name for p in packaged.iterdir()) == ["deployment.zip", "sam.json"]


def test_each_function_has_its_own_least_privilege_role(packaged):
    document = json.loads((packaged / "sam.json").read_text(encoding="utf-8"))
    assert problems(document) == []
    assert "DefaultRole" not in document["Resources"]


def test_chalice_functions_and_infra_resources_are_one_template(packaged):
    document = json.loads((packaged / "sam.json").read_text(encoding="utf-8"))
    items = document["Resources"]
    assert items["RneIngest"]["Properties"]["Timeout"] == 300
    assert items["RneIngest"]["Properties"]["Role"] == {"Fn::GetAtt": ["RneIngestRole", "Arn"]}
    assert items["RestAPI"]["Properties"]["MethodSettings"][0]["MetricsEnabled"] is True
    definition = items["RestAPI"]["Properties"]["DefinitionBody"]
    assert "/me" in definition["paths"]  # Chalice's definition, with the gateway responses
    assert definition["x-amazon-apigateway-gateway-responses"]["THROTTLED"]["statusCode"] == "429"
    assert items["RneIngestEventSource"]["Properties"]["FunctionName"] == {"Ref": "RneIngest"}
    assert "QueueConfigurations" in items["RneBucket"]["Properties"]["NotificationConfiguration"]
    assert document["Transform"] == "AWS::Serverless-2016-10-31"


def test_cfn_lint_finds_no_error(packaged):
    result = subprocess.run(
        [BIN / "cfn-lint", "--regions", "eu-west-3", "--", packaged / "sam.json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
