"""Where the data lives: the DynamoDB tables (from the PynamoDB models), the RNE bucket and the
NIR key secret, all encrypted with the stack's key and kept when the stack is deleted."""

from __future__ import annotations

from urllib.parse import urlsplit

from chalicelib.models import ALL_MODELS
from chalicelib.settings import Settings

from .. import resources
from . import uploaders
from .naming import DATA_KEY, resource_id, stage_name
from .parts import bucket_policy

ACCESS_LOGS = "AccessLogsBucket"
_KEEP = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def private_versioned_bucket_properties() -> dict:
    """Bucket properties: no ACLs, no public access, versions kept."""
    return {
        "VersioningConfiguration": {"Status": "Enabled"},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
    }


def table_definitions() -> dict[str, dict]:
    """Settings field -> the table's keys, indexes and TTL attribute, from the models (two
    models may share a table: their key schemas are the same, their indexes add up)."""
    tables: dict[str, dict] = {}
    for model in ALL_MODELS:
        schema = model._get_schema()
        table = tables.setdefault(
            model.Meta.settings_field,
            {
                "AttributeDefinitions": {},
                "KeySchema": sorted(schema["key_schema"], key=lambda key: key["KeyType"] != "HASH"),
                "GlobalSecondaryIndexes": {},
                "TimeToLive": None,
            },
        )
        for attribute in schema["attribute_definitions"]:
            table["AttributeDefinitions"][attribute["AttributeName"]] = attribute
        for index in schema["global_secondary_indexes"]:
            table["GlobalSecondaryIndexes"][index["index_name"]] = {
                "IndexName": index["index_name"],
                "KeySchema": sorted(index["key_schema"], key=lambda k: k["KeyType"] != "HASH"),
                "Projection": index["projection"],
            }
        ttl = model._ttl_attribute()
        if ttl is not None:
            table["TimeToLive"] = ttl.attr_name
    return tables


def tables(settings: Settings) -> dict:
    out = {}
    for field, table in table_definitions().items():
        properties = {
            "TableName": getattr(settings, field),
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": sorted(
                table["AttributeDefinitions"].values(), key=lambda a: a["AttributeName"]
            ),
            "KeySchema": table["KeySchema"],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {
                "SSEEnabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": {"Ref": DATA_KEY},
            },
            "DeletionProtectionEnabled": settings.stage == "prod",
        }
        if table["GlobalSecondaryIndexes"]:
            properties["GlobalSecondaryIndexes"] = list(table["GlobalSecondaryIndexes"].values())
        if table["TimeToLive"]:
            properties["TimeToLiveSpecification"] = {
                "AttributeName": table["TimeToLive"],
                "Enabled": True,
            }
        out[resource_id(field)] = {
            "Type": "AWS::DynamoDB::Table",
            **_KEEP,
            "Properties": properties,
        }
    return out


def data_key() -> dict:
    """One customer-managed key for the personal data at rest. The account's administrators
    manage it; the services below may use it for what they deliver into encrypted resources
    (the functions get their use of it from their own IAM policies)."""
    account_root = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    use = ["kms:Decrypt", "kms:GenerateDataKey*"]
    return {
        DATA_KEY: {
            "Type": "AWS::KMS::Key",
            **_KEEP,
            "Properties": {
                "Description": "Mon Compte Élu: données personnelles au repos",
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountAdministration",
                            "Effect": "Allow",
                            "Principal": {"AWS": account_root},
                            "Action": "kms:*",
                            "Resource": "*",
                        },
                        {
                            "Sid": "LogsEncryptLogGroups",
                            "Effect": "Allow",
                            "Principal": {
                                "Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}
                            },
                            "Action": [
                                "kms:Encrypt*",
                                "kms:Decrypt*",
                                "kms:ReEncrypt*",
                                "kms:GenerateDataKey*",
                                "kms:Describe*",
                            ],
                            "Resource": "*",
                            "Condition": {
                                "ArnLike": {
                                    "kms:EncryptionContext:aws:logs:arn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}"
                                        ":${AWS::AccountId}:log-group:*"
                                    }
                                }
                            },
                        },
                        {
                            "Sid": "S3NotifiesTheEncryptedQueue",
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": use,
                            "Resource": "*",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        },
                        {
                            "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": use,
                            "Resource": "*",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        },
                    ],
                },
            },
        },
        "DataKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {
                "AliasName": {"Fn::Sub": "alias/${AWS::StackName}-data"},
                "TargetKeyId": {"Ref": DATA_KEY},
            },
        },
    }


# How long the RNE bucket keeps what (docs/rne.md, "Retention"). The snapshot lists (rne-etat/) have
# no age limit: the current ones are the base of the next comparison, and the ingestion
# deletes those a newer snapshot replaces.
RNE_RETENTION = [
    {  # uploads: a year for audit; the state they led to is in the tables and the lists
        "Id": "uploads",
        "Status": "Enabled",
        "Prefix": "prefectures/",
        "ExpirationInDays": 400,
    },
    {"Id": "national-uploads", "Status": "Enabled", "Prefix": "national/", "ExpirationInDays": 400},
    {"Id": "reports", "Status": "Enabled", "Prefix": "rne-reports/", "ExpirationInDays": 400},
    {  # the pieces of a report a file that never finished left behind
        "Id": "report-parts",
        "Status": "Enabled",
        "Prefix": "rne-reports/.parts/",
        "ExpirationInDays": 30,
    },
    {  # lists replaced or discarded: gone for good within a week
        "Id": "replaced-lists",
        "Status": "Enabled",
        "Prefix": "rne-etat/",
        "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
        "ExpiredObjectDeleteMarker": True,
    },
    {  # corrected uploads and reports: their older versions
        "Id": "old-versions",
        "Status": "Enabled",
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    },
]


