"""The optional LLM answerer.

``chain`` (the LangChain chat model, the answer and condense chains, a hang-proof streaming call),
``prompts`` (prompt files, passages quoted and fitted into the context window), ``passage`` (a
numbered passage as the model sees it), ``check`` (the grounding check of generated text: accepted only
when nothing in it goes beyond its cited passages) and ``answerer`` (answering a Turn with them:
condense → retrieve → generate → check, the extractive answer with a notice as fallback).

Nothing is imported here: the extractive path never loads the chat-model code.
"""
