from datetime import UTC, datetime, timedelta

from chalicelib.accounts.login_policy import LOCK_DURATION, MAX_FAILURES, FailureState

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_attempts_spread_over_more_than_the_window_never_run_out():
    state = FailureState()
    for minute in range(0, 40, 4):  # 10 attempts, 4 minutes apart: at most 4 in a window
        state = state.reserve(T0 + timedelta(minutes=minute))
        assert state is not None and state.count <= 4


def test_attempts_are_counted_before_the_check_and_run_out_at_five():
    state = FailureState()
    for expected in range(1, MAX_FAILURES + 1):
        state = state.reserve(T0)
        assert state.count == expected and state.locked_until is None
    assert state.locks
    assert state.reserve(T0) is None  # five attempts still being checked: no sixth
    assert state.retry_at(T0) == T0 + timedelta(minutes=15)


def test_a_lock_refuses_attempts_until_it_ends_then_a_window_starts_afresh():
    locked = FailureState(MAX_FAILURES, T0, T0 + LOCK_DURATION)
    assert locked.reserve(T0 + timedelta(minutes=1)) is None
    assert locked.retry_at(T0 + timedelta(minutes=1)) == T0 + LOCK_DURATION
    assert locked.reserve(T0 + LOCK_DURATION + timedelta(seconds=1)).count == 1
