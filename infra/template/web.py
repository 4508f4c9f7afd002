"""The web client's hosting: its files in a private bucket, behind CloudFront with the API on
the same origin (`/api/*` goes to API Gateway, uncached, cookies and headers passed on), so the
session cookie and the pages share one site, as with `make run`."""

from __future__ import annotations

import json

from chalicelib.settings import Settings
from infra.web_files import WEB_ROOT

from .api import API_ID, API_STAGE
from .data import ACCESS_LOGS, private_versioned_bucket_properties
from .naming import ORIGIN_HEADER, ORIGIN_SECRET_VALUE, VIEWER_IP_HEADER, stage_name
from .parts import bucket_policy

WEB_BUCKET = "WebBucket"
DISTRIBUTION = "WebDistribution"
# AWS managed CloudFront policies (fixed ids, documented by AWS).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def content_security_policy(settings: Settings) -> str:
    """Only this site, but for the browser's direct upload of a help request's documents to
    their bucket (a presigned POST: the file never passes through the API)."""
    bucket = settings.support_bucket
    uploads = (
        f"https://{bucket}.s3.amazonaws.com https://{bucket}.s3.{settings.region}.amazonaws.com"
    )
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:; connect-src 'self' {uploads}; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


PARAMETERS = {
    "WebDomainName": {
        "Type": "String",
        "Default": "",
        "Description": "Nom de domaine du site (vide : celui de CloudFront).",
    },
    "WebCertificateArn": {
        "Type": "String",
        "Default": "",
        "AllowedPattern": "^$|^arn:aws[a-zA-Z-]*:acm:us-east-1:[0-9]{12}:certificate/.+$",
        "Description": "Certificat ACM (us-east-1) de ce domaine.",
    },
}
CONDITIONS = {"HasWebDomain": {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebDomainName"}, ""]}]}}


def pages() -> list[str]:
    """The clean paths of the pages in web/: "/", "/connexion", "/connexion/franceconnect"."""
    paths = []
    for page in sorted(WEB_ROOT.rglob("*.html")):
        relative = page.relative_to(WEB_ROOT).with_suffix("").as_posix()
        paths.append("/" if relative == "index" else f"/{relative}")
    return paths


def rewrite_function_code() -> str:
    """CloudFront Function (viewer request): a page's clean path to its file, as
    local/web_files.py does for `make run`; any other path that is not an asset to 404.html."""
    table = json.dumps(
        {path: ("/index.html" if path == "/" else f"{path}.html") for path in pages()},
        sort_keys=True,
    )
    return (
        f"var PAGES = {table};\n"
        "function handler(event) {\n"
        "  var request = event.request;\n"
        "  var uri = request.uri.length > 1 ? request.uri.replace(/\\/+$/, '') : '/';\n"
        "  if (PAGES[uri]) { request.uri = PAGES[uri]; }\n"
        "  else if (uri.indexOf('/assets/') !== 0) { request.uri = '/404.html'; }\n"
        "  return request;\n"
        "}\n"
    )


def api_viewer_function_code() -> str:
    """CloudFront Function (viewer request) of /api/*: the viewer's address in a header of its
    own, replacing whatever the client sent there. The API's firewall and rate limits count
    requests by it (behind CloudFront, the caller's address is an edge's)."""
    return (
        "function handler(event) {\n"
        "  var request = event.request;\n"
        f"  request.headers['{VIEWER_IP_HEADER}'] = {{value: event.viewer.ip}};\n"
        "  return request;\n"
        "}\n"
    )


def web(settings: Settings) -> dict:
    distribution_arn = {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
        f"distribution/${{{DISTRIBUTION}}}"
    }
    return {
        WEB_BUCKET: {
            "Type": "AWS::S3::Bucket",
            "Metadata": {
                "checkov": {
                    "skip": [
                        {
                            "id": "CKV_AWS_145",
                            "comment": "Public static files: S3-managed "
                            "encryption, which CloudFront reads "
                            "without a key grant.",
                        }
                    ]
                }
            },
            "Properties": {
                **private_versioned_bucket_properties(),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
                "LoggingConfiguration": {
                    "DestinationBucketName": {"Ref": ACCESS_LOGS},
                    "LogFilePrefix": "web/",
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "old-versions",
                            "Status": "Enabled",
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        }
                    ]
                },
            },
        },
        WEB_BUCKET + "Policy": bucket_policy(
            WEB_BUCKET,
            {
                "Sid": "CloudFrontReads",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": {"Fn::Sub": f"${{{WEB_BUCKET}.Arn}}/*"},
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
            },
        ),
        "WebOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": stage_name(settings, "web"),
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "WebPages": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": stage_name(settings, "pages"),
                "AutoPublish": True,
                "FunctionConfig": {
                    "Comment": "Pages du site : chemin propre vers fichier",
                    "Runtime": "cloudfront-js-2.0",
                },
                "FunctionCode": rewrite_function_code(),
            },
        },
        "ApiViewer": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": stage_name(settings, "api-viewer"),
                "AutoPublish": True,
                "FunctionConfig": {
                    "Comment": "API : adresse du visiteur dans x-mce-viewer-ip",
                    "Runtime": "cloudfront-js-2.0",
                },
                "FunctionCode": api_viewer_function_code(),
            },
        },
        "WebSecurityHeaders": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {
                "ResponseHeadersPolicyConfig": {
                    "Name": stage_name(settings, "securite"),
                    "SecurityHeadersConfig": {
                        "ContentSecurityPolicy": {
                            "ContentSecurityPolicy": content_security_policy(settings),
                            "Override": True,
                        },
                        "ContentTypeOptions": {"Override": True},
                        "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        "ReferrerPolicy": {
                            "ReferrerPolicy": "strict-origin-when-cross-origin",
                            "Override": True,
                        },
                        "StrictTransportSecurity": {
                            "AccessControlMaxAgeSec": 63072000,
                            "IncludeSubdomains": True,
                            "Override": True,
                        },
                    },
                }
            },
        },
        DISTRIBUTION: {
            "Type": "AWS::CloudFront::Distribution",
            # cfn-lint resolves WebCertificateArn to its empty default, which the
            # HasWebDomain condition never lets reach the certificate
            "Metadata": {
                "cfn-lint": {"config": {"ignore_checks": ["W1030"]}},
                "checkov": {
                    "skip": [
                        {
                            "id": "CKV_AWS_68",
                            "comment": "The WAF is on the API (regional), "
                            "where every dynamic request goes; "
                            "the rest is static files.",
                        },
                        {
                            "id": "CKV_AWS_86",
                            "comment": "CloudFront standard logs need an "
                            "ACL-enabled bucket; API access logs "
                            "and S3 access logs cover the site.",
                        },
                        {
                            "id": "CKV_AWS_310",
                            "comment": "One origin per path: no failover origin to fall back on.",
                        },
                        {
                            "id": "CKV_AWS_374",
                            "comment": "No geo restriction: élus may connect from abroad.",
                        },
                        {
                            "id": "CKV_AWS_174",
                            "comment": "TLS 1.2 minimum once the domain's "
                            "certificate is set "
                            "(WebCertificateArn).",
                        },
                    ]
                },
            },
            "Properties": {
                "DistributionConfig": {
                    "Enabled": True,
                    "Comment": f"Mon Compte Élu ({settings.stage})",
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": True,
                    "PriceClass": "PriceClass_100",
                    "DefaultRootObject": "index.html",
                    "Aliases": {
                        "Fn::If": [
                            "HasWebDomain",
                            [{"Ref": "WebDomainName"}],
                            {"Ref": "AWS::NoValue"},
                        ]
                    },
                    "ViewerCertificate": {
                        "Fn::If": [
                            "HasWebDomain",
                            {
                                "AcmCertificateArn": {"Ref": "WebCertificateArn"},
                                "SslSupportMethod": "sni-only",
                                "MinimumProtocolVersion": "TLSv1.2_2021",
                            },
                            {"CloudFrontDefaultCertificate": True},
                        ]
                    },
                    "Origins": [
                        {
                            "Id": "web",
                            "DomainName": {"Fn::GetAtt": [WEB_BUCKET, "RegionalDomainName"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                            "OriginAccessControlId": {
                                "Fn::GetAtt": ["WebOriginAccessControl", "Id"]
                            },
                        },
                        {
                            "Id": "api",
                            "DomainName": {
                                "Fn::Sub": f"${{{API_ID}}}.execute-api.${{AWS::Region}}."
                                "amazonaws.com"
                            },
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                            # the API's firewall refuses whatever lacks it: CloudFront only
                            "OriginCustomHeaders": [
                                {
                                    "HeaderName": ORIGIN_HEADER,
                                    "HeaderValue": ORIGIN_SECRET_VALUE,
                                }
                            ],
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "web",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "Compress": True,
                        "ResponseHeadersPolicyId": {"Ref": "WebSecurityHeaders"},
                        "FunctionAssociations": [
                            {
                                "EventType": "viewer-request",
                                "FunctionARN": {
                                    "Fn::GetAtt": ["WebPages", "FunctionMetadata.FunctionARN"]
                                },
                            }
                        ],
                    },
                    "CacheBehaviors": [
                        {
                            # the stage is named "api": /api/sessions is the stage's /sessions
                            "PathPattern": f"/{API_STAGE}/*",
                            "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": [
                                "GET",
                                "HEAD",
                                "OPTIONS",
                                "PUT",
                                "PATCH",
                                "POST",
                                "DELETE",
                            ],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                            "ResponseHeadersPolicyId": {"Ref": "WebSecurityHeaders"},
                            "FunctionAssociations": [
                                {
                                    "EventType": "viewer-request",
                                    "FunctionARN": {
                                        "Fn::GetAtt": [
                                            "ApiViewer",
                                            "FunctionMetadata.FunctionARN",
                                        ]
                                    },
                                }
                            ],
                        }
                    ],
                }
            },
        },
    }


OUTPUTS = {
    "WebUrl": {
        "Value": {
            "Fn::If": [
                "HasWebDomain",
                {"Fn::Sub": "https://${WebDomainName}"},
                {"Fn::Sub": f"https://${{{DISTRIBUTION}.DomainName}}"},
            ]
        }
    },
    "WebBucketName": {"Value": {"Ref": WEB_BUCKET}},
    "WebDistributionId": {"Value": {"Ref": DISTRIBUTION}},
}
