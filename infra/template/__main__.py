import json
import sys

from . import template

json.dump(
    template(sys.argv[1] if len(sys.argv) > 1 else "dev"), sys.stdout, indent=1, ensure_ascii=False
)
