"""Implementations of the service ports: storage, platforms, Telegram, model store, alerts."""
