"""Where checks run: in this process, or in spawned worker processes (`-j N`; spawn, not fork, so the same code
runs on Windows). Both take the same jobs (a path and its options, never an open document) and give results in
the jobs' order; another executor (a cluster) needs only `map`.

Worker processes isolate files from each other: a file past the profile's time or memory limit, or one that
crashes a native parser, costs its own worker (replaced at once) and comes back as a JobFailed, never the run.
pebble's pool does the time limits and the replacing (concurrent.futures' pool breaks for good when one worker
dies, and has no per-task timeout); it runs with spawn, as on Windows."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Protocol

log = logging.getLogger(__name__)


def usable_cores() -> int:
    """The cores this process may run on (`-j`'s default): the affinity mask and cgroup-free count where Python
    can tell (os.process_cpu_count on 3.13+, sched_getaffinity on Linux), else every core."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Executor(Protocol):
    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        """function(*one argument of each) for every job, results in order."""


class Serial:
    """Every job in this process, one after another."""

    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        return map(function, *arguments)


@dataclass(frozen=True)
class Limits:
    """What one job may take in a worker process: wall-clock seconds and resident memory in MB (0: no limit)."""

    seconds: float = 0
    memory_mb: int = 0


@dataclass(frozen=True)
class JobFailed:
    """A job that gave no result: `reason` "time" (past the time limit), "memory" (past the memory limit; its
    worker was stopped) or "crashed" (its worker died: a native library's crash, or the system's out-of-memory
    killer), with `detail` for the message. The worker is replaced and the next jobs run."""

    reason: str
    detail: str


# A worker past its memory limit ends itself with this exit status (engine.executor._watch_memory).
MEMORY_EXIT = 86
_WATCH_SECONDS = 0.05


def _watch_memory(limit_mb: int) -> None:
    """In a worker: end the process (MEMORY_EXIT) as soon as its resident memory passes `limit_mb`. A thread that
    samples, on every platform (psutil), rather than an address-space rlimit (POSIX only, and onnxruntime and
    numpy reserve far more address space than they touch)."""
    import psutil

    process, limit = psutil.Process(), limit_mb * 1024 * 1024
    while True:
        if process.memory_info().rss > limit:
            os._exit(MEMORY_EXIT)
        time.sleep(_WATCH_SECONDS)


def _pool_worker(records=None, level: int = logging.WARNING, memory_mb: int = 0) -> None:
    """Each worker of `-j N` uses one core: OpenCV and onnxruntime would start a thread per core in every worker.
    Its log records (a file that could not be checked, with its traceback) go to `records`, a queue the calling
    process empties into its own logging, so they end where that process's log goes. With `memory_mb`, a
    watchdog ends the worker past that memory. (Ctrl-C is the calling process's to handle: it stops the pool;
    pebble's workers ignore SIGINT.)"""
    import cv2  # here: the calling process of a cached run never needs OpenCV (nor NumPy, through analysis.ocr)

    from ..analysis.ocr import share_cores

    cv2.setNumThreads(1)
    share_cores()
    if records is not None:
        import logging.handlers  # here, as in ProcessPool.map: it imports socket and pickle

        root = logging.getLogger()
        root.handlers = [logging.handlers.QueueHandler(records)]
        root.setLevel(level)
    if memory_mb:
        threading.Thread(target=_watch_memory, args=(memory_mb,), daemon=True, name="docprep-memory").start()


@contextlib.contextmanager
def _ctrl_c_ignored():
    """SIGINT ignored while worker processes start: a process started then keeps ignoring it (an ignored signal
    stays ignored across exec, and Python installs its handler only where the signal is not ignored), so a Ctrl-C
    that reaches the whole process group while a worker is still importing does not print its traceback; this
    process stops the workers itself. Only the main thread may set handlers: elsewhere nothing changes."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Forward(logging.Handler):
    """Hands a worker's record to the logger of the same name in this process (and so to its handlers)."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


class ProcessPool:
    """Jobs in `workers` spawned processes (pebble: a per-job time limit, and a worker that dies or is stopped is
    replaced while the run goes on). A job past `limits`, or whose worker died, gives a JobFailed in its place. A
    script that uses it without the `if __name__ == "__main__":` guard breaks the pool (spawned workers import
    the script); then the jobs run in this process, with a warning."""

    def __init__(self, workers: int, limits: Limits = Limits()):
        self.workers = workers
        self.limits = limits

    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        import logging.handlers  # here, with pebble: a run that starts no worker (all cached) imports none
        import multiprocessing
        from concurrent.futures.process import BrokenProcessPool

        import pebble

        jobs = list(zip(*arguments))
        done = 0
        context = multiprocessing.get_context("spawn")
        records = context.Queue()
        listener = logging.handlers.QueueListener(records, _Forward())
        listener.start()
        pool = pebble.ProcessPool(max_workers=self.workers, context=context, initializer=_pool_worker,
                                  initargs=(records, logging.getLogger().getEffectiveLevel(), self.limits.memory_mb))
        try:
            # One file per task: a file takes far longer than handing it over.
            with _ctrl_c_ignored():  # the first schedule starts the workers: they are born deaf to Ctrl-C
                futures = [pool.schedule(function, args=job, timeout=self.limits.seconds or None) for job in jobs]
            for future in futures:
                result = self._outcome(future)
                done += 1
                yield result
        except BrokenProcessPool:
            log.warning("docprep: the worker processes could not start (a script calling check_paths(jobs>1) "
                        "needs `if __name__ == \"__main__\":`); checking in this process instead")
            pool.stop()
            yield from (function(*job) for job in jobs[done:])
        finally:  # also on Ctrl-C or an abandoned run: no worker outlives it
            if done < len(jobs):
                pool.stop()
            else:
                pool.close()
            pool.join()
            listener.stop()
            records.close()

    def _outcome(self, future):
        """A job's result, or JobFailed when it ran past the time limit or its worker died."""
        import pebble  # imported already by map()

        try:
            return future.result()
        except FutureTimeout:
            return JobFailed("time", f"{self.limits.seconds:g}")
        except pebble.ProcessExpired as exc:
            if exc.exitcode == MEMORY_EXIT:
                return JobFailed("memory", f"{self.limits.memory_mb}")
            return JobFailed("crashed", f"exit code {exc.exitcode}")


def executor_for(jobs: int | None, count: int, limits: Limits = Limits(), isolate: bool = False) -> Executor:
    """Worker processes only where they pay: more than one job and more than one file, and no more workers than
    files. `jobs` None: the usable cores. `limits` hold in worker processes only (this process cannot stop itself
    in the middle of a file), so `isolate` (a server that must stay up: docprep serve) asks for worker processes
    for a single file too."""
    jobs = usable_cores() if jobs is None else jobs
    if count and (isolate or (jobs > 1 and count > 1)):
        return ProcessPool(max(1, min(jobs, count)), limits)
    return Serial()
