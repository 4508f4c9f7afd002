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
