"""The floor of the chosen stack: bench/bare_app.py (one route, one PynamoDB GetItem) with the
libraries the stack puts in front of any code of ours imported too: pydantic v2 (the HTTP
edge's validation) and Powertools' Logger, Metrics and Tracer. No model, no middleware: what a
cold container of this app pays whatever its own modules do (bench.cold_start prints it).

    from bench.bare_stack_app import app   # GET /bare/{key}, as bench.bare_app's
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from pydantic import BaseModel

from bench.bare_app import app

__all__ = ["BaseModel", "Logger", "Metrics", "Tracer", "app"]
