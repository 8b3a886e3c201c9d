"""The ``llm`` aligner on recorded answers, served by a tiny local replay server (tests/llm_replay.py):
parsing, schema checks, the cache, the budget, retries and the one-line errors. The live model is
in tests/test_llm_live.py."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import numpy as np
import pytest
from conftest import CLUSTER

pytest.importorskip("openai", reason="the optional extra 'llm' is not installed (pip install -e '.[llm]')")
pytest.importorskip("jsonschema", reason="the optional extra 'llm' is not installed (pip install -e '.[llm]')")

from fixture import tiny_benchmark
from llm_replay import ReplayServer

from alignbench.aligners import get_aligner
from alignbench.aligners.llm_cache import request_key
from alignbench.aligners.llm_prompt import Malformed, estimate_tokens, load_template, messages, parse_answer
from alignbench.cli import main
from alignbench.records import Claim, UsageError
from alignbench.runs.baselines import RunConfig, evaluate_config, run_aligner
from alignbench.runs.reproduce import differences
from alignbench.scoring.report import Report
from alignbench.testing import check_aligner

RECORDED = Path(__file__).parent / "data" / "llm"
MODEL = "replay-model"


def links(*items: tuple[str, str, str, float]) -> str:
    return json.dumps({"links": [{"a": a, "b": b, "relation": r, "confidence": c} for a, b, r, c in items]})


GOOD = links(("A1", "B1", "equivalent", 0.9), ("A2", "B2", "contradiction", 0.8), ("A1", "B2", "related", 0.5))


def claims(prefix: str, n: int) -> tuple[Claim, ...]:
    return tuple(
        Claim(f"{prefix}-{i}", prefix, 0, 1, f"claim {prefix}{i}", f"context {prefix}{i}", None) for i in range(n)
    )


def eval_args(url: str, tmp_path: Path, *params: str, out: str = "report.json") -> list[str]:
    given = ["base_url=" + url, "model=" + MODEL, f"cache={tmp_path / 'cache'}", "retries=0", *params]
    return [
        "eval",
        "--aligner",
        "llm",
        *[x for p in given for x in ("--param", p)],
        "--cluster",  # the seed cluster's one article pair, whatever other clusters the split holds
        CLUSTER,
        "--resamples",
        "20",
        "--format",
        "json",
        "-o",
        str(tmp_path / out),
    ]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = [line for line in capsys.readouterr().err.splitlines() if "warning" not in line]
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


# --- the prompt and the answers -------------------------------------------------------------------


def test_the_shipped_prompt_has_its_sections_and_is_named_by_its_hash():
    template = load_template("llm-v1")
    path = Path(__file__).parents[1] / "src" / "alignbench" / "aligners" / "prompts" / "llm-v1.txt"
    assert template.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    for relation in ("equivalent", "a_more_specific", "b_more_specific", "contradiction", "related"):
        assert relation in template.system
    chat = messages(template, claims("a", 2), claims("b", 1), context=True)
    assert [m["role"] for m in chat] == ["system", "user"]
    assert "A1: claim a0\n    (in context: context a0)\nA2: claim a1" in chat[1]["content"]
    assert "B1: claim b0" in chat[1]["content"] and "A3" not in chat[1]["content"]
    assert "context" not in messages(template, claims("a", 2), claims("b", 1), context=False)[1]["content"]


def test_a_prompt_file_without_its_sections_is_a_usage_error(tmp_path):
    bad = tmp_path / "p.txt"
    bad.write_text("=== system ===\nhello\n", encoding="utf-8")
    with pytest.raises(UsageError, match="sections system, user, retry"):
        load_template(str(bad))
    with pytest.raises(UsageError, match="neither a shipped template"):
        load_template("llm-v0")


def test_parse_a_good_answer_with_a_code_fence_invented_ids_and_a_duplicate():
    text = (
        "```json\n"
        + links(
            ("A1", "B2", "a_more_specific", 0.4),
            ("A1", "B2", "related", 0.7),  # the more confident duplicate wins
            ("A9", "B1", "equivalent", 1.0),  # no A9
            ("B1", "A1", "equivalent", 1.0),  # ids in the wrong places
        )
        + "\n```"
    )
    answer = parse_answer(text, 2, 2)
    assert answer.links == {(0, 1): ("related", 0.7)}
    assert (answer.invented_ids, answer.duplicate_links) == (2, 1)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "empty"),
        ("Sure! Here are the links: A1-B1", "not valid JSON"),
        ('{"links": [{"a": "A1", "b": "B1", "relation": "same", "confidence": 0.5}]}', "links/0/relation"),
        ('{"links": [{"a": "A1", "b": "B1", "relation": "related", "confidence": 1.5}]}', "links/0/confidence"),
        ('{"links": [{"a": "A1", "b": "B1", "relation": "related"}]}', "'confidence' is a required property"),
        ('{"pairs": []}', "the top level"),
        ('[{"a": "A1"}]', "the top level"),
    ],
)
def test_an_unusable_answer_is_malformed_and_says_why(content, problem):
    with pytest.raises(Malformed, match=problem):
        parse_answer(content, 2, 2)


def test_recorded_answers_of_the_small_model_parse():
    """Answers recorded from SmolLM2-135M on the live server (tests/test_llm_live.py) go through the
    same checks: each either parses or is malformed with a reason, never an exception of another kind."""
    recorded = sorted(RECORDED.glob("*.json"))
    assert recorded, f"no recorded answers in {RECORDED}"
    for path in recorded:
        entry = json.loads(path.read_text(encoding="utf-8"))
        expect = entry["expect"]
        try:
            answer = parse_answer(entry["content"], entry["n_a"], entry["n_b"])
        except Malformed as bad:
            assert expect == {"malformed": True}, (path.name, str(bad))
            continue
        assert expect == {"links": len(answer.links), "invented_ids": answer.invented_ids}, path.name


def test_the_token_estimate_errs_high_on_english():
    chat = [{"role": "user", "content": "The ferry fire at Port Aldwyn broke out at about 6:30pm local time."}]
    assert estimate_tokens(chat) >= len(chat[0]["content"].split()) + 8


# --- the cache key -----------------------------------------------------------------------------------


def test_the_cache_key_changes_with_everything_that_decides_the_answer():
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 0.0, "seed": 0}
    key = request_key("http://h/v1", "p" * 64, body)
    assert key == request_key("http://h/v1", "p" * 64, json.loads(json.dumps(body)))
    changed = [
        request_key("http://other/v1", "p" * 64, body),
        request_key("http://h/v1", "q" * 64, body),
        request_key("http://h/v1", "p" * 64, {**body, "model": "n"}),
        request_key("http://h/v1", "p" * 64, {**body, "temperature": 0.5}),
        request_key("http://h/v1", "p" * 64, {**body, "seed": 1}),
        request_key("http://h/v1", "p" * 64, {**body, "messages": [{"role": "user", "content": "y"}]}),
    ]
    assert len({key, *changed}) == 7


# --- runs on the replay server ---------------------------------------------------------------------


def test_a_run_labels_pairs_from_the_answer_and_a_rerun_comes_from_the_cache(tmp_path):
    """On the tiny benchmark (x: 3 claims, y: 4): the answer links x-1/y-1 equivalent, x-2/y-2
    contradiction and x-1/y-2 related. Gold: x-1/y-1 equivalent, x-2/y-2 contradiction, x-3/y-1
    b_more_specific (sure), x-2/y-3 related (possible). By hand: 3 decided, 2 in gold -> P = 2/3;
    2 of 3 sure found -> R = 2/3; both labels right."""
    bench = tiny_benchmark()
    dataset = {"dataset_version": "t", "source_sha256": "0" * 64}
    with ReplayServer([GOOD]) as server:
        config = RunConfig(
            "llm",
            "llm",
            {"base_url": server.url, "model": MODEL, "cache": str(tmp_path / "c")},
            "threshold",
            0.0,
            0.5,
            "",
        )
        first = evaluate_config(config, bench, dataset, resamples=20)
        assert len(server.requests) == 1 and server.model_lists == 1
        sent = server.requests[0]
        assert sent["model"] == MODEL and sent["temperature"] == 0.0 and sent["seed"] == 0
        assert sent["response_format"]["type"] == "json_schema"
        assert "A3: x-3" in sent["messages"][1]["content"] and "B4: y-4" in sent["messages"][1]["content"]
    assert first.metrics["link.P"] == pytest.approx(2 / 3) and first.metrics["link.R"] == pytest.approx(2 / 3)
    assert first.metrics["labeled.P"] == pytest.approx(2 / 3)
    assert first.threshold["value"] is None and first.system["labels"] == "system"
    run = first.run
    assert run["requests"] == {
        "cache_hits": 0,
        "cache_misses": 1,
        "sent": 1,
        "retried_bad_answers": 0,
        "retried_errors": 0,
    }
    assert run["tokens"]["total"] == 110 and run["tokens_sent"]["total"] == 110
    assert run["prompt"]["sha256"] == load_template("llm-v1").sha256
    assert run["model"] == MODEL and run["parameters"]["temperature"] == 0.0
    # the server is gone: the same report from the cache, only the run's counters differ
    again = evaluate_config(config, bench, dataset, resamples=20)
    assert again.run["requests"]["cache_hits"] == 1 and again.run["requests"]["sent"] == 0
    assert again.run["tokens"] == run["tokens"] and again.run["tokens_sent"]["total"] == 0
    assert differences(first.to_dict(), again.to_dict()) == []
    left, right = first.to_dict(), again.to_dict()
    for report in (left, right):
        del report["run"]["requests"], report["run"]["tokens_sent"]
    assert left == right
    assert Report.from_json(again.to_json()).run == again.run


def test_a_bad_answer_is_retried_once_with_what_was_wrong(tmp_path, capsys):
    bench = tiny_benchmark()
    bad = links(("A1", "B1", "same fact", 0.9))
    with ReplayServer([bad, GOOD]) as server:
        aligner = get_aligner("llm", base_url=server.url, model=MODEL, cache=str(tmp_path / "c"))
        preds = run_aligner(aligner, bench, RunConfig("llm", "llm", {}, "threshold", 0, 0.5, ""))
        retry = server.requests[1]["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert retry[2]["content"] == bad and "links/0/relation" in retry[3]["content"]
    assert int((preds.label != 5).sum()) == 3
    info = aligner.run_info()
    assert info["requests"]["retried_bad_answers"] == 1 and info["failures"]["bad_answers"] == 1
    assert info["failures"]["pairs_without_answer"] == 0


def test_two_bad_answers_leave_the_pair_without_links_and_warn(tmp_path, capsys):
    with ReplayServer(["not json", "still not json"]) as server:
        status = main(eval_args(server.url, tmp_path))
    assert status == 0
    assert "alignbench: warning: llm: wonsan-a / wonsan-b: the answer is not valid JSON" in capsys.readouterr().err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["supports"]["decided_links"] == 0
    assert report["run"]["failures"] == {
        "bad_answers": 2,
        "pairs_without_answer": 1,
        "invented_ids": 0,
        "duplicate_links": 0,
    }
    assert len(report["run"]["warnings"]) == 1


def test_the_api_key_is_sent_but_never_written(tmp_path, monkeypatch):
    secret = "sk-test-" + "7" * 24
    monkeypatch.setenv("ALIGNBENCH_LLM_API_KEY", secret)
    with ReplayServer([GOOD]) as server:
        assert main(eval_args(server.url, tmp_path)) == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 2  # the report and one cache entry
    assert not any(secret in p.read_text(encoding="utf-8") for p in written)


def test_requests_go_out_concurrently_and_each_pair_once(tmp_path):
    """Eight article pairs, four at a time: every pair asked once, all answers cached."""
    bench = tiny_benchmark()
    pairs = [(claims(f"a{k}", 2), claims(f"b{k}", 3)) for k in range(8)]
    with ReplayServer([("sleep", 0.2, links(("A1", "B3", "related", 0.5)))]) as server:
        aligner = get_aligner("llm", base_url=server.url, model=MODEL, cache=str(tmp_path / "c"), concurrency=4)
        aligner.plan(pairs + pairs[:2])
        assert len(server.requests) == 8
        for a, b in pairs:
            scores, labels = aligner.predict(a, b)
            assert labels[0, 2] == "related" and scores[0, 2] == 0.5 and (labels == "none").sum() == 5
        assert len(server.requests) == 8
    assert len(list((tmp_path / "c").rglob("*.json"))) == 8
    assert bench  # the tiny benchmark is not needed here: plan() takes any article pairs


def test_check_aligner_accepts_the_llm_aligner(tmp_path):
    with ReplayServer([links(("A1", "B1", "equivalent", 0.9))]) as server:
        check_aligner(get_aligner("llm", base_url=server.url, model=MODEL, cache=str(tmp_path / "c")))


# --- refusals and failures: one line, the right exit status, nothing half-written -----------------


def test_a_budget_too_small_is_refused_before_anything_is_sent(tmp_path, capsys):
    with ReplayServer([GOOD]) as server:
        assert main(eval_args(server.url, tmp_path, "max_requests=0")) == 2
        line = one_line_error(capsys)
        assert "needs 1 request (0 of 1 article pairs are cached)" in line and "max_requests=0" in line
        assert main(eval_args(server.url, tmp_path, "max_tokens=500")) == 2
        assert "max_tokens=500; nothing was sent" in one_line_error(capsys)
        assert server.requests == [] and server.model_lists == 0
    assert not (tmp_path / "report.json").exists() and not (tmp_path / "cache").exists()


def test_a_cached_run_fits_a_zero_budget(tmp_path):
    with ReplayServer([GOOD]) as server:
        assert main(eval_args(server.url, tmp_path)) == 0
    assert main(eval_args(server.url, tmp_path, "max_requests=0", "max_tokens=0", out="again.json")) == 0
    assert json.loads((tmp_path / "again.json").read_text())["run"]["requests"]["cache_hits"] == 1


def test_a_retry_that_the_budget_has_no_room_for_is_not_sent(tmp_path, capsys):
    with ReplayServer(["not json", GOOD]) as server:
        assert main(eval_args(server.url, tmp_path, "max_requests=1")) == 0
        assert len(server.requests) == 1
    assert "not retried (max_requests=1 reached)" in capsys.readouterr().err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_endpoint_is_one_line_exit_1(tmp_path, capsys):
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    assert main(eval_args(url, tmp_path)) == 1
    line = one_line_error(capsys)
    assert line.startswith(f"alignbench eval: llm: {url}: cannot reach the server (") and "after 0 retries" in line
    assert not (tmp_path / "report.json").exists() and not (tmp_path / "cache").exists()


def test_a_wrong_model_name_is_a_usage_error(tmp_path, capsys):
    with ReplayServer([GOOD], models=("smollm2",)) as server:
        assert main(eval_args(server.url, tmp_path)) == 2
        assert server.requests == []
    assert f"model '{MODEL}' is not served at" in one_line_error(capsys)
    assert not (tmp_path / "report.json").exists()


def test_a_server_answering_invalid_json_is_one_line_exit_1(tmp_path, capsys):
    with ReplayServer([("raw", "<html>502 Bad Gateway</html>")]) as server:
        assert main(eval_args(server.url, tmp_path)) == 1
    assert "not an OpenAI" in one_line_error(capsys)
    assert not (tmp_path / "report.json").exists() and not (tmp_path / "cache").exists()


def test_rate_limits_are_retried_with_backoff_and_counted(tmp_path):
    with ReplayServer([("status", 429, "slow down"), GOOD]) as server:
        assert main(eval_args(server.url, tmp_path, "retries=2")) == 0
        assert len(server.requests) == 2
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["run"]["requests"]["retried_errors"] == 1 and report["run"]["requests"]["sent"] == 1


def test_a_server_error_after_the_retries_is_one_line_exit_1(tmp_path, capsys):
    with ReplayServer([("status", 500, "model crashed")]) as server:
        assert main(eval_args(server.url, tmp_path, "retries=1")) == 1
        assert len(server.requests) == 2
    assert "the server answered 500: model crashed" in one_line_error(capsys)


def test_a_timeout_is_one_line_exit_1(tmp_path, capsys):
    with ReplayServer([("sleep", 2.0, GOOD)]) as server:
        assert main(eval_args(server.url, tmp_path, "timeout=0.3")) == 1
    assert "no answer within 0.3 s, after 0 retries" in one_line_error(capsys)


def test_a_failure_mid_run_leaves_whole_cache_entries_and_no_report(tmp_path):
    pairs = [(claims(f"a{k}", 1), claims(f"b{k}", 1)) for k in range(4)]
    answer = links(("A1", "B1", "related", 0.5))
    with ReplayServer([answer, answer, ("status", 400, "context too long")]) as server:
        aligner = get_aligner(
            "llm", base_url=server.url, model=MODEL, cache=str(tmp_path / "c"), concurrency=1, retries=0
        )
        with pytest.raises(Exception, match="the server answered 400: context too long"):
            aligner.plan(pairs)
    entries = sorted((tmp_path / "c").rglob("*"))
    files = [p for p in entries if p.is_file()]
    assert len(files) == 2 and all(json.loads(p.read_text())["response"]["content"] == answer for p in files)


@pytest.mark.parametrize(
    ("param", "problem"),
    [
        ("model=", "model must be the name of a model"),
        ("concurrency=0", "concurrency must be an integer >= 1"),
        ("response_format=xml", "response_format must be one of"),
        ("max_tokens=-1", "max_tokens must be a non-negative integer"),
        ("prompt=nope", "neither a shipped template"),
    ],
)
def test_bad_parameters_are_usage_errors_before_any_request(tmp_path, capsys, param, problem):
    with ReplayServer([GOOD]) as server:
        assert main(eval_args(server.url, tmp_path, param)) == 2
        assert server.requests == [] and server.model_lists == 0
    assert problem in one_line_error(capsys)


def test_scores_and_labels_follow_the_answer():
    with ReplayServer([links(("A2", "B1", "b_more_specific", 0.25))]) as server:
        aligner = get_aligner("llm", base_url=server.url, model=MODEL)
        scores, labels = aligner.predict(claims("a", 2), claims("b", 2))
    assert np.array_equal(scores, [[0, 0], [0.25, 0]])
    assert labels.tolist() == [["none", "none"], ["b_more_specific", "none"]]


# --- the committed smoke-floor rows and the README -------------------------------------------------

LLM_BASELINES = Path(__file__).resolve().parents[1] / "baselines" / "llm"


@pytest.fixture
def no_network(monkeypatch):
    """Every socket connection fails: what runs must come from the cache."""

    def refuse(*args, **kwargs):
        raise OSError("network unreachable (test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("split", ["test", "diagnostic"])
def test_the_committed_smoke_floor_reproduces_offline_from_its_cache(split, no_network, monkeypatch):
    from alignbench.dataset.load import dataset_metadata, load_benchmark
    from alignbench.runs.baselines import read_config
    from alignbench.views.leaderboard import leaderboard

    monkeypatch.chdir(LLM_BASELINES.parents[1])  # the config's cache path is relative to the clone
    meta = dataset_metadata(split=split)
    revision = f"{meta['dataset_version']}-{str(meta['source_sha256'])[:12]}"
    config = read_config(LLM_BASELINES / "configs" / "smollm2-135m.json")
    path = LLM_BASELINES / "results" / config.name / revision / ("" if split == "test" else split) / "report.json"
    if not path.is_file():
        pytest.skip(
            f"no committed llm report for the current {split} data ({revision}): README 'A smoke floor' says how"
        )
    bench = load_benchmark(split=split)
    dataset = {"dataset_version": meta["dataset_version"], "source_sha256": meta["source_sha256"]}
    fresh = evaluate_config(config, bench, dataset, split=split, by_tag=split == "diagnostic")
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert differences(committed, fresh.to_dict()) == []
    assert fresh.run["requests"]["sent"] == 0 and fresh.run["requests"]["cache_misses"] == 0
    assert committed["run"]["prompt"]["sha256"] == load_template("llm-v1").sha256
    readme = (LLM_BASELINES.parents[1] / "README.md").read_text(encoding="utf-8")
    marker = "llm-leaderboard" if split == "test" else f"llm-leaderboard-{split}"
    block = f"<!-- {marker}:start -->\n" + leaderboard([fresh], "markdown", tags=False) + f"<!-- {marker}:end -->"
    assert block in readme


def test_the_readme_cost_table_is_computed_from_the_data():
    from alignbench.runs.llm_cost import MARKER, readme_cost_table

    readme = (LLM_BASELINES.parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"<!-- {MARKER}:start -->\n" + readme_cost_table() + f"<!-- {MARKER}:end -->" in readme


def test_the_cost_estimate_counts_one_request_per_article_pair():
    from alignbench.runs.llm_cost import cost_estimate

    bench = tiny_benchmark(second_cluster=True)  # pairs x/y and z/zz
    cost = cost_estimate(bench, completion_tokens=100)
    template = load_template("llm-v1")
    by_id = {c.claim_id: c for c in bench.claims}
    x, y = [by_id[f"x-{i}"] for i in (1, 2, 3)], [by_id[f"y-{i}"] for i in (1, 2, 3, 4)]
    z, zz = [by_id["z-1"]], [by_id["zz-1"]]
    by_hand = estimate_tokens(messages(template, x, y, False)) + estimate_tokens(messages(template, z, zz, False))
    assert cost == (2, by_hand, 200)
    assert cost_estimate(bench, context=True).prompt_tokens >= by_hand


def test_without_plan_the_budget_stops_the_request_that_would_exceed_it(tmp_path):
    with ReplayServer([links(("A1", "B1", "related", 0.5))]) as server:
        aligner = get_aligner("llm", base_url=server.url, model=MODEL, max_requests=1)
        aligner.predict(claims("a", 1), claims("b", 1))
        with pytest.raises(UsageError, match="the budget max_requests=1 is spent before a / c; nothing more is sent"):
            aligner.predict(claims("a", 1), claims("c", 1))
        assert len(server.requests) == 1
