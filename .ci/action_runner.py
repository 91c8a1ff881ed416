"""A simulated GitHub Actions runner for a composite action made of `run` steps.

It reads action.yml and runs its steps the way GitHub's runner does: inputs (defaults, then
`with`), `${{ }}` expressions in `env`, `if` and the outputs' `value` (contexts inputs, steps,
runner, github, env), each script in a file run by `bash --noprofile --norc -eo pipefail`, a
fresh GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ENV and GITHUB_STEP_SUMMARY file per step (outputs
parsed in both the `name=value` and the `name<<DELIMITER` forms; paths prepended to PATH for
the later steps), GITHUB_ACTION_PATH, RUNNER_OS/ARCH/TEMP, GITHUB_ACTIONS=true, and workflow
commands (`::error …::…`) collected from what the steps print.

What GitHub does and this does not: `uses` steps, other shells, `working-directory`,
`continue-on-error`, masking. A `${{ }}` inside a `run` script is refused: this action's
rule is that inputs reach scripts through `env` only.

Used by .ci/test_action.py; `python .ci/action_runner.py ACTION_DIR [name=value…]` runs it by
hand and prints the result as JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML


@dataclass
class Result:
    """What the action did: its outputs, its exit code, the workflow commands it printed."""

    exit_code: int
    outputs: dict[str, str]
    annotations: list[str]
    path_added: list[str]
    log: str
    seconds: float
    steps: dict[str, dict[str, str]] = field(default_factory=dict)


class ExpressionError(Exception):
    pass


# --- expressions -------------------------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|\.|,)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r}")
        position = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    return tokens


class Evaluator:
    """GitHub's expression language, the part an action of `run` steps uses."""

    def __init__(self, contexts: dict, status_ok: bool = True):
        self.contexts = contexts
        self.status_ok = status_ok

    def evaluate(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0
        value = self.or_()
        if self.index != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.index][1]!r} in {text!r}")
        return value

    def peek(self):
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def take(self, expected=None):
        kind, value = self.tokens[self.index]
        if expected is not None and value != expected:
            raise ExpressionError(f"expected {expected!r}, got {value!r}")
        self.index += 1
        return kind, value

    def or_(self):
        left = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            left = left if truthy(left) else right
        return left

    def and_(self):
        left = self.unary()
        while self.peek() == "&&":
            self.take()
            right = self.unary()
            left = right if truthy(left) else left
        return left

    def unary(self):
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        left = self.primary()
        if self.peek() in ("==", "!="):
            _, op = self.take()
            equal = loose_equal(left, self.primary())
            return equal if op == "==" else not equal
        return left

    def primary(self):
        kind, value = self.take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value)
        if value == "(":
            inner = self.or_()
            self.take(")")
            return inner
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if self.peek() == "(":
            self.take("(")
            self.take(")")
            return {"success": self.status_ok, "failure": not self.status_ok, "always": True,
                    "cancelled": False}[value]
        current = self.contexts.get(value)
        while self.peek() == ".":
            self.take()
            _, key = self.take()
            current = current.get(key) if isinstance(current, dict) else None
        return current


def truthy(value) -> bool:
    return value not in (None, False, "", 0, 0.0)


def loose_equal(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if a is None or b is None:
        return (a or "") == (b or "")
    return a == b


def interpolate(text: str, evaluator: Evaluator) -> str:
    def replace(match):
        value = evaluator.evaluate(match.group(1))
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return re.sub(r"\$\{\{(.*?)\}\}", replace, str(text))


# --- file commands -----------------------------------------------------------------------


def parse_file_command(text: str) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks, as the runner reads them."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r")
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i].rstrip("\r") != delimiter:
                body.append(lines[i].rstrip("\r"))
                i += 1
            if i == len(lines):
                raise ValueError(f"no closing delimiter {delimiter!r} for {name!r}")
            i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ValueError(f"unreadable file command line {line!r}")
    return values


# --- the runner --------------------------------------------------------------------------


