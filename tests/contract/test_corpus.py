"""Generated frames: Pydantic round-trips them, and jsonschema, Pydantic and the TypeScript
guards give the same verdict on each of them and on broken copies of them."""

from __future__ import annotations

import json

import pytest
from contract_corpus import Entry, Judged, JudgedCorpus, bundle, frames, json_equal, model, pydantic_verdicts

# Building the corpus (hypothesis-jsonschema, then one node run) happens in the first test's
# setup and takes a while on a busy machine; it is bounded by the example counts, not by time.
pytestmark = pytest.mark.timeout(1200)

FRAMES = [title for title, _ in frames()]
UNION_OF = dict(frames())
# Broken copies that must be invalid for every frame, whatever its fields.
ALWAYS_INVALID = ("unknown_type", "missing_type", "other_frame_type")

ByFrame = dict[str, list[Judged]]


def _show(entry: Entry) -> str:
    return f"{entry.kind} as {entry.schema}: {json.dumps(entry.instance)[:400]}"


@pytest.mark.parametrize("frame", FRAMES)
def test_generated_frames_round_trip(frame: str, corpus_by_frame: ByFrame) -> None:
    generated = [j for j in corpus_by_frame[frame] if j.entry.kind == "generated"]
    assert generated, f"no instances generated for {frame}"
    for judged in generated:
        entry = judged.entry
        assert judged.jsonschema, f"hypothesis-jsonschema made an invalid {_show(entry)}"
        parsed = model(entry.schema).model_validate_json(json.dumps(entry.instance))
        # A union parses to the frame's own model.
        own = parsed if entry.schema == frame else getattr(parsed, "root", None)
        assert type(own) is model(frame), _show(entry)
        dumped = json.loads(parsed.model_dump_json())
        assert json_equal(dumped, entry.instance), f"round trip changed {_show(entry)}\n -> {dumped}"


@pytest.mark.parametrize("frame", FRAMES)
def test_jsonschema_pydantic_and_guards_agree(frame: str, corpus_by_frame: ByFrame) -> None:
    disagreements = []
    for judged in corpus_by_frame[frame]:
        py_json, py_python = pydantic_verdicts(judged.entry)
        if not judged.jsonschema == py_json == py_python == judged.ts:
            disagreements.append(
                f"jsonschema={judged.jsonschema} pydantic(json)={py_json} pydantic(python)={py_python} "
                f"ts={judged.ts}: {_show(judged.entry)}"
            )
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(disagreements[:10])


@pytest.mark.parametrize("frame", FRAMES)
def test_corpus_holds_invalid_frames_at_every_depth(frame: str, corpus_by_frame: ByFrame) -> None:
    """The agreement test means something only if the corpus holds many invalid frames."""
    judged = corpus_by_frame[frame]
    for kind in ALWAYS_INVALID:
        verdicts = [j.jsonschema for j in judged if j.entry.kind == kind]
        assert verdicts and not any(verdicts), f"{frame}: a `{kind}` copy was valid"
    invalid_kinds = {j.entry.kind for j in judged if not j.jsonschema}
    assert len(invalid_kinds) >= 5, f"{frame}: only {sorted(invalid_kinds)} broke the frame"
    if "data" in bundle()["$defs"][frame]["properties"]:
        assert any(k.startswith("nested_") for k in invalid_kinds), f"{frame}: nothing broke inside `data`"


def test_the_corpus_covers_every_frame(judged_corpus: JudgedCorpus) -> None:
    covered = {(e.frame, e.schema) for e in judged_corpus.entries if e.kind == "generated"}
    expected = {(f, f) for f in FRAMES} | {(f, UNION_OF[f]) for f in FRAMES}
    assert covered == expected
