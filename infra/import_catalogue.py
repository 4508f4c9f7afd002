"""Operators: load a catalogue file into a stage's formations table and print the report.

    AWS_PROFILE=... STAGE=prod python -m infra.import_catalogue catalogue.csv
    (locally, with `make run` going: AWS_ENDPOINT_URL=http://127.0.0.1:5000 STAGE=local ...)
    AWS_PROFILE=... STAGE=prod python -m infra.import_catalogue rattacher
    (once, after deploying the organismes' catalogue API: the formations loaded before it get
    their organisme's SIRET, so that it lists them in GET /api/organismes/formations)

The file format and the rules are described in chalicelib/catalogue/importer.py. Rows that break
a rule are not loaded: the report lists each with its line and reason; the exit code is 1 then.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    from chalicelib import services
    from chalicelib.catalogue.importer import import_catalogue
    from chalicelib.clock import paris_today

    if argv[0] == "rattacher":
        from chalicelib.catalogue.store import CatalogueStore

        services.bound_settings()
        attached = CatalogueStore().attach_to_organismes()
        print(f"{attached} formation(s) rattachée(s) à leur organisme")
        return 0
    path = Path(argv[0])
    report = import_catalogue(
        path.read_bytes(), path.name, paris_today(), services.catalogue().save
    )
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    return 1 if report.rejets else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
