"""DynamoDB access for FranceConnect logins under way and identities awaiting an account."""

from __future__ import annotations

from pynamodb.exceptions import DeleteError, DoesNotExist

from ..models import FcLoginState, FcPendingIdentity, is_condition_failure


class FcStore:
    def save_state(self, state: FcLoginState) -> None:
        state.save()

    def take_state(self, pk: str) -> FcLoginState | None:
        """The login state, removed as it is read: a state serves once, even under a race."""
        try:
            state = FcLoginState.get(pk, consistent_read=True)
            state.delete(condition=FcLoginState.pk.exists())
        except DoesNotExist:
            return None
        except DeleteError as error:
            if is_condition_failure(error):
                return None
            raise
        return state

    def save_pending(self, pending: FcPendingIdentity) -> None:
        pending.save()

    def get_pending(self, pk: str) -> FcPendingIdentity | None:
        try:
            return FcPendingIdentity.get(pk, consistent_read=True)
        except DoesNotExist:
            return None

    def delete_pending(self, pk: str) -> None:
        FcPendingIdentity(pk).delete()
