"""Modular powers by GMP: one power, a fixed base, and products of many powers.

Every proof Belenios checks is a handful of exponentiations of 2048-bit
numbers, and Python's ``pow`` does them some six to nine times slower than
GMP, the library belenios-tool (OCaml's Zarith) uses. So all the powers in
``ballots.verifiable`` go through GMP (``gmpy2``), and two standard tricks
cut the work further, with the same results (the tests compare them with
``pow``):

* ``FixedBase``: for ``g`` and the election key, which are raised to fresh
  exponents in every proof, a table of ``base ** (d * 256 ** j)`` turns a
  power into one multiplication per byte of the exponent (Brickell et al.'s
  fixed-base windowing): 256 multiplications instead of some 2,400 for a
  2047-bit exponent, after building the table once per base (cached);
* ``multi_pow``: a product ``x_1 ** e_1 * ... * x_N ** e_N`` (every shuffle
  equation is one) by Pippenger's bucket method, which shares the squarings
  between all the bases.

Values cross this module's boundary as plain ``int``: GMP's numbers
(``mpz``) stay inside, so JSON, hashing and ``==`` see what they always saw.
None of this is constant-time, as Python's ``pow`` is not either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import gmpy2

from ballots.verifiable.group import Group

# One table row per byte of the exponent: a 2047-bit exponent's table holds
# 256 rows of 256 numbers (16 MiB); a 256-bit one's, 2 MiB.
_WINDOW = 8


def powmod(base: int, exponent: int, modulus: int) -> int:
    """``base ** exponent mod modulus`` as ``pow`` gives it (a negative exponent inverts first)."""
    if exponent < 0:
        return int(gmpy2.powmod(inverse(base, modulus), -exponent, modulus))
    return int(gmpy2.powmod(base, exponent, modulus))


def inverse(x: int, modulus: int) -> int:
    """``x ** -1 mod modulus``; ``ValueError`` when there is none, as ``pow(x, -1, modulus)``."""
    try:
        return int(gmpy2.invert(x, modulus))
    except ZeroDivisionError as error:
        raise ValueError("base is not invertible for the given modulus") from error


@dataclass(frozen=True)
class FixedBase:
    """``base ** e mod p`` for any ``e`` below ``q``, by table look-up."""

    p: Any  # gmpy2.mpz
    table: tuple[tuple[Any, ...], ...]  # rows of gmpy2.mpz
    size: int  # bytes an exponent may take

    @staticmethod
    def of(group: Group, base: int) -> FixedBase:
        return _fixed_base(group.p, group.q.bit_length(), base)

    def pow(self, exponent: int) -> int:
        if not 0 <= exponent < 1 << (8 * self.size):
            raise ValueError("exponent outside this table")
        p = self.p
        result = gmpy2.mpz(1)
        for row, digit in zip(self.table, exponent.to_bytes(self.size, "little"), strict=True):
            if digit:
                result = result * row[digit] % p
        return int(result)


@lru_cache(maxsize=6)
def _fixed_base(p: int, bits: int, base: int) -> FixedBase:
    modulus = gmpy2.mpz(p)
    rows = []
    step = gmpy2.mpz(base % p)
    for _ in range((bits + _WINDOW - 1) // _WINDOW):
        row = [gmpy2.mpz(1), step]
        for _ in range(2, 1 << _WINDOW):
            row.append(row[-1] * step % modulus)
        rows.append(tuple(row))
        step = row[-1] * step % modulus
    return FixedBase(modulus, tuple(rows), len(rows))


def _window(n: int, bits: int) -> int:
    """The bucket width that minimises Pippenger's multiplications for ``n`` bases."""
    return min(range(1, 16), key=lambda c: (bits + c - 1) // c * (n + 2 ** (c + 1)) + bits)


def multi_pow(bases: Sequence[int], exponents: Sequence[int], p: int) -> int:
    """``prod(b ** e for b, e in zip(bases, exponents)) mod p`` (exponents non-negative)."""
    if len(bases) != len(exponents):
        raise ValueError("as many exponents as bases are needed")
    modulus = gmpy2.mpz(p)
    if len(bases) < 8:
        result = gmpy2.mpz(1)
        for b, e in zip(bases, exponents, strict=True):
            result = result * gmpy2.powmod(b, e, modulus) % modulus
        return int(result)
    bits = max(e.bit_length() for e in exponents)
    c = _window(len(bases), bits)
    mask = (1 << c) - 1
    big_bases = [gmpy2.mpz(b) for b in bases]
    big_exponents = [gmpy2.mpz(e) for e in exponents]
    result = gmpy2.mpz(1)
    for shift in range((bits + c - 1) // c * c - c, -1, -c):
        result = gmpy2.powmod(result, 1 << c, modulus)
        buckets: list[Any] = [None] * (1 << c)
        for b, e in zip(big_bases, big_exponents, strict=True):
            digit = (e >> shift) & mask
            if digit:
                bucket = buckets[digit]
                buckets[digit] = b if bucket is None else bucket * b % modulus
        running, window_sum = gmpy2.mpz(1), gmpy2.mpz(1)
        for digit in range(mask, 0, -1):
            bucket = buckets[digit]
            if bucket is not None:
                running = running * bucket % modulus
            window_sum = window_sum * running % modulus
        result = result * window_sum % modulus
    return int(result)


# A table costs some 65,000 multiplications for a 2047-bit exponent (about
# 60 powers' worth), so a base gets one only once it has recurred this often.
_TABLE_AFTER = 48
_uses: dict[tuple[int, int], int] = {}


def recurring_pow(group: Group, base: int, exponent: int) -> int:
    """``base ** exponent mod p`` for a base that recurs (``g``, an election key), ``0 <= exponent < q``.

    The group's ``g`` gets its table at once; any other base after it has
    been raised ``_TABLE_AFTER`` times, so a key seen once (a test's, a
    single check's) costs no table.
    """
    if base != group.g:
        key = (group.p, base)
        uses = _uses.get(key, 0)
        if uses < _TABLE_AFTER:
            if len(_uses) > 256:
                _uses.clear()
            _uses[key] = uses + 1
            return int(gmpy2.powmod(base, exponent, group.p))
    return FixedBase.of(group, base).pow(exponent)
