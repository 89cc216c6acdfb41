"""Resolving mentions ("Deir Al-Zour", "دير الزور", "IRGC") to canonical entities.

``Resolver(entities)`` builds an in-memory index once (reuse it: building for 50,000 entries takes a few
seconds, a lookup well under a millisecond) and answers ``resolve(mention, kind=...)`` with ranked
candidates and an ``automatic`` decision:

1. exact: the mention's normalised key (``names.key``: Arabic/Latin folding, articles, possessives) equals
   an alias key → score 100;
2. skeleton: the cross-script consonant skeleton (``names.skeleton``) equals an alias skeleton → a score
   by skeleton length (97 for 5+ consonants down to 70 for one), since short skeletons collide;
3. fuzzy: aliases sharing a transliterated token, a 3-letter prefix or a word skeleton with the mention are
   ranked with rapidfuzz: ``token_sort_ratio`` on keys for aliases in the mention's script (at most 99),
   on anyascii transliterations across scripts (at most 90), ``ratio`` on skeletons × 0.9.

An entity's score is its best alias's. The best candidate resolves automatically when its score reaches
``threshold`` (90) and no other entity comes within ``margin`` (5) points — except where the close ones are
all ancestors of it (a city and the governorate named after it: the city wins).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from annotator.core.scripts import has_arabic
from annotator.records.entities import Entity
from annotator.records.names import key, skeleton, translit_word_skeleton, transliterate

DEFAULT_THRESHOLD = 90.0
DEFAULT_MARGIN = 5.0
_MAX_ANSWERS = 100_000  # remembered resolve() answers per resolver
_MAX_POSTINGS = 3000  # block keys more common than this are ignored (like stop words)
_SKELETON_SCORES = {1: 70.0, 2: 85.0, 3: 91.0, 4: 95.0}
MIN_SCAN_SKELETON = 4  # consonants a skeleton needs before a scan of running text trusts it
_CROSS_SCRIPT_CAP = 90.0  # anyascii drops letters (long vowels, ayn): identical transliterations prove little


@dataclass(frozen=True)
class Candidate:
    entity_id: str
    name: str
    kind: str
    type: str | None
    score: float  # 0..100
    alias: str  # the alias that scored best
    method: str  # exact | skeleton | fuzzy


@dataclass(frozen=True)
class Resolution:
    mention: str
    candidates: tuple[Candidate, ...]
    automatic: bool  # True when candidates[0] may be applied without asking

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def entity_id(self) -> str | None:
        """The automatically resolved entity id, else ``None``."""
        return self.candidates[0].entity_id if self.automatic else None


class Resolver:
    """An index over entity names; immutable once built (build a new one when the registry changes)."""

    def __init__(self, entities: Iterable[Entity], *, threshold: float = DEFAULT_THRESHOLD,
                 margin: float = DEFAULT_MARGIN) -> None:
        self.threshold = threshold
        self.margin = margin
        self._entities: list[Entity] = []
        self._by_id: dict[str, int] = {}
        self._alias_entity: list[int] = []
        self._alias_name: list[str] = []
        self._alias_translit: list[str] = []
        self._alias_skeleton: list[str] = []
        self._alias_key: list[str] = []
        self._alias_arabic: list[bool] = []
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._skel: dict[str, list[int]] = defaultdict(list)
        self._block: dict[str, list[int]] = defaultdict(list)
        for entity in entities:
            self._add(entity)
        self._exact = dict(self._exact)
        self._skel = dict(self._skel)
        self._block = dict(self._block)
        self._answers: dict[tuple[str, str | None, int], Resolution] = {}
        self._first_words: set[str] | None = None
        self._last_words: set[str] | None = None
        self._longest: int | None = None

    # -- building --------------------------------------------------------------------------------
    def _add(self, entity: Entity) -> None:
        if entity.id in self._by_id:
            raise ValueError(f"entity id {entity.id} is registered twice")
        e_index = len(self._entities)
        self._entities.append(entity)
        self._by_id[entity.id] = e_index
        seen: set[str] = set()
        for name in entity.names():
            k = key(name)
            if not k or k in seen:
                continue
            seen.add(k)
            a = len(self._alias_name)
            t, s = transliterate(name), skeleton(name)
            self._alias_entity.append(e_index)
            self._alias_name.append(name)
            self._alias_translit.append(t)
            self._alias_skeleton.append(s)
            self._alias_key.append(k)
            self._alias_arabic.append(has_arabic(k))
            self._exact[k].append(a)
            if s:
                self._skel[s].append(a)
            for b in _block_keys(t):
                postings = self._block[b]
                if not postings or postings[-1] != a:
                    postings.append(a)

    # -- queries ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def get(self, entity_id: str) -> Entity | None:
        i = self._by_id.get(entity_id)
        return self._entities[i] if i is not None else None

    @property
    def entities(self) -> Sequence[Entity]:
        return tuple(self._entities)

    def resolve(self, mention: str, *, kind: str | None = None, limit: int = 5) -> Resolution:
        """Rank entities (of ``kind`` 'actor' or 'place' if given) for ``mention``.

        Answers are remembered (the index never changes and a corpus repeats its mentions: records of
        10,000 reports ask about the same few thousand names), up to ``_MAX_ANSWERS``."""
        query = (mention, kind, limit)
        found = self._answers.get(query)
        if found is None:
            if len(self._answers) >= _MAX_ANSWERS:
                self._answers.clear()
            found = self._answers[query] = self._resolve(mention, kind, limit)
        return found

    def _resolve(self, mention: str, kind: str | None, limit: int) -> Resolution:
        best: dict[int, tuple[float, int, str]] = {}  # entity index -> (score, alias, method)

        def offer(alias: int, score: float, method: str) -> None:
            e = self._alias_entity[alias]
            if kind is not None and self._entities[e].kind != kind:
                return
            old = best.get(e)
            if old is None or score > old[0]:
                best[e] = (score, alias, method)

        k = key(mention)
        if not k:
            return Resolution(mention, (), False)
        t, s = transliterate(mention), skeleton(mention)
        for a in self._exact.get(k, ()):
            offer(a, 100.0, "exact")
        if s:
            skel_score = _SKELETON_SCORES.get(len(s), 97.0)
            for a in self._skel.get(s, ()):
                offer(a, skel_score, "skeleton")
        pool = self._pool(t)
        if pool:
            arabic = has_arabic(k)
            same = {a: self._alias_key[a] for a in pool if self._alias_arabic[a] == arabic}
            other = {a: self._alias_translit[a] for a in pool if self._alias_arabic[a] != arabic}
            for choices, query, cap in ((same, k, 99.0), (other, t, _CROSS_SCRIPT_CAP)):
                if choices:
                    for _, score, a in process.extract(query, choices, scorer=fuzz.token_sort_ratio, limit=25,
                                                       score_cutoff=60):
                        offer(a, min(float(score), cap), "fuzzy")
            if len(s) >= 4:
                skels = {a: self._alias_skeleton[a] for a in pool}
                for _, score, a in process.extract(s, skels, scorer=fuzz.ratio, limit=25, score_cutoff=75):
                    offer(a, round(score * 0.9, 1), "fuzzy")
        return self._ranked(mention, best, limit)

    def exact_matches(self, mention: str, *, kind: str | None = None, limit: int = 5) -> Resolution:
        """``resolve`` without its fuzzy step: exact keys, and skeletons of at least ``MIN_SCAN_SKELETON``
        consonants with as many words. What a scan of running text can afford for every word sequence, and strict enough
        that a report is not flooded with near misses (suggestions use it)."""
        k = key(mention)
        if not k:
            return Resolution(mention, (), False)
        best: dict[int, tuple[float, int, str]] = {}
        s = skeleton(mention)
        found = [(a, 100.0, "exact") for a in self._exact.get(k, ())]
        if len(s) >= MIN_SCAN_SKELETON:  # and as many words: joined skeletons of unrelated words collide
            words = k.count(" ")
            found += [(a, _SKELETON_SCORES.get(len(s), 97.0), "skeleton") for a in self._skel.get(s, ())
                      if self._alias_key[a].count(" ") == words]
        for a, score, method in found:
            e = self._alias_entity[a]
            if (kind is None or self._entities[e].kind == kind) and (e not in best or score > best[e][0]):
                best[e] = (score, a, method)
        return self._ranked(mention, best, limit)

    def knows(self, key_: str, skeleton_: str) -> bool:
        """Whether ``exact_matches`` could find anything for a mention with this key and skeleton (a
        cheap test before the real lookup)."""
        return key_ in self._exact or (len(skeleton_) >= MIN_SCAN_SKELETON and skeleton_ in self._skel)

    def may_start_name(self, word: str) -> bool:
        """Whether a name of the registry can begin with ``word`` (its key's or skeleton's first word, or
        an article): a scan of running text tries word sequences only from such words."""
        firsts, _ = self._edge_words()
        k = key(word)
        return k in firsts or "s:" + skeleton(word) in firsts \
            or not key(word + " x").startswith(k)  # an article alone ("al", "ez"): the name follows it

    def may_end_name(self, word: str) -> bool:
        """Whether a name of the registry can end with ``word`` (its key's or skeleton's last word)."""
        _, lasts = self._edge_words()
        return key(word) in lasts or "s:" + skeleton(word) in lasts

    def _edge_words(self) -> tuple[set[str], set[str]]:
        if self._first_words is None or self._last_words is None:
            firsts: set[str] = set()
            lasts: set[str] = set()
            for k in self._alias_key:
                words = k.split()
                firsts.update((words[0], "s:" + skeleton(words[0])))
                lasts.update((words[-1], "s:" + skeleton(words[-1])))
            self._first_words, self._last_words = firsts, lasts
        return self._first_words, self._last_words

    @property
    def longest_name(self) -> int:
        """The most words in one alias key (a scan never tries longer sequences)."""
        if self._longest is None:
            self._longest = max((k.count(" ") + 1 for k in self._alias_key), default=1)
        return self._longest

    def _ranked(self, mention: str, best: dict[int, tuple[float, int, str]], limit: int) -> Resolution:
        """Entities by score (then id), the first ``limit`` as candidates, and the decision."""
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self._entities[item[0]].id))
        candidates = tuple(
            Candidate(self._entities[e].id, self._entities[e].name, self._entities[e].kind,
                      self._entities[e].type, round(score, 1), self._alias_name[a], method)
            for e, (score, a, method) in ranked[:max(limit, 1)])
        return self._decide(mention, ranked, candidates)

    def _pool(self, translit: str) -> set[int]:
        pool: set[int] = set()
        for b in _block_keys(translit):
            postings = self._block.get(b)
            if postings and len(postings) <= _MAX_POSTINGS:
                pool.update(postings)
        return pool

    def _decide(self, mention: str, ranked: list[tuple[int, tuple[float, int, str]]],
                candidates: tuple[Candidate, ...]) -> Resolution:
        if not ranked or ranked[0][1][0] < self.threshold:
            return Resolution(mention, candidates, False)
        top_score = ranked[0][1][0]
        close = [e for e, (score, _, _) in ranked if score > top_score - self.margin]
        if len(close) == 1:
            return Resolution(mention, candidates, True)
        # a place and the regions/countries containing it, all named alike: the most specific wins
        for e in close:
            if ranked[close.index(e)][1][0] != top_score:
                continue
            ancestors = self._ancestors(e)
            if all(o == e or self._entities[o].id in ancestors for o in close):
                chosen_id = self._entities[e].id
                chosen = [c for c in candidates if c.entity_id == chosen_id]
                rest = tuple(c for c in candidates if c.entity_id != chosen_id)
                if chosen:
                    return Resolution(mention, (chosen[0], *rest), True)
        return Resolution(mention, candidates, False)

    def _ancestors(self, e: int) -> set[str]:
        out: set[str] = set()
        parent = self._entities[e].parent
        while parent and parent not in out:
            out.add(parent)
            i = self._by_id.get(parent)
            parent = self._entities[i].parent if i is not None else None
        return out


def _block_keys(translit: str) -> list[str]:
    keys: list[str] = []
    for word in translit.split():
        if len(word) >= 2:
            keys.append("t:" + word)
        if len(word) >= 4:
            keys.append("p:" + word[:3])
        s = translit_word_skeleton(word)
        if len(s) >= 2:
            keys.append("s:" + s)
    return keys
