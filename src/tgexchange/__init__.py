"""tgexchange: a fair, verified feedback exchange for creators on Telegram."""
