"""Pure rules of the exchange. Imports nothing from storage, Telegram, the web or platforms."""
