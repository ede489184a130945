"""`python build.py [options]` is `broadsheet build [options]` for this folder."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
try:
    from broadsheet.cli import main
except ImportError:  # not installed: run from the source tree
    sys.path.insert(0, str(HERE / "src"))
    from broadsheet.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if not any(a in ("-p", "--project") or a.startswith("--project=") for a in args):
        args = ["--project", str(HERE), *args]
    main(["build", *args], prog_name="build.py")
