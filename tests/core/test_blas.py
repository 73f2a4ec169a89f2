"""BLAS thread policy: per-task limits headless, one fixed count once a program fixes it."""

import subprocess
import sys

SCRIPT = r"""
from threadpoolctl import threadpool_info
from nnlin_gui.core.networks import blas

def count():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"][0]

start = count()
with blas.blas_threads(1):
    assert count() == 1
assert count() == start
blas.fix_blas_threads(1)
with blas.blas_threads(2):
    assert count() == 1, "a fixed count is never changed"
assert count() == 1 and blas.fixed_blas_threads() == 1
print("BLAS-OK")
"""


def test_task_limits_are_restored_and_a_fixed_count_stays():
    # A subprocess: the setting is process-wide and must not leak into other tests.
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "BLAS-OK" in proc.stdout
