"""RFC 8288 ``Link`` headers for lists paged by an opaque ``continuationToken`` (an offset
here): first, previous (after the first page) and next (when there is more), each the request's
own URL with only the token changed."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

TOKEN = "continuationToken"


def offset_links(start: int, limit: int, more: bool) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != TOKEN]

    def url(offset: int) -> str:
        query = urlencode(pairs + ([(TOKEN, str(offset))] if offset else []))
        return f"{request.base_url}?{query}" if query else request.base_url

    links = [f'<{url(0)}>; rel="first"']
    if start > 0:
        links.append(f'<{url(max(0, start - limit))}>; rel="previous"')
    if more:
        links.append(f'<{url(start + limit)}>; rel="next"')
    return ", ".join(links)
