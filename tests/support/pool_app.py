"""A Chalice app whose functions tell the local Lambda pool's tests where and how they ran."""

import os
import time

from chalice import Chalice

app = Chalice(app_name="pool-test")
_invocations = []  # this container's, in order: a container runs one invocation at a time


@app.lambda_function(name="echo")
def echo(event, context):
    _invocations.append(event.get("n"))
    return {
        "pid": os.getpid(),
        "seen_here": list(_invocations),
        "remaining_ms": context.get_remaining_time_in_millis(),
    }


@app.lambda_function(name="slow")
def slow(event, context):
    started = time.time()
    time.sleep(event["seconds"])
    return {"pid": os.getpid(), "started": started, "ended": time.time()}


@app.lambda_function(name="boom")
def boom(event, context):
    raise ValueError("la fonction a échoué")


@app.route("/")
def index():
    return {"pid": os.getpid()}
