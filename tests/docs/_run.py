"""Running a page's examples: its blocks in order, in one namespace, on one event loop.

A block is compiled with the page as its file name and its own line numbers, so a traceback
points into the Markdown. A block with top-level ``await`` (``async with``, ``async for``)
runs on the page's event loop, which lives as long as the page: a client opened in one block
can be awaited in the next. Marked blocks are compiled (and type-checked with the others by
:mod:`tests.docs._typecheck`), never run.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from joserfc.jwk import RSAKey

from ._fake_apis import ExampleAPI, ProviderAPIs
from ._fake_oauth1 import EXAMPLE_OAUTH1, X_OAUTH1, OAuth1Server
from ._fake_oauth2 import EXAMPLE, GITHUB, GOOGLE, AuthorizationServer, X
from ._fake_registry import RegistryProviders
from ._fake_web import FakeWeb
from ._pages import Block

__all__ = ["PageRun", "build_web", "compile_block"]

_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def compile_block(block: Block) -> CodeType:
    """The block's code object; a ``SyntaxError`` names the page and line."""
    code: CodeType = compile(
        block.padded(), str(block.page), "exec", flags=_FLAGS, dont_inherit=True
    )
    return code


def build_web(keys: Mapping[str, RSAKey]) -> FakeWeb:
    """A fresh fake internet: every provider the pages talk to, nothing remembered."""
    servers = [
        AuthorizationServer(config, key=keys[config.name])
        for config in (EXAMPLE, GOOGLE, GITHUB, X)
    ]
    return FakeWeb(
        sites=[
            *servers,
            OAuth1Server(EXAMPLE_OAUTH1),
            OAuth1Server(X_OAUTH1),
            RegistryProviders(keys["registry"]),
            ProviderAPIs(),
        ],
        fallback=ExampleAPI(),
    )


@dataclass
class PageRun:
    """The blocks of one page, run in order in ``namespace``."""

    namespace: dict[str, Any]
    ran: list[Block] = field(default_factory=list)
    marked: list[Block] = field(default_factory=list)

    def run(self, blocks: list[Block]) -> None:
        with asyncio.Runner() as loop:
            for block in blocks:
                code = compile_block(block)
                if block.skip_reason is not None:
                    self.marked.append(block)
                    continue
                try:
                    if code.co_flags & inspect.CO_COROUTINE:
                        loop.run(eval(code, self.namespace))
                    else:
                        exec(code, self.namespace)
                except BaseException as error:
                    error.add_note(f"in the documentation example at {block.where}")
                    raise
                self.ran.append(block)
