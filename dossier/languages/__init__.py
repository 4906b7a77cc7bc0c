"""Languages: one module per interface language other than English, each a catalog keyed by the English text (see ``dossier.i18n``)."""
