"""Where the tests find the repo and the shared corpora (../shared beside the repo)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "rand-paul-moscow.txt"

#: The people the seed article names (hand-checked against the text).
SEED_PEOPLE = frozenset({
    "Rand Paul", "Donald Trump", "Vladimir Putin", "Konstantin Kosachev", "Phillip Huffines",
    "Peter Goettler", "Sergey Kislyak", "Richard Shelby", "Lindsey Graham", "Leonid Slutsky",
    "Maria Butina",
})  # fmt: skip


def write_files(project: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under `project` (with a content/ folder)."""
    (project / "content").mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return project
