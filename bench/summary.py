"""The README's figures are bench/RESULTS.md's summary, never typed twice.

    python -m bench.summary          # rewrite the README's block from RESULTS.md's
    python -m bench.summary --check  # exit 1 when they differ

The summary is the text between `<!-- summary -->` and `<!-- end of summary -->` in
RESULTS.md; in the README, between `<!-- summary from bench/RESULTS.md -->` and the same end.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS, README = ROOT / "bench" / "RESULTS.md", ROOT / "README.md"
START, README_START, END = (
    "<!-- summary -->",
    "<!-- summary from bench/RESULTS.md -->",
    "<!-- end of summary -->",
)


def _between(text: str, start: str, end: str) -> tuple[int, int]:
    begin = text.index(start) + len(start)
    return begin, text.index(end, begin)


def summary(results: str) -> str:
    begin, end = _between(results, START, END)
    return results[begin:end]


def with_summary(readme: str, results: str) -> str:
    begin, end = _between(readme, README_START, END)
    return readme[:begin] + summary(results) + readme[end:]


def main() -> int:
    readme, results = README.read_text(encoding="utf-8"), RESULTS.read_text(encoding="utf-8")
    wanted = with_summary(readme, results)
    if "--check" in sys.argv[1:]:
        return 0 if wanted == readme else 1
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
