"""The release as a user gets it, from the artifacts alone: action.yml run by a simulated
runner (.ci/action_runner.py), and the shell installer, both against the release folder that
`cargo xtask dist` wrote, served over HTTP on 127.0.0.1 as a mirror of the GitHub release.

From an empty workspace and runner temp, with only action.yml in the action's folder:
- the action installs the binary for Linux X64, checks its SHA-256, puts it on PATH, and runs
  `mintlify-agent --fake job create … --wait`, whose job-id, status, pr-link and branch become
  the action's outputs; the binary answers --version with the release's version and serves
  `mcp` to the official Python MCP client (.ci/mcp_client.py);
- a tampered .sha256, a tampered archive, an unsupported OS or architecture and a missing
  release (404) each fail with an `::error` that says what to do, and nothing is installed;
- the time from an empty runner to the first answered API call through the action;
- the shell installer installs the same binary into ~/.local/bin from the mirror
  (MINTLIFY_AGENT_CLI_DOWNLOAD_URL), and refuses a tampered archive.

Usage: python .ci/test_action.py target/dist-artifacts    (the version is the workspace's, Cargo.toml)
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
from contextlib import contextmanager
from pathlib import Path

from action_runner import run_action

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "mintlify-agent-cli"
HOST = "x86_64-unknown-linux-gnu"
PASSED = []
FAILED = []


def check(condition, what):
    if condition:
        PASSED.append(what)
    else:
        FAILED.append(what)
        print(f"FAIL: {what}")


@contextmanager
def serve(folder: Path):
    """`python3 -m http.server` on a free port of 127.0.0.1, serving `folder`."""
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory",
         str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline()
        port = re.search(r"port (\d+)", line)
        if not port:
            raise SystemExit(f"http.server said {line!r}")
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def runner(action_yml: Path):
    """An empty workspace, an empty RUNNER_TEMP and HOME, and an action folder holding only
    action.yml (no checkout of this repository beside it)."""
    with tempfile.TemporaryDirectory(prefix="runner-") as top:
        top = Path(top)
        for name in ("action", "workspace", "temp", "home"):
            (top / name).mkdir()
        shutil.copy(action_yml, top / "action" / "action.yml")
        yield top


def act(top: Path, inputs: dict, *, runner_os="Linux", runner_arch="X64", echo=True):
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(top / "home"),
        "LANG": "C.UTF-8",
        # No history file under the user's real state directory.
        "MINTLIFY_NO_HISTORY": "1",
    }
    return run_action(
        top / "action",
        inputs,
        runner_os=runner_os,
        runner_arch=runner_arch,
        workspace=top / "workspace",
        runner_temp=top / "temp",
        env=env,
        echo=echo,
    )


def error_titled(result, title: str) -> str:
    """The text of the `::error title=mintlify-agent TITLE::` annotation, or ''."""
    prefix = f"::error title=mintlify-agent {title}::"
    return next((a[len(prefix):] for a in result.annotations if a.startswith(prefix)), "")


def shellcheck(action_yml: Path) -> None:
    """shellcheck on each `run` script of the action, as bash."""
    from ruamel.yaml import YAML

    steps = YAML(typ="safe").load(action_yml.read_text())["runs"]["steps"]
    for step in steps:
        checked = subprocess.run(
            ["shellcheck", "--shell=bash", "-"], input=step["run"], capture_output=True, text=True
        )
        check(checked.returncode == 0, f"shellcheck {step['id']}: {checked.stdout}")


def main() -> None:
    dist = Path(sys.argv[1]).resolve()
    version = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]
    archive = f"{PACKAGE}-{HOST}.tar.gz"
    action_yml = ROOT / "action.yml"
    for name in (archive, f"{archive}.sha256", f"{PACKAGE}-installer.sh"):
        if not (dist / name).is_file():
            raise SystemExit(f"{dist / name} is missing: run `cargo xtask dist` first")

    shellcheck(action_yml)
    with serve(dist) as url:
        # The action, as `uses: …@v{version}` with a mirror: install and run a job.
        with runner(action_yml) as top:
            result = act(
                top,
                {
                    "download-url": url,
                    "run": 'mintlify-agent --fake job create "Add a quickstart" --wait',
                },
            )
            check(result.exit_code == 0, f"action: exit code {result.exit_code}")
            out = result.outputs
            check(out["version"] == version, f"action: output version {out['version']!r}")
            check(re.fullmatch(r"job_\w+", out["job-id"]) is not None, f"job-id {out['job-id']!r}")
            check(out["status"] == "completed", f"status {out['status']!r}")
            check(out["pr-link"].startswith("https://"), f"pr-link {out['pr-link']!r}")
            check(out["branch"] != "", f"branch {out['branch']!r}")
            binary = Path(out["path"])
            check(binary.is_file() and str(binary).startswith(str(top / "temp")),
                  f"installed under RUNNER_TEMP: {binary}")
            check(result.path_added == [str(binary.parent)], f"GITHUB_PATH {result.path_added}")
            said = subprocess.run([binary, "--version"], capture_output=True, text=True)
            check(said.stdout.strip() == f"mintlify-agent {version}", f"--version {said.stdout!r}")
            mcp = subprocess.run([sys.executable, str(ROOT / ".ci" / "mcp_client.py"), binary])
            check(mcp.returncode == 0, "the installed binary serves mcp to the official client")

        # Empty runner -> first answered API call (a job created on the --fake server).
        times = []
        for _ in range(5):
            with runner(action_yml) as top:
                result = act(
                    top,
                    {"download-url": url, "run": 'mintlify-agent --fake job create "Time it"'},
                    echo=False,
                )
                check(result.exit_code == 0 and result.outputs["job-id"], "timed run created a job")
                times.append(result.seconds)
        median = statistics.median(times)
        print(f"action: empty runner to the first answered API call: median {median:.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}, 5 runs)")
        check(median < 5, f"under 5 s: {median:.2f} s")

        # Unsupported runners.
        for runner_os, runner_arch in (("Linux", "ARM"), ("FreeBSD", "X64"), ("Windows", "ARM64")):
            with runner(action_yml) as top:
                result = act(top, {"download-url": url, "run": "mintlify-agent --version"},
                             runner_os=runner_os, runner_arch=runner_arch, echo=False)
                text = error_titled(result, "unsupported runner")
                check(result.exit_code != 0 and "no prebuilt mintlify-agent" in text
                      and "target" in text and result.outputs["path"] == "",
                      f"{runner_os}/{runner_arch} refused: {result.annotations}")

        # A release that does not exist.
        with runner(action_yml) as top:
            result = act(top, {"download-url": f"{url}/v9.9.9", "version": "9.9.9"}, echo=False)
            text = error_titled(result, "release not found")
            check(result.exit_code != 0 and "answered 404" in text and "input version" in text,
                  f"404 refused: {result.annotations}")

    # A mirror whose checksum or archive was altered.
    with tempfile.TemporaryDirectory(prefix="tampered-") as tampered:
        tampered = Path(tampered)
        for name in (archive, f"{archive}.sha256", f"{PACKAGE}-installer.sh"):
            shutil.copy(dist / name, tampered / name)
        good = (tampered / f"{archive}.sha256").read_text()
        digit = "0" if good[0] != "0" else "1"
        (tampered / f"{archive}.sha256").write_text(digit + good[1:])
        with serve(tampered) as url, runner(action_yml) as top:
            result = act(top, {"download-url": url, "run": "touch ran"}, echo=False)
            text = error_titled(result, "checksum mismatch")
            check(result.exit_code != 0 and "was not run" in text
                  and not (top / "workspace" / "ran").exists()
                  and not list((top / "temp").rglob("mintlify-agent")),
                  f"tampered .sha256 refused, nothing installed or run: {result.annotations}")
        (tampered / f"{archive}.sha256").write_text(good)
        with open(tampered / archive, "ab") as f:
            f.write(b"\0")
        with serve(tampered) as url, runner(action_yml) as top:
            result = act(top, {"download-url": url}, echo=False)
            check(result.exit_code != 0 and error_titled(result, "checksum mismatch"),
                  f"tampered archive refused: {result.annotations}")
            # The installer carries the archive's checksum itself: it refuses it too.
            installed = install_with_shell_installer(tampered, url, top / "home")
            check(installed.returncode != 0 and "checksum" in installed.stderr.lower()
                  and not (top / "home" / ".local" / "bin" / "mintlify-agent").exists(),
                  f"the shell installer refuses a tampered archive: {installed.stderr[-300:]!r}")

    # The shell installer, from the mirror, into ~/.local/bin.
    with serve(dist) as url, tempfile.TemporaryDirectory(prefix="home-") as home:
        home = Path(home)
        installed = install_with_shell_installer(dist, url, home)
        check(installed.returncode == 0, f"shell installer: {installed.stderr[-500:]}")
        binary = home / ".local" / "bin" / "mintlify-agent"
        said = subprocess.run([binary, "--version"], capture_output=True, text=True)
        check(said.stdout.strip() == f"mintlify-agent {version}",
              f"shell installer: --version {said.stdout!r}")
        job = subprocess.run(
            [binary, "--fake", "job", "create", "Add a quickstart", "--wait"],
            capture_output=True, text=True, env={"MINTLIFY_NO_HISTORY": "1", "HOME": str(home)},
        )
        check(job.returncode == 0 and "completed" in job.stdout and "https://" in job.stdout,
              f"shell installer: job create --wait {job.stdout!r} {job.stderr[-300:]!r}")

    for name in sorted(p.name for p in dist.iterdir() if p.is_file()):
        print(f"{(dist / name).stat().st_size:>12,}  {name}")
    print(f"release: {len(PASSED)} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


def install_with_shell_installer(folder: Path, url: str, home: Path):
    """`sh mintlify-agent-cli-installer.sh` with the mirror's URL, HOME=home, PATH untouched."""
    return subprocess.run(
        ["sh", str(folder / f"{PACKAGE}-installer.sh")],
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "MINTLIFY_AGENT_CLI_DOWNLOAD_URL": url,
            "MINTLIFY_AGENT_CLI_NO_MODIFY_PATH": "1",
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


if __name__ == "__main__":
    main()
