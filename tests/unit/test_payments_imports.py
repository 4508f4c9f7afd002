"""The payments area costs nothing to import: its libraries load when they are used."""

import subprocess
import sys
from pathlib import Path


def test_importing_the_payments_loads_none_of_their_libraries():
    """The libraries load when a check or a file is made, not when a function that may never
    pay anyone starts (schwifty alone is about 70 ms)."""
    code = (
        "import sys, chalicelib.payments.sepa, chalicelib.payments.camt; "
        "print(sorted({'schwifty', 'sepaxml', 'xmlschema', 'defusedxml', 'anyascii'} "
        "& set(sys.modules)))"
    )
    root = Path(__file__).resolve().parents[2]
    # a fresh interpreter (this one has loaded them for other tests), running our own code
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert loaded.stdout.strip() == "[]"
