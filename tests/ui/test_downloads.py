"""Download files (ui/downloads.py): one file per distinct content, aged out, removed at close."""
from __future__ import annotations

import os
import time

from ui.downloads import Downloads


def test_same_content_reuses_the_file_and_old_files_are_swept(tmp_path):
    d = Downloads(ttl_s=60, root=tmp_path / "dl")
    a = d.write("指标.csv", "a,b\n1,2\n", encoding="utf-8-sig")
    assert a.read_bytes().startswith(b"\xef\xbb\xbf") and a.name == "指标.csv"
    for _ in range(50):
        assert d.write("指标.csv", "a,b\n1,2\n", encoding="utf-8-sig") == a
    b = d.write("指标.csv", "a,b\n3,4\n")
    assert b != a and d.count() == 2
    old = time.time() - 120
    os.utime(a.parent, (old, old))
    assert d.sweep() == 1 and not a.exists() and b.exists()
    assert d.sweep(now=time.time() + 3600) == 1 and d.count() == 0
    f = d.folder("eval")
    (f / "report.html").write_text("x")
    d.close()
    assert not (tmp_path / "dl").exists()
