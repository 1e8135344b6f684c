from tgexchange.cli import app

app()
