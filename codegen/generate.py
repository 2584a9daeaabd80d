"""`make gen` / `make check-gen`: regenerate everything that derives from schema/.

Each generator is a function `(bundle, out_root) -> None` that writes its files
under `out_root` at their repository-relative paths. Generation always runs into
a scratch directory first; `--check` compares the result with the committed
files byte for byte, otherwise the changed files are copied into the tree.
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

from bundle import ROOT, bundle  # noqa: E402

Generator = Callable[[dict[str, Any], Path], None]


def generators() -> list[tuple[str, Generator]]:
    # Imported lazily so that one generator's missing toolchain names itself.
    from asyncapi import generate as gen_asyncapi
    from python_models import generate as gen_python
    from ts_guards import generate as gen_ts

    return [("python", gen_python), ("typescript", gen_ts), ("asyncapi", gen_asyncapi)]


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed files differ")
    args = parser.parse_args()

    doc = bundle()
    with tempfile.TemporaryDirectory(prefix="tidewire-gen-") as tmp:
        out = Path(tmp)
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
        produced = [p for p in _files(out) if p.parts[0] != "build"]
        stale = [p for p in produced if not (ROOT / p).exists() or not filecmp.cmp(out / p, ROOT / p, shallow=False)]
        if args.check:
            if stale:
                print("check-gen: generated files differ from schema/ (run `make gen`):", file=sys.stderr)
                for p in stale:
                    print(f"  {p}", file=sys.stderr)
                return 1
            print(f"check-gen: {len(produced)} generated files match schema/")
            return 0
        for p in stale:
            (ROOT / p).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / p, ROOT / p)
        print(f"gen: {len(produced)} files, {len(stale)} updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
