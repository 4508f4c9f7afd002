"""A cold container pays at import only for what every request needs: the libraries of a few
routes load when one of them runs."""

import subprocess
import sys
from pathlib import Path

# each imported on first use (a password hashed, a NIR or SIRET checked, a PDF, a payment
# file, a token signed, a traced invocation, the RNE's headers read)
FIRST_USE_ONLY = {
    "argon2",
    "aws_xray_sdk",
    "boto3",
    "difflib",
    "fpdf",
    "joserfc",
    "jwcrypto",
    "pypdf",
    "schwifty",
    "sepaxml",
    "standardwebhooks",
    "stdnum",
    "xmlschema",
    "zxcvbn",
}


def test_importing_the_app_loads_none_of_the_libraries_of_a_few_routes():
    code = "import sys, app; print(' '.join({m.split('.')[0] for m in sys.modules}))"
    root = Path(__file__).resolve().parents[2]
    # a fresh interpreter (this one has loaded them for other tests), running our own code
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert FIRST_USE_ONLY & set(loaded.stdout.split()) == set()
