"""Entry point for `python -m pegboard`."""

from pegboard.cli import main

raise SystemExit(main())
