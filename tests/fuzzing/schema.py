"""The whole HTTP API under schemathesis: every operation of the app's OpenAPI schema (the
dashboard's JSON API, its state-changing requests with the operator's token and a valid CSRF
token, the Mini App's API with an admin's signed init data), with inputs generated from the schema
(positive: what it allows; negative: what it forbids).

Properties (schemathesis' checks): no server error, every status documented, every answer of the
documented content type and matching its schema, and invalid input refused."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fuzzing.web import OPERATOR_TOKEN, WebUnderFuzz
from tests.outcomes import record_verification_outcome
from tgexchange.domain.content import Platform
from tgexchange.web.operations import CSRF_HEADER

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


class ApiUnderFuzz:
    """``web``'s app with some history (submissions on two platforms, verified and rejected
    tasks), its schema, and the credentials each operation wants."""

    def __init__(self, web: WebUnderFuzz) -> None:
        self.web = web
        world = web.world
        community = web.community
        world.submission(world.member(community), wanted=3)
        world.submission(world.member(community, link=Platform.TIKTOK), wanted=1, platform=Platform.TIKTOK)
        world.verified(world.task(world.member(community)))
        rejected = world.task(world.member(community, "=formula"))
        world.done(rejected)
        record_verification_outcome(world.uow(), task_id=rejected.id, verified=False, reason="spam", now=world.now)
        self.schema = schemathesis.openapi.from_asgi("/openapi.json", web.app)
        results = list(self.schema.get_all_operations())
        assert all(isinstance(result, Ok) for result in results), results  # every operation parsed
        self.operations = [result.ok() for result in results if isinstance(result, Ok)]
        self.csrf = web.client.get("/exchange/dashboard/appeals", headers=BEARER).json()["csrf_token"]
        # The first read of the model card imports scikit-learn (seconds on a loaded machine):
        # done here, not inside a case with schemathesis' 10-second timeout.
        assert web.client.get("/exchange/dashboard/model", headers=BEARER).status_code == 200

    def cases(self, mode: GenerationMode) -> st.SearchStrategy[Any]:
        """One case of any operation (each operation's own strategy, drawn from evenly)."""
        return st.one_of([operation.as_strategy(generation_mode=mode) for operation in self.operations])

    def headers_for(self, case: schemathesis.Case[Any]) -> dict[str, str]:
        if case.operation.path.startswith("/app/api"):
            return self.web.admin_auth()
        return {**BEARER, CSRF_HEADER: self.csrf}

    def excluded(self, case: schemathesis.Case[Any]) -> list[Any]:
        """Checks that do not apply to one operation, each with its reason."""
        if case.operation.path == "/app/api/admin/{community_id}/settings":
            # Valid settings depend on each other and on the stored ones (the default count at most
            # the maximum; at least one platform left; something to change), which no schema
            # states: the domain refuses such a change with 422 and its reason.
            return [positive_data_acceptance]
        return []

    def check(self, case: schemathesis.Case[Any]) -> str:
        """Calls the operation and runs schemathesis' checks (raising on any failure)."""
        try:
            response = case.call_and_validate(headers=self.headers_for(case), excluded_checks=self.excluded(case))
        except (Exception, BaseExceptionGroup) as failure:
            found = failure.exceptions if isinstance(failure, BaseExceptionGroup) else (failure,)
            titles = "; ".join(str(getattr(one, "title", one)) for one in found)
            raise AssertionError(
                f"{case.operation.method.upper()} {case.operation.path} path={case.path_parameters} "
                f"query={case.query} body={case.body!r:.300}: {titles}"
            ) from failure
        assert response.status_code < 500, (response.status_code, response.text[:300])
        assert "Traceback" not in response.text
        return f"{case.operation.method.upper()} {case.operation.path}: {response.status_code}"
