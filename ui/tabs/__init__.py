"""One module per tab of the web app, each with ``build(engine)``."""
