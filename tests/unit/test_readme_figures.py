"""The README's figures are those of bench/RESULTS.md, not a copy that drifts."""

from bench.summary import README, RESULTS, summary, with_summary


def test_the_readme_shows_the_results_summary_as_it_is():
    readme, results = README.read_text(encoding="utf-8"), RESULTS.read_text(encoding="utf-8")
    assert summary(results).strip(), "bench/RESULTS.md has no summary block"
    assert readme == with_summary(readme, results), "run: python -m bench.summary"


def test_a_figure_changed_in_the_results_is_a_difference():
    readme = "intro\n<!-- summary from bench/RESULTS.md -->\nold 1.0x\n<!-- end of summary -->\n"
    results = "# R\n<!-- summary -->\nnew 1.1x\n<!-- end of summary -->\nmore\n"
    assert with_summary(readme, results) == (
        "intro\n<!-- summary from bench/RESULTS.md -->\nnew 1.1x\n<!-- end of summary -->\n"
    )
