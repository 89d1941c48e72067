"""A national conference in one room: how fast the chair's actions reach a
thousand phones, pushed over WebSockets, against the same room polling.

Creates a throwaway database with a meeting of ``--clients`` delegates, all
checked in (``bench/_room_seed.py``), and starts what production runs: **two**
uvicorn processes (``config.asgi``) sharing Redis (Channels' channel layer)
and a Celery worker. Then, on loopback:

1. **Push.** Every delegate's phone opens the meeting's socket, half on each
   server, with the projector's and the console's sockets. The chair takes
   the next agenda item ``--actions`` times through the console's page on
   the first server (a real POST with the session and CSRF token). For each
   action and phone: the time from the chair's request to the phone's
   first state naming the new item. Phones on the second server get the
   change only through Redis.
2. **Voting.** The chair opens an open vote; every delegate votes through
   the API (their own token) at an even rate over ``--vote-seconds``, while
   the chair reloads the console every 250 ms. The console's response times,
   and the phones' pushes, under that load. Then the chair closes the vote:
   the time for the decided result to reach the phones.
3. **Polling**, for comparison: the sockets close and every phone asks
   ``live.json`` every ``--poll-every`` seconds (what phones did before), the
   chair takes items again; the time until each phone sees the change, and
   each request's time.

For each phase, CPU seconds per server process and memory (RSS) before and
after the connections. It checks its work before printing a figure and
stops with a message instead: every socket must open, every chair's action
must succeed (a redirect to the console with no error), every vote must be
stored (the database's count is read back), and every phone must see every
change, or that phase prints no figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/room_push.py                     # 1,000 phones
    … bench/room_push.py --clients 200 --actions 5 --vote-seconds 20   # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import ROOT, fresh_database, run, start_worker

TICK = os.sysconf("SC_CLK_TCK")
SEE_WITHIN_S = 15.0  # a phone that has not seen a change by then counts as having missed it


# --- processes ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def _wait_up(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"The server on port {port} stopped:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The server on port {port} did not answer in 60 s.")


@dataclass
class Usage:
    cpu_s: float
    rss_mb: float


def _usage(pid: int) -> Usage:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    rss_kb = next(
        int(line.split()[1])
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmRSS")
    )
    return Usage(cpu_s=(int(fields[11]) + int(fields[12])) / TICK, rss_mb=rss_kb / 1024)


# --- the chair ----------------------------------------------------------------------------------------


class Chair:
    """The chair's browser: the console page and its forms, with the
    session cookie and the CSRF token the page sets."""

    def __init__(self, base: str, meeting: int, session: str) -> None:
        self.base, self.meeting = base, meeting
        self.cookies = {"sessionid": session}
        self.busy = 0
        status, _ = self.get(f"/meetings/{meeting}/console/")
        if status != 200 or "csrftoken" not in self.cookies:
            sys.exit(f"The chair's console answered {status} (no CSRF cookie): the chair is not signed in.")

    def _request(self, path: str, data: bytes | None = None) -> tuple[int, str, dict[str, str]]:
        """One request, redirects not followed (a console action answers 302)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            headers |= {"X-CSRFToken": self.cookies["csrftoken"], "Origin": self.base,
                        "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        host = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=60)
        try:
            conn.request("POST" if data is not None else "GET", path, body=data, headers=headers)
            resp = conn.getresponse()
            body = resp.read().decode(errors="replace")
        finally:
            conn.close()
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, body, dict(resp.headers)

    def get(self, path: str) -> tuple[int, str]:
        status, body, _ = self._request(path)
        return status, body

    def act(self, action: str, **form: str | int) -> None:
        """Press a console button; stop the bench unless it succeeded. A 503
        (the server busy: nothing was recorded) is pressed again after its
        Retry-After, as a chair would, and counted in ``self.busy``."""
        while True:
            status, body, headers = self._request(
                f"/meetings/{self.meeting}/console/{action}/", urllib.parse.urlencode(form).encode()
            )
            if status != 503:
                break
            self.busy += 1
            time.sleep(float(headers.get("Retry-After", "1")))
        if status != 302:
            sys.exit(f"The chair's {action} answered {status}, not a redirect to the console:\n{body[:1500]}")
        # The console shows the service's refusal as a message on the page it redirects to.
        status, page = self.get(headers.get("Location", f"/meetings/{self.meeting}/console/"))
        if status != 200 or 'class="alert alert-danger' in page:
            sys.exit(f"The chair's {action} was refused:\n{page[:3000]}")


# --- the phones ---------------------------------------------------------------------------------------


@dataclass
class Phone:
    server: int  # 0 or 1
    seen: dict[str, float] = field(default_factory=dict)  # item title or vote outcome -> first seen (monotonic)
    states: int = 0


def _note(phone: Phone, state: dict[str, Any], now: float) -> None:
    phone.states += 1
    item = state.get("current_item")
    if item and item not in phone.seen:
        phone.seen[item] = now
    vote = state.get("vote") or {}
    if vote.get("state") == "decided" and "decided" not in phone.seen:
        phone.seen["decided"] = now


async def _listen(ws: ClientConnection, phone: Phone) -> None:
    async for message in ws:
        _note(phone, json.loads(message), time.monotonic())


async def _open_sockets(urls: list[str], phones: list[Phone], origin: str) -> list[ClientConnection]:
    gate = asyncio.Semaphore(50)  # connect in waves, as a hall fills, not in one SYN flood

    async def one(url: str, phone: Phone) -> ClientConnection:
        async with gate:
            ws = await connect(url, origin=origin, max_size=2**22, open_timeout=60, ping_interval=None)  # type: ignore[arg-type]
            first = await asyncio.wait_for(ws.recv(), 30)  # the current state, sent on joining
            _note(phone, json.loads(first), time.monotonic())
            return ws

    return list(await asyncio.gather(*(one(u, p) for u, p in zip(urls, phones, strict=True))))


async def _wait_seen(phones: list[Phone], key: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(key not in p.seen for p in phones):
        await asyncio.sleep(0.05)


def _delays(phones: list[Phone], key: str, t0: float) -> list[float]:
    delays = [p.seen[key] - t0 for p in phones if key in p.seen]
    if any(d < 0 for d in delays):
        sys.exit(f"Phones saw “{key}” before the chair acted: the bench is not measuring the chair's action.")
    return delays


# --- polling ------------------------------------------------------------------------------------------


async def _http_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> bytes:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    body = await reader.readexactly(length)
    if status == 503:
        raise Busy(body.decode(errors="replace")[:200])
    if status != 200:
        raise RuntimeError(f"live.json answered {status}")
    return body


class Busy(Exception):
    """The server said 503, busy (its connection pool exhausted): the phone
    asks again at its next turn, as the page's script does."""


async def _poll(phone: Phone, port: int, path: str, every: float, stop: asyncio.Event, timings: list[float],
                errors: list[str], busy: list[float]) -> None:  # fmt: skip
    await asyncio.sleep(random.uniform(0, every))  # phones do not poll in step
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while not stop.is_set():
            started = time.monotonic()
            try:
                body = await asyncio.wait_for(_http_get(reader, writer, f"127.0.0.1:{port}", path), 30)
            except Busy:
                busy.append(time.monotonic() - started)
                await asyncio.sleep(every)
                continue
            except (TimeoutError, RuntimeError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
                errors.append(repr(exc))
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            now = time.monotonic()
            timings.append(now - started)
            try:
                _note(phone, json.loads(body), now)
            except ValueError as exc:
                errors.append(f"not JSON: {exc}")
            await asyncio.sleep(max(0.0, every - (now - started)))
    finally:
        writer.close()


_ERRORS: list[str] = []


def _errors_said() -> str:
    return f"{len(_ERRORS)} polls failed (first: {_ERRORS[0]})" if _ERRORS else ""


# --- figures ------------------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"p50 {_pct(ms, 0.5):.0f} ms, p95 {_pct(ms, 0.95):.0f} ms, p99 {_pct(ms, 0.99):.0f} ms, max {max(ms):.0f} ms"


def _within(values: list[float], seconds: float) -> str:
    return f"{100 * sum(v <= seconds for v in values) / len(values):.1f}%"


def _cpu(before: list[Usage], after: list[Usage], seconds: float) -> str:
    return ", ".join(
        f"server {n + 1}: {a.cpu_s - b.cpu_s:.1f} CPU s ({100 * (a.cpu_s - b.cpu_s) / seconds:.0f}% of a core)"
        for n, (b, a) in enumerate(zip(before, after, strict=True))
    )


# --- the phases ---------------------------------------------------------------------------------------


async def _take_items(chair: Chair, phones: list[Phone], titles: list[tuple[int, str]], gap: float) -> dict[str, float]:
    """The chair takes each item in turn; when each was taken (to subtract
    from when each phone saw it)."""
    taken: dict[str, float] = {}
    for item_id, title in titles:
        t0 = time.monotonic()
        await asyncio.to_thread(chair.act, "take-item", item=item_id, confirm="yes")
        await _wait_seen(phones, title, SEE_WITHIN_S)
        missed = sum(title not in p.seen for p in phones)
        if missed:
            sys.exit(f"{missed} of {len(phones)} phones never saw “{title}”: no figure. {_errors_said()}")
        taken[title] = t0
        await asyncio.sleep(gap)
    return taken


def _all_delays(phones: list[Phone], taken: dict[str, float]) -> list[float]:
    return [d for title, t0 in taken.items() for d in _delays(phones, title, t0)]


async def _vote(args: argparse.Namespace, seed: dict[str, Any], bases: list[str], chair: Chair) -> dict[str, Any]:
    """Every delegate votes through the API at an even rate while the chair
    reloads the console; returns the casts' and the console's timings."""
    tokens: list[str] = seed["tokens"]
    vote_id: int = seed["vote_id"]
    casts: list[float] = []
    refused: list[str] = []
    console: list[float] = []
    done = asyncio.Event()

    def cast(n: int) -> None:
        req = urllib.request.Request(  # noqa: S310 (loopback)
            f"{bases[n % 2]}/api/meetings/votes/{vote_id}/cast/",
            data=json.dumps({"choice": random.choice(["for", "against", "abstain"])}).encode(),
            headers={"Authorization": f"Token {tokens[n]}", "Content-Type": "application/json",
                     "Idempotency-Key": f"bench-{vote_id}-{n}"},
        )  # fmt: skip
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            refused.append(f"{exc.code} {exc.read()[:200]!r}")
        if status == 201:
            casts.append(time.monotonic() - started)

    async def reload_console() -> None:
        while not done.is_set():
            started = time.monotonic()
            status, _ = await asyncio.to_thread(chair.get, f"/meetings/{chair.meeting}/console/")
            if status != 200:
                refused.append(f"console {status}")
            console.append(time.monotonic() - started)
            await asyncio.sleep(0.25)

    reloader = asyncio.create_task(reload_console())
    start = time.monotonic()
    pending = []
    for n in range(len(tokens)):
        await asyncio.sleep(max(0.0, start + n * args.vote_seconds / len(tokens) - time.monotonic()))
        pending.append(asyncio.create_task(asyncio.to_thread(cast, n)))
    await asyncio.gather(*pending)
    done.set()
    await reloader
    return {"casts": casts, "refused": refused, "console": console, "seconds": time.monotonic() - start}


def _stored_votes(env: dict[str, str], vote_id: int) -> int:
    out = run(sys.executable, "manage.py", "shell", "-c",
              f"from meetings.models import OpenVoteCast; print(OpenVoteCast.objects.filter(vote_id={vote_id}).count())",
              env=env)  # fmt: skip
    return int(out.strip().splitlines()[-1])


def _vote_id(env: dict[str, str], meeting: int) -> int:
    out = run(sys.executable, "manage.py", "shell", "-c",
              f"from meetings.models import MeetingVote; print(MeetingVote.objects.filter(meeting_id={meeting}).latest('pk').pk)",
              env=env)  # fmt: skip
    return int(out.strip().splitlines()[-1])


async def _bench(args: argparse.Namespace, env: dict[str, str], seed: dict[str, Any], ports: list[int],
                 pids: list[int]) -> None:  # fmt: skip
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    meeting = seed["meeting"]
    chair = Chair(bases[0], meeting, seed["chair_session"])
    items = [(i["id"], i["title"]) for i in seed["items"]]
    half = len(items) // 2
    usage: Callable[[], list[Usage]] = lambda: [_usage(p) for p in pids]  # noqa: E731

    # 1. Push.
    print(f"\n== push: {args.clients} phones over WebSockets, half on each of two server processes", flush=True)
    idle = usage()
    phones = [Phone(server=n % 2) for n in range(args.clients)]
    urls = [f"ws://127.0.0.1:{ports[p.server]}/ws/meetings/{meeting}/" for p in phones]
    opened = time.monotonic()
    sockets = await _open_sockets(urls, phones, bases[0])
    print(f"{len(sockets)} sockets open in {time.monotonic() - opened:.1f} s", flush=True)
    projector = await connect(
        f"ws://127.0.0.1:{ports[1]}/ws/meetings/{meeting}/projector/{seed['projector_token']}/",
        origin=bases[0],  # type: ignore[arg-type]
    )
    listeners = [asyncio.create_task(_listen(ws, ph)) for ws, ph in zip(sockets, phones, strict=True)]
    connected = usage()
    before = usage()
    t = time.monotonic()
    taken = await _take_items(chair, phones, items[:half], gap=1.0)
    push_cpu = _cpu(before, usage(), time.monotonic() - t)
    push = _all_delays(phones, taken)
    # The chair acts on server 1; phones on server 2 hear of it only through Redis.
    push_by_server = [_all_delays([p for p in phones if p.server == s], taken) for s in (0, 1)]

    # 2. Voting, with the phones connected.
    print(f"== voting: {args.clients} votes through the API in {args.vote_seconds} s", flush=True)
    await asyncio.to_thread(chair.act, "take-item", item=seed["vote_item"], confirm="yes")
    await asyncio.to_thread(chair.act, "open-vote", target=f"motion:{seed['motion']}", mode="open")
    seed["vote_id"] = _vote_id(env, meeting)
    states_before = sum(p.states for p in phones)
    before = usage()
    voted = await _vote(args, seed, bases, chair)
    vote_cpu = _cpu(before, usage(), voted["seconds"])
    stored = _stored_votes(env, seed["vote_id"])
    if voted["refused"] or len(voted["casts"]) != args.clients or stored != args.clients:
        sys.exit(f"Votes: {len(voted['casts'])} answered 201, {stored} stored, of {args.clients}; "
                 f"refusals: {voted['refused'][:5]}: no figure.")  # fmt: skip
    states_during = sum(p.states for p in phones) - states_before
    t0 = time.monotonic()
    await asyncio.to_thread(chair.act, "close-vote", vote=seed["vote_id"])
    await _wait_seen(phones, "decided", SEE_WITHIN_S)
    if any("decided" not in p.seen for p in phones):
        sys.exit("Some phones never saw the vote decided: no figure.")
    decided = _delays(phones, "decided", t0)

    for ws in [*sockets, projector]:
        await ws.close()
    for task in listeners:
        task.cancel()
    await asyncio.sleep(1)

    n = args.clients
    print("\n== figures, push (loopback; the clients run on the same 2 cores as the servers)", flush=True)
    print(f"push, chair takes an item → phone shows it ({half} actions × {n} phones): {_summary(push)}; "
          f"within 1 s {_within(push, 1)}, within 2 s {_within(push, 2)}")  # fmt: skip
    for s, delays in enumerate(push_by_server):
        print(f"  phones on server {s + 1}{' (the chair’s)' if s == 0 else ' (through Redis)'}: {_summary(delays)}")
    print(f"  server CPU over those actions: {push_cpu}")
    print("  memory per server process, idle → with the sockets open: " + ", ".join(
        f"{a.rss_mb:.0f} → {b.rss_mb:.0f} MB" for a, b in zip(idle, connected, strict=True)))  # fmt: skip
    print(f"voting, {n} votes in {voted['seconds']:.0f} s: cast {_summary(voted['casts'])}; "
          f"console reloads ({len(voted['console'])}) {_summary(voted['console'])}; "
          f"{states_during} states pushed to the phones meanwhile")  # fmt: skip
    print(f"  server CPU while voting: {vote_cpu}")
    print(f"the vote closed → phone shows it decided: {_summary(decided)}; within 1 s {_within(decided, 1)}")

    # 3. Polling, for comparison.
    print(f"== polling: {args.clients} phones ask live.json every {args.poll_every:g} s", flush=True)
    pollers = [Phone(server=n % 2) for n in range(args.clients)]
    stop = asyncio.Event()
    timings: list[float] = []
    errors = _ERRORS
    busy: list[float] = []
    tasks = [
        asyncio.create_task(_poll(p, ports[p.server], f"/meetings/{meeting}/live.json", args.poll_every, stop, timings, errors, busy))
        for p in pollers
    ]  # fmt: skip
    await asyncio.sleep(args.poll_every * 2)  # every phone has started
    before = usage()
    t = time.monotonic()
    polled = _all_delays(pollers, await _take_items(chair, pollers, items[half:], gap=1.0))
    seconds = time.monotonic() - t
    poll_cpu = _cpu(before, usage(), seconds)
    stop.set()
    await asyncio.gather(*tasks)
    if errors:
        sys.exit(f"{len(errors)} polls failed (first: {errors[0]}): no figure.")

    print(f"polling every {args.poll_every:g} s, chair takes an item → phone shows it: {_summary(polled)}; "
          f"within 1 s {_within(polled, 1)}, within 2 s {_within(polled, 2)}")  # fmt: skip
    print(f"  {len(timings)} polls in {seconds:.0f} s ({len(timings) / seconds:.0f}/s): {_summary(timings)}; "
          f"{len(busy)} more answered 503 busy (pool exhausted), the chair's actions {chair.busy} times")  # fmt: skip
    print(f"  server CPU while polling: {poll_cpu}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=10, help="items the chair takes (half pushed, half polled)")
    parser.add_argument("--vote-seconds", type=float, default=60)
    parser.add_argument("--poll-every", type=float, default=3)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the two server processes share the room's pushes through Redis.")
    env = fresh_database("agora_bench_room")
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    print(f"seeding a meeting of {args.clients} delegates…", flush=True)
    seed = json.loads(
        run(sys.executable, "-m", "bench._room_seed", "--members", str(args.clients), "--items", str(args.actions + 1),
            env=env).strip().splitlines()[-1]
    )  # fmt: skip
    logs = Path(tempfile.mkdtemp(prefix="agora-room-bench-"))
    ports = [_free_port(), _free_port()]
    servers = [_start_server(env, port, logs / f"web{n}.log") for n, port in enumerate(ports)]
    worker = start_worker(env, "room-bench", logs / "worker.log")
    try:
        for port, proc, n in zip(ports, servers, range(2), strict=True):
            _wait_up(port, proc, logs / f"web{n}.log")
        asyncio.run(_bench(args, env, seed, ports, [s.pid for s in servers]))
    finally:
        for proc in [*servers, worker]:
            proc.terminate()
        for proc in [*servers, worker]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        print(f"(server and worker logs: {logs})")


if __name__ == "__main__":
    main()
