"""The floor of the API under load: bench/bare_app.py (one route, one PynamoDB GetItem) served by
the same local gateway and Lambda-like containers as the app (local/api_server.py,
local/lambda_pool.py), against a given moto server. What the load bench compares every route
with: the cost of the stack itself (HTTP, API Gateway's event, a container, botocore, moto).

    python -m bench.floor_server --moto-port 5000 --port 8900   # GET /api/bare/floor
"""

from __future__ import annotations

import argparse

HOST = "127.0.0.1"
KEY = "floor"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moto-port", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()

    from bench.running_system import use_moto

    use_moto(args.moto_port)
    from bench import bare_app
    from local import api_server
    from local.lambda_pool import API_FUNCTION, FunctionPool, limits_of_the_stage
    from local.run import wait_for_ctrl_c

    bare_app.create_table()
    bare_app.put(KEY, "le plancher")
    # the API's timeout, memory and concurrency, as the app's API function gets them
    limits = {API_FUNCTION: limits_of_the_stage(args.concurrency)[API_FUNCTION]}
    pool = FunctionPool(limits, app_module="bench.bare_app")
    pool.start()
    server = api_server.start(bare_app.app, HOST, args.port, pool.invoke)
    wait_for_ctrl_c()
    server.shutdown()
    pool.close()


if __name__ == "__main__":
    main()
