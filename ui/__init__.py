"""Web UI of 规划问答: pure render helpers (``ui.render``), data helpers (``ui.data``) and the
Gradio Blocks app (``ui.app``)."""
