"""The device authorization grant (RFC 8628) on the OAuth 2 engine.

A mixin of [`OAuth2Auth`][authwire.OAuth2Auth]: one flow asks for the codes, one polls
the token endpoint. Waiting between polls is a ``Sleep`` effect (``authwire._drivers``), so
the same flow sleeps with ``time.sleep`` on the sync client and cancellably with
``anyio.sleep`` on the async one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._drivers import Call, Flow, Sleep
from .._exceptions import DeviceCodeExpiredError, OAuthError, ResponseError
from ..token import OAuth2Token

if TYPE_CHECKING:
    from ..protocol.rfc8628 import DeviceAuthorization, DeviceFlowProgress
    from ._engine import EngineParts

    #: Called before the first poll and before each wait, with a ``DeviceFlowProgress``.
    Progress = Callable[[DeviceFlowProgress], Any]
else:
    EngineParts = object

__all__ = ["DeviceFlow"]

logger = logging.getLogger("authwire")


class DeviceFlow(EngineParts):
    """Device authorization: for CLIs, TVs and anything without a browser."""

    def device_authorization_flow(
        self,
        url: str | None = None,
        scope: str | Iterable[str] | None = None,
        *,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Flow[DeviceAuthorization]:
        """Ask for a device code and a user code, with the client's authentication.

        ``scope`` defaults to the client's. RFC 8628 §3.1, §3.2.
        """
        from ..protocol import rfc8628

        if params.get("resource") is not None:
            from ..protocol.rfc8707 import check_resource

            check_resource(params["resource"])
        response = yield from self._endpoint_call(
            "device_authorization_endpoint",
            url,
            {"scope": scope if scope is not None else self.scope, **params},
            None,
            auth,
            headers,
            "device_authorization_request",
            self.token_endpoint_auth_method,
        )
        response = yield from self._response_hooks("device_authorization_response", response)
        return rfc8628.process_device_authorization_response(response, now=self.clock())

    def poll_device_token_flow(
        self,
        authorization: DeviceAuthorization,
        progress: Progress | None = None,
        *,
        url: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Flow[OAuth2Token]:
        """Poll the token endpoint until the user approves, declines, or the code expires.

        The first poll goes out at once, the next ones ``interval`` seconds apart (five
        more after each ``slow_down``). It stops with
        [`AccessDeniedError`][authwire.AccessDeniedError] or
        [`DeviceCodeExpiredError`][authwire.DeviceCodeExpiredError], the latter also — without
        another request — when the code would expire before the next poll. ``progress``
        (plain or async on the async client) sees the user code and the countdown; raising
        from it cancels.
        RFC 8628 §3.4, §3.5.
        """
        from ..protocol import rfc8628
        from ..protocol.rfc8628 import DeviceAuthorization, DeviceFlowProgress

        if not isinstance(authorization, DeviceAuthorization):
            raise TypeError("authorization must be the DeviceAuthorization the server returned")
        if progress is not None and not callable(progress):
            raise TypeError("progress must be callable")
        endpoint = self._endpoint(url, "token_endpoint")
        interval = authorization.interval
        polls = 0

        def status() -> DeviceFlowProgress:
            return DeviceFlowProgress(
                user_code=authorization.user_code,
                verification_uri=authorization.verification_uri,
                verification_uri_complete=authorization.verification_uri_complete,
                expires_in=max(0.0, authorization.expires_at - self.clock()),
                interval=interval,
                polls=polls,
            )

        # Every poll after the first follows a wait of at least a second on the clock, so
        # the code's lifetime bounds the loop; the count bounds it even if the clock stalls.
        max_polls = int(max(0.0, authorization.expires_at - self.clock())) + 2
        if progress is not None:
            yield Call(progress, (status(),))
        for _ in range(max_polls):
            if self.clock() >= authorization.expires_at:
                break
            polls += 1
            try:
                token = yield from self._token_request(
                    rfc8628.DEVICE_CODE_GRANT,
                    endpoint,
                    {"device_code": authorization.device_code},
                    headers=headers,
                    auth=auth,
                )
            except ResponseError:
                raise
            except OAuthError as error:
                interval = rfc8628.next_interval(error, interval)
                logger.debug("device flow: %s, next poll in %s s", error.error, interval)
            else:
                yield from self._check_id_token_flow(token)
                self._hold_one_time_token(token)  # a device code cannot be used again
                yield from self._keep_flow(token)
                return token
            if self.clock() + interval >= authorization.expires_at:
                break
            if progress is not None:
                yield Call(progress, (status(),))
            yield Sleep(interval, self.clock)
        raise DeviceCodeExpiredError(
            description="the device code expired before the user approved the request"
        )
