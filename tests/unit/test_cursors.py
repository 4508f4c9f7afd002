import base64

import pytest

from chalicelib.cursors import Cursors
from chalicelib.errors import InvalidCursor
from chalicelib.keyed_hashing import KeyedHasher

CURSORS = Cursors(KeyedHasher(b"k" * 32).digest)
OTHER_KEY = Cursors(KeyedHasher(b"x" * 32).digest)
ACCOUNT = "a1b2c3" * 10  # stands for the keyed hash of a NIR


def test_a_cursor_gives_back_its_position_and_never_its_scope():
    cursor = CURSORS.encode("historique", ACCOUNT, {"sk": "2023-06-28#credit#2023"})
    assert CURSORS.decode("historique", ACCOUNT, cursor, ("sk",)) == {
        "sk": "2023-06-28#credit#2023"
    }
    decoded = base64.urlsafe_b64decode(cursor.split(".")[0] + "==").decode()
    assert ACCOUNT not in cursor and ACCOUNT not in decoded


def test_no_cursor_is_the_first_page():
    assert CURSORS.decode("historique", ACCOUNT, None, ("sk",)) is None
    assert CURSORS.decode("historique", ACCOUNT, "", ("sk",)) is None


@pytest.mark.parametrize(
    "forged",
    [
        "nimportequoi",
        ".",
        "a.b",
        "x" * 5000,
        "é.é",
        # a valid position with the signature of another key
        OTHER_KEY.encode("historique", ACCOUNT, {"sk": "9999"}),
    ],
)
def test_a_cursor_not_given_by_this_service_is_refused(forged):
    with pytest.raises(InvalidCursor):
        CURSORS.decode("historique", ACCOUNT, forged, ("sk",))


def test_a_cursor_serves_only_its_own_list_and_person():
    cursor = CURSORS.encode("historique", ACCOUNT, {"sk": "2023"})
    with pytest.raises(InvalidCursor):
        CURSORS.decode("historique", "someone-else", cursor, ("sk",))
    with pytest.raises(InvalidCursor):
        CURSORS.decode("catalogue", ACCOUNT, cursor, ("sk",))
    with pytest.raises(InvalidCursor):
        CURSORS.decode("historique", ACCOUNT, cursor, ("id", "tri"))


def test_a_tampered_position_is_refused():
    cursor = CURSORS.encode("catalogue", "mandat", {"id": "F1", "tri": "BUDGET #F1"})
    mac = cursor.split(".")[1]
    tampered = base64.urlsafe_b64encode(b'{"id":"F9","tri":"A"}').decode().rstrip("=")
    with pytest.raises(InvalidCursor):
        CURSORS.decode("catalogue", "mandat", f"{tampered}.{mac}", ("id", "tri"))
