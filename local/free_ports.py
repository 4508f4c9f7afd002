"""Where a second local system can run beside the first: free ports, and the environment that
starts `python -m local.run` on them (the benches and the end-to-end tests start their own)."""

from __future__ import annotations

import socket
from collections.abc import Mapping

HOST = "127.0.0.1"
PORT_VARIABLES = ("MOTO_PORT", "API_PORT", "FRANCECONNECT_PORT", "WEBHOOK_PORT")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def on_free_ports(environment: Mapping[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """`environment` for `python -m local.run` on free ports, its output unbuffered, and its own
    moto (never an endpoint set outside): (the environment, its ports by variable)."""
    ports = {name: free_port() for name in PORT_VARIABLES}
    env = {**environment, **{k: str(v) for k, v in ports.items()}, "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    return env, ports
