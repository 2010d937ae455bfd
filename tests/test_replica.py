"""A replica's share of memory, its per-client page limit and its turn-away page, without
a server (the cluster itself is driven in tests/e2e/test_cluster.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pico_widget.i18n.wording import wording
from pico_widget.server.capacity import (
    KERNEL_MB,
    MIN_CAP,
    SERVER_MB,
    cgroup_memory_mb,
    own_cgroup,
    replica_share,
    visitor_share,
)
from pico_widget.server.gate import RETRY_AFTER_S, busy_page
from pico_widget.server.health import TokenBuckets, client_address


def _cgroup(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text + "\n")
    return tmp_path


def test_cgroup_v2_limit_is_read_in_mb(tmp_path: Path) -> None:
    root = _cgroup(tmp_path, "memory.max", str(2 * 2**30))  # a container's namespace
    assert cgroup_memory_mb(root, own="/") == (2048, str(root / "memory.max"))


def test_cgroup_v2_max_means_no_limit(tmp_path: Path) -> None:
    mb, why = cgroup_memory_mb(_cgroup(tmp_path, "memory.max", "max"), own="/")
    assert mb is None and "no limit" in why


def test_a_units_own_cgroup_and_its_parents_are_read_the_tightest_wins(tmp_path: Path
                                                                      ) -> None:
    unit = "system.slice/pico-widget@8701.service"
    _cgroup(tmp_path, f"{unit}/memory.max", str(4 * 2**30))
    _cgroup(tmp_path, "system.slice/memory.max", "max")
    assert cgroup_memory_mb(tmp_path, own=f"/{unit}")[0] == 4096
    _cgroup(tmp_path, "system.slice/memory.max", str(3 * 2**30))
    assert cgroup_memory_mb(tmp_path, own=f"/{unit}") == (
        3072, str(tmp_path / "system.slice" / "memory.max"))


def test_own_cgroup_is_read_from_proc(tmp_path: Path) -> None:
    proc = tmp_path / "cgroup"
    proc.write_text("0::/system.slice/pico-widget@8701.service\n")
    assert own_cgroup(proc) == "/system.slice/pico-widget@8701.service"
    proc.write_text("9:name=systemd:/\n8:pids:/\n")  # v1 only
    assert own_cgroup(proc) == ""


def test_cgroup_v1_limit_and_its_no_limit_value(tmp_path: Path) -> None:
    v1 = "memory/memory.limit_in_bytes"
    assert cgroup_memory_mb(_cgroup(tmp_path, v1, str(3 * 2**30)), own="")[0] == 3072
    assert cgroup_memory_mb(_cgroup(tmp_path, v1, "9223372036854771712"), own="")[0] is None


def test_no_cgroup_files_means_no_limit(tmp_path: Path) -> None:
    assert cgroup_memory_mb(tmp_path, own="/a/b")[0] is None


def test_three_replicas_share_a_24_gb_host() -> None:
    alone = visitor_share(1, machine_mb=24_576)
    each = visitor_share(3, machine_mb=24_576)
    assert alone.cap == int((24_576 - SERVER_MB) * 0.5 // KERNEL_MB)  # 152
    assert each.cap == int((24_576 / 3 - SERVER_MB) * 0.5 // KERNEL_MB)  # 49
    assert 3 * each.cap <= alone.cap
    assert "3 replicas" in each.reasoning and "the machine" in each.reasoning


def test_a_container_limit_beats_the_machine() -> None:
    share = visitor_share(1, machine_mb=24_576, cgroup_mb=2048,
                          cgroup_source="/sys/fs/cgroup/memory.max")
    assert share.cap == int((2048 - SERVER_MB) * 0.5 // KERNEL_MB)  # 11, not 150
    assert "/sys/fs/cgroup/memory.max" in share.reasoning and "2048 MB" in share.reasoning


def test_the_cap_never_goes_below_the_minimum_and_an_explicit_cap_wins() -> None:
    assert visitor_share(8, machine_mb=1024).cap == MIN_CAP
    assert visitor_share(3, 7, machine_mb=24_576).cap == 7
    assert "--max-visitors" in visitor_share(3, 7).reasoning
    assert visitor_share(3).cap == 20  # memory unknown: a modest fallback


def test_replica_share_reads_the_given_cgroup(tmp_path: Path) -> None:
    share = replica_share(2, root=_cgroup(tmp_path, "memory.max", str(4 * 2**30)), own="/")
    assert share.cap == int((4096 / 2 - SERVER_MB) * 0.5 // KERNEL_MB)


def test_a_token_bucket_allows_a_burst_then_the_rate() -> None:
    limit = TokenBuckets(rate=2.0, burst=5)
    assert [limit.take("a", now=0) for _ in range(6)] == [True] * 5 + [False]
    assert limit.take("b", now=0)  # another address has its own bucket
    assert limit.wait_s("a", now=0) == pytest.approx(0.5)
    assert limit.take("a", now=0.5) and not limit.take("a", now=0.5)
    assert [limit.take("a", now=100) for _ in range(6)] == [True] * 5 + [False]  # refilled


def test_token_buckets_forget_idle_clients() -> None:
    limit = TokenBuckets(rate=1.0, burst=2, most_clients=3)
    for n in range(10):
        limit.take(f"10.0.0.{n}", now=n * 10)
    assert len(limit._buckets) <= 4


class _Request:
    def __init__(self, peer: str, forwarded: str | None = None) -> None:
        self.remote_ip = peer
        self.headers = {"X-Forwarded-For": forwarded} if forwarded else {}


def test_the_forwarded_address_is_believed_only_from_loopback_when_trusted() -> None:
    assert client_address(_Request("127.0.0.1", "1.2.3.4, 5.6.7.8"), True) == "5.6.7.8"
    assert client_address(_Request("127.0.0.1", "5.6.7.8"), False) == "127.0.0.1"
    assert client_address(_Request("10.1.1.1", "5.6.7.8"), True) == "10.1.1.1"


@pytest.mark.parametrize("reason", ["busy", "too_many"])
def test_the_turn_away_page_counts_down_and_reloads_itself(reason: str) -> None:
    page = busy_page(reason)
    assert f'<meta http-equiv="refresh" content="{RETRY_AFTER_S}">' in page
    assert wording("service", reason, language="en") in page
    assert f'data-seconds="{RETRY_AFTER_S}"' in page and "pico-seconds" in page
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page)


CONTAINERFILE = Path(__file__).resolve().parents[1] / "deploy" / "Containerfile"


def test_the_containers_health_check_probes_the_port_it_serves_on() -> None:
    """One setting names the port for the server and its HEALTHCHECK: the documented run
    sets it, and nothing in the image passes --port behind its back."""
    from pico_widget.settings import PORT_ENV

    text = CONTAINERFILE.read_text("utf-8")
    health = text[text.index("\nHEALTHCHECK"):].split("\nENTRYPOINT")[0]
    assert f"os.environ['{PORT_ENV}']" in health
    assert re.search(rf"^ENV .*\b{PORT_ENV}=\d+", text, re.M)
    assert "--port" not in text
    assert f"-e {PORT_ENV}=" in text  # the documented run sets the port the same way


def test_serve_listens_on_the_port_the_environment_names(monkeypatch) -> None:
    from pico_widget.server import serve
    from pico_widget.settings import PORT_ENV

    heard: list[int] = []

    def build_app(port: int, *args, **kwargs):
        heard.append(port)
        raise SystemExit(0)

    monkeypatch.setattr(serve, "build_app", build_app)
    monkeypatch.setenv(PORT_ENV, "8701")
    with pytest.raises(SystemExit):
        serve.main(["serve", "--max-visitors", "2"])
    with pytest.raises(SystemExit):
        serve.main(["serve", "--max-visitors", "2", "--port", "8702"])
    assert heard == [8701, 8702]


@pytest.mark.parametrize("args", [["serve", "--help"], ["serve", "--port", "x"], ["--help"],
                                  ["serve", "--bogus"], ["serve", "--port", "99999"],
                                  ["serve", "--replicas", "0"]])
def test_help_and_a_bad_option_answer_without_importing_voila(args: list[str]) -> None:
    """Voila and Jupyter take seconds to import; an administrator asking for help or giving
    a bad option or value should not wait for them (server/options.py). Only Voila's own
    settings (--Class.trait=value) go on to Voila."""
    code = ("import sys; from pico_widget.server.command import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit as stop:\n    code = stop.code\n"
            "print(code, sorted({m.split('.')[0] for m in sys.modules} & "
            "{'voila', 'jupyter_server', 'tornado'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout, done.stderr
    code, loaded = done.stdout.splitlines()[-1].split(" ", 1)
    assert loaded == "[]", done.stdout
    refused = "--help" not in args
    assert code == ("2" if refused else "0")
    assert ("error: " in done.stderr) == refused
    assert ("'x'" in done.stderr or "'99999'" in done.stderr) == ("--port" in args)


def test_a_busy_port_or_a_foreign_address_is_refused_before_voila_starts() -> None:
    """Voila moved to another port when the one asked for was taken, while the command had
    printed the first: an administrator, or HAProxy, was pointed at another server."""
    import socket

    from pico_widget.server.serve import listening_problem

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert "is in use" in (listening_problem("127.0.0.1", port) or "")
    assert listening_problem("127.0.0.1", port) is None
    assert "not an address of this machine" in (listening_problem("192.0.2.1", port) or "")
    assert "not a name or address" in (listening_problem("nosuch.invalid", port) or "")
