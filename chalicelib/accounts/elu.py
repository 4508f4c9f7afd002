"""An account meets the RNE: at activation, at login after a newer RNE file, at a FranceConnect
link. A newly recognised élu gets the mandate years begun credited at once."""

from __future__ import annotations

from ..models import Account
from ..rights.service import RightsService
from ..rne.recognition import Recognition


class EluRecognition:
    def __init__(self, recognition: Recognition, rights: RightsService) -> None:
        self._recognition = recognition
        self._rights = rights

    def recognise(self, account: Account) -> bool:
        """True when the account is an élu's (its mandate years begun are then credited)."""
        if self._recognition.recognise(account):
            self._rights.bring_up_to_date(account)
            return True
        return False

    def at_login(self, account: Account) -> None:
        """Search again only when an RNE file was ingested since the last search."""
        if self._recognition.needs_check(account):
            self.recognise(account)

    def accounts_answering_to(self, keys) -> set[str]:
        return self._recognition.accounts_answering_to(keys)

    def standing(self, account: Account, certified: bool = False) -> tuple:
        """(current mandates, end of the last one once all have ended); `certified`: and
        whether they are all held through the account's certified identity."""
        if not account.rne_mandats:
            return (0, None, False) if certified else (0, None)
        return self._recognition.standing(account, certified)

    def mandates(self, account: Account) -> list[dict]:
        return self._recognition.current_mandates(account) if account.rne_mandats else []
