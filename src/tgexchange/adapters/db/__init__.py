"""Storage on SQLAlchemy 2: SQLite (embedded default) or PostgreSQL, chosen by DATABASE_URL."""
