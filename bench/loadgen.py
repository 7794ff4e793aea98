"""A small HTTP/1.1 load client for the production benchmark: N kept-alive connections for a fixed time.

Why our own and not wrk or locust: a fresh machine has only python3 (wrk needs a compiler or apt, locust a
dozen packages and its own event loop), and the RSVP storm needs each connection to be a different
signed-in member posting a form with its CSRF token, which wrk does only through Lua scripts. Python's
http.client costs ~100 us a request; this client writes pre-built request bytes and reads the answer with
asyncio streams (Content-Length or chunked), so one process does several thousand requests per second, and
the connections are spread over one process per core so that it is not the bottleneck. Its own ceiling
is measured against a canned answer (measure_ceiling) and printed beside the results.

Each connection cycles through its own list of requests (the storm's: going, then not going, as one
member); latency is from writing a request to reading the last byte of its answer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    reconnects: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def merge(self, other: Result) -> None:
        self.requests += other.requests
        self.seconds = max(self.seconds, other.seconds)
        self.latencies_ms += other.latencies_ms
        self.statuses.update(other.statuses)
        self.errors.update(other.errors)
        self.reconnects += other.reconnects


def build_request(method: str, path: str, host: str, headers: dict[str, str] | None = None,
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "User-Agent: flashmob-bench",
             "Accept: */*", "Connection: keep-alive"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Closed(Exception):
    """The server closed a kept-alive connection before answering (keep-alive timeout, worker restart)."""


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes):
    writer.write(request)
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise _Closed from None
        raise
    status = int(head[9:12])
    length = None
    chunked = close = False
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip()
        headers[name] = value
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and value.lower() == b"close":
            close = True
    body = b""
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    elif status not in (204, 304) and not 100 <= status < 200:
        body = await reader.read()
        close = True
    return status, headers, body, close


async def _connection(host, port, requests: list[bytes], expect: set[int], warm_until: float,
                      stop_at: float, result: Result) -> None:
    reader = writer = None
    n = 0
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        request = requests[n % len(requests)]
        started = time.perf_counter()
        try:
            status, _headers, _body, close = await _exchange(reader, writer, request)
        except _Closed:
            writer.close()
            writer = None
            result.reconnects += 1
            continue
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if started >= warm_until:
                result.errors[type(exc).__name__] += 1
            writer.close()
            writer = None
            await asyncio.sleep(0.01)
            continue
        done = time.perf_counter()
        n += 1
        if started >= warm_until and done <= stop_at:
            result.requests += 1
            result.latencies_ms.append((done - started) * 1000)
            result.statuses[status] += 1
            if status not in expect:
                result.errors[f"HTTP {status}"] += 1
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


def _process(args) -> Result:
    host, port, plans, expect, start_at, warmup, seconds = args
    result = Result()

    async def main():
        while time.time() < start_at:
            await asyncio.sleep(min(0.01, start_at - time.time()))
        base = time.perf_counter()
        warm_until = base + warmup
        stop_at = warm_until + seconds
        await asyncio.gather(*(_connection(host, port, plan, expect, warm_until, stop_at, result)
                               for plan in plans))

    asyncio.run(main())
    result.seconds = seconds
    return result


def run(host: str, port: int, plans: list[list[bytes]], *, seconds: float, warmup: float = 1.0,
        expect: set[int] | None = None, processes: int | None = None) -> Result:
    """One connection per plan (a list of raw requests it cycles through), for `seconds` after `warmup`."""
    processes = max(1, min(processes or os.cpu_count() or 1, len(plans)))
    shares = [plans[k::processes] for k in range(processes)]
    start_at = time.time() + 0.3
    args = [(host, port, share, expect or {200}, start_at, warmup, seconds) for share in shares]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        parts = pool.map(_process, args)
    total = Result()
    for part in parts:
        total.merge(part)
    total.seconds = seconds
    return total


def fetch(host: str, port: int, request: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request on a fresh connection (setting up: CSRF tokens, ETags)."""

    async def main():
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 22)
        try:
            status, headers, body, _close = await _exchange(reader, writer, request)
        finally:
            writer.close()
        return status, headers, body

    return asyncio.run(main())


CANNED = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


def _canned_server(port_queue) -> None:
    async def answer(reader, writer):
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(CANNED)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main():
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def measure_ceiling(connections: int, seconds: float) -> Result:
    """The client's own limit: the same load against a server that answers from memory at once (one
    process, so on a 2-core machine it also takes a core: a floor of the ceiling)."""
    context = multiprocessing.get_context("fork")
    ports = context.Queue()
    server = context.Process(target=_canned_server, args=(ports,), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=10)
        request = build_request("GET", "/", f"127.0.0.1:{port}")
        return run("127.0.0.1", port, [[request]] * connections, seconds=seconds, warmup=0.5)
    finally:
        server.terminate()
        server.join()
