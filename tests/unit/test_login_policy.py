from datetime import UTC, datetime, timedelta

from chalicelib.accounts.login_policy import LOCK_DURATION, MAX_FAILURES, FailureState

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def fail(state: FailureState, times: int, start: datetime, step=timedelta(minutes=1)):
    for i in range(times):
        state = state.after_failure(start + i * step)
    return state


def test_five_failures_within_fifteen_minutes_lock_the_account():
    state = fail(FailureState(), MAX_FAILURES - 1, T0)
    assert state.count == 4 and state.locked_until is None
    state = state.after_failure(T0 + timedelta(minutes=14))
    assert state.locked_until == T0 + timedelta(minutes=14) + LOCK_DURATION
    assert state.is_locked(T0 + timedelta(minutes=20))
    assert not state.is_locked(T0 + timedelta(minutes=30))


def test_failures_spread_over_more_than_the_window_do_not_lock():
    state = fail(FailureState(), 10, T0, step=timedelta(minutes=4))
    assert state.locked_until is None


def test_a_failure_after_an_expired_lock_starts_a_new_window():
    locked = fail(FailureState(), MAX_FAILURES, T0)
    later = locked.after_failure(T0 + timedelta(hours=1))
    assert later.count == 1 and later.locked_until is None
    assert FailureState().is_clean and not later.is_clean
