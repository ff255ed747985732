"""Lazy, chainable processing of a sequence of items: rows, lines, numbers.

The precise signatures and the full documentation live in ``stream.pyi``.
"""

import itertools

from honeycomb.table import Table


class Stream:
    """A lazy, re-iterable sequence of items whose methods return new streams, so calls chain."""

    def __init__(self, source):
        self._source = source

    def __iter__(self):
        return iter(self._source)

    def __repr__(self):
        return f"{type(self).__name__}(...)"

    def where(self, predicate):
        return _Derived(lambda: filter(predicate, self))

    def apply(self, func):
        return _Derived(lambda: map(func, self))

    def take(self, n):
        return _Derived(lambda: itertools.islice(self, n))

    def unnest(self):
        return _Derived(lambda: itertools.chain.from_iterable(self))

    def batch(self, *args, **kwargs):
        return Batcher(self, *args, **kwargs)

    def window(self, *args, **kwargs):
        return Windower(self, *args, **kwargs)

    def collect(self):
        return list(self)

    def to_table(self, *args, **kwargs):
        return Table(self, *args, **kwargs)


class _Derived(Stream):
    """A stream whose items come from calling a factory anew for each iteration."""

    def __init__(self, factory):
        super().__init__(None)
        self._factory = factory

    def __iter__(self):
        return iter(self._factory())


def _positive(name, value):
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


class Batcher(Stream):
    """Groups items into lists of a fixed size (functional name: ``batch``).

    The last list is shorter when the items do not divide evenly, unless ``drop_last`` is set.
    """

    def __init__(self, source, size, drop_last=False):
        super().__init__(source)
        self.size = _positive("size", size)
        self.drop_last = drop_last

    def __iter__(self):
        items = iter(self._source)
        while chunk := list(itertools.islice(items, self.size)):
            if len(chunk) < self.size and self.drop_last:
                return
            yield chunk


class Windower(Stream):
    """Slides a fixed-size window over the items and yields each full window as a tuple (functional name: ``window``)."""

    def __init__(self, source, size, step=1):
        super().__init__(source)
        self.size = _positive("size", size)
        self.step = _positive("step", step)

    def __iter__(self):
        items = list(self._source)
        for start in range(0, len(items) - self.size + 1, self.step):
            yield tuple(items[start : start + self.size])
