"""Use cases: one function per verb, each one unit of work."""
