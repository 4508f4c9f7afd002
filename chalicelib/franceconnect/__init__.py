"""Login with FranceConnect (OpenID Connect), and its certified identity for élu recognition.

Two platforms: FranceConnect (eIDAS faible, `eidas1`) to log in, and FranceConnect+ (eIDAS
substantiel and élevé, `eidas2`, `eidas3`), a platform of its own with its own client, the one
that lets an élu spend. The lifetimes live here, light to import: the HTTP views set cookies
with them.
"""

from datetime import timedelta

STATE_TTL = timedelta(minutes=10)  # a login started and not back yet
PENDING_TTL = timedelta(minutes=30)  # an identity awaiting its account (to sign up with it)
# A password login links the waiting identity only if it comes this soon after FranceConnect,
# on the same browser: the identity of a person who walked away stays nobody's.
LINK_WINDOW = timedelta(minutes=5)

FRANCECONNECT = "franceconnect"
FRANCECONNECT_PLUS = "franceconnect_plus"
PLUS_LEVELS = ("eidas2", "eidas3")


def platform_for(level: str | None) -> str:
    """The platform that serves this eIDAS level."""
    return FRANCECONNECT_PLUS if level in PLUS_LEVELS else FRANCECONNECT
