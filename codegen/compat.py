"""`make check-compat`: fail when schema/ breaks clients of the last release.

The reference is the newest git tag matching `v*` (its `schema/` tree) or, while there
is no such tag, the committed snapshot in `codegen/compat_baseline/`.
`--update-baseline` replaces that snapshot with the current schema/ (do it when
releasing). The rules are in docs/protocol.md ("Evolution rules"); in short:

* removing a frame or event type, or a property, is breaking (a rename is a removal);
* tightening is breaking in both directions: a narrower `type`, a new or stricter
  constraint, fewer `enum` values, a changed `const`, `additionalProperties` closed,
  a new required property in a client-to-server frame;
* in what the server sends, loosening is breaking too: clients validate frames with
  code generated from the old schemas and would reject the new values (an added enum
  value, a wider type, a dropped constraint, a required property made optional);
* an event turning high volume is breaking (`*` subscribers would stop getting it);
* adding optional properties, new events and new control frames is compatible.

Schemas are compared structurally after bundling, so moving a definition to another
file or renaming its title is not a change; each finding names the frame, the
instance path and the schema location, e.g.
`task.created $.data.task.title: type narrowed ...  [schema/entities/task.json#/properties/title]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle import ROOT, bundle, load_all

BASELINE_DIR = ROOT / "codegen" / "compat_baseline"
HIGH_VOLUME_KEY = "x-tidewire-high-volume"
# Lower bounds: a larger value (or a new one) accepts less.
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
# Upper bounds: a smaller value (or a new one) accepts less.
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
# Keywords whose any change we cannot order, so a new or changed value counts as tighter.
OPAQUE_ASSERTIONS = ("pattern", "format", "multipleOf", "contentMediaType", "contentEncoding")
UNIONS = ("oneOf", "anyOf")


@dataclass(frozen=True)
class Finding:
    frame: str
    path: str
    location: str
    message: str

    def render(self) -> str:
        return f"{self.frame} {self.path}: {self.message}  [{self.location}]"


@dataclass
class Side:
    """One version of the schemas: the bundle plus where each definition came from."""

    defs: dict[str, Any]
    files: dict[str, str]  # title -> schema/ relative path

    @classmethod
    def load(cls, schema_dir: Path) -> Side:
        files = {doc["title"]: f"schema/{rel}" for rel, doc in load_all(schema_dir).items()}
        return cls(defs=bundle(schema_dir)["$defs"], files=files)

    def frames(self, union: str) -> dict[str, str]:
        """type name -> title for each member of a frame union."""
        out: dict[str, str] = {}
        for member in self.defs.get(union, {}).get("oneOf", []):
            title = member["$ref"].rsplit("/", 1)[-1]
            const = self.defs[title].get("properties", {}).get("type", {}).get("const")
            if isinstance(const, str):
                out[const] = title
        return out

    def resolve(self, ref: str) -> tuple[str, Any]:
        title = ref.rsplit("/", 1)[-1]
        return title, self.defs[title]


@dataclass
class Walk:
    """The state of one comparison: where we are and what we found."""

    old: Side
    new: Side
    findings: list[Finding] = field(default_factory=list)
    seen: set[tuple[str, str, str, bool, bool]] = field(default_factory=set)
    reached: set[str] = field(default_factory=set)  # old-side titles compared so far

    def report(self, frame: str, path: str, loc: tuple[str, str], message: str) -> None:
        title, pointer = loc
        location = f"{self.new.files.get(title) or self.old.files.get(title, title)}#{pointer}"
        self.findings.append(Finding(frame, path, location, message))


def _types(node: dict[str, Any]) -> set[str] | None:
    t = node.get("type")
    if t is None:
        return None
    types = {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)}
    if "number" in types:
        types.add("integer")  # every integer is a number
    return types


def _fmt(values: set[str]) -> str:
    return "|".join(sorted(v for v in values if not (v == "integer" and "number" in values)))


def compare(
    w: Walk,
    old: Any,
    new: Any,
    *,
    frame: str,
    path: str,
    loc: tuple[str, str],
    server_sends: bool,
    client_sends: bool,
) -> None:
    """Compare two schema nodes. `server_sends`/`client_sends` say who produces the
    instances this node describes, which decides whether loosening is breaking."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old is False or new is False:
            if old != new and new is False:
                w.report(frame, path, loc, "schema became `false`: nothing is accepted any more")
        return
    # The location is part of the key: two identical nodes in different files are two findings.
    key = (
        json.dumps(old, sort_keys=True),
        json.dumps(new, sort_keys=True),
        f"{path}@{loc[0]}#{loc[1]}",
        server_sends,
        client_sends,
    )
    if key in w.seen:
        return
    w.seen.add(key)

    def tighter(message: str) -> None:
        w.report(frame, path, loc, message)

    def looser(message: str) -> None:
        if server_sends:
            w.report(frame, path, loc, f"{message} (clients of the old schema reject such frames)")

    def sub(o: Any, n: Any, child_path: str, pointer: str) -> None:
        compare(
            w,
            o,
            n,
            frame=frame,
            path=child_path,
            loc=(loc[0], loc[1] + pointer),
            server_sends=server_sends,
            client_sends=client_sends,
        )

    # $ref: compare what each side points at, then the sibling keywords.
    o_ref, n_ref = old.get("$ref"), new.get("$ref")
    if isinstance(o_ref, str) or isinstance(n_ref, str):
        o_target = w.old.resolve(o_ref) if isinstance(o_ref, str) else (loc[0], old)
        w.reached.add(o_target[0])
        n_target = w.new.resolve(n_ref) if isinstance(n_ref, str) else (loc[0], new)
        target_loc = (n_target[0], "") if isinstance(n_ref, str) else loc
        compare(
            w,
            o_target[1],
            n_target[1],
            frame=frame,
            path=path,
            loc=target_loc,
            server_sends=server_sends,
            client_sends=client_sends,
        )
        old = {k: v for k, v in old.items() if k != "$ref"} if isinstance(o_ref, str) else {}
        new = {k: v for k, v in new.items() if k != "$ref"} if isinstance(n_ref, str) else {}

    o_types, n_types = _types(old), _types(new)
    if o_types is None and n_types is not None:
        tighter(f"type restricted to {_fmt(n_types)}")
    elif o_types is not None and n_types is None:
        looser(f"type {_fmt(o_types)} no longer enforced")
    elif o_types is not None and n_types is not None:
        if o_types - n_types:
            tighter(f"type narrowed from {_fmt(o_types)} to {_fmt(n_types)}")
        if n_types - o_types:
            looser(f"type widened from {_fmt(o_types)} to {_fmt(n_types)}")

    if "const" in old or "const" in new:
        if "const" not in old:
            tighter(f"new const {new['const']!r}")
        elif "const" not in new:
            looser(f"const {old['const']!r} dropped")
        elif old["const"] != new["const"]:
            w.report(frame, path, loc, f"const changed from {old['const']!r} to {new['const']!r}")

    if "enum" in old or "enum" in new:
        o_enum = old.get("enum")
        n_enum = new.get("enum")
        if o_enum is None:
            tighter(f"new enum {n_enum!r}")
        elif n_enum is None:
            looser("enum dropped")
        else:
            removed = [v for v in o_enum if v not in n_enum]
            added = [v for v in n_enum if v not in o_enum]
            if removed:
                tighter(f"enum values removed: {removed!r}")
            if added:
                looser(f"enum values added: {added!r}")

    for kw in LOWER_BOUNDS + UPPER_BOUNDS:
        if kw not in old and kw not in new:
            continue
        if kw not in old:
            tighter(f"new constraint {kw}={new[kw]!r}")
        elif kw not in new:
            looser(f"constraint {kw}={old[kw]!r} dropped")
        elif old[kw] != new[kw]:
            stricter = new[kw] > old[kw] if kw in LOWER_BOUNDS else new[kw] < old[kw]
            (tighter if stricter else looser)(f"{kw} changed from {old[kw]!r} to {new[kw]!r}")

    for kw in OPAQUE_ASSERTIONS:
        if kw in new and old.get(kw) != new[kw]:
            tighter(f"{kw} {'changed' if kw in old else 'added'}: {new[kw]!r}")
        elif kw in old and kw not in new:
            looser(f"{kw} {old[kw]!r} dropped")

    if new.get("uniqueItems") is True and old.get("uniqueItems") is not True:
        tighter("items must now be unique")

    o_add, n_add = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if o_add is True and n_add is not True:
        tighter("additionalProperties closed: unknown properties are now rejected")
    elif isinstance(o_add, dict) and isinstance(n_add, dict):
        sub(o_add, n_add, f"{path}.*", "/additionalProperties")
    elif o_add is not True and n_add is True:
        looser("additionalProperties reopened")

    o_props: dict[str, Any] = old.get("properties", {})
    n_props: dict[str, Any] = new.get("properties", {})
    removed = [p for p in o_props if p not in n_props]
    added = [p for p in n_props if p not in o_props]
    for name in removed:
        twin = next((a for a in added if n_props[a] == o_props[name]), None)
        hint = f" (renamed to {twin!r}?)" if twin else ""
        w.report(frame, f"{path}.{name}", loc, f"property {name!r} removed{hint}")
    for name in o_props:
        if name in n_props:
            sub(o_props[name], n_props[name], f"{path}.{name}", f"/properties/{name}")

    o_req, n_req = set(old.get("required", [])), set(new.get("required", []))
    if client_sends:
        for name in sorted(n_req - o_req):
            w.report(frame, f"{path}.{name}", loc, f"new required property {name!r} in a frame clients send")
    if server_sends:
        for name in sorted(o_req - n_req):
            if name in n_props:
                looser(f"property {name!r} no longer required")

    if "items" in old or "items" in new:
        if "items" not in old:
            tighter("items now constrained")
        elif "items" not in new:
            looser("items no longer constrained")
        else:
            sub(old["items"], new["items"], f"{path}[*]", "/items")

    for kw in UNIONS:
        _compare_union(w, kw, old.get(kw), new.get(kw), tighter, looser, sub, path)

    o_all, n_all = old.get("allOf", []), new.get("allOf", [])
    for i, (o_part, n_part) in enumerate(zip(o_all, n_all, strict=False)):
        sub(o_part, n_part, path, f"/allOf/{i}")
    if len(n_all) > len(o_all):
        tighter("new allOf branch")
    elif len(n_all) < len(o_all):
        looser("allOf branch dropped")

    if "not" in new and old.get("not") != new["not"]:
        tighter("new or changed `not`")


