"""Deploy a packaged stage (`make deploy STAGE=...`): upload the code and the template to the
artifact bucket, then create or update the stack with a change set, print what it changes, and
apply it; then publish the web client to its bucket and refresh CloudFront. Only boto3: no AWS
CLI or SAM CLI needed.

    ARTIFACT_BUCKET=... [ALARM_EMAIL=...] [REVIEW_ONLY=1] python -m infra.deploy STAGE DIR
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

from chalicelib.resource_names import stage_prefix

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]  # roles; the SAM transform
PARAMETERS_FROM_ENV = {
    "AlarmEmail": "ALARM_EMAIL",
    "RneRejectRateThreshold": "RNE_REJECT_RATE_THRESHOLD",
    "LoginFailureThreshold": "LOGIN_FAILURE_THRESHOLD",
    "Api5xxRateThreshold": "API_5XX_RATE_THRESHOLD",
    "RneUploadersAccountId": "RNE_UPLOADERS_ACCOUNT_ID",
}


def stack_name(stage: str) -> str:
    return stage_prefix(stage)


def with_code_location(template: dict, bucket: str, key: str) -> dict:
    """The template with every function's local code (`./deployment.zip`) replaced by the
    uploaded object."""
    document = json.loads(json.dumps(template))
    for resource in document["Resources"].values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(
            properties.get("CodeUri"), str
        ):
            properties["CodeUri"] = {"Bucket": bucket, "Key": key}
    return document


def upload(s3, bucket: str, key: str, data: bytes) -> None:
    """Content-addressed: an object already there is the same bytes."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        s3.put_object(Bucket=bucket, Key=key, Body=data, ServerSideEncryption="aws:kms")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def prepare(stage: str, package: Path, s3, bucket: str) -> str:
    """Upload the code and the template; answer the template's S3 URL."""
    code = (package / "deployment.zip").read_bytes()
    code_key = f"{stack_name(stage)}/code-{_digest(code)}.zip"
    upload(s3, bucket, code_key, code)
    template = with_code_location(
        json.loads((package / "sam.json").read_text("utf-8")), bucket, code_key
    )
    body = json.dumps(template).encode()
    template_key = f"{stack_name(stage)}/template-{_digest(body)}.json"
    upload(s3, bucket, template_key, body)  # templates over 51 kB must come from S3
    region = s3.meta.region_name
    return f"https://{bucket}.s3.{region}.amazonaws.com/{template_key}"


def create_change_set(
    cloudformation, stage: str, template_url: str, environ: dict[str, str]
) -> tuple[str, list[dict]]:
    name = stack_name(stage)
    try:
        status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        kind = "CREATE" if status == "REVIEW_IN_PROGRESS" else "UPDATE"
    except cloudformation.exceptions.ClientError:
        kind = "CREATE"
    change_set = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType=kind,
        TemplateURL=template_url,
        Capabilities=CAPABILITIES,
        Parameters=[
            {"ParameterKey": key, "ParameterValue": environ[variable]}
            for key, variable in PARAMETERS_FROM_ENV.items()
            if variable in environ
        ],
        Tags=[{"Key": "application", "Value": "mon-compte-elu"}, {"Key": "stage", "Value": stage}],
    )
    description = cloudformation.describe_change_set(StackName=name, ChangeSetName=change_set)
    while description["Status"] in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
        time.sleep(5)
        description = cloudformation.describe_change_set(StackName=name, ChangeSetName=change_set)
    if description["Status"] == "FAILED":
        reason = description.get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            return change_set, []
        raise RuntimeError(f"change set {change_set} failed: {reason}")
    return change_set, [c["ResourceChange"] for c in description.get("Changes", [])]


def publish_web(s3, bucket: str, root=None) -> int:
    """Upload the web client's files with their types; the number uploaded. Pages and scripts
    are not fingerprinted: browsers revalidate them (no-cache) so a deployment shows at once."""
    from . import web_files

    uploaded = 0
    for key, path in web_files.files(*([root] if root else [])):
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=web_files.content_type(path),
            CacheControl="no-cache",
        )
        uploaded += 1
    return uploaded


def publish_web_of_stack(session, stage: str) -> None:
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in session.client("cloudformation")
        .describe_stacks(StackName=stack_name(stage))["Stacks"][0]
        .get("Outputs", [])
    }
    count = publish_web(session.client("s3"), outputs["WebBucketName"])
    session.client("cloudfront").create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": str(time.time()),
        },
    )
    print(f"Site : {count} fichiers publiés, cache CloudFront invalidé ({outputs['WebUrl']}).")


def main(argv: list[str], environ: dict[str, str]) -> int:
    import boto3

    stage, package = argv[0], Path(argv[1])
    bucket = environ.get("ARTIFACT_BUCKET")
    if not bucket:
        print("ARTIFACT_BUCKET est requis : un bucket S3 du compte pour le code.", file=sys.stderr)
        return 2
    session = boto3.session.Session()
    cloudformation = session.client("cloudformation")
    url = prepare(stage, package, session.client("s3"), bucket)
    change_set, changes = create_change_set(cloudformation, stage, url, environ)
    if not changes:
        print(f"{stack_name(stage)} : rien à changer.")
        publish_web_of_stack(session, stage)
        return 0
    for change in changes:
        print(
            f"{change['Action']:8} {change['LogicalResourceId']} ({change['ResourceType']})"
            + (" — remplacement" if change.get("Replacement") == "True" else "")
        )
    if environ.get("REVIEW_ONLY"):
        print(f"Jeu de modifications {change_set} prêt, non appliqué.")
        return 0
    cloudformation.execute_change_set(StackName=stack_name(stage), ChangeSetName=change_set)
    status = _wait(cloudformation, stack_name(stage))
    print(f"{stack_name(stage)} : {status}")
    if not status.endswith("_COMPLETE") or "ROLLBACK" in status:
        return 1
    publish_web_of_stack(session, stage)
    return 0


def _wait(cloudformation, name: str) -> str:
    while True:
        status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(10)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], dict(os.environ)))
