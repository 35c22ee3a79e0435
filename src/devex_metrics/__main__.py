"""`python -m devex_metrics` runs the CLI."""

from devex_metrics.cli import main

raise SystemExit(main())
