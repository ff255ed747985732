"""The recommender's progress reaches the client throttled, and never after the progress ended."""

from apiary.lsp import sequences


class ImmediateLoop:
    def call_soon_threadsafe(self, fn, *args):
        fn(*args)


def test_progress_is_throttled_and_stops_at_the_end(monkeypatch):
    clock = iter([10.0, 10.1, 10.7, 11.0])
    monkeypatch.setattr(sequences.time, "monotonic", lambda: next(clock))
    sent = []
    heard = sequences._ThrottledProgress(lambda message, percentage: sent.append((message, percentage)),
                                         ImmediateLoop())
    heard("mining stdlib", 1, 4)  # 10.0: sent
    heard("mining stdlib", 2, 4)  # 10.1: within half a second of the last, dropped
    heard("mining stdlib", 3, 4)  # 10.7: sent
    heard.open = False
    heard("mining stdlib", 4, 4)  # after the end: dropped
    assert sent == [("mining stdlib (1/4)", 25), ("mining stdlib (3/4)", 75)]
