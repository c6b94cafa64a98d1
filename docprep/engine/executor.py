"""Where checks run: in this process, or in spawned worker processes (`-j N`; spawn, not fork, so the same code
runs on Windows). Both take the same jobs (a path and its options, never an open document) and give results in
the jobs' order; another executor (a cluster) needs only `map`."""
from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, Protocol

import cv2

from ..analysis.ocr import share_cores

log = logging.getLogger(__name__)


class Executor(Protocol):
    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        """function(*one argument of each) for every job, results in order."""


class Serial:
    """Every job in this process, one after another."""

    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        return map(function, *arguments)


def _pool_worker() -> None:
    """Each worker of `-j N` uses one core: OpenCV and onnxruntime would start a thread per core in every worker."""
    cv2.setNumThreads(1)
    share_cores()


class ProcessPool:
    """Jobs in `workers` spawned processes. A script that uses it without the `if __name__ == "__main__":` guard
    breaks the pool (spawned workers import the script); then the jobs run in this process, with a warning."""

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, function: Callable, *arguments: Iterable) -> Iterator:
        jobs = [list(a) for a in arguments]
        done = 0
        try:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_pool_worker) as pool:
                for result in pool.map(function, *jobs, chunksize=4):
                    done += 1
                    yield result
        except BrokenProcessPool:
            log.warning("docprep: the worker processes could not start (a script calling check_paths(jobs>1) "
                        "needs `if __name__ == \"__main__\":`); checking in this process instead")
            yield from map(function, *(job[done:] for job in jobs))


def executor_for(jobs: int, count: int) -> Executor:
    """Worker processes only where they pay: more than one job and more than one worker."""
    return ProcessPool(jobs) if jobs > 1 and count > 1 else Serial()