def run_action(
    action_dir: Path,
    inputs: dict[str, str],
    *,
    runner_os: str = "Linux",
    runner_arch: str = "X64",
    workspace: Path,
    runner_temp: Path,
    env: dict[str, str] | None = None,
    echo: bool = True,
) -> Result:
    """Runs the action in `action_dir` with `inputs`, from `workspace` (its working directory)."""
    started = time.monotonic()
    action = YAML(typ="safe").load((action_dir / "action.yml").read_text())
    runs = action["runs"]
    if runs.get("using") != "composite":
        raise SystemExit(f"not a composite action: using {runs.get('using')!r}")
    declared = action.get("inputs") or {}
    unknown = set(inputs) - set(declared)
    if unknown:
        raise SystemExit(f"unexpected inputs {sorted(unknown)} (GitHub warns and ignores them)")
    input_values = {
        name: str(inputs.get(name, (spec or {}).get("default", "")) or "")
        for name, spec in declared.items()
    }

    base_env = dict(env if env is not None else os.environ)
    base_env.update(
        {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_ACTION_PATH": str(action_dir),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_OS": runner_os,
            "RUNNER_ARCH": runner_arch,
            "RUNNER_TEMP": str(runner_temp),
        }
    )
    contexts = {
        "inputs": input_values,
        "steps": {},
        "runner": {"os": runner_os, "arch": runner_arch, "temp": str(runner_temp)},
        "github": {"action_path": str(action_dir), "workspace": str(workspace)},
        "env": {},
    }
    path_added: list[str] = []
    annotations: list[str] = []
    log: list[str] = []
    status_ok = True
    exit_code = 0
    extra_env: dict[str, str] = {}

    for index, step in enumerate(runs["steps"]):
        step_id = step.get("id", f"__{index}")
        if "uses" in step or "run" not in step:
            raise SystemExit(f"step {step_id}: only `run` steps are simulated")
        script = step["run"]
        if "${{" in script:
            raise SystemExit(f"step {step_id}: `${{{{ }}}}` inside a script (pass it through env)")
        shell = step.get("shell")
        if shell != "bash":
            raise SystemExit(f"step {step_id}: shell {shell!r}; this runner simulates bash")
        evaluator = Evaluator(contexts, status_ok)
        condition = str(step.get("if", "success()"))
        condition = condition.strip()
        if condition.startswith("${{") and condition.endswith("}}"):
            condition = condition[3:-2]
        if not re.search(r"\b(success|failure|always|cancelled)\(\)", condition):
            condition = f"success() && ({condition})"
        if not truthy(evaluator.evaluate(condition)):
            contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped"}
            continue

        files = {}
        for name in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV", "GITHUB_STEP_SUMMARY"):
            path = runner_temp / "_runner_file_commands" / f"{name.lower()}_{uuid.uuid4()}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            files[name] = path
        script_path = runner_temp / f"{uuid.uuid4()}.sh"
        script_path.write_text(script)

        step_env = dict(base_env)
        step_env.update(extra_env)
        step_env["PATH"] = os.pathsep.join(path_added + [base_env.get("PATH", "")])
        contexts["env"] = dict(step_env)
        for name, value in (step.get("env") or {}).items():
            step_env[name] = interpolate(value, evaluator)
        step_env.update({name: str(path) for name, path in files.items()})

        process = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_path)],
            cwd=workspace,
            env=step_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in process.stdout.splitlines():
            log.append(line)
            if echo:
                print(f"  | {line}")
            if re.match(r"\s*::(error|warning|notice)\b", line):
                annotations.append(line.strip())
        outputs = parse_file_command(files["GITHUB_OUTPUT"].read_text())
        for line in files["GITHUB_PATH"].read_text().splitlines():
            if line.strip():
                path_added.insert(0, line.strip())
        extra_env.update(parse_file_command(files["GITHUB_ENV"].read_text()))
        contexts["steps"][step_id] = {
            "outputs": outputs,
            "outcome": "success" if process.returncode == 0 else "failure",
        }
        if process.returncode != 0:
            status_ok = False
            exit_code = process.returncode
            log.append(f"step {step_id} failed with exit code {process.returncode}")

    evaluator = Evaluator(contexts, status_ok)
    outputs = {
        name: interpolate((spec or {}).get("value", ""), evaluator)
        for name, spec in (action.get("outputs") or {}).items()
    }
    return Result(
        exit_code=exit_code,
        outputs=outputs,
        annotations=annotations,
        path_added=path_added,
        log="\n".join(log),
        seconds=time.monotonic() - started,
        steps={k: v["outputs"] for k, v in contexts["steps"].items()},
    )


def main() -> None:
    action_dir = Path(sys.argv[1]).resolve()
    inputs = dict(arg.split("=", 1) for arg in sys.argv[2:])
    with tempfile.TemporaryDirectory() as workspace, tempfile.TemporaryDirectory() as temp:
        result = run_action(action_dir, inputs, workspace=Path(workspace), runner_temp=Path(temp))
    print(json.dumps(result.__dict__, indent=2))
    sys.exit(result.exit_code)


if __name__ == "__main__":
    main()
