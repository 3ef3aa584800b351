"""Retrievers: scope travels in the RunnableConfig, so stock LangChain callers keep it."""
from __future__ import annotations

from langchain_core.runnables import RunnableLambda

from assistant.retrieve import RetrievalScope, scoped

DOC = "002_2a333607f86502c4.txt"


def test_unscoped_search_spans_documents(assistant):
    docs = assistant.retriever.invoke("高新技术企业")
    assert len({d.metadata["doc"] for d in docs}) > 1


def test_scope_in_the_config_limits_a_direct_invoke(assistant):
    docs = assistant.retriever.invoke("高新技术企业", config=scoped(RetrievalScope(docs=frozenset({DOC}))))
    assert docs and {d.metadata["doc"] for d in docs} == {DOC}


def test_scope_survives_a_chain(assistant):
    chain = RunnableLambda(lambda q: q.strip()) | assistant.retriever
    docs = chain.invoke(" 高新技术企业 ", config=scoped(RetrievalScope(docs=frozenset({DOC}), lang="zh")))
    assert docs and {d.metadata["doc"] for d in docs} == {DOC}
    for r in (assistant.retriever.bm25, assistant.retriever.dense):
        part = (RunnableLambda(lambda q: q) | r).invoke("高新技术企业", config=scoped(RetrievalScope(docs=frozenset({DOC}))))
        assert part and {d.metadata["doc"] for d in part} == {DOC}
