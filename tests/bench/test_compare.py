"""The before/after report: ratios per scenario, the spread of the runs, the guard rail."""

from __future__ import annotations

from typing import Any

from bench.clients import POPGUI, POPGUI_BEFORE
from bench.compare import compare_rows, comparisons, guard_checks, gui_rows
from bench.corpus import CorpusInfo
from bench.measure import Sample, Summary
from bench.report import HEADER, Report, markdown_results, table_rows, text_report
from bench.scenarios import SCENARIOS, ScenarioResult


def summary(*runs: tuple[float, float]) -> Summary:
    return Summary.of([Sample(wall, 30.0, 0, cpu) for wall, cpu in runs])


def result(summaries: dict[str, Summary]) -> ScenarioResult:
    scenario = SCENARIOS["full"]
    corpus = CorpusInfo(count=100, size=1000)
    return ScenarioResult(scenario, scenario.title(True), corpus, summaries)


def both() -> ScenarioResult:
    return result(
        {
            POPGUI: summary((1.0, 0.8), (1.2, 0.9), (1.1, 1.0)),
            POPGUI_BEFORE: summary((1.0, 1.0), (1.0, 1.0), (1.0, 1.0)),
            "mpop": summary((2.0, 0.2), (2.0, 0.2), (2.0, 0.2)),
        }
    )


def test_after_before_ratio_of_medians_with_the_runs_spread() -> None:
    [found] = comparisons([both()], [], None)
    assert round(found.wall, 2) == 1.10
    assert round(found.cpu or 0, 2) == 0.90
    [row] = compare_rows([found])
    assert row == (found.label, "1.10", "1.00–1.20", "0.90", "0.80–1.00", "3")


def test_guard_rail_fails_above_one_point_ten() -> None:
    slow = result({POPGUI: summary((1.2, 1.0)), POPGUI_BEFORE: summary((1.0, 1.0))})
    fast = result({POPGUI: summary((1.05, 1.0)), POPGUI_BEFORE: summary((1.0, 1.0))})
    statuses = [check[-1] for check in guard_checks(comparisons([slow, fast], [], None))]
    assert statuses == ["FAIL", "PASS"]


def test_no_comparison_without_the_baseline() -> None:
    alone = result({POPGUI: summary((1.0, 1.0)), "mpop": summary((2.0, 0.2))})
    assert comparisons([alone], [], None) == []
    report = Report(results=[alone])
    assert "Before / after" not in text_report(report)
    assert "Before / after" not in markdown_results(report)


def gui_run(shown: float, stall: float) -> dict[str, Any]:
    return {
        "available": True,
        "shown_seconds": shown,
        "stall_seconds": stall,
        "sync_seconds": 1.0,
        "shown_cpu_seconds": 0.2,
        "sync_cpu_seconds": 0.9,
        "shown_peak_rss_mb": 90.0,
        "sync_peak_rss_mb": 110.5,
        "popgui_from": "installed (x)",
    }


def test_window_compared_and_guarded_except_the_stall() -> None:
    gui = {
        POPGUI: [gui_run(0.30, 0.040), gui_run(0.20, 0.010)],
        POPGUI_BEFORE: [gui_run(0.20, 0.010), gui_run(0.20, 0.010)],
    }
    found = {c.label: c for c in comparisons([], [], gui)}
    assert round(found["window: folder shown"].wall, 2) == 1.25
    assert round(found["window: longest stall"].wall, 2) == 2.50
    guarded = [check[0] for check in guard_checks(list(found.values()))]
    assert any("folder shown" in label for label in guarded)
    assert not any("stall" in label for label in guarded)
    rows = {row[0]: row for row in gui_rows(gui)}
    assert rows[POPGUI][1:5] == ("250", "200–300", "25", "10–40")
    assert rows[POPGUI][-2:] == ("110.5", "2")


def test_table_shows_cpu_and_spread_beside_wall_time_and_ratio_to_before() -> None:
    rows = {row[1]: dict(zip(HEADER, row, strict=True)) for row in table_rows([both()])}
    assert rows[POPGUI]["wall min–max"] == "1.000–1.200"
    assert rows[POPGUI]["CPU s"] == "0.900"
    assert rows[POPGUI]["CPU min–max"] == "0.800–1.000"
    assert rows[POPGUI]["vs before"] == "1.10"
    assert rows["mpop"]["vs before"] == "-"
    markdown = markdown_results(Report(results=[both()]))
    assert "### Before / after" in markdown
    assert "popgui / popgui-before" in markdown
