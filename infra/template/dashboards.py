"""Two CloudWatch dashboards: the business view (signups, logins, élus recognised, RNE files,
help requests) from the metrics the code emits, and the operations view (API per route,
functions, queues, tables, email, firewall) from those AWS publishes."""

from __future__ import annotations

import json

from chalicelib.observability import NAMESPACE, SERVICE, Metric
from chalicelib.settings import Settings

from .. import resources
from .api import API_STAGE, api_name
from .data import table_definitions
from .naming import function_name, log_group_name, stage_name

M = Metric
BUSINESS = (
    ("Inscriptions", (M.ACCOUNT_CREATED, M.ACCOUNT_VERIFIED, M.VERIFICATION_FAILED)),
    ("Connexions", (M.LOGIN_SUCCEEDED, M.LOGIN_FAILED, M.ACCOUNT_LOCKED)),
    (
        "Connexions FranceConnect",
        (
            M.FRANCECONNECT_LOGIN_SUCCEEDED,
            M.FRANCECONNECT_LOGIN_FAILED,
            M.FRANCECONNECT_LINKED,
            M.FRANCECONNECT_LINK_REFUSED,
            M.FRANCECONNECT_SIGNUP_STARTED,
        ),
    ),
    ("Mots de passe oubliés", (M.PASSWORD_RESET_REQUESTED, M.PASSWORD_RESET_COMPLETED)),
    ("Mon compte", (M.EMAIL_CHANGED, M.PASSWORD_CHANGED, M.ACCOUNT_DELETED)),
    (
        "Élus reconnus",
        (M.ELU_RECOGNISED, M.RNE_AMBIGUOUS_MATCH, M.RNE_MANDATE_TAKEN_BACK),
    ),
    ("Droits DIF élus", (M.DIF_ACCOUNTS_DUE, M.DIF_CREDITED, M.DIF_RIGHTS_LAPSED)),
    ("RNE : lignes", (M.RNE_ROWS_READ, M.RNE_ROWS_ACCEPTED, M.RNE_ROWS_REJECTED)),
    ("RNE : fichiers", (M.RNE_FILE_PROCESSED, M.RNE_FILE_REJECTED, M.RNE_SNAPSHOT_HELD)),
    ("RNE : mandats", (M.RNE_MANDATES_WRITTEN, M.RNE_MANDATES_CLOSED)),
    (
        "Dossiers de formation : par statut",
        (
            M.DOSSIER_CREATED,
            M.DOSSIER_ACCEPTED,
            M.DOSSIER_REFUSED,
            M.DOSSIER_VALIDATED,
            M.DOSSIER_IN_TRAINING,
            M.DOSSIER_EXIT_DECLARED,
            M.DOSSIER_SERVICE_HELD,
            M.DOSSIER_SERVICE_VALIDATED,
            M.DOSSIER_SERVICE_REJECTED,
            M.DOSSIER_PAID,
            M.DOSSIER_CANCELLED,
            M.DOSSIER_EXPIRED,
        ),
    ),
    (
        "Droits DIF élus : débités et remboursés (€)",
        (M.DIF_DEBITED_EUROS, M.DIF_REFUNDED_EUROS, M.DIF_UNREALISED_REFUNDED_EUROS),
    ),
    (
        "Paiement des organismes : dû, en lots, payé (€)",
        (M.ORGANISMES_DUE_EUROS, M.PAYMENT_LOTS_EUROS, M.PAYMENT_PAID_EUROS),
    ),
    (
        "Paiement des organismes : lots",
        (M.PAYMENT_LOTS_MADE, M.PAYMENT_LOTS_HELD, M.PAYMENT_LOTS_REJECTED, M.BANK_DETAILS_CHANGED),
    ),
    ("Formations évaluées par les élus", (M.TRAINING_RATED,)),
    (
        "Demandes d'aide",
        (
            M.SUPPORT_REQUEST_RECEIVED,
            M.SUPPORT_REQUEST_AUTO_RESOLVED,
            M.SUPPORT_REQUEST_FORWARDED,
            M.SUPPORT_REQUEST_FAILED,
            M.SUPPORT_DOCUMENT_IGNORED,
        ),
    ),
)
OPERATIONS = (
    ("Emails envoyés / en échec", (M.EMAIL_SENT, M.EMAIL_SEND_FAILED)),
    ("Erreurs non gérées de l'API", (M.UNHANDLED_ERROR,)),
)


def dashboards(settings: Settings, routes: list[tuple[str, str]]) -> dict:
    """`routes`: (method, path) of every API route, for the per-route widgets."""
    return {
        "BusinessDashboard": _dashboard(stage_name(settings, "metier"), business(settings)),
        "OperationsDashboard": _dashboard(
            stage_name(settings, "exploitation"), operations(settings, routes)
        ),
    }


