"""The daily job of the DIF élus: hands the élus whose rights change today (a yearly credit,
or their end) to the workers, through the rights queue, a page at a time.

It reads nothing but the accounts' sparse index of due days (`dif_prochain`), one day at a
time from the day after the last one done: a day missed (an outage, a failed run) is caught
up by the next run. Its progress is kept after each page, so a run cut short goes on where it
stopped; a page sent twice is harmless (the workers credit once a year per account). No Scan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

from ..clock import PARIS
from ..observability import Metric, count, logger
from .store import RightsStore

QUERY_PAGE = 1000  # keys read from the index at once
MESSAGE_ACCOUNTS = 200  # accounts per message: one worker invocation
MARGIN_MS = 20_000  # stop taking pages with less left (or a tenth of the run): the next goes on


class DailyCredit:
    def __init__(
        self,
        store: RightsStore,
        send: Callable[[dict], object],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._send = send
        self._now = clock

    def run(self, time_left_ms: Callable[[], int]) -> dict:
        """Answers the days finished and the accounts sent; `termine` False if it stopped for
        time (the next run resumes)."""
        today = self._now().astimezone(PARIS).date()
        run = self._store.run_state()
        day = _first_day(run, today)
        days = sent = 0
        margin = min(MARGIN_MS, time_left_ms() // 10)
        while day <= today:
            after = json.loads(run.reprise) if run.jour_en_cours == day.isoformat() else None
            while True:
                if time_left_ms() < margin:
                    logger.info("Daily credit stopped for time", extra={"jour": day.isoformat()})
                    return {"jours": days, "comptes": sent, "termine": False}
                keys, after = self._store.due_on(day.isoformat(), after, QUERY_PAGE)
                send_accounts(self._send, keys)
                sent += len(keys)
                count(Metric.DIF_ACCOUNTS_DUE, len(keys))
                run.jour_en_cours = day.isoformat()
                run.reprise = json.dumps(after) if after else None
                run.comptes_envoyes = int(run.comptes_envoyes or 0) + len(keys)
                if after is None:
                    break
                self._store.save_run(run)
            run.jour_fait, run.jour_en_cours, run.reprise = day.isoformat(), None, None
            self._store.save_run(run)
            days += 1
            day += timedelta(days=1)
        return {"jours": days, "comptes": sent, "termine": True}


def send_accounts(send: Callable[[dict], object], accounts: list[str]) -> None:
    """The rights queue's messages: these accounts, MESSAGE_ACCOUNTS to a message (the daily
    job's pages, and the accounts of the mandates an RNE file closes)."""
    for start in range(0, len(accounts), MESSAGE_ACCOUNTS):
        send({"comptes": accounts[start : start + MESSAGE_ACCOUNTS]})


def _first_day(run, today: date) -> date:
    if run.jour_en_cours:
        return date.fromisoformat(run.jour_en_cours)
    if run.jour_fait:
        return date.fromisoformat(run.jour_fait) + timedelta(days=1)
    return today  # the first run: accounts due earlier were credited when recognised
