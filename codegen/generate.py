"""`make gen` / `make check-gen`: regenerate everything that derives from schema/.

Each generator is a function `(bundle, out_root) -> None` that writes its files
under `out_root` at their repository-relative paths. Generation always runs into
a scratch directory first; `--check` compares the result with the committed
files byte for byte, otherwise the changed files are copied into the tree.

Some directories hold generated files only (apart from named hand-written ones):
a file there that no generator produced is stray. `--check` fails on it; `gen`
removes it when it carries a generated header, and fails otherwise rather than
delete something written by hand.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle import ROOT, bundle

Generator = Callable[[dict[str, Any], Path], None]

# Generated directory -> the hand-written files it may also hold.
GENERATED_DIRS: dict[Path, frozenset[str]] = {
    Path("server/tidewire/protocol"): frozenset({"__init__.py"}),
    Path("web/src/lib/ws/generated"): frozenset(),
}
# Build and tool caches that may appear in a generated directory.
IGNORED_DIR_NAMES = frozenset({"__pycache__"})
GENERATED_MARKER = "do not edit"


def generators() -> list[tuple[str, Generator]]:
    # Imported lazily so that one generator's missing toolchain names itself.
    from asyncapi import generate as gen_asyncapi
    from python_models import generate as gen_python
    from ts_guards import generate as gen_ts

    return [("python", gen_python), ("typescript", gen_ts), ("asyncapi", gen_asyncapi)]


def _files(root: Path) -> list[Path]:
    return sorted(
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and not IGNORED_DIR_NAMES.intersection(p.relative_to(root).parts)
    )


def stray_files(produced: set[Path], root: Path = ROOT) -> list[Path]:
    """Files in a generated directory that neither a generator nor a person owns."""
    stray: list[Path] = []
    for rel_dir, hand_written in GENERATED_DIRS.items():
        if not (root / rel_dir).is_dir():
            continue
        for p in _files(root / rel_dir):
            rel = rel_dir / p
            if rel not in produced and p.as_posix() not in hand_written:
                stray.append(rel)
    return stray


def _is_generated(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as f:
            return GENERATED_MARKER in f.readline()
    except (UnicodeDecodeError, OSError):
        return False


def _same(new: Path, committed: Path) -> bool:
    return committed.exists() and filecmp.cmp(new, committed, shallow=False)


def produce(out: Path) -> list[Path]:
    """Run every generator into `out`; the repository-relative files they wrote."""
    doc = bundle()
    (out / "build").mkdir()
    (out / "build" / "schema.bundle.json").write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for name, gen in generators():
        try:
            gen(doc, out)
        except Exception as exc:  # report which generator broke, then fail
            print(f"gen: {name} generator failed: {exc}", file=sys.stderr)
            raise
    return [p for p in _files(out) if p.parts[0] != "build"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed files differ")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="tree to check or update instead of this repository (tests)"
    )
    args = parser.parse_args()
    root: Path = args.root

    with tempfile.TemporaryDirectory(prefix="tidewire-gen-") as tmp:
        out = Path(tmp)
        produced = produce(out)
        stale = [p for p in produced if not _same(out / p, root / p)]
        stray = stray_files(set(produced), root)
        if args.check:
            if stale or stray:
                print("check-gen: generated files differ from schema/ (run `make gen`):", file=sys.stderr)
                for p in stale:
                    print(f"  {p}", file=sys.stderr)
                for p in stray:
                    print(f"  {p} (stray: no generator makes it)", file=sys.stderr)
                return 1
            print(f"check-gen: {len(produced)} generated files match schema/")
            return 0
        hand_made = [p for p in stray if not _is_generated(root / p)]
        if hand_made:
            print(
                "gen: these files sit in generated directories but were not generated; move them:",
                file=sys.stderr,
            )
            for p in hand_made:
                print(f"  {p}", file=sys.stderr)
            return 1
        for p in stale:
            (root / p).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / p, root / p)
        for p in stray:
            (root / p).unlink()
            print(f"gen: removed stale {p}")
        print(f"gen: {len(produced)} files, {len(stale)} updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
