"""Read-only access to public platform data: metadata, comments, short links. Never logs in."""
