"""One invocation at a time in this process, as in a Lambda container.

The app keeps per-invocation state in module-level objects (Powertools' metrics and logger
keys, Chalice's current request): Lambda never runs two invocations in one container, so
neither may the local gateway and the event relay, or one request's metrics flush would empty
another's.
"""

import threading

ONE_AT_A_TIME = threading.Lock()
