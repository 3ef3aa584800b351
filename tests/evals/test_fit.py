"""The fit's item outcomes: a re-ranking is scored by the candidate it would answer with."""
import numpy as np

from evals.fit import Case, outcomes, replay_tops, right


def _case(answerable=True, answered_right=False, y=(0.0, 1.0)):
    X = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])  # bias, feature a, feature b
    return Case("i", "g", answerable, X, np.zeros(2), np.array(y), answered_right)


def test_the_replayed_candidate_keeps_its_end_to_end_result():
    c = _case(answered_right=True, y=(0.0, 1.0))  # answered right although its evidence lacks the strings
    replay_tops([c], np.array([0.0, 1.0, 0.0]))  # the replay ranked candidate 0 first
    assert c.replay_top == 0
    assert right(c, 0) is True


def test_another_candidate_is_right_when_its_evidence_holds_the_answer():
    c = _case(answered_right=False, y=(0.0, 1.0))
    replay_tops([c], np.array([0.0, 1.0, 0.0]))
    assert right(c, 1) is True
    # ranking by feature b instead of a changes the item's outcome (answered at any threshold)
    assert outcomes([c], np.array([0.0, 1.0, 0.0]), np.zeros(3), 0.0) == [False]
    assert outcomes([c], np.array([0.0, 0.0, 1.0]), np.zeros(3), 0.0) == [True]


def test_an_unanswerable_item_is_right_only_when_refused():
    c = _case(answerable=False, y=(0.0, 0.0))
    replay_tops([c], np.array([0.0, 1.0, 0.0]))
    assert right(c, 1) is False
    assert outcomes([c], np.array([0.0, 1.0, 0.0]), np.full(3, -10.0), 0.5) == [True]
