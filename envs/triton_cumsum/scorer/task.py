"""The task's definition for the scorer: inputs and the trusted answer. Runs only in the scorer, never beside a
solution."""
from typing import List, Tuple

import numpy as np

SIZES = {"full": 100_000_000, "mini": 1 << 20}
SEED = 31_415
INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def big_input(size: int, k: int) -> np.ndarray:
    """Input k of a size: whole-range int32 from a fixed seed, so every machine scores the same data."""
    rng = np.random.default_rng([SEED, size, k])
    return rng.integers(INT32_MIN, INT32_MAX, size=size, dtype=np.int32, endpoint=True)


def small_cases() -> List[Tuple[str, np.ndarray]]:
    """(name, x) pairs that pin the definition down, edge cases first."""
    a = lambda values: np.array(values, dtype=np.int32)  # noqa: E731
    cases = [
        ("empty", a([])),
        ("single_positive", a([5])),
        ("single_negative", a([-5])),
        ("worked_example", a([1, 2, -3, 4, 5, 6])),
        ("all_negative", a([-(i % 7) - 1 for i in range(70)])),
        ("all_zero", a([0] * 70)),
        ("all_positive", a([i + 1 for i in range(70)])),
        ("zeros_do_not_toggle", a([3, 0, 0, -2, 0, 7, 0, 1])),
        ("int32_extremes", a([INT32_MAX, INT32_MAX, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MAX] * 8)),
    ]
    rng = np.random.default_rng([SEED, 999])
    for i in range(16):
        # Lengths around common block sizes (1024, 4096) catch carries lost between blocks.
        n = int(rng.integers(1, 300)) if i % 2 else int(rng.choice([1023, 1024, 1025, 4095, 4097, 5000]))
        lo, hi = [(-10, 10), (-3, 1), (0, 2), (INT32_MIN, INT32_MAX)][i % 4]
        cases.append(("random_%d" % i, rng.integers(lo, hi, size=n, dtype=np.int32, endpoint=True)))
    return cases


def expected_by_definition(x: np.ndarray) -> np.ndarray:
    """The definition, literally (quadratic): for small inputs, to check expected() against."""
    values = [int(v) for v in x]
    positives_before = [sum(1 for v in values[:j] if v > 0) for j in range(len(values))]
    out = [sum(values[j] for j in range(i + 1) if positives_before[j] % 2 == 1) for i in range(len(values))]
    return np.array(out, dtype=np.int64)


def expected(x: np.ndarray) -> np.ndarray:
    """The answer in NumPy, int64; checked against the definition on every small case before use."""
    positive = (x > 0).astype(np.int64)
    positives_before = np.cumsum(positive) - positive
    return np.cumsum(np.where(positives_before % 2 == 1, x.astype(np.int64), 0), dtype=np.int64)


def first_mismatch(got: np.ndarray, want: np.ndarray) -> str:
    """Empty when got is right; else what is wrong, in one sentence."""
    if got.shape != want.shape:
        return "returned shape %s; expected %s" % (got.shape, want.shape)
    if got.dtype != np.int64:
        return "returned dtype %s; expected int64 (sums must not wrap)" % got.dtype
    equal = got == want
    if equal.all():
        return ""
    i = int(np.argmin(equal))
    return "first mismatch at index %d: got %d, expected %d" % (i, int(got[i]), int(want[i]))
