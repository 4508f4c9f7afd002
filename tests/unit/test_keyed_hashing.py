import pytest

from chalicelib.keyed_hashing import KeyedHasher

KEY = b"k" * 32


def test_a_key_read_on_demand_hashes_as_the_key_itself():
    assert KeyedHasher(lambda: KEY).nir("1850578006048") == KeyedHasher(KEY).nir("1850578006048")


def test_the_key_is_read_at_the_first_digest_only_and_once():
    reads = []

    def read_key():
        reads.append(1)
        return KEY

    hasher = KeyedHasher(read_key)
    assert reads == []
    hasher.digest("nir", "a")
    hasher.digest("email", "b")
    assert reads == [1]


def test_a_short_key_is_refused_given_or_read():
    with pytest.raises(ValueError, match="32 bytes"):
        KeyedHasher(b"short")
    with pytest.raises(ValueError, match="32 bytes"):
        KeyedHasher(lambda: b"short").digest("nir", "a")


def test_purposes_never_share_a_hash():
    hasher = KeyedHasher(KEY)
    assert hasher.digest("nir", "a") != hasher.digest("email", "a")
