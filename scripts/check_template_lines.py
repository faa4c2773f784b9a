"""Fails on template lines longer than the limit: djhtml indents but never splits a line, and a
whole table on one line cannot be read or diffed."""

import sys
from pathlib import Path

LIMIT = 200
ROOT = Path(__file__).resolve().parent.parent

# Being changed in another branch; remove once split. Their long lines are counted but
# do not fail the check. Paths from the repository root; a trailing "/" takes a whole folder.
PENDING = {
    "templates/review/search/",
}


def long_lines(root: Path, limit: int = LIMIT) -> list[tuple[Path, int, int]]:
    found = []
    for path in sorted(root.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if len(line) > limit:
                found.append((path, number, len(line)))
    return found


def is_pending(path: Path) -> bool:
    resolved = path.resolve()
    if not resolved.is_relative_to(ROOT):
        return False
    name = resolved.relative_to(ROOT).as_posix()
    return name in PENDING or any(
        name.startswith(folder) for folder in PENDING if folder.endswith("/")
    )


def main(argv: list[str]) -> int:
    found = [hit for root in argv or ["templates"] for hit in long_lines(Path(root))]
    failing = [hit for hit in found if not is_pending(hit[0])]
    for path, number, length in failing:
        print(f"{path}:{number}: {length} characters (limit {LIMIT})")
    if pending := len(found) - len(failing):
        print(f"{pending} more lines over {LIMIT} characters in PENDING templates (not failing)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