def _branch_key(branch: Any, index: int) -> str:
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    return f"#{index}"


def _compare_union(
    w: Walk, kw: str, old: Any, new: Any, tighter: Any, looser: Any, sub: Any, path: str
) -> None:
    if old is None and new is None:
        return
    if old is None:
        tighter(f"new {kw}")
        return
    if new is None:
        looser(f"{kw} dropped")
        return
    o_map = {_branch_key(b, i): (i, b) for i, b in enumerate(old)}
    n_map = {_branch_key(b, i): (i, b) for i, b in enumerate(new)}
    for name in o_map:
        if name not in n_map:
            tighter(f"{kw} branch {name} removed")
    for name in n_map:
        if name not in o_map:
            looser(f"{kw} branch {name} added")
    for name, (_, o_branch) in o_map.items():
        if name in n_map:
            sub(o_branch, n_map[name][1], path, f"/{kw}/{n_map[name][0]}")


def find_breaking(old: Side, new: Side) -> list[Finding]:
    w = Walk(old, new)
    for union, server_sends in (("ServerFrame", True), ("ClientFrame", False)):
        o_frames, n_frames = old.frames(union), new.frames(union)
        for name, o_title in o_frames.items():
            if name not in n_frames:
                kind = "event" if "." in name else "frame"
                where = f"{old.files.get(o_title, o_title)}#"
                w.findings.append(Finding(name, "$", where, f"{kind} type {name!r} removed from {union}"))
                continue
            n_title = n_frames[name]
            w.reached.add(o_title)
            o_schema, n_schema = old.defs[o_title], new.defs[n_title]
            if not o_schema.get(HIGH_VOLUME_KEY, False) and n_schema.get(HIGH_VOLUME_KEY, False):
                message = "event became high volume: `*` and `prefix.*` no longer match it"
                w.report(name, "$", (n_title, ""), message)
            compare(
                w,
                o_schema,
                n_schema,
                frame=name,
                path="$",
                loc=(n_title, ""),
                server_sends=server_sends,
                client_sends=not server_sends,
            )
    # Records no frame carries (REST-only ones, such as Project) are still part of the
    # contract: the daemon sends them, so the server-side rules apply.
    frame_titles = {t for u in ("ServerFrame", "ClientFrame") for t in old.frames(u).values()}
    for title, o_schema in old.defs.items():
        if title in w.reached or title in frame_titles or title in ("ServerFrame", "ClientFrame"):
            continue
        if title not in new.defs:
            where = f"{old.files.get(title, title)}#"
            w.findings.append(Finding(title, "$", where, f"record type {title!r} removed"))
            continue
        compare(
            w,
            o_schema,
            new.defs[title],
            frame=title,
            path="$",
            loc=(title, ""),
            server_sends=True,
            client_sends=False,
        )
    # One definition is often reached from many frames: report each problem once.
    unique: dict[tuple[str, str], Finding] = {}
    for f in w.findings:
        unique.setdefault((f.location, f.message), f)
    return sorted(unique.values(), key=lambda f: (f.frame, f.path, f.message))


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def last_release_tag(root: Path) -> str | None:
    try:
        tags = _git(root, "tag", "--list", "v*", "--sort=-v:refname").split()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    return tags[0] if tags else None


