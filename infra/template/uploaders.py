"""Who may write what in the RNE bucket.

- Prefectures assume one role, `RnePrefectureUploaderRole`, with a session tag
  `departement` (35, 2A, 974...) their identity provider sets: they may put objects only
  under `prefectures/<that département>/`, and read the reports of their own files.
- The ministry assumes `RneMinistryUploaderRole`: `national/` only.
- Only the ingestion function writes `rne-reports/` and `rne-etat/`.
The bucket policy denies the rest to anyone, whatever their own IAM policies allow, and nobody
deletes an upload (S3 Lifecycle expires them, see data.py).
tests/unit/test_bucket_policies.py evaluates these policies with an IAM simulator.
"""

from __future__ import annotations

from chalicelib.rne.territories import DEPARTEMENTS
from chalicelib.rne.uploads import NATIONAL_FOLDER, PREFECTURES

from .naming import DATA_KEY, resource_id, role_id

BUCKET = resource_id("rne_bucket")
PREFECTURE_ROLE = "RnePrefectureUploaderRole"
MINISTRY_ROLE = "RneMinistryUploaderRole"
INGESTION = "rne_ingest"
INTERNAL_PREFIXES = ("rne-reports/", "rne-etat/")
TAG = "departement"
# A literal policy variable inside Fn::Sub ("${!...}" is how Fn::Sub writes a "${").
OWN_DEPARTEMENT = "${!aws:PrincipalTag/" + TAG + "}"

PARAMETERS = {
    "RneUploadersAccountId": {
        "Type": "String",
        "Default": "",
        "AllowedPattern": "^$|^[0-9]{12}$",
        "Description": "Compte AWS d'où les préfectures et le ministère assument les rôles de "
        "dépôt du RNE (leur fédération d'identité) ; vide : le compte de la pile.",
    }
}
CONDITIONS = {"RneUploadersInThisAccount": {"Fn::Equals": [{"Ref": "RneUploadersAccountId"}, ""]}}


def _objects(path: str) -> dict:
    return {"Fn::Sub": f"${{{BUCKET}.Arn}}/{path}"}


def _trust(extra_condition: dict | None = None) -> dict:
    account = {
        "Fn::If": [
            "RneUploadersInThisAccount",
            {"Ref": "AWS::AccountId"},
            {"Ref": "RneUploadersAccountId"},
        ]
    }
    statement = {
        "Effect": "Allow",
        "Principal": {
            "AWS": {"Fn::Sub": ["arn:${AWS::Partition}:iam::${Id}:root", {"Id": account}]}
        },
        "Action": ["sts:AssumeRole", "sts:TagSession"],
    }
    if extra_condition:
        statement["Condition"] = extra_condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def _uploader(description: str, trust: dict, folder: str) -> dict:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": description,
            "AssumeRolePolicyDocument": trust,
            "MaxSessionDuration": 3600,
            "Policies": [
                {
                    "PolicyName": "DeposerDansSonDossier",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "Deposer",
                                "Effect": "Allow",
                                "Action": "s3:PutObject",
                                "Resource": _objects(f"{folder}/*"),
                            },
                            {
                                "Sid": "LireSesRapports",
                                "Effect": "Allow",
                                "Action": "s3:GetObject",
                                "Resource": _objects(f"rne-reports/{folder}/*"),
                            },
                            {
                                "Sid": "ChiffrerParS3",
                                "Effect": "Allow",
                                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                                "Resource": {"Fn::GetAtt": [DATA_KEY, "Arn"]},
                                "Condition": {
                                    "StringEquals": {
                                        "kms:ViaService": {
                                            "Fn::Sub": "s3.${AWS::Region}.amazonaws.com"
                                        }
                                    }
                                },
                            },
                        ],
                    },
                }
            ],
        },
    }


def uploader_roles() -> dict:
    prefecture_trust = _trust(
        {
            # the identity provider says which prefecture: a known département, one tag only
            "StringEquals": {f"aws:RequestTag/{TAG}": sorted(DEPARTEMENTS)},
            "ForAllValues:StringEquals": {"aws:TagKeys": [TAG]},
        }
    )
    return {
        PREFECTURE_ROLE: _uploader(
            "Préfectures : dépôt des fichiers du RNE de leur département (étiquette de session "
            "departement)",
            prefecture_trust,
            f"{PREFECTURES}/{OWN_DEPARTEMENT}",
        ),
        MINISTRY_ROLE: _uploader(
            "Ministère de l'Intérieur : dépôt des exports nationaux du RNE",
            _trust(),
            NATIONAL_FOLDER,
        ),
    }


def _principal_is(role: str) -> dict:
    return {"aws:PrincipalArn": {"Fn::GetAtt": [role, "Arn"]}}


def bucket_statements() -> list[dict]:
    """Denies for the RNE bucket's policy (after TLS only)."""
    internal = [_objects(f"{p}*") for p in INTERNAL_PREFIXES]
    uploads = [_objects(f"{PREFECTURES}/*"), _objects(f"{NATIONAL_FOLDER}/*")]
    return [
        {
            "Sid": "NothingOutsideTheFolders",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "NotResource": uploads + internal,
        },
        {
            "Sid": "ReportsAndListsByTheIngestionOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:PutObject", "s3:DeleteObject"],
            "Resource": internal,
            "Condition": {"ArnNotEquals": _principal_is(role_id(INGESTION))},
        },
        {
            "Sid": "NationalByTheMinistryOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": _objects(f"{NATIONAL_FOLDER}/*"),
            "Condition": {"ArnNotEquals": _principal_is(MINISTRY_ROLE)},
        },
        {
            "Sid": "PrefecturesByPrefecturesOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": _objects(f"{PREFECTURES}/*"),
            "Condition": {"ArnNotEquals": _principal_is(PREFECTURE_ROLE)},
        },
        {
            "Sid": "EachPrefectureInItsOwnFolder",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "NotResource": _objects(f"{PREFECTURES}/{OWN_DEPARTEMENT}/*"),
            "Condition": {"ArnEquals": _principal_is(PREFECTURE_ROLE)},
        },
        {
            "Sid": "UploadsAreNeverDeleted",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            "Resource": uploads,
        },
    ]
