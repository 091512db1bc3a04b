"""Random allocation of status list entries (badges/statuslist.py): pure, no database."""
import random

import pytest

from badges import statuslist as sl


class Scripted:
    """An rng whose randrange answers from a script (then falls back to a seeded generator)."""

    def __init__(self, answers, seed=1):
        self.answers, self.calls, self.fallback = list(answers), [], random.Random(seed)

    def randrange(self, n):
        self.calls.append(n)
        return self.answers.pop(0) if self.answers else self.fallback.randrange(n)


def test_count_set():
    bits = bytearray(4)
    assert sl.count_set(bits) == 0
    for i in (0, 7, 9, 31):
        sl.set_bit(bits, i)
    assert sl.count_set(bits) == 4


def test_random_free_index_returns_the_draw_when_free():
    assert sl.random_free_index(bytearray(16), Scripted([77])) == 77


def test_random_free_index_draws_again_when_taken():
    bits = bytearray(16)
    sl.set_bit(bits, 5)
    sl.set_bit(bits, 6)
    assert sl.random_free_index(bits, Scripted([5, 6, 40])) == 40


def test_dense_list_falls_back_to_the_kth_free_entry():
    bits = bytearray(b"\xff" * 16)
    for free in (3, 64, 127):
        sl.set_bit(bits, free, False)
    for k, expected in enumerate((3, 64, 127)):
        rng = Scripted([0] * 24 + [k])  # every draw hits taken entry 0, then k among the 3 free
        assert sl.random_free_index(bits, rng) == expected
        assert rng.calls[-1] == 3


def test_full_or_empty_list_is_refused():
    with pytest.raises(sl.StatusListError, match="full"):
        sl.random_free_index(bytearray(b"\xff" * 8), random.Random(1))
    with pytest.raises(sl.StatusListError):
        sl.random_free_index(bytearray(), random.Random(1))


def test_filling_a_list_gives_every_entry_once():
    bits, rng, seen = bytearray(8), random.Random(7), []
    for _ in range(64):
        i = sl.random_free_index(bits, rng)
        assert not sl.get_bit(bits, i)
        sl.set_bit(bits, i)
        seen.append(i)
    assert sorted(seen) == list(range(64)) and seen != sorted(seen)
    with pytest.raises(sl.StatusListError):
        sl.random_free_index(bits, rng)


def test_draws_are_spread_over_the_whole_list():
    bits, rng = sl.new_bitstring(), random.Random(3)
    picks = []
    for _ in range(200):
        i = sl.random_free_index(bits, rng)
        sl.set_bit(bits, i)
        picks.append(i)
    assert len(set(picks)) == 200
    assert max(picks) > sl.MIN_ENTRIES // 2 and min(picks) < sl.MIN_ENTRIES // 2  # not clustered at the start
    assert picks != sorted(picks)


def test_uniform_over_free_entries_in_the_dense_path():
    bits = bytearray(b"\xff\x00")  # entries 8..15 free
    rng = random.Random(11)
    counts = {}
    for _ in range(4000):
        i = sl.random_free_index(bits, rng, draws=0)
        counts[i] = counts.get(i, 0) + 1
    assert set(counts) == set(range(8, 16))
    assert min(counts.values()) > 400  # 500 expected each


@pytest.mark.parametrize("entries,count,expected", [
    (16, 0, b"\x00\x00"), (16, 1, b"\x80\x00"), (16, 8, b"\xff\x00"), (16, 9, b"\xff\x80"), (16, 16, b"\xff\xff"),
    (16, 13, b"\xff\xf8"),
])
def test_allocated_prefix(entries, count, expected):
    assert bytes(sl.allocated_prefix(entries, count)) == expected


@pytest.mark.parametrize("entries,count", [(16, 17), (16, -1), (12, 3)])
def test_allocated_prefix_refuses_nonsense(entries, count):
    with pytest.raises(sl.StatusListError):
        sl.allocated_prefix(entries, count)
