"""Every error text lives once, in the catalogue ``mockserver/errors/`` (a package, one module
per domain).

The texts are the string constants of the catalogue's modules (the fixed parts of its templates
and f-strings, docstrings aside); a module of ``mockserver/`` outside the catalogue that writes
one of them again, in a string or an f-string, fails this test with the file, the line and the
text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mockserver import errors

CATALOGUE = Path(errors.__file__).resolve().parent
PACKAGE = CATALOGUE.parent
CATALOGUE_FILES = sorted(CATALOGUE.glob("*.py"))
#: A fragment shorter than this, or of fewer words, is too common to be a text of its own.
MIN_CHARS, MIN_WORDS = 14, 3
#: Phrases the catalogue's texts share with other messages, not texts of their own.
PHRASES = {"must be a string", "must be an integer", "does not exist", "is outside fiscal year",
           "Too Many Requests",  # HTTP's reason phrase (door.REASONS), L4's body
           "must be a whole number, not",  # the dashboard filter's, also the scenario reader's
           "must be one of"}  # the scenario reader's, also the CLI's and settings' checks


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant outside docstrings, f-string parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            out.append((node.lineno, node.value))
    return out


#: A ``{field}`` of a template (``{value!r}``, ``{amount:f}``); other braces are text (JSON examples).
FIELD = re.compile(r"\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}")


def _fragments(text: str) -> list[str]:
    """The fixed parts of a template (``{field}`` parts cut out)."""
    return [p.replace("{{", "{").replace("}}", "}").strip() for p in FIELD.split(text)]


def catalogue_texts() -> set[str]:
    texts = set()
    for _, text in (found for path in CATALOGUE_FILES for found in _strings(path)):
        for fragment in _fragments(text):
            if len(fragment) >= MIN_CHARS and len(fragment.split()) >= MIN_WORDS \
                    and fragment not in PHRASES:
                texts.add(fragment)
    return texts


def test_the_catalogue_has_the_vendor_texts():
    texts = catalogue_texts()
    for expected in ("Client is not authenticated on this identity",
                     "Server was unable to process request. --->",
                     "The access token is invalid", "Client authentication failed",
                     "Could not finish last Bundle! iError:2",
                     # the control API's (issue 12), JSON examples included
                     'Send {"now": "2024-05-01T10:59:00Z"} or {"advance_seconds": 3600}',
                     "must be a whole number, 0 or more", "a fault has matchers (",
                     "must be a date like 2024-01-31, not",
                     # the scenario reader's
                     "is not a scope of the vendor's OpenAPI 0.56.0",
                     "is the standard price list (the products' own prices)"):
        assert any(expected in t for t in texts), expected


def test_the_catalogue_is_a_package_of_modules():
    assert {p.name for p in CATALOGUE_FILES} >= {"__init__.py", "base.py", "rest.py"}
    assert len(catalogue_texts()) > 100  # every module's texts, not only one file's


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py")
                                        if CATALOGUE not in p.parents),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_error_text_outside_the_catalogue(path: Path):
    texts = catalogue_texts()
    found = [f"{path.relative_to(PACKAGE)}:{line}: {text!r} repeats {t!r}"
             for line, text in _strings(path) for t in texts if t in text]
    assert found == [], "\n".join(found)
