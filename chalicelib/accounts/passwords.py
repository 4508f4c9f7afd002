"""Passwords: the Mon Compte Formation rule, the common-password check, and argon2id hashing."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..names import normalise

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's scale: 3 means "safely unguessable: moderate protection from offline attacks".
MIN_STRENGTH = 3
_COMMON_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords_fr.txt"


# The rule's classes in a JSON Schema pattern (ECMA-262 lookaheads), narrower than the rule:
# ASCII letters and digits, and ASCII punctuation or a space as the special character.
SCHEMA_PATTERN = r"^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])(?=.*[ -/:-@\[-`{-~]).*$"


def rule_errors(password: str, personal_words: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a new password, in French; empty when it is acceptable."""
    if len(password) > MAX_LENGTH:
        return [f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."]
    missing = []
    if len(password) < MIN_LENGTH:
        missing.append(f"au moins {MIN_LENGTH} caractères")
    if not any(ch.isupper() for ch in password):
        missing.append("une majuscule")
    if not any(ch.islower() for ch in password):
        missing.append("une minuscule")
    if not any(ch.isdigit() for ch in password):
        missing.append("un chiffre")
    if all(ch.isalnum() for ch in password):
        missing.append("un caractère spécial")
    if missing:
        return ["Le mot de passe doit contenir " + _join_fr(missing) + "."]
    if _is_made_of_known_words(password, personal_words) or (
        _strength(password, personal_words) < MIN_STRENGTH
    ):
        return [
            "Ce mot de passe est trop courant ou trop facile à deviner (mot usuel, suite de "
            "chiffres, nom ou date de naissance) : choisissez-en un autre."
        ]
    return []


def _join_fr(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _is_made_of_known_words(password: str, personal_words: tuple[str, ...]) -> bool:
    """True when the letters of the password are only common or personal words, whatever
    digits and symbols decorate them ("Azerty123456!", "Jean-Dupont1975!")."""
    known = set(_common_words())
    for word in personal_words:
        known.update(normalise(word).lower().split())
    words = [w for w in re.split(r"[^a-z]+", normalise(password).lower()) if w]
    return bool(words) and all(w in known for w in words)


def _strength(password: str, personal_words: tuple[str, ...]) -> int:
    from zxcvbn import zxcvbn  # imported on first use: its word lists are large

    words = list(_common_words()) + [w for w in personal_words if w]
    # zxcvbn refuses more than 72 characters unless told: our rule allows MAX_LENGTH
    return zxcvbn(password, user_inputs=words, max_length=MAX_LENGTH)["score"]


@lru_cache(maxsize=1)
def _common_words() -> tuple[str, ...]:
    lines = _COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # imported on first use: only the requests that hash a password load argon2's bindings.
    # argon2-cffi's defaults are RFC 9106's low-memory profile for argon2id.
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def decoy_hash() -> str:
    """A hash to verify against when the account does not exist, so that an unknown NIR takes
    as long to refuse as a wrong password."""
    return _hasher().hash("decoy-password-never-used")
