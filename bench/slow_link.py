"""A TCP proxy on 127.0.0.1 that delays what the client sends: a database "over a VPN" for benchmarks.

Each chunk from the client waits ``delay`` seconds before it is passed on; the answers come back at
once, so every request/answer exchange (one SQL statement, a commit, a pre-ping) costs one ``delay``.
Runs its own event loop on a thread; ``with SlowLink(("127.0.0.1", 5432), 0.2) as link: link.port``.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType


class SlowLink:
    """Forwards 127.0.0.1:``port`` to ``target`` with ``delay`` seconds on the way there."""

    def __init__(self, target: tuple[str, int], delay: float) -> None:
        self.target = target
        self.delay = delay
        self.port = 0
        self.exchanges = 0
        """Client chunks passed on so far (about one per SQL round trip)."""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="slow-link", daemon=True)
        self._server: asyncio.Server | None = None

    def __enter__(self) -> SlowLink:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the slow link did not start")
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _error: BaseException | None, _trace: TracebackType | None
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._thread.join(10)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        self._loop.call_soon(self._loop.stop)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _connection(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            await asyncio.gather(
                self._pump(client_reader, server_writer, self.delay), self._pump(server_reader, client_writer, 0.0)
            )
        except asyncio.CancelledError:
            client_writer.close()  # the link is being closed: end quietly

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
        try:
            while chunk := await reader.read(65536):
                if delay:
                    self.exchanges += 1
                    await asyncio.sleep(delay)
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
