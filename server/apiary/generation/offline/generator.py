"""The offline default generator: sketch-then-fill without model weights.

Sketches are the library's own usage examples (docstrings, tests, workspace code) of the APIs to
use; they are chosen by API and by how well the context can fill them, filled from the context
(variables in scope of a fitting type, local functions, the comment's constants, signature
defaults), chained across the steps of a multi-step comment, and ranked. A signature template is
the last resort. Every score and count here is an `OfflineWeights` field (``apiary.weights``).
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.generation.offline.adapt import Adapted, adapt, methods_in_chain
from apiary.generation.offline.constants import comment_constants
from apiary.generation.offline.elementwise import over_each
from apiary.generation.offline.fillers import Fillers, collect_fillers
from apiary.generation.offline.plan import Step, plan
from apiary.generation.offline.templates import Template, template
from apiary.generation.offline.usage import Usage, UsageCorpus
from apiary.generation.placement import continuation
from apiary.generation.types import Candidate, CodeContext, GenerationSettings
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.index import LibraryIndex
from apiary.weights import OfflineWeights, load_weights


@dataclass
class _Option:
    text: str
    apis: tuple[str, ...]
    score: float
    origin: str
    snippet: str | None = None
    assigned: str | None = None


class OfflineGenerator:
    name = "offline"

    def __init__(
        self,
        indexes: Callable[[], Sequence[LibraryIndex]],
        corpus_for: Callable[[LibraryIndex], UsageCorpus],
        encoder: Encoder | None = None,
        weights: OfflineWeights | None = None,
    ):
        self._indexes = indexes
        self._corpus_for = corpus_for
        self._encoder = encoder
        self.weights = weights if weights is not None else load_weights().offline

    @property
    def spare(self) -> int:
        """Candidates written beyond those asked for, to stand in for any the checks drop."""
        return self.weights.spare_candidates

    def generate(
        self,
        context: CodeContext,
        apis: Sequence[ApiEntry],
        n: int,
        settings: GenerationSettings,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        editor = context.editor
        steps = plan(editor.intent, apis, self._index_of, self._encoder, self.weights)
        step_text = {s.api.import_path: s.text for s in steps}
        options: list[_Option] = []
        for rank, api in enumerate(apis):
            if cancel is not None and cancel.is_set():
                break
            index = self._index_of(api)
            if index is None:
                continue
            fillers = collect_fillers(editor, index.catalogue)
            singles = self._singles(api, rank, index, fillers, step_text.get(api.import_path), editor.text_before)
            if steps:  # one API alone covers one step of a multi-step comment
                for option in singles:
                    option.score -= self.weights.step_coverage * (1 - 1 / len(steps))
            options.extend(singles)
        if steps:
            options.extend(self._chains(steps, editor))
        return _finish(options, context, n, frozenset(a.import_path for a in apis if a.returns in _NOTHING_RETURNED))

    # -- one API -------------------------------------------------------------------------------
    def _singles(self, api: ApiEntry, rank: int, index: LibraryIndex, fillers: Fillers, comment: str | None,
                 code_before: str = "") -> list[_Option]:
        """Candidates calling ``api`` alone; ``comment`` is the step of the comment it serves, if known."""
        w = self.weights
        prior = w.rank_decay**rank
        comment = comment or fillers.intent
        options: list[_Option] = []
        for usage in self._corpus_for(index).for_api(api.import_path)[: w.usages_per_api]:
            for prune in (False, True):
                adapted = adapt(usage, fillers, index.catalogue, comment=comment, prune_unmentioned=prune, weights=w)
                if adapted is None:
                    continue
                score = prior + _score(adapted, fillers, w, comment)
                options.append(_Option(adapted.text, adapted.apis, score, usage.origin, snippet=adapted.snippet,
                                       assigned=usage.assigned))
                each = over_each(adapted.text, fillers, code_before, comment) if adapted.kept else None
                if each is not None:  # the example's value became each of the user's values
                    options.append(_Option(each, adapted.apis, score + w.kept_penalty + w.filled, usage.origin,
                                           assigned=usage.assigned))
        made = template(api, fillers, index.catalogue, comment, weights=w)
        if made is not None:
            options.append(_template_option(made, api, prior, w))
        return options

    # -- several APIs, chained -----------------------------------------------------------------
    def _chains(self, steps: list[Step], editor) -> list[_Option]:
        first, rest = steps[0], steps[1:]
        index = self._index_of(first.api)
        if index is None:
            return []
        fillers = collect_fillers(editor, index.catalogue)
        heads = sorted(self._step_options(first, index, fillers, receiver=None), key=lambda o: -o.score)[
            : self.weights.chain_heads
        ]
        chains: list[_Option] = []
        for head in heads:
            current = head
            for step in rest:
                step_index = self._index_of(step.api) or index
                catalogue = step_index.catalogue
                following = self._step_options(
                    step,
                    step_index,
                    collect_fillers(editor, catalogue),
                    receiver=current.text,
                    receiver_returns=_returns_of(current.apis[-1], catalogue),
                )
                if not following:
                    current = None
                    break
                best = max(following, key=lambda o: o.score)
                current = _Option(best.text, current.apis + best.apis, current.score + best.score, best.origin)
            if current is not None:
                current.score = current.score / len(steps) + self.weights.chain_bonus
                chains.append(current)
        return chains

    def _step_options(self, step: Step, index: LibraryIndex, fillers: Fillers, receiver: str | None,
                      receiver_returns: str | None = None) -> list[_Option]:
        api, w = step.api, self.weights
        options: list[_Option] = []
        if receiver is not None and not api.owner:  # a class or function taking the previous result
            if not accepts(api, receiver_returns):
                return []
            made = _wrap(api, receiver, fillers, index.catalogue, step.text, w)
            return [made] if made else []
        for usage in self._corpus_for(index).for_api(api.import_path)[: w.usages_per_api]:
            if receiver is not None and not _single_method(usage):
                continue  # chaining onto the previous step: only this step's call, not the example's others
            adapted = adapt(usage, fillers, index.catalogue, comment=step.text, receiver=receiver,
                            prune_unmentioned=receiver is not None, weights=w)
            if adapted is not None and (receiver is None or receiver in adapted.text):
                options.append(_Option(adapted.text, adapted.apis, _score(adapted, fillers, w, step.text), usage.origin,
                                       snippet=adapted.snippet, assigned=usage.assigned))
        made = template(api, fillers, index.catalogue, step.text, receiver=receiver, weights=w)
        if made is not None:
            options.append(_template_option(made, api, 0.0, w))
        return options

    def _index_of(self, api: ApiEntry) -> LibraryIndex | None:
        for index in self._indexes():
            if api.import_path in index.catalogue.by_path:
                return index
        return None


def _single_method(usage: Usage) -> bool:
    try:
        return methods_in_chain(ast.parse(usage.call, mode="eval").body) == 1
    except SyntaxError:
        return False


_SCALARS = frozenset({"str", "bytes", "int", "float", "bool", "complex"})


def accepts(api: ApiEntry, returns: str | None) -> bool:
    """Whether ``api``'s first parameter takes a value the docs say is a ``returns``: a chain must
    type step by step, so a wrap needs both types known and the annotation to admit the value
    (on the dev libraries no wrap written without that evidence passed its tests: 0 of 27)."""
    params = [p for p in api.params if p.kind in ("positional_only", "positional_or_keyword", "var_positional")]
    if not params or not params[0].annotation or not returns:
        return False
    produced = returns.strip().split("[")[0].rpartition(".")[2]
    if produced in _SCALARS:
        return _takes(params[0].annotation, produced)
    return _admits(params[0].annotation, produced)


def _admits(annotation: str, produced: str) -> bool:
    """Whether an annotation names the class ``produced`` (or anything at all) in one of its parts."""
    for part in _top_level(annotation, "|"):
        outer, _, args = part.strip().partition("[")
        name = outer.strip().rpartition(".")[2]
        if name in (produced, "Any", "object") or (len(name) == 1 and name.isupper()):
            return True
        if (
            name in ("Optional", "Union")
            and args
            and any(_admits(a, produced) for a in _top_level(args.rstrip("]"), ","))
        ):
            return True
    return False


def _takes(annotation: str, scalar: str) -> bool:
    """Whether an annotation admits a scalar type: named in a union, ``Any``/``object``/a TypeVar,
    or (for text) an iterable of text."""
    for part in _top_level(annotation, "|"):
        outer, _, args = part.strip().partition("[")
        name = outer.strip().rpartition(".")[2]
        if name in (scalar, "Any", "object", "Optional", "Union") or (len(name) == 1 and name.isupper()):
            return True
        if name in _ITERABLES and scalar in ("str", "bytes") and args and _takes(args.rstrip("]"), scalar):
            return True
    return False


_ITERABLES = frozenset({"Iterable", "Sequence", "Collection", "Container", "Iterator"})


def _top_level(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char == "["
        depth -= char == "]"
        if char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _returns_of(import_path: str, catalogue: Catalogue) -> str | None:
    entry = catalogue.find(import_path)
    return entry.returns if entry is not None else None


def _wrap(
    api: ApiEntry, inner: str, fillers: Fillers, catalogue: Catalogue, comment: str, w: OfflineWeights
) -> _Option | None:
    """``Sampler(previous)``: a class or function whose first parameter takes the previous result."""
    made = template(api, fillers, catalogue, comment, weights=w)
    if made is None or "(" not in made.text:
        return None
    head, _, args = made.text.partition("(")
    rest = args.rstrip(")").split(", ")[1:] if api.params else []
    text = f"{head}({', '.join([inner, *[a for a in rest if a]])})"
    return _Option(text, (api.import_path,), w.wrap_base - w.needs_import_penalty * made.needs_import, "template")


def _template_option(made: Template, api: ApiEntry, prior: float, w: OfflineWeights) -> _Option:
    score = (
        prior
        - w.template_penalty
        + w.template_filled * made.filled
        - (0.0 if made.complete else w.incomplete_penalty)
        - (w.needs_import_penalty if made.needs_import else 0.0)
    )
    if made.made_receiver:
        score -= w.made_receiver_penalty  # a guess at the object, where the user's code has none
    elif api.kind in (ApiKind.METHOD, ApiKind.ALIAS):
        score += w.method_bonus  # reachable from an object in scope without an import
    return _Option(
        made.text, (api.import_path,), score, "template", snippet=made.snippet if not made.complete else None
    )


def _score(adapted: Adapted, fillers: Fillers, w: OfflineWeights, comment: str | None = None) -> float:
    """How well the context supports an adapted example."""
    stated = len(
        [c for c in comment_constants(comment if comment is not None else fillers.intent) if c.kind == "number"]
    )
    score = (
        w.filled * adapted.filled
        - w.kept_penalty * adapted.kept
        - w.dropped_penalty * adapted.dropped
        + w.mentions * adapted.mentions_used
    )
    if stated:
        score += w.constants * min(adapted.constants_used, stated) / stated
    usage: Usage = adapted.usage
    if fillers.assign_count:
        score += (
            w.targets
            if usage.targets == fillers.assign_count
            else -w.targets
            if fillers.assign_count > 1 or usage.targets > 1
            else 0
        )
    return score


#: return annotations of an API called for what it does, not for a value
_NOTHING_RETURNED = frozenset({"None", "NoReturn", "typing.NoReturn", "Never", "typing.Never"})


def _finish(options: list[_Option], context: CodeContext, n: int, return_nothing: frozenset[str] = frozenset()
            ) -> list[Candidate]:
    """Best first, one candidate per text, shaped for the cursor (``return_nothing``: the APIs
    annotated to return nothing, whose call on an empty line is a statement of its own)."""
    seen: set[str] = set()
    candidates: list[Candidate] = []
    for option in sorted(options, key=lambda o: -o.score):
        text = _at_cursor(option, context, return_nothing)
        if text is None or text in seen:
            continue
        seen.add(text)
        candidates.append(Candidate(text, round(option.score, 4), option.apis, "offline", prompt=option.origin,
                                    snippet=_at_cursor_snippet(option, context, return_nothing)))
        if len(candidates) == n:
            break
    return candidates


def _at_cursor(option: _Option, context: CodeContext, return_nothing: frozenset[str] = frozenset()) -> str | None:
    """The option as inserted at the cursor: a whole statement on an empty line (its value assigned,
    unless its outermost call returns nothing), else what continues the line (None when it does not
    continue what is typed there)."""
    line = context.prefix.rsplit("\n", 1)[-1]
    if not line.strip():
        if option.assigned is None and option.apis and option.apis[-1] in return_nothing:
            return option.text  # ``click.echo(message)``, not ``result = click.echo(message)``
        target = option.assigned or "result"
        return f"{target} = {option.text}"
    return continuation(line, option.text)


def _at_cursor_snippet(option: _Option, context: CodeContext, return_nothing: frozenset[str]) -> str | None:
    if option.snippet is None:
        return None
    return _at_cursor(
        _Option(option.snippet, option.apis, option.score, option.origin, assigned=option.assigned), context,
        return_nothing,
    )
