"""Alarms, all to one SNS topic (an operator's address subscribes through the AlarmEmail
parameter). Each says in French what happened; docs/operations.md says what to do."""

from __future__ import annotations

from chalicelib.observability import NAMESPACE, SERVICE, Metric
from chalicelib.payments.lots import PROMISED_DAYS
from chalicelib.settings import Settings

from .. import resources
from .api import API_STAGE, api_name
from .naming import DATA_KEY, function_id, function_name, resource_id

TOPIC = "AlarmTopic"
PARAMETERS = {
    "AlarmEmail": {
        "Type": "String",
        "Default": "",
        "Description": "Adresse qui reçoit les alarmes (vide : aucune).",
    },
    "RneRejectRateThreshold": {
        "Type": "Number",
        "Default": 5,
        "MinValue": 0,
        "MaxValue": 100,
        "Description": "Taux de rejet (%) d'un fichier RNE qui alerte.",
    },
    "LoginFailureThreshold": {
        "Type": "Number",
        "Default": 300,
        "MinValue": 1,
        "Description": "Échecs de connexion en 5 minutes qui alertent.",
    },
    "DossierExpiryThreshold": {
        "Type": "Number",
        "Default": 50,
        "MinValue": 1,
        "Description": "Dossiers expirés en une heure qui alertent.",
    },
    "Api5xxRateThreshold": {
        "Type": "Number",
        "Default": 1,
        "MinValue": 0,
        "MaxValue": 100,
        "Description": "Part (%) de réponses 5XX de l'API qui alerte.",
    },
}
CONDITIONS = {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}}


def topic() -> dict:
    return {
        TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "DisplayName": "Mon Compte Élu : alarmes",
                "KmsMasterKeyId": {"Ref": DATA_KEY},
            },
        },
        "AlarmTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": TOPIC}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudWatchAlarms",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": TOPIC},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        }
                    ],
                },
            },
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {
                "TopicArn": {"Ref": TOPIC},
                "Protocol": "email",
                "Endpoint": {"Ref": "AlarmEmail"},
            },
        },
    }


def _alarm(
    description: str,
    *,
    threshold,
    metric: dict | None = None,
    metrics: list | None = None,
    comparison: str = "GreaterThanThreshold",
    periods: int = 1,
    period: int = 300,
) -> dict:
    properties = {
        "AlarmDescription": description,
        "ComparisonOperator": comparison,
        "Threshold": threshold,
        "EvaluationPeriods": periods,
        "DatapointsToAlarm": periods,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": TOPIC}],
        "OKActions": [{"Ref": TOPIC}],
    }
    if metric:
        properties.update(Period=period, **metric)
    else:
        properties["Metrics"] = metrics
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def _code_metric(name: str, stat: str = "Sum") -> dict:
    return {
        "Namespace": NAMESPACE,
        "MetricName": name,
        "Statistic": stat,
        "Dimensions": [{"Name": "service", "Value": SERVICE}],
    }


