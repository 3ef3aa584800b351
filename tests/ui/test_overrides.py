"""Metadata corrections (ui/overrides.py): metadata.toml edited with tomlkit (comments kept), the
form parsed and checked (impossible dates refused)."""
from __future__ import annotations

import tomllib

import pytest

from ui import overrides as O


LEAD_FILE = """# Staff corrections. One table per document file name.
# Re-run `python -m ingest` after editing.

["003_485a95091e833f50.txt"]
aliases = ["楼区"]  # the plan abbreviates 岳阳楼区 as 楼区

# the next one was checked by hand
["b.txt"]
region = "乙"
"""


def test_write_override_table_keeps_comments_and_other_tables(tmp_path):
    (tmp_path / "metadata.toml").write_text(LEAD_FILE, encoding="utf-8")
    O.write_override_table(tmp_path, "b.txt", {"region": "乙", "issuer": "丙"})
    text = (tmp_path / "metadata.toml").read_text(encoding="utf-8")
    assert text.startswith("# Staff corrections.")
    assert '["003_485a95091e833f50.txt"]\naliases = ["楼区"]  # the plan abbreviates' in text
    assert "# the next one was checked by hand\n[\"b.txt\"]" in text
    assert tomllib.loads(text) == {"003_485a95091e833f50.txt": {"aliases": ["楼区"]},
                                   "b.txt": {"region": "乙", "issuer": "丙"}}
    assert not list(tmp_path.glob(".*.tmp"))


def test_write_override_table_appends_and_removes(tmp_path):
    (tmp_path / "metadata.toml").write_text(LEAD_FILE, encoding="utf-8")
    O.write_override_table(tmp_path, "新 文件\"x\".txt", {"title": "新标题", "years": [2024]})
    data = tomllib.loads((tmp_path / "metadata.toml").read_text(encoding="utf-8"))
    assert data["新 文件\"x\".txt"] == {"title": "新标题", "years": [2024]} and len(data) == 3
    O.write_override_table(tmp_path, "003_485a95091e833f50.txt", None)
    text = (tmp_path / "metadata.toml").read_text(encoding="utf-8")
    assert "楼区" not in text and "# the next one was checked by hand" in text
    assert set(tomllib.loads(text)) == {"b.txt", "新 文件\"x\".txt"}


def test_write_override_table_new_file_and_broken_file(tmp_path):
    O.write_override_table(tmp_path, "a.txt", {"title": "甲"})
    text = (tmp_path / "metadata.toml").read_text(encoding="utf-8")
    assert text.startswith("#") and tomllib.loads(text) == {"a.txt": {"title": "甲"}}
    (tmp_path / "metadata.toml").write_text("[broken\n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        O.write_override_table(tmp_path, "a.txt", {"title": "乙"})
    assert (tmp_path / "metadata.toml").read_text(encoding="utf-8") == "[broken\n"


def test_written_overrides_are_accepted_by_ingest(tmp_path):
    from ingest.metadata import load_overrides

    O.write_override_table(tmp_path, "x.txt", {"title": "新标题", "years": [2024], "aliases": ["甲"]})
    assert load_overrides(tmp_path) == {"x.txt": {"title": "新标题", "years": [2024], "aliases": ["甲"]}}


def test_parse_meta_form():
    form = O.parse_meta_form({"title": " 标题 ", "years": "2023, 2024年", "aliases": "咸宁、XN", "date": "2024-02"})
    assert form["title"] == "标题" and form["years"] == [2023, 2024] and form["aliases"] == ["咸宁", "XN"]
    assert form["region"] is None and form["date"] == "2024-02"
    with pytest.raises(ValueError):
        O.parse_meta_form({"years": "24"})
    with pytest.raises(ValueError):
        O.parse_meta_form({"date": "27/02/2024"})


def test_merge_override():
    current = {"title": "自动", "region": "咸宁市", "years": [2024], "aliases": ["咸宁"], "issuer": None}
    form = {"title": "改过", "region": "咸宁市", "years": [2024], "aliases": ["咸宁"], "issuer": None}
    assert O.merge_override(None, current, form) == {"title": "改过"}
    # an unchanged field keeps its override; an emptied field drops it
    assert O.merge_override({"region": "咸宁市", "issuer": "x"}, current, form) == {"region": "咸宁市", "title": "改过"}


@pytest.mark.parametrize("bad", ["2024-13-45", "2024-02-30", "2023-02-29", "2024-00", "2024-1-0", "27/02/2024",
                                 "1850", "2024-02-27 10:00"])
def test_impossible_or_malformed_dates_are_refused(bad):
    with pytest.raises(ValueError):
        O.parse_meta_form({"date": bad})


def test_dates_are_normalised():
    assert O.parse_meta_form({"date": "2024-2-7"})["date"] == "2024-02-07"
    assert O.parse_meta_form({"date": "2024-02-29"})["date"] == "2024-02-29"
    assert O.parse_meta_form({"date": "2024"})["date"] == "2024"


def test_values_round_trip_with_quotes_and_control_characters(tmp_path):
    table = {"title": 'x"y\\z\n\t\u0001', "aliases": ["咸宁", "XN"], "years": [2023, 2024]}
    O.write_override_table(tmp_path, '文件 名"引号".txt', table)
    assert tomllib.loads((tmp_path / "metadata.toml").read_text(encoding="utf-8")) == {'文件 名"引号".txt': table}


def test_an_edit_keeps_inline_comments_of_unchanged_keys(tmp_path):
    (tmp_path / "metadata.toml").write_text(LEAD_FILE, encoding="utf-8")
    O.write_override_table(tmp_path, "003_485a95091e833f50.txt", {"aliases": ["楼区"], "title": "标题"})
    text = (tmp_path / "metadata.toml").read_text(encoding="utf-8")
    assert 'aliases = ["楼区"]  # the plan abbreviates 岳阳楼区 as 楼区' in text
    assert tomllib.loads(text)["003_485a95091e833f50.txt"] == {"aliases": ["楼区"], "title": "标题"}


def test_removing_the_last_and_the_first_table(tmp_path):
    text = '# head\n\n["a.txt"]\nx = 1\n\n["x.txt"]\ny = 2\n\n# about b\n["b.txt"]\nz = 3\n'
    out = O.set_table_text(text, "a.txt", None)
    assert out.startswith("# head\n\n[\"x.txt\"]") and "# about b\n[\"b.txt\"]" in out
    out = O.set_table_text(text, "x.txt", None)
    assert '["a.txt"]\nx = 1\n\n# about b\n["b.txt"]' in out
    assert tomllib.loads(O.set_table_text(text, "b.txt", None)) == {"a.txt": {"x": 1}, "x.txt": {"y": 2}}
    assert O.set_table_text(text, "missing.txt", None) == text