def _dashboard(name: str, widgets: list[dict]) -> dict:
    for index, widget in enumerate(widgets):  # two per row
        widget.update(x=12 * (index % 2), y=6 * (index // 2), width=12, height=6)
    body = json.dumps({"widgets": widgets}, ensure_ascii=False)
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {"DashboardName": name, "DashboardBody": {"Fn::Sub": body}},
    }


def _code_metrics(title: str, names, stat: str = "Sum") -> dict:
    return _metric_widget(title, [[NAMESPACE, name, "service", SERVICE] for name in names], stat)


def _metric_widget(title: str, metrics: list, stat: str = "Sum") -> dict:
    return {
        "type": "metric",
        "properties": {
            "title": title,
            "region": "${AWS::Region}",
            "view": "timeSeries",
            "stat": stat,
            "period": 300,
            "metrics": metrics,
        },
    }


def business(settings: Settings) -> list[dict]:
    rne_ingest = next(f for f in resources.FUNCTIONS if f.name == "rne_ingest")
    return [
        *(_code_metrics(title, names) for title, names in BUSINESS),
        _code_metrics(
            "RNE : taux de rejet d'un fichier (%, max)", (M.RNE_FILE_REJECT_RATE,), "Maximum"
        ),
        _code_metrics(
            "Paiement : services faits en attente d'un opérateur, jours du plus ancien impayé "
            "(promesse : 30), factures reportées (max)",
            (
                M.SERVICES_WAITING_VALIDATION,
                M.PAYMENT_OLDEST_UNPAID_DAYS,
                M.PAYMENT_LINES_WAITING,
            ),
            "Maximum",
        ),
        {
            "type": "log",
            "properties": {
                "title": "RNE : lignes lues, acceptées, rejetées par fichier",
                "region": "${AWS::Region}",
                "view": "table",
                "query": f"SOURCE '{log_group_name(rne_ingest, settings)}' "
                "| filter message = 'RNE file ingested' "
                "| fields @timestamp, s3_key, compteurs.lignes_lues as lues, "
                "compteurs.acceptees as acceptees, compteurs.rejetees as rejetees, "
                "compteurs.elus_reconnus as elus_reconnus "
                "| sort @timestamp desc | limit 100",
            },
        },
    ]


def operations(settings: Settings, routes: list[tuple[str, str]]) -> list[dict]:
    def per_route(metric: str, stat: str) -> list:
        return [
            [
                "AWS/ApiGateway",
                metric,
                "ApiName",
                api_name(settings),
                "Stage",
                API_STAGE,
                "Method",
                method,
                "Resource",
                path,
                {"stat": stat, "label": f"{method} {path}"},
            ]
            for method, path in routes
        ]

    functions = [function_name(f, settings) for f in resources.FUNCTIONS]

    def per_function(metric: str, stat: str) -> list:
        return [["AWS/Lambda", metric, "FunctionName", name, {"stat": stat}] for name in functions]

    queues = [getattr(settings, q.settings_field) for q in resources.QUEUES]
    dlqs = [getattr(settings, q.dlq_settings_field) for q in resources.QUEUES]
    tables = sorted(getattr(settings, field) for field in table_definitions())
    return [
        _metric_widget("API : latence p50 par route (ms)", per_route("Latency", "p50")),
        _metric_widget("API : latence p99 par route (ms)", per_route("Latency", "p99")),
        _metric_widget("API : erreurs 4XX par route", per_route("4XXError", "Sum")),
        _metric_widget("API : erreurs 5XX par route", per_route("5XXError", "Sum")),
        _metric_widget("Fonctions : erreurs", per_function("Errors", "Sum")),
        _metric_widget("Fonctions : limitations (throttles)", per_function("Throttles", "Sum")),
        _metric_widget("Fonctions : durée p99 (ms)", per_function("Duration", "p99")),
        _metric_widget(
            "Fonctions : démarrages à froid",
            [
                [NAMESPACE, M.COLD_START, "function_name", name, "service", SERVICE]
                for name in functions
            ],
        ),
        _metric_widget(
            "Files : âge du plus vieux message (s)",
            [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q] for q in queues],
            "Maximum",
        ),
        _metric_widget(
            "Files d'échec (DLQ) : messages en attente",
            [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q] for q in dlqs],
            "Maximum",
        ),
        _metric_widget(
            "DynamoDB : requêtes limitées",
            [
                ["AWS/DynamoDB", metric, "TableName", table]
                for table in tables
                for metric in ("ReadThrottleEvents", "WriteThrottleEvents")
            ],
        ),
        _metric_widget(
            "SES : envois, remises, rebonds, plaintes",
            [
                ["AWS/SES", metric, "ses:configuration-set", settings.ses_configuration_set]
                for metric in ("Send", "Delivery", "Bounce", "Complaint", "Reject")
            ],
        ),
        _metric_widget(
            "Pare-feu : requêtes bloquées",
            [
                [
                    "AWS/WAFV2",
                    "BlockedRequests",
                    "WebACL",
                    stage_name(settings, "api"),
                    "Region",
                    "${AWS::Region}",
                    "Rule",
                    "ALL",
                ]
            ],
        ),
        _code_metrics(
            "RNE : durée de traitement d'un fichier (s, max)",
            (M.RNE_FILE_PROCESSING_TIME,),
            "Maximum",
        ),
        *(_code_metrics(title, names) for title, names in OPERATIONS),
    ]


def code_metric_names(dashboard_body: dict) -> set[str]:
    """The names of this service's metrics a dashboard body shows."""
    return {
        line[1]
        for widget in dashboard_body["widgets"]
        for line in widget["properties"].get("metrics", ())
        if line[0] == NAMESPACE
    }