def alarms(settings: Settings) -> dict:
    out = {}
    for queue in resources.QUEUES:
        name = getattr(settings, queue.dlq_settings_field)
        out[resource_id(queue.dlq_settings_field) + "NotEmptyAlarm"] = _alarm(
            f"Des messages sont en échec définitif dans {name} : ils n'ont pas pu être traités "
            f"après {queue.max_receives} tentatives.",
            threshold=0,
            metric={
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Statistic": "Maximum",
                "Dimensions": [{"Name": "QueueName", "Value": name}],
            },
        )
    for function in resources.FUNCTIONS:
        name = function_name(function, settings)
        out[function_id(function.name) + "ErrorsAlarm"] = _alarm(
            f"La fonction {name} échoue.",
            threshold=0,
            metric={
                "Namespace": "AWS/Lambda",
                "MetricName": "Errors",
                "Statistic": "Sum",
                "Dimensions": [{"Name": "FunctionName", "Value": name}],
            },
        )
    api = [{"Name": "ApiName", "Value": api_name(settings)}, {"Name": "Stage", "Value": API_STAGE}]
    out["Api5xxRateAlarm"] = _alarm(
        "L'API répond trop souvent par une erreur 5XX.",
        threshold={"Ref": "Api5xxRateThreshold"},
        periods=2,
        metrics=[
            {
                "Id": "errors",
                "ReturnData": False,
                "MetricStat": {
                    "Period": 300,
                    "Stat": "Sum",
                    "Metric": {
                        "Namespace": "AWS/ApiGateway",
                        "MetricName": "5XXError",
                        "Dimensions": api,
                    },
                },
            },
            {
                "Id": "requests",
                "ReturnData": False,
                "MetricStat": {
                    "Period": 300,
                    "Stat": "Sum",
                    "Metric": {
                        "Namespace": "AWS/ApiGateway",
                        "MetricName": "Count",
                        "Dimensions": api,
                    },
                },
            },
            # below 20 requests in 5 minutes a single error is not a rate
            {
                "Id": "rate",
                "Label": "Part de 5XX (%)",
                "ReturnData": True,
                "Expression": "IF(requests >= 20, 100 * errors / requests, 0)",
            },
        ],
    )
    out["RneRejectRateAlarm"] = _alarm(
        "Un fichier RNE a un taux de lignes rejetées au-dessus du seuil : voir son rapport.",
        threshold={"Ref": "RneRejectRateThreshold"},
        metric=_code_metric(Metric.RNE_FILE_REJECT_RATE, "Maximum"),
    )
    out["RneFileRejectedAlarm"] = _alarm(
        "Un fichier déposé a été refusé en entier (illisible, trop gros, d'un expéditeur qui "
        "ne peut pas l'envoyer, ou daté hors des bornes) : voir son rapport.",
        threshold=0,
        metric=_code_metric(Metric.RNE_FILE_REJECTED),
    )
    out["RneSnapshotHeldAlarm"] = _alarm(
        "Un instantané du RNE attend un opérateur (il fermerait trop de mandats, semble plus "
        "ancien que celui appliqué, ou son type est indéterminé) : python -m infra.rne attente, "
        "puis appliquer ou ecarter.",
        threshold=0,
        metric=_code_metric(Metric.RNE_SNAPSHOT_HELD),
    )
    out["ServiceDoneHeldAlarm"] = _alarm(
        "Un service fait attend un opérateur (déclaration incohérente : dates, heures, "
        "facture) : python -m infra.paiements attente, puis valider ou rejeter.",
        threshold=0,
        metric=_code_metric(Metric.DOSSIER_SERVICE_HELD),
    )
    out["PaymentLateAlarm"] = _alarm(
        "Un organisme attend son paiement depuis plus de 30 jours après le service fait déclaré "
        "(la promesse du financeur) : python -m infra.paiements attente et lots.",
        threshold=PROMISED_DAYS,
        metric=_code_metric(Metric.PAYMENT_OLDEST_UNPAID_DAYS, "Maximum"),
        period=86400,
    )
    out["PaymentLotHeldAlarm"] = _alarm(
        "Un lot de paiement attend un opérateur : l'IBAN de l'organisme a changé ou un lot a "
        "été rejeté. python -m infra.paiements lots, puis liberer ou rejeter-lot.",
        threshold=0,
        metric=_code_metric(Metric.PAYMENT_LOTS_HELD),
    )
    out["PaymentLotRejectedAlarm"] = _alarm(
        "La banque a rejeté un lot de paiement (ou un opérateur) : vérifier les coordonnées "
        "bancaires de l'organisme.",
        threshold=0,
        metric=_code_metric(Metric.PAYMENT_LOTS_REJECTED),
    )
    out["DossierExpirySpikeAlarm"] = _alarm(
        "Pic de dossiers expirés : des organismes ne répondent plus, ou les titulaires ne "
        "parviennent pas à valider (FranceConnect+ indisponible ?).",
        threshold={"Ref": "DossierExpiryThreshold"},
        metric=_code_metric(Metric.DOSSIER_EXPIRED),
        period=3600,
    )
    out["LoginFailureSpikeAlarm"] = _alarm(
        "Pic d'échecs de connexion : possible attaque par essais de mots de passe.",
        threshold={"Ref": "LoginFailureThreshold"},
        metric=_code_metric(Metric.LOGIN_FAILED),
    )
    return out
