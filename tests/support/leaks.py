"""Finding secrets in text. A 6-digit code is only a leak when it stands alone: it may appear
by chance inside a longer number such as a millisecond timestamp."""

from __future__ import annotations

import re


def leaked(text: str, secrets: list[str]) -> list[str]:
    found = []
    for secret in secrets:
        if secret.isdigit():
            if re.search(rf"(?<![0-9]){re.escape(secret)}(?![0-9])", text):
                found.append(secret)
        elif secret in text:
            found.append(secret)
    return found
