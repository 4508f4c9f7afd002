from datetime import UTC, datetime

from chalicelib.evaluations import rules


def test_an_average_has_one_decimal_and_is_shown_from_five_ratings():
    assert rules.average(21, 5) == "4.2"
    assert rules.average(0, 0) is None
    assert rules.public_average(16, 4) is None
    assert rules.public_average(21, 5) == ("4.2", 5)


def test_a_file_is_rated_from_its_exit_on_and_a_rating_edited_for_30_days():
    assert not rules.may_rate("en_formation") and not rules.may_rate("validee")
    assert all(rules.may_rate(s) for s in rules.AFTER_EXIT)
    made = datetime(2026, 10, 1, 12, tzinfo=UTC)
    assert rules.editable_until(made) == datetime(2026, 10, 31, 12, tzinfo=UTC)