def export_tag(root: Path, tag: str, dest: Path) -> None:
    """Write the tag's schema/ tree into dest (laid out like schema/)."""
    names = _git(root, "ls-tree", "-r", "--name-only", tag, "--", "schema/").splitlines()
    for name in names:
        if not name.endswith(".json"):
            continue
        target = dest / Path(name).relative_to("schema")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_git(root, "show", f"{tag}:{name}"), encoding="utf-8")


def update_baseline(schema_dir: Path, baseline: Path, root: Path, source: str | None = None) -> None:
    """Replace the snapshot as a whole: build it next to the old one, then swap."""
    baseline.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".compat_baseline-", dir=baseline.parent))
    try:
        for src in sorted(schema_dir.rglob("*.json")):
            target = staging / src.relative_to(schema_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        try:
            commit = _git(root, "rev-parse", "--short", source or "HEAD").strip()
        except (subprocess.CalledProcessError, FileNotFoundError):
            commit = "unknown"
        origin = f"`{source}` ({commit})" if source else f"the working tree at commit {commit}"
        (staging / "README.md").write_text(
            "# Compatibility baseline\n\n"
            f"A snapshot of `schema/` as of the last release, taken from {origin}.\n"
            "`make check-compat` fails when `schema/` breaks a client written against it; see\n"
            'docs/protocol.md, "Evolution rules". Once a `v*` tag exists, the tag is used instead.\n'
            "Refresh when releasing:\n\n"
            "    .venv/bin/python codegen/compat.py --update-baseline --from-ref HEAD\n",
            encoding="utf-8",
        )
        retired = baseline.with_name(baseline.name + ".old")
        if retired.exists():
            shutil.rmtree(retired)
        if baseline.exists():
            baseline.rename(retired)
        staging.rename(baseline)
        if retired.exists():
            shutil.rmtree(retired)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--update-baseline", action="store_true", help="snapshot schema/ as the new baseline")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    parser.add_argument("--schema-dir", type=Path, help="schemas to check (default: ROOT/schema)")
    parser.add_argument("--baseline", type=Path, help="compare with this directory instead of a tag/snapshot")
    parser.add_argument(
        "--from-ref", help="with --update-baseline: take schema/ from this git ref (e.g. HEAD, v1.2.0)"
    )
    args = parser.parse_args(argv)

    root: Path = args.root.resolve()
    schema_dir: Path = args.schema_dir or root / "schema"
    snapshot: Path = root / "codegen" / "compat_baseline"

    if args.update_baseline:
        if args.from_ref:
            # Snapshot what is committed, not whatever the working tree holds right now.
            with tempfile.TemporaryDirectory(prefix="tidewire-compat-") as tmp:
                export_tag(root, args.from_ref, Path(tmp))
                update_baseline(Path(tmp), args.baseline or snapshot, root, source=args.from_ref)
            print(f"check-compat: baseline updated from {args.from_ref}:schema/")
        else:
            update_baseline(schema_dir, args.baseline or snapshot, root)
            print(f"check-compat: baseline updated from {schema_dir}")
        return 0

    with tempfile.TemporaryDirectory(prefix="tidewire-compat-") as tmp:
        tag = None if args.baseline else last_release_tag(root)
        if args.baseline:
            reference, label = args.baseline, str(args.baseline)
        elif tag:
            reference, label = Path(tmp), f"tag {tag}"
            export_tag(root, tag, reference)
        else:
            reference, label = snapshot, "codegen/compat_baseline"
        if not any(reference.rglob("*.json")):
            print(f"check-compat: no baseline schemas in {label}", file=sys.stderr)
            return 2
        try:
            old, new = Side.load(reference), Side.load(schema_dir)
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            print(f"check-compat: cannot load schemas: {exc}", file=sys.stderr)
            return 2
        findings = find_breaking(old, new)

    if findings:
        print(f"check-compat: {len(findings)} breaking change(s) against {label}:", file=sys.stderr)
        for f in findings:
            print(f"  {f.render()}", file=sys.stderr)
        return 1
    print(f"check-compat: no breaking changes against {label}")
    return 0


def iter_findings(old_dir: Path, new_dir: Path) -> Iterator[Finding]:
    """Library entry point for tests and tools."""
    yield from find_breaking(Side.load(old_dir), Side.load(new_dir))


if __name__ == "__main__":
    raise SystemExit(main())
