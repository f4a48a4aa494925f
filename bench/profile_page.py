"""``make profile PAGE=<key>``: where one page's time goes, in-process.

Loads the page over a few hundred requests with Django's test client (the whole
middleware stack, the same session cookie as ``make bench``) against the benchmark's
database (``var/bench/bench.sqlite3``, or ``DATABASE_URL``), first without the profiler
(the mean time and queries per request), then under cProfile and, at the same time, a
stack sampler. Writes under ``var/bench/``:

- ``profile-<page>-<database>.txt``: cProfile's table, sorted by own time and by
  cumulative time;
- ``profile-<page>-<database>.collapsed``: sampled stacks in the collapsed format
  (``flamegraph.pl``, speedscope or inferno draw it as a flame graph).

Page keys are ``make bench``'s (bench/run.py ``pages``), plus ``ceiling`` and
``floor``. Settings (environment): PROFILE_REQUESTS (300), PROFILE_WARMUP (20).
The data set is fixed (seed_bench's seed), so runs are reproducible up to the machine.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import OUT, Target, environment, fixed_pages, fixtures, pages

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "300"))
WARMUP = int(os.environ.get("PROFILE_WARMUP", "20"))
SAMPLE_SECONDS = 0.001


class StackSampler(threading.Thread):
    """Samples one thread's Python stack every millisecond into collapsed stacks."""

    def __init__(self, thread_id: int) -> None:
        super().__init__(daemon=True)
        self.thread_id, self.stacks, self.running = thread_id, Counter[str](), True

    def run(self) -> None:
        while self.running:
            frame: FrameType | None = sys._current_frames().get(self.thread_id)
            names = []
            while frame is not None:
                code = frame.f_code
                module = os.path.basename(code.co_filename).removesuffix(".py")
                names.append(f"{module}.{code.co_qualname}")
                frame = frame.f_back
            if names:
                self.stacks[";".join(reversed(names))] += 1
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> str:
        self.running = False
        self.join()
        return "".join(f"{stack} {count}\n" for stack, count in self.stacks.most_common())


def _target(key: str) -> Target:
    data = fixtures(upload=False)
    targets = {t.key: t for t in [*pages(data), *fixed_pages(data)]}
    if key not in targets:
        raise SystemExit(f"PAGE must be one of: {', '.join(targets)}")
    return targets[key]


def _client(target: Target):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for part in filter(None, target.cookie.split("; ")):
        name, _, value = part.partition("=")
        client.cookies[name] = value
    return client


def _load(client, path: str, count: int) -> None:
    for _ in range(count):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")


def profile(key: str) -> Path:
    environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", verbosity=0, interactive=False)  # as served by make bench

    target = _target(key)
    client = _client(target)
    _load(client, target.path, WARMUP)
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        _load(client, target.path, 1)
    started = time.perf_counter()
    _load(client, target.path, REQUESTS)
    mean_ms = (time.perf_counter() - started) * 1000 / REQUESTS

    # cProfile sees every thread (Python 3.12 profiles through sys.monitoring), so the
    # sampler runs on a pass of its own.
    profiler = cProfile.Profile()
    profiler.enable()
    _load(client, target.path, REQUESTS)
    profiler.disable()
    sampler = StackSampler(threading.get_ident())
    switch = sys.getswitchinterval()
    sys.setswitchinterval(SAMPLE_SECONDS / 2)  # let the sampler in between bytecodes
    sampler.start()
    _load(client, target.path, REQUESTS)
    collapsed = sampler.stop()
    sys.setswitchinterval(switch)

    stem = OUT / f"profile-{key}-{connection.vendor}"
    text = io.StringIO()
    text.write(f"{target.name}: {target.path} on {connection.vendor}\n")
    text.write(f"{mean_ms:.2f} ms per request without the profiler (mean of {REQUESTS}), "
               f"{queries[0]} queries per request\n\n")  # fmt: skip
    for order in ("tottime", "cumulative"):
        text.write(f"--- sorted by {order}, per {REQUESTS} requests\n")
        stats = pstats.Stats(profiler, stream=text)
        stats.strip_dirs().sort_stats(order).print_stats(40)
    Path(f"{stem}.txt").write_text(text.getvalue())
    Path(f"{stem}.collapsed").write_text(collapsed)
    print(text.getvalue().split("--- sorted by cumulative")[0][:6000])
    print(f"Written to {stem}.txt and {stem}.collapsed")
    return Path(f"{stem}.txt")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench/profile_page.py PAGE")
    profile(sys.argv[1])
