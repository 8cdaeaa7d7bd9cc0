"""`python -m generator` runs the CLI."""

from __future__ import annotations

from generator.cli.main import main

raise SystemExit(main())
