"""Where checks run: in this process, or in spawned worker processes (`-j N`; spawn, not fork, so the same code
runs on Windows). Both take the same jobs (a path and its options, never an open document) and give results in
the jobs' order; another executor (a cluster) needs only `map`."""
from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, Protocol

import cv2

from ..analysis.ocr import share_cores

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


def _pool_worker(records=None, level: int = logging.WARNING) -> None:
    """Each worker of `-j N` uses one core: OpenCV and onnxruntime would start a thread per core in every worker.
    Its log records (a file that could not be checked, with its traceback) go to `records`, a queue the calling
    process empties into its own logging, so they end where that process's log goes."""
    cv2.setNumThreads(1)
    share_cores()
    if records is not None:
        root = logging.getLogger()
        root.handlers = [logging.handlers.QueueHandler(records)]
        root.setLevel(level)


class _Forward(logging.Handler):
    """Hands a worker's record to the logger of the same name in this process (and so to its handlers)."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


class ProcessPool:
    """Jobs in `workers` spawned processes. A script that uses it without the `if __name__ == "__main__":` guard
    breaks the pool (spawned workers import the script); then the jobs run in this process, with a warning."""

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        jobs = [list(a) for a in arguments]
        done = 0
        context = multiprocessing.get_context("spawn")
        records = context.Queue()
        listener = logging.handlers.QueueListener(records, _Forward())
        listener.start()
        try:
            # One file per task (chunksize 1): a file takes far longer than handing it over, and chunks would leave
            # a worker idle at the end of the run while another works through its last chunk.
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_pool_worker,
                                     initargs=(records, logging.getLogger().getEffectiveLevel())) as pool:
                for result in pool.map(function, *jobs, chunksize=1):
                    done += 1
                    yield result
        except BrokenProcessPool:
            log.warning("docprep: the worker processes could not start (a script calling check_paths(jobs>1) "
                        "needs `if __name__ == \"__main__\":`); checking in this process instead")
            yield from map(function, *(job[done:] for job in jobs))
        finally:
            listener.stop()
            records.close()


def executor_for(jobs: int | None, count: int) -> Executor:
    """Worker processes only where they pay: more than one job and more than one file, and no more workers than
    files. `jobs` None: the usable cores."""
    jobs = usable_cores() if jobs is None else jobs
    return ProcessPool(min(jobs, count)) if jobs > 1 and count > 1 else Serial()
