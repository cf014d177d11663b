"""The one chunked driver loop: chunking, stop rules, the progress protocol, checkpoints and Ctrl-C."""
import time

import pytest

from pbits.runtime import chunks


def _count(state, done, m):
    return state + m, (done, m)


def test_chunks_cover_the_total_exactly():
    out = chunks.run_chunks(_count, 0, total=23, chunk=5, done=3)
    assert out.state == 20 and out.done == 23 and out.stopped == "done"
    assert out.dones.tolist() == [8, 13, 18, 23] and [m for _, m in out.records] == [5, 5, 5, 5]
    assert len(out.times) == 4 and all(b >= a for a, b in zip(out.times, out.times[1:]))


def test_stop_rule_progress_and_time_limit():
    out = chunks.run_chunks(_count, 0, total=100, chunk=10, stop=lambda s, d: "target" if s >= 30 else None)
    assert out.stopped == "target" and out.done == 30
    seen = []
    out = chunks.run_chunks(_count, 0, total=100, chunk=10, progress=lambda d, t, r: seen.append((d, t)) or d >= 20)
    assert out.stopped == "interrupt" and out.done == 20 and seen == [(10, 100), (20, 100)]

    def slow(state, done, m):
        time.sleep(0.05)
        return state + m, m

    out = chunks.run_chunks(slow, 0, total=10 ** 6, chunk=1, time_limit=0.2)
    assert out.stopped == "time_limit" and 1 <= out.done < 50
    out = chunks.run_chunks(slow, 0, total=5, chunk=1, time_limit=0.0)  # a run always makes progress
    assert out.stopped == "time_limit" and out.done == 1


def test_total_sized_at_run_time():
    out = chunks.run_chunks(_count, 0, total=lambda done, elapsed: 12 if done >= 4 else 100, chunk=4)
    assert out.done == 12 and out.stopped == "done"


def test_save_after_every_chunk_and_at_the_end_and_ctrl_c_keeps_the_last_chunk():
    saved = []

    def boom(state, done, m):
        if done >= 6:
            raise KeyboardInterrupt
        return state + m, m

    out = chunks.run_chunks(boom, 0, total=20, chunk=3, save=lambda loop: saved.append((loop.done, loop.stopped)))
    assert out.stopped == "keyboard" and out.done == 6 and out.state == 6
    assert saved == [(3, "done"), (6, "done"), (6, "keyboard")]


def test_bad_chunk_is_refused():
    with pytest.raises(ValueError, match="chunk must be a positive integer"):
        chunks.run_chunks(_count, 0, total=3, chunk=0)
