"""The task's definition, shared by the scorer: inputs and the trusted answer. Never imported by a solution."""
from typing import List

import numpy as np

# 2^20 elements: the plain loop takes about a second, the vectorised reference about 10 ms.
FULL_SIZE = 1 << 20
SEED = 20240
INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def full_input(k: int) -> np.ndarray:
    """The k-th timing input: full-range int32, fixed seed per k, so runs are reproducible but not repeatable."""
    rng = np.random.default_rng([SEED, k])
    return rng.integers(INT32_MIN, INT32_MAX, size=FULL_SIZE, dtype=np.int32, endpoint=True)


def small_cases() -> List[tuple]:
    """(name, x) pairs that pin down the definition, edge cases first."""
    a = lambda values: np.array(values, dtype=np.int32)  # noqa: E731
    cases = [
        ("empty", a([])),
        ("single_positive", a([5])),
        ("single_negative", a([-5])),
        ("worked_example", a([1, 2, -3, 4, 5, 6])),
        ("all_negative", a([-(i % 7) - 1 for i in range(50)])),
        ("all_zero", a([0] * 50)),
        ("all_positive", a([i + 1 for i in range(50)])),
        ("zeros_do_not_toggle", a([3, 0, 0, -2, 0, 7, 0, 1])),
        ("int32_extremes", a([INT32_MAX, INT32_MAX, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MAX] * 8)),
    ]
    rng = np.random.default_rng([SEED, 999])
    for i in range(24):
        n = int(rng.integers(1, 300))
        lo, hi = [(-10, 10), (-3, 1), (0, 2), (INT32_MIN, INT32_MAX)][i % 4]
        cases.append(("random_%d" % i, rng.integers(lo, hi, size=n, dtype=np.int32, endpoint=True)))
    return cases


def expected_by_definition(x: np.ndarray) -> np.ndarray:
    """The definition, literally and slowly (O(n^2)): for small inputs, to check everything else against."""
    values = [int(v) for v in x]
    positives_before = [sum(1 for v in values[:j] if v > 0) for j in range(len(values))]
    out = [sum(values[j] for j in range(i + 1) if positives_before[j] % 2 == 1) for i in range(len(values))]
    return np.array(out, dtype=np.int64)


def expected_fast(x: np.ndarray) -> np.ndarray:
    """The same answer in NumPy, for the full-size inputs; checked against the definition on every small case."""
    positive = (x > 0).astype(np.int64)
    positives_before = np.cumsum(positive) - positive
    return np.cumsum(np.where(positives_before % 2 == 1, x.astype(np.int64), 0), dtype=np.int64)


def first_mismatch(got: np.ndarray, want: np.ndarray) -> str:
    """Empty string when got is a correct answer, else what is wrong with it, in one sentence."""
    if not isinstance(got, np.ndarray):
        return "returned %s; expected a numpy.ndarray" % type(got).__name__
    if got.shape != want.shape:
        return "returned shape %s; expected %s" % (got.shape, want.shape)
    if got.dtype.kind not in "iu":
        return "returned dtype %s; expected an integer dtype (int64: sums must not wrap)" % got.dtype
    equal = got.astype(np.int64) == want
    if equal.all():
        return ""
    i = int(np.argmin(equal))
    return "first mismatch at index %d: got %d, expected %d" % (i, int(got[i]), int(want[i]))
