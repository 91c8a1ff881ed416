"""`mintlify-agent --fake mcp` driven by a client that is not ours: the official Python `mcp`
package (pinned in .ci/run), over stdio and Streamable HTTP.

The package checks every structured result against the tool's output schema, so this also
holds our schemas to what the tools return. Over HTTP, a proxy also cuts the connection in the
middle of a wait_for_job: the client reconnects with Last-Event-ID and gets the result.

Usage: python .ci/mcp_client.py COMMAND [ARG...]
  the server is COMMAND ARG... --fake mcp: a binary (PATH/TO/mintlify-agent), or how a user's
  agent starts it (npx -y mintlify-agent, uvx mintlify-agent). Prints how long the first
  tools/list took to be answered after the start.
"""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

TOOLS = [
    "create_job",
    "get_job",
    "send_message",
    "wait_for_job",
    "auth_check",
    "list_sessions",
    "get_session",
]


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAIL: {what}")


async def exercise(session: ClientSession, full: bool, started: float = 0.0) -> None:
    init = await session.initialize()
    check(init.protocol_version == "2025-11-25", f"protocol {init.protocol_version}")
    tools = (await session.list_tools()).tools
    if started:
        print(f"stdio: the first tools/list answered {time.monotonic() - started:.2f} s after the start")
    check([t.name for t in tools] == TOOLS, f"tools {[t.name for t in tools]}")
    check(all(t.output_schema for t in tools), "every tool has an output schema")

    created = await session.call_tool("create_job", {"prompt": "Add a quickstart"})
    check(not created.is_error, f"create_job: {created.content}")
    job_id = created.structured_content["id"]

    progress = []

    async def on_progress(value, total, message):
        progress.append((value, total, message))

    waited = await session.call_tool(
        "wait_for_job",
        {"id": job_id, "timeout_seconds": 60},
        progress_callback=on_progress,
    )
    check(not waited.is_error, f"wait_for_job: {waited.content}")
    check(waited.structured_content["outcome"] == "completed", f"outcome {waited.structured_content}")
    check(waited.structured_content["job"]["prLink"].startswith("https://"), "a pull request")
    check(progress and progress[-1][2] == f"job {job_id}: completed", f"progress {progress}")
    check(all(a[0] < b[0] for a, b in zip(progress, progress[1:])), "progress grows")
    if not full:
        return

    for name, arguments in [
        ("get_job", {"id": job_id}),
        ("send_message", {"id": job_id, "prompt": "Also add error handling"}),
        ("auth_check", {}),
        ("list_sessions", {"limit": 3}),
    ]:
        result = await session.call_tool(name, arguments)
        check(not result.is_error, f"{name}: {result.content}")
    check(
        (await session.call_tool("auth_check", {})).structured_content["ok"] is True,
        "auth_check ok",
    )

    for name, arguments, words in [
        ("create_job", {"prompt": "   "}, "`prompt` is empty"),
        ("get_job", {"id": ".."}, "cannot be empty"),
        ("get_job", {"id": "no_such_job"}, "Retrying will not help"),
        ("get_session", {"id": 7}, "must be a string"),
        ("wait_for_job", {"id": job_id, "timeout_seconds": "soon"}, "number of seconds"),
    ]:
        result = await session.call_tool(name, arguments)
        text = " ".join(c.text for c in result.content)
        check(result.is_error and words in text, f"{name} {arguments}: {text}")


async def over_stdio(command: list[str]) -> None:
    params = StdioServerParameters(
        command=command[0], args=[*command[1:], "--fake", "mcp"], env=dict(os.environ)
    )
    started = time.monotonic()
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await exercise(session, full=True, started=started)


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 that can drop every connection it carries at once, as a
    laptop that sleeps or a proxy with a time limit drops a long one."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.open: set = set()
        self.connections = 0
        self.cuts = 0

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.carry, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def carry(self, reader, writer) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target)
        pair = (writer, upstream_writer)
        self.open.add(pair)
        self.connections += 1

        async def pipe(source, sink) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        try:
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        except asyncio.CancelledError:
            pass  # the loop ends with the client's last connection still open
        finally:
            self.open.discard(pair)

    def cut(self) -> None:
        self.cuts += 1
        for client, upstream in list(self.open):
            client.transport.abort()
            upstream.transport.abort()
        self.open.clear()

    def close(self) -> None:
        self.server.close()
        for client, upstream in list(self.open):
            client.transport.abort()
            upstream.transport.abort()


async def resumed_after_a_cut(url: str) -> None:
    """wait_for_job through a proxy that drops the connection after the first progress: the
    client reconnects with Last-Event-ID and gets what it missed, the result included."""
    port = int(re.search(r":(\d+)/mcp$", url).group(1))
    proxy = CuttingProxy(port)
    proxied = f"http://127.0.0.1:{await proxy.start()}/mcp"
    try:
        async with streamable_http_client(proxied) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                created = await session.call_tool("create_job", {"prompt": "Add a page"})
                job_id = created.structured_content["id"]
                progress = []

                async def on_progress(value, total, message):
                    progress.append(message)
                    if proxy.cuts == 0:
                        proxy.cut()

                waited = await session.call_tool(
                    "wait_for_job",
                    {"id": job_id, "timeout_seconds": 60},
                    progress_callback=on_progress,
                )
                check(proxy.cuts == 1, "the connection was cut mid-wait")
                check(not waited.is_error, f"wait_for_job after the cut: {waited.content}")
                check(
                    waited.structured_content["outcome"] == "completed",
                    f"outcome after the cut {waited.structured_content}",
                )
                check(progress[0] == f"job {job_id}: active", f"progress {progress}")
                check(
                    progress[-1] == f"job {job_id}: completed",
                    f"the progress sent while away came on the resumed stream: {progress}",
                )
    finally:
        proxy.close()


async def over_http(command: list[str]) -> None:
    server = subprocess.Popen(
        [*command, "--fake", "mcp", "--http", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Its own process group, stopped as a terminal stops it: a launcher (npx, uvx) and the
        # server under it all get the signal.
        start_new_session=True,
    )
    try:
        # A launcher may print lines of its own first.
        lines = []
        url = None
        while url is None and len(lines) < 20:
            lines.append(server.stderr.readline())
            url = re.search(r"http://\S+/mcp", lines[-1])
            check(lines[-1] or url, f"no URL in {lines!r}")
        check(url, f"no URL in {lines!r}")
        async with streamable_http_client(url.group(0)) as (read, write):
            async with ClientSession(read, write) as session:
                await exercise(session, full=False)
        await resumed_after_a_cut(url.group(0))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


async def main() -> None:
    command = sys.argv[1:]
    check(command, __doc__)
    await over_stdio(command)
    await over_http(command)
    print(
        "mcp: the official Python client drove every tool over stdio and HTTP, and resumed a "
        "wait cut mid-stream"
    )


asyncio.run(main())
