"""Files `tracker init` writes into a new team repository (package data)."""
