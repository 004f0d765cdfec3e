from socialseed.cli.main import run

run()
