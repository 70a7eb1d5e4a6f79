"""Default rule packs of cleaner, shipped as the data package ``cleaner.packs``."""
