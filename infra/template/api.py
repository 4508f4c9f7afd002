"""The REST API Chalice generates, made observable and guarded: per-route metrics (for the
dashboards), access logs without personal data, X-Ray, stage throttling, a WAF, and API
Gateway's own errors answered in problem+json and French, as the app's are."""

from __future__ import annotations

import json

from chalicelib.problems import generic
from chalicelib.settings import Settings

from .naming import (
    ORIGIN_HEADER,
    ORIGIN_SECRET_VALUE,
    VIEWER_IP_HEADER,
    arn,
    stage_name,
    waf_log_group_name,
)
from .parts import log_group

API_ID = "RestAPI"  # Chalice's
API_STAGE = "api"  # api_gateway_stage in .chalice/config.json
STAGE_ID = f"{API_ID}{API_STAGE}Stage"  # the stage resource SAM derives from it
RATE_LIMIT_PER_IP = 1000  # requests per 5 minutes, far above any person's use

# No path parameters (they may hold reset tokens), no identity, no body.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "method": "$context.httpMethod",
        "route": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationError": "$context.integrationErrorMessage",
        "wafStatus": "$context.waf.status",
    },
    separators=(",", ":"),
)


# What API Gateway answers by itself, with the status it answers (the local gateway answers the
# same, local/api_server.py): an unknown route (its 403 "Missing Authentication Token"), its
# stage throttling, a function past the 29 s integration timeout, and any other 5xx of its own:
# a function that crashed or that Lambda throttled (reserved concurrency reached), which API
# Gateway answers 500 or 502 "Internal server error" by default.
GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": 404,
    "REQUEST_TOO_LARGE": 413,
    "THROTTLED": 429,
    "INTEGRATION_TIMEOUT": 504,
    "DEFAULT_5XX": 502,
}


def gateway_responses() -> dict:
    """The OpenAPI extension that sets them (in the API's definition, so that a change of them
    is a new deployment of the stage). Their templates are sent as they are (no VTL)."""
    responses = {}
    for kind, status in GATEWAY_RESPONSES.items():
        answer = generic(status).to_response()
        responses[kind] = {
            "statusCode": str(status),
            "responseParameters": {
                f"gatewayresponse.header.{name}": f"'{value}'"
                for name, value in answer.headers.items()
            },
            "responseTemplates": {"application/json": answer.body},
        }
    return responses


def api_name(settings: Settings) -> str:
    return stage_name(settings, "api")


def rest_api(settings: Settings) -> dict:
    return {
        API_ID: {
            "DependsOn": ["ApiGatewayAccount"],
            "Metadata": {
                "checkov": {
                    "skip": [
                        {
                            "id": "CKV_AWS_120",
                            "comment": "No cache: answers are personal (a cached /me "
                            "could be served to someone else).",
                        }
                    ]
                }
            },
            "Properties": {
                "Name": api_name(settings),
                "DefinitionBody": {"x-amazon-apigateway-gateway-responses": gateway_responses()},
                "TracingEnabled": True,
                "MethodSettings": [
                    {
                        "ResourcePath": "/*",
                        "HttpMethod": "*",
                        "MetricsEnabled": True,
                        "LoggingLevel": "ERROR",
                        "DataTraceEnabled": False,
                        "ThrottlingRateLimit": 200,
                        "ThrottlingBurstLimit": 400,
                    }
                ],
                "AccessLogSetting": {
                    "DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
                    "Format": ACCESS_LOG_FORMAT,
                },
            },
        },
        "ApiAccessLogs": log_group(f"/mce/{settings.stage}/api-access"),
        # API Gateway writes logs with one role per account and region.
        "ApiGatewayAccount": {
            "Type": "AWS::ApiGateway::Account",
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}},
        },
        "ApiGatewayLogsRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    {
                        "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/"
                        "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                    }
                ],
            },
        },
    }


def firewall(settings: Settings) -> dict:
    def managed(name: str, priority: int) -> dict:
        return {
            "Name": name,
            "Priority": priority,
            "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name}},
            "VisibilityConfig": _visibility(name),
        }

    return {
        "ApiFirewall": {
            "Type": "AWS::WAFv2::WebACL",
            "Properties": {
                "Name": stage_name(settings, "api"),
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "VisibilityConfig": _visibility("api"),
                "Rules": [
                    # Only through CloudFront: it sends a secret header the API's default
                    # endpoint, called directly, would lack.
                    {
                        "Name": "cloudfront-only",
                        "Priority": 0,
                        "Action": {"Block": {}},
                        "Statement": {
                            "NotStatement": {
                                "Statement": {
                                    "ByteMatchStatement": {
                                        "FieldToMatch": {
                                            "SingleHeader": {"Name": ORIGIN_HEADER.lower()}
                                        },
                                        "PositionalConstraint": "EXACTLY",
                                        "SearchString": ORIGIN_SECRET_VALUE,
                                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                                    }
                                }
                            }
                        },
                        "VisibilityConfig": _visibility("cloudfront-only"),
                    },
                    # Behind CloudFront the caller is an edge: count the viewer's address, which
                    # CloudFront's function puts in its own header (X-Forwarded-For's first
                    # address is the client's to choose).
                    {
                        "Name": "rate-per-ip",
                        "Priority": 1,
                        "Action": {"Block": {}},
                        "Statement": {
                            "RateBasedStatement": {
                                "Limit": RATE_LIMIT_PER_IP,
                                "AggregateKeyType": "FORWARDED_IP",
                                "ForwardedIPConfig": {
                                    "HeaderName": VIEWER_IP_HEADER,
                                    "FallbackBehavior": "MATCH",
                                },
                            }
                        },
                        "VisibilityConfig": _visibility("rate-per-ip"),
                    },
                    managed("AWSManagedRulesCommonRuleSet", 2),
                    managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
                ],
            },
        },
        "ApiFirewallAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "DependsOn": [STAGE_ID],
            "Properties": {
                "WebACLArn": {"Fn::GetAtt": ["ApiFirewall", "Arn"]},
                "ResourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::"
                    f"/restapis/${{{API_ID}}}/stages/{API_STAGE}"
                },
            },
        },
        # WAF requires this prefix; the session cookie and bearer token are never logged.
        "ApiFirewallLogs": log_group(waf_log_group_name(settings)),
        "ApiFirewallLogging": {
            "Type": "AWS::WAFv2::LoggingConfiguration",
            "DependsOn": ["ApiFirewallLogs"],
            "Properties": {
                "ResourceArn": {"Fn::GetAtt": ["ApiFirewall", "Arn"]},
                # the ARN without the ":*" that GetAtt of a log group ends with, or WAF refuses it
                "LogDestinationConfigs": [arn("logs", f"log-group:{waf_log_group_name(settings)}")],
                "RedactedFields": [
                    {"SingleHeader": {"Name": "authorization"}},
                    {"SingleHeader": {"Name": "cookie"}},
                ],
            },
        },
    }


def _visibility(name: str) -> dict:
    return {
        "SampledRequestsEnabled": True,
        "CloudWatchMetricsEnabled": True,
        "MetricName": name.replace("-", ""),
    }
