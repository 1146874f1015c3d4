"""A TCP proxy on loopback that delays every chunk by a fixed one-way time, each direction.

``python -m bench.proxy --target-port P --delay 0.010`` listens on a free 127.0.0.1 port,
prints it on stdout, and forwards to 127.0.0.1:P. A 10 ms one-way delay gives a 20 ms round
trip. Each chunk is queued with the moment it may leave, so throughput is not throttled:
what is in flight simply arrives ``delay`` later, as on a long but fat link.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

CHUNK = 256 * 1024


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def _feed(
    reader: asyncio.StreamReader, queue: asyncio.Queue[tuple[float, bytes]], delay: float
) -> None:
    loop = asyncio.get_running_loop()
    while chunk := await reader.read(CHUNK):
        queue.put_nowait((loop.time() + delay, chunk))
    queue.put_nowait((loop.time() + delay, b""))


async def _drain(queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter) -> None:
    loop = asyncio.get_running_loop()
    while True:
        due, chunk = await queue.get()
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if not chunk:
            with contextlib.suppress(OSError):
                writer.write_eof()
            return
        writer.write(chunk)
        await writer.drain()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
    with contextlib.suppress(OSError):
        await asyncio.gather(_feed(reader, queue, delay), _drain(queue, writer))


async def _serve_one(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    target_port: int,
    delay: float,
) -> None:
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    _nodelay(client_writer)
    _nodelay(server_writer)
    await asyncio.gather(
        _pipe(client_reader, server_writer, delay), _pipe(server_reader, client_writer, delay)
    )
    for writer in (client_writer, server_writer):
        writer.close()


async def serve(target_port: int, delay: float) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_one(reader, writer, target_port, delay)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


@contextlib.contextmanager
def delaying_proxy(target_port: int, one_way_delay: float) -> Iterator[int]:
    """Run the proxy in its own process for the block; yields its port."""
    from bench.clients import with_repo_path

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.proxy",
            "--target-port",
            str(target_port),
            "--delay",
            str(one_way_delay),
        ],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=with_repo_path(dict(os.environ)),
    )
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(10)


def measure_rtt(port: int, rounds: int = 5) -> float:
    """The median time of a NOOP-like exchange through the proxy (seconds): one round trip."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.recv(4096)  # greeting
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            sock.sendall(b"CAPA\r\n")
            data = b""
            while not data.endswith(b"\r\n.\r\n"):
                data += sock.recv(4096)
            times.append(time.perf_counter() - start)
        sock.sendall(b"QUIT\r\n")
    return sorted(times)[len(times) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.proxy")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.010, help="one-way delay (seconds)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.target_port, args.delay))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
