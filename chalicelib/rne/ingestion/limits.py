"""What one file and one invocation may take. Read as `limits.NAME` when used, so that a test
can lower one for a whole ingestion."""

from __future__ import annotations

from datetime import timedelta

CHUNK_ROWS = 5000
WRITE_GROUP = 5000  # changed (or absent) mandates written between two checkpoints
HANDOFF_MARGIN_MS = 90_000  # stop taking chunks when less than this is left
LEASE = timedelta(minutes=16)  # longer than any invocation
# The largest export (conseillers municipaux, about 500,000 rows) is under 100 MB.
MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_ROWS = 1_500_000
PREVIOUS_SCOPES_KEPT = 4  # current lists kept in memory while reading (files come sorted)
