"""devex-metrics: DORA and SPACE developer-experience metrics from a repository's
own history, gated for privacy, published inside GitHub."""

__version__ = "0.1.0"
