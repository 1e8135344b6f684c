from tgexchange.cli import main_entry

main_entry()
