"""End-to-end: the real command line builds the repository's archive."""

from conftest import run_cli


def test_build_repository_archive(project):
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    assert "已生成 5 期简报" in result.out
    site = project / "site"
    for page in ("index.html", "cities/index.html", "archive/index.html",
                 "cities/zhuzhou/index.html", "cities/yiyang/index.html",
                 "cities/yongzhou/index.html", "cities/hunan/index.html"):
        assert (site / page).is_file(), page
    assert len(list((site / "bulletins").glob("*/*/index.html"))) == 5