SUPPORT_RETENTION = [
    {  # a request's documents: its year after closing, and a little more
        "Id": "documents",
        "Status": "Enabled",
        "Prefix": "pieces/",
        "ExpirationInDays": 400,
    },
    {
        "Id": "old-versions",
        "Status": "Enabled",
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    },
]
PAYMENTS_RETENTION = [
    {  # accounting records: ten years (Code de commerce, article L123-22), and a little more
        "Id": "pieces-comptables",
        "Status": "Enabled",
        "ExpirationInDays": 3700,
    },
    {
        "Id": "old-versions",
        "Status": "Enabled",
        "NoncurrentVersionExpiration": {"NoncurrentDays": 3700},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    },
]
RETENTION = {
    "rne_bucket": RNE_RETENTION,
    "support_bucket": SUPPORT_RETENTION,
    "payments_bucket": PAYMENTS_RETENTION,
}


def buckets(settings: Settings) -> dict:
    """The RNE bucket: versioned, encrypted, private, TLS only. Its notifications are wired in
    messaging.py (they need the queue)."""
    out = _access_logs_bucket(settings)
    for field in resources.BUCKETS:
        bucket_id = resource_id(field)
        out[bucket_id] = {
            "Type": "AWS::S3::Bucket",
            **_KEEP,
            "Properties": {
                "BucketName": getattr(settings, field),
                # who read or wrote which file: the files hold every élu's identity
                "LoggingConfiguration": {
                    "DestinationBucketName": {"Ref": ACCESS_LOGS},
                    "LogFilePrefix": f"{getattr(settings, field)}/",
                },
                **private_versioned_bucket_properties(),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": {"Ref": DATA_KEY},
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "LifecycleConfiguration": {"Rules": RETENTION[field]},
                **_cors(field, settings),
            },
        }
        statements = uploaders.bucket_statements() if field == "rne_bucket" else ()
        out[bucket_id + "Policy"] = bucket_policy(bucket_id, *statements)
    return out


def _cors(field: str, settings: Settings) -> dict:
    """The help documents are posted by the browser, from the site, straight to the bucket.
    The site is the stage's PUBLIC_URL (the distribution's own address would make a circle:
    the API behind it is allowed to write this bucket)."""
    if field != "support_bucket":
        return {}
    parsed = urlsplit(settings.public_url)
    site = f"{parsed.scheme}://{parsed.netloc}"
    return {
        "CorsConfiguration": {
            "CorsRules": [
                {
                    "AllowedMethods": ["POST"],
                    "AllowedOrigins": [site],
                    "AllowedHeaders": ["*"],
                    "MaxAge": 3600,
                }
            ]
        }
    }


def _access_logs_bucket(settings: Settings) -> dict:
    return {
        ACCESS_LOGS: {
            "Type": "AWS::S3::Bucket",
            **_KEEP,
            "Metadata": {
                "checkov": {
                    "skip": [
                        {
                            "id": "CKV_AWS_18",
                            "comment": "The access logs bucket does not log itself.",
                        },
                        {
                            "id": "CKV_AWS_145",
                            "comment": "S3 delivers access logs only to a bucket "
                            "encrypted with S3-managed keys.",
                        },
                    ]
                }
            },
            "Properties": {
                "BucketName": {"Fn::Sub": stage_name(settings, "access-logs-${AWS::AccountId}")},
                **private_versioned_bucket_properties(),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "expire",
                            "Status": "Enabled",
                            "ExpirationInDays": 400,
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        }
                    ]
                },
            },
        },
        ACCESS_LOGS + "Policy": bucket_policy(
            ACCESS_LOGS,
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": {"Fn::Sub": f"${{{ACCESS_LOGS}.Arn}}/*"},
                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            },
        ),
    }


_SECRET_DESCRIPTIONS = {
    "nir_hmac_key_secret": "Clé HMAC des NIR, générée ici (ne jamais la changer : les comptes "
    "en dérivent)",
    "franceconnect_client_secret": "Secret du client FranceConnect : y mettre celui que "
    "FranceConnect a remis (la valeur générée n'est qu'un "
    "bouche-trou)",
    "franceconnect_plus_client_secret": "Secret du client FranceConnect+ : y mettre celui que "
    "FranceConnect+ a remis (la valeur générée n'est qu'un bouche-trou)",
    "franceconnect_encryption_keys": "Clés privées de déchiffrement FranceConnect+ (JWKS) : "
    "créées et changées par python -m infra.franceconnect cles rotation",
    "origin_verify_secret": "En-tête X-Origin-Verify que CloudFront envoie à l'API et que son "
    "pare-feu exige : l'API ne répond que par CloudFront",
}


def secrets(settings: Settings) -> dict:
    """Generated by Secrets Manager, so nobody ever types the NIR key; FranceConnect's client
    secrets are then set by an operator, and the encryption key set made by the rotation
    command (the generated value is no key set: FranceConnect+ logins wait for it)."""
    return {
        resource_id(field): {
            "Type": "AWS::SecretsManager::Secret",
            **_KEEP,
            "Metadata": {
                "checkov": {
                    "skip": [
                        {
                            "id": "CKV2_AWS_57",
                            "comment": "No rotation: the NIR key cannot change (account "
                            "keys derive from it), FranceConnect's secrets "
                            "are rotated by FranceConnect, the encryption keys "
                            "by the operators' rotation command.",
                        }
                    ]
                }
            },
            "Properties": {
                "Name": getattr(settings, field),
                "Description": _SECRET_DESCRIPTIONS[field],
                "KmsKeyId": {"Ref": DATA_KEY},
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        }
        for field in resources.SECRETS
    }
