"""Operators: what the RNE ingestion left for people to look at.

STAGE=prod python -m infra.rne reprises     # mandates taken back from typed identities
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv[:1] != ["reprises"]:
        print(__doc__, file=sys.stderr)
        return 2
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    from chalicelib import services
    from chalicelib.models import TakenBack

    services.bound_settings()
    cases = sorted(
        (item for item in TakenBack.scan() if item.pk.startswith("reprise#")),
        key=lambda item: item.created_at,
    )  # an operator's listing: a scan
    for case in cases:
        print(
            f"{case.created_at:%Y-%m-%d %H:%M}  compte {case.compte} -> {case.par}  "
            f"{len(case.mandats)} mandat(s)  {int(case.repris_centimes) / 100:.2f} € repris"
        )
    print(f"{len(cases)} reprise(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
