"""Fixtures for the contract tests: the corpus and its verdicts, built once per run."""

from __future__ import annotations

import fcntl
import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from contract_corpus import Judged, JudgedCorpus


@pytest.fixture(scope="session")
def judged_corpus(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> JudgedCorpus:
    """Every xdist worker shares one corpus, one jsonschema pass and one guard-verdicts.mjs run.

    The first worker to take the lock builds the corpus and judges it; the others wait and
    read the files. A plain flock does it: the lock only has to live as long as this run,
    on this machine, in a directory that pytest already made for it.
    """
    # Imported here: hypothesis-jsonschema does slow work on import, which Hypothesis
    # warns about when it happens while conftest files load.
    from contract_corpus import (
        JudgedCorpus,
        build_corpus,
        dump_corpus,
        guard_verdicts,
        jsonschema_verdict,
        load_corpus,
    )

    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    corpus_path = shared / "contract-corpus.json"
    verdicts_path = shared / "contract-verdicts.json"
    with (shared / "contract-corpus.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not verdicts_path.exists():
            entries = build_corpus()
            dump_corpus(entries, corpus_path)
            verdicts = {
                "ts": guard_verdicts(corpus_path),
                "jsonschema": [jsonschema_verdict(e) for e in entries],
            }
            verdicts_path.write_text(json.dumps(verdicts), encoding="utf-8")
    entries = load_corpus(corpus_path)
    verdicts = json.loads(verdicts_path.read_text(encoding="utf-8"))
    assert len(verdicts["ts"]) == len(verdicts["jsonschema"]) == len(entries)
    return JudgedCorpus(entries, verdicts["ts"], verdicts["jsonschema"])


@pytest.fixture(scope="session")
def corpus_by_frame(judged_corpus: JudgedCorpus) -> dict[str, list[Judged]]:
    """Frame title -> its entries, each with its jsonschema and TypeScript guard verdicts."""
    from contract_corpus import Judged

    grouped: dict[str, list[Judged]] = {}
    for entry, js, ts in zip(
        judged_corpus.entries, judged_corpus.jsonschema_verdicts, judged_corpus.ts_verdicts, strict=True
    ):
        grouped.setdefault(entry.frame, []).append(Judged(entry, js, ts))
    return grouped
