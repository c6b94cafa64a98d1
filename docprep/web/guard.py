"""What every request passes before the page or the API sees it: a Host header naming the bound address or
localhost (a page on another site that rebinds its DNS name to 127.0.0.1 still sends its own name: refused), a
post from this page itself (a form on another site sends its own Origin: refused), and at most the upload limit
(413, from Content-Length before anything is read, or counted as the body arrives)."""
from __future__ import annotations

import ipaddress
import json
from urllib.parse import parse_qs, urlsplit

from ..i18n import LANGUAGES, default_language, message

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(value: str) -> str:
    """The name part of a Host header or a URL's netloc: "[::1]:8765" -> "::1", "Example:80" -> "example"."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def allowed_host(name: str, bound: str) -> bool:
    """A Host this server answers: localhost, the bound address, and with a wildcard bind (0.0.0.0, ::) any IP
    address (DNS rebinding needs a name; a bare address cannot be rebound)."""
    bound = host_name(bound) if bound.startswith("[") else bound.lower()
    return name in LOCAL_NAMES or name == bound or (bound in WILDCARDS and _is_ip(name))


class TooLarge(Exception):
    """The body passed the upload limit while it was read."""


class Guard:
    """ASGI middleware: the Host check, the Origin check on posts, the upload limit."""

    def __init__(self, app, bound: str, limit_bytes: int):
        self.app, self.bound, self.limit = app, bound, limit_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        lang = _query_lang(scope)
        host = headers.get("host", "")
        if not allowed_host(host_name(host), self.bound):
            return await _refuse(send, 403, message("web.foreign_host", host=host)(lang))
        if scope["method"] not in SAFE_METHODS and not _same_origin(headers, host):
            return await _refuse(send, 403, message("web.cross_site")(lang))
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            return await _refuse(send, 413, _too_large(self.limit, lang))
        started = False
        received = 0

        async def counted_receive():
            nonlocal received
            event = await receive()
            received += len(event.get("body", b""))
            if received > self.limit:
                raise TooLarge
            return event

        async def watched_send(event):
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self.app(scope, counted_receive, watched_send)
        except TooLarge:
            if not started:
                await _refuse(send, 413, _too_large(self.limit, lang))


def _same_origin(headers: dict[str, str], host: str) -> bool:
    """A post from this page: its Origin names this host (a browser always sends one on a cross-site post; a
    client without one, such as curl, is no browser page); with no Origin, Sec-Fetch-Site must not say
    cross-site."""
    origin = headers.get("origin")
    if origin is None:
        return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def pick_lang(value: str | None) -> str:
    """The language asked for (a page's ?lang=, a form's lang), else DOCPREP_LANG's, else Chinese."""
    return value if value in LANGUAGES else default_language()


def _query_lang(scope) -> str:
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])
    return pick_lang(asked[0])


def _too_large(limit: int, lang: str) -> str:
    return message("web.too_large", mb=f"{limit / 1_000_000:g}")(lang)


async def _refuse(send, status: int, text: str) -> None:
    body = json.dumps({"error": text, "status": status}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode("ascii")), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
