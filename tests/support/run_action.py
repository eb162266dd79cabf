"""Runs the steps of a composite action (action.yml) as a GitHub runner does, for the tests:
inputs with their defaults, `${{ }}` expressions of the forms the action uses, `if:` conditions,
`bash --noprofile --norc -eo pipefail` for run steps, GITHUB_OUTPUT, GITHUB_PATH and RUNNER_TEMP.
Steps that use another action are printed (with their inputs), not run.

usage: run_action.py ACTION_YML INPUTS_JSON ACTION_PATH
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

action_file, given_json, action_path = sys.argv[1:4]
action = yaml.safe_load(open(action_file))
inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
given = json.loads(given_json)
unknown = sorted(set(given) - set(inputs))
if unknown:
    sys.exit(f"unknown inputs: {unknown}")
inputs.update(given)
outputs = {}
runner_temp = tempfile.mkdtemp()
path_file = os.path.join(runner_temp, "github_path")
open(path_file, "w").close()


def value(expr):
    expr = expr.strip()
    if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
        return inputs[m[1]]
    if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
        return outputs.get(m[1], {}).get(m[2], "")
    if expr == "github.action_path":
        return action_path
    if m := re.fullmatch(r"'([^']*)'", expr):
        return m[1]
    sys.exit(f"unsupported expression: {expr}")


def substitute(text):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: value(m[1]), str(text))


def condition(expr):
    result = True
    for part in expr.split("&&"):
        m = re.fullmatch(r"\s*(.+?)\s*(==|!=)\s*(.+?)\s*", part)
        if not m:
            sys.exit(f"unsupported condition: {expr}")
        left, right = value(m[1]).lower(), value(m[3]).lower()
        result = result and ((left == right) if m[2] == "==" else (left != right))
    return result


for index, step in enumerate(action["runs"]["steps"]):
    name = step.get("name", f"step {index}")
    if "if" in step and not condition(step["if"]):
        print(f"skipped: {name}", flush=True)
        continue
    if "uses" in step:
        with_ = {k: substitute(v) for k, v in step.get("with", {}).items()}
        print(f"uses: {step['uses']} {json.dumps(with_, sort_keys=True)}", flush=True)
        continue
    assert step.get("shell") == "bash", f"{name}: only bash steps are run here"
    env = dict(os.environ)
    env.update({k: substitute(v) for k, v in step.get("env", {}).items()})
    added = [line.strip() for line in open(path_file) if line.strip()]
    env["PATH"] = os.pathsep.join(added[::-1] + [os.environ["PATH"]])
    output_file = os.path.join(runner_temp, f"output-{index}")
    open(output_file, "w").close()
    env.update(GITHUB_OUTPUT=output_file, GITHUB_PATH=path_file, RUNNER_TEMP=runner_temp)
    script = substitute(step["run"])
    cwd = substitute(step.get("working-directory", "."))
    code = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env).returncode
    produced = dict(line.rstrip("\n").split("=", 1) for line in open(output_file) if "=" in line)
    if "id" in step:
        outputs[step["id"]] = produced
    if code != 0:
        print(f"failed: {name} (exit {code})", flush=True)
        sys.exit(code)
results = {name: substitute(spec["value"]) for name, spec in action.get("outputs", {}).items()}
print(f"outputs: {json.dumps(results, sort_keys=True)}", flush=True)
