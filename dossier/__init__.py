"""dossier: a static site generator for briefing dossiers."""

__version__ = "0.1.0"
