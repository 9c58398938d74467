"""Each ledger line's REST JSON, rendered once and kept until the line changes.

A page of ``GET /v1/transactionlines`` spent most of its time building each line's view
(``queries.rows``), its dict (``api.transaction_line``) and its JSON text, again for every page
read, though lines rarely change. Here each line's text is kept with the state it was rendered
from: every field of the ``Line`` (all of them, so a field added later is covered too), its
account and its tax code (frozen objects: replaced, never changed, so compared by identity).
A line changed in any way (approved, linked, a due date set, a field added by a later change)
no longer matches its state and is rendered again; nothing has to remember to invalidate.
A rendering that reads anything else (another line, a link's total) must add it to the state.

At most ``capacity`` lines are kept (the oldest rendered first out): a page reader touches the
same few pages again and again; a sync that reads every page of a million lines must not double
the server's memory.
"""

from __future__ import annotations

import dataclasses
import operator
import threading
from collections.abc import Callable, Iterable

from ..ledger.book import ClientBook
from ..ledger.model import Line

_STATE = operator.attrgetter(*(f.name for f in dataclasses.fields(Line)))


class RenderedLines:
    def __init__(self, render: Callable[[ClientBook, Line, bool], str], capacity: int = 20_000):
        self._render = render
        self.capacity = capacity
        self._texts: dict[tuple, tuple[tuple, str]] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def text(self, book: ClientBook, line: Line, dimensions: bool) -> str:
        """The JSON text of one line (call under the ledger lock, as for rendering)."""
        state = (_STATE(line), book.accounts.get(line.account_no), book.tax_codes.get(line.tax_no))
        key = (book.client_id, line.line_id, dimensions)
        found = self._texts.get(key)
        if found is not None and found[0] == state:
            self.hits += 1
            return found[1]
        self.misses += 1
        text = self._render(book, line, dimensions)
        with self._lock:
            texts = self._texts
            texts.pop(key, None)
            texts[key] = (state, text)
            while len(texts) > self.capacity:
                del texts[next(iter(texts))]
        return text

    def array(self, book: ClientBook, lines: Iterable[Line], dimensions: bool) -> str:
        """A JSON array of the lines: the same text as encoding the list in one go."""
        return "[" + ",".join([self.text(book, ln, dimensions) for ln in lines]) + "]"

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()
