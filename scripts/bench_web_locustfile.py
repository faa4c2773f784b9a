"""The people of `make bench-web` (scripts/bench_web.py starts locust on this file).

Office people read their inbox, the case list and case pages, open the bare floor page, and
about one request in ten writes: autosave of their statement, claim of a triage task and its
decision. A committee clerk reads the clerk page and confirms receipts. Logins happen during the
run (spread over it, `BENCH_WEB_LOGINS`); everyone starts signed in (a session bench_web.py
stored, as after a login before the run), so that the start is not twenty password hashes at
once. Which accounts, sessions, tasks and dispatches to use comes from the plan file
bench_web.py writes (`BENCH_WEB_PLAN`).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["BENCH_WEB_PLAN"]).read())  # noqa: SIM115
RUN_SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "60"))
LOGINS = int(os.environ.get("BENCH_WEB_LOGINS", "10"))

_office_accounts = itertools.cycle(PLAN["officers"])
_clerk_accounts = itertools.cycle(PLAN["clerks"])
# Logins during the run, one every RUN_SECONDS / LOGINS seconds, by whichever office person
# comes next (every login costs a password hash: the expensive request of a real day).
_next_login_at = [0.0]


@events.test_start.add_listener
def _schedule_logins(**kwargs: Any) -> None:
    _next_login_at[0] = time.monotonic() + RUN_SECONDS / (LOGINS + 1)


class Person(FastHttpUser):
    abstract = True
    wait_time = constant(0)  # as many requests as the server answers: a throughput test
    account: dict[str, Any]

    def resume_session(self, first_page: str, name: str) -> None:
        """Sign in with the session stored for the account, then open a page (which also sets
        the CSRF cookie that the forms need)."""
        host = str(urlsplit(self.host or "").hostname or "")
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.account["session"], host))
        self.read(first_page, name)

    def log_in(self) -> None:
        self.client.cookiejar.clear()
        self.client.get("/anmelden/", name="login page")
        with self.client.post(
            "/anmelden/",
            data={
                "username": self.account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self._csrf(),
            },
            headers={"Referer": f"{self.host}/anmelden/"},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""

    def post(self, path: str, data: dict[str, str], name: str, expect: int, **kw: Any) -> Any:
        """A form post as the browser sends it; `expect` is the status that means success."""
        headers = {"X-CSRFToken": self._csrf(), "Referer": f"{self.host}{path}", **kw}
        with self.client.post(
            path,
            data=data,
            headers=headers,
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{name} answered {response.status_code}")
            return response

    def read(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")


class OfficePerson(Person):
    weight = 19

    def on_start(self) -> None:
        self.account = next(_office_accounts)
        self.triage_tasks = list(self.account["triage_tasks"])
        self.resume_session("/aufgaben/", "inbox")

    @task(25)
    def inbox(self) -> None:
        if time.monotonic() >= _next_login_at[0]:
            _next_login_at[0] += RUN_SECONDS / (LOGINS + 1)
            self.log_in()
        self.read("/aufgaben/", "inbox")

    @task(20)
    def case_list(self) -> None:
        self.read(random.choice(PLAN["list_queries"]), "case list")

    @task(25)
    def case_page(self) -> None:
        self.read(f"/vorgaenge/{random.choice(PLAN['reviews'])}/", "case page")

    @task(15)
    def floor(self) -> None:
        self.read("/bench/boden/", "floor (bare page)")

    @task(4)
    def autosave(self) -> None:
        draft = random.choice(self.account["draft_tasks"])
        self.post(
            f"/aufgaben/{draft}/zwischenspeichern/",
            {
                "facts": "Die Vorlage sieht vor, die Beratung im Stadtteil auszubauen.",
                "assessment": f"Aus Sicht der Integration … (Stand {time.time():.3f})",
                "recommendation": "",
                "recommendation_text": "",
                "proposals-TOTAL_FORMS": "0",
                "proposals-INITIAL_FORMS": "0",
                "proposals-MIN_NUM_FORMS": "0",
                "proposals-MAX_NUM_FORMS": "50",
            },
            "autosave",
            200,
            **{"HX-Request": "true"},
        )

    @task(2)
    def claim_and_triage(self) -> None:
        if not self.triage_tasks:
            return
        pk = self.triage_tasks.pop()
        claimed = self.post(f"/aufgaben/{pk}/uebernehmen/", {}, "claim", 302)
        if claimed.status_code == 302:
            self.post(
                f"/aufgaben/{pk}/",
                {"decision": "relevant", "reason": "Betrifft die Integrationsberatung."},
                "triage decision",
                302,
            )


class CommitteeClerk(Person):
    weight = 1

    def on_start(self) -> None:
        self.account = next(_clerk_accounts)
        self.dispatches = list(self.account["dispatches"])
        self.resume_session("/gremien/", "clerk page")

    @task
    def clerk_page(self) -> None:
        self.read("/gremien/", "clerk page")

    @task
    def confirm_receipt(self) -> None:
        if self.dispatches:
            pk = self.dispatches.pop()
            self.post(f"/gremien/eingang/{pk}/", {}, "receipt confirmation", 302)


def _cookie(name: str, value: str, domain: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )
