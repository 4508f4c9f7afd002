"""A copy of moto's in-process state, laid back as new: every test starts from the stage's
resources as `infra.provision` makes them (tables, buckets, queues, identities, secrets, key),
without paying a second for provisioning through boto3 each time.

Moto keeps each service's state in a module-level `BackendDict` (account, then region, then
the backend object). A snapshot deep-copies all of them in one go, so that references from one
backend to another (SES v2 to SES) point into the same copy; restoring lays a fresh deep copy
of it into the same `BackendDict` objects (moto's modules hold them), so that no test ever sees
another's objects.
"""

from __future__ import annotations

import contextlib
import copy
import copyreg
import threading
from dataclasses import dataclass

from moto.core.base_backend import BackendDict

# Moto's objects guard themselves with locks (an SQS queue's messages): a copy gets its own.
_LOCK_FACTORIES = {
    type(threading.Lock()): threading.Lock,
    type(threading.RLock()): threading.RLock,
    threading.Condition: threading.Condition,
}


@dataclass(frozen=True)
class MotoState:
    # per BackendDict: its attributes (S3's bucket-to-account index), and per account its
    # backends by region
    _services: tuple[tuple[BackendDict, dict, dict[str, dict[str, object]]], ...]

    @classmethod
    def capture(cls) -> MotoState:
        """What moto holds now (it must be active)."""
        services = tuple(
            (
                backends,
                vars(backends),
                {account: dict(regions) for account, regions in backends.items()},
            )
            for backends in BackendDict._instances
        )
        return cls(_fresh_copy(services))

    def restore(self) -> None:
        """Moto as it was when captured, in new objects: what a test changes stays its own.
        Moto must be active and freshly reset (`mock_aws()` just entered)."""
        for backends, attributes, accounts in _fresh_copy(self._services):
            vars(backends).update(attributes)
            for account, regions in accounts.items():
                for region, backend in regions.items():
                    # AccountSpecificBackend.__getitem__ would build a new backend
                    dict.__setitem__(backends[account], region, backend)


def _fresh_copy(services):
    # The BackendDicts themselves are moto's modules' (a backend may name one): never copied.
    memo = {id(backends): backends for backends, _, _ in services}
    with _copyable_locks():
        return copy.deepcopy(services, memo)


@contextlib.contextmanager
def _copyable_locks():
    saved = {kind: copyreg.dispatch_table.get(kind) for kind in _LOCK_FACTORIES}
    for kind, factory in _LOCK_FACTORIES.items():
        copyreg.dispatch_table[kind] = lambda _lock, factory=factory: (factory, ())
    try:
        yield
    finally:
        for kind, previous in saved.items():
            if previous is None:
                del copyreg.dispatch_table[kind]
            else:
                copyreg.dispatch_table[kind] = previous
