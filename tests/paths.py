"""Where the tests find the repo and the shared corpora (../shared beside the repo)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "rand-paul-moscow.txt"
