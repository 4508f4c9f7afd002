"""Operators: list the help requests that failed for good (status `echec`), and send them
through the support queue again once the cause is fixed.

    STAGE=prod python -m infra.support_failures            # list
    STAGE=prod python -m infra.support_failures --retry    # queue them again
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    from chalicelib import services
    from chalicelib.models import SupportRequest
    from chalicelib.models.support import FAILED, RECEIVED

    settings = services.bound_settings()
    sqs = services.aws_session().client("sqs")
    queue_url = sqs.get_queue_url(QueueName=settings.support_queue_name)["QueueUrl"]
    failed = list(SupportRequest.scan(SupportRequest.statut == FAILED))  # an operator's tool
    for request in failed:
        print(f"{request.reference}  {request.created_at:%Y-%m-%d %H:%M}  {request.situation}")
        if "--retry" in argv:
            request.update(actions=[SupportRequest.statut.set(RECEIVED)])
            sqs.send_message(
                QueueUrl=queue_url, MessageBody=json.dumps({"reference": request.reference})
            )
    print(f"{len(failed)} demande(s) en échec" + (" renvoyée(s)" if "--retry" in argv else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
