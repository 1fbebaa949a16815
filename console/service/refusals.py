"""What the service writes or fills in around a call: refusals as records, a check's request id."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from console.core import check_outcomes as co
from console.core.errors import InputError
from console.core.models import Exchange, Outcome, Verification, new_id
from console.providers.spec import FieldRole, Operation, ProviderSpec
from console.service.operations import OperationRequest


class UnknownVerification(InputError):
    """A check names a verification the console does not know (or has nothing to check against)."""


def with_request_id(
    request: OperationRequest, spec: ProviderSpec, op: Operation, found: Verification | None
) -> OperationRequest:
    """A check given only the verification gets its request id from it (where the provider needs one).

    Raises:
        InputError: the verification has no request id (e.g. a press-1 call: its result comes by callback).
    """
    rid_field = spec.field_with_role(op.id, None, FieldRole.REQUEST_ID)
    if rid_field is None or found is None or request.fields.get(rid_field.name, "").strip():
        return request
    if not found.request_id:
        raise InputError(
            f"{found.id} has no request id to check with (its result arrives by callback).", field=rid_field.name
        )
    return dataclasses.replace(request, fields={**request.fields, rid_field.name: found.request_id})


def refused(
    request: OperationRequest, base: Mapping[str, Any], exc: Exception, error_code: str | None = None
) -> Exchange:
    """The record of a request the console refused before sending anything."""
    message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    meaning, hint = co.MEANINGS.get(error_code or "", ("The console refused the input before sending anything.", ""))
    return Exchange(
        id=new_id("x"),
        seq=0,
        method="",
        url="",
        request_headers=(),
        request_body="",
        outcome=Outcome.REFUSED,
        error_code=error_code,
        message=f"Not sent: {message}",
        meaning=meaning,
        hint=hint,
        error_field=getattr(exc, "field", None) or "",
        fields=tuple(request.fields.items()),
        profile=request.profile or "",
        **base,
    )
