"""The form's own scripts (layouts/cms/*.js) called from the tests, in one Node process for the session."""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess

import pytest
from conftest import ROOT

RUNNER = ROOT / "tests" / "js" / "run.cjs"


class _Node:
    process: subprocess.Popen | None = None

    @classmethod
    def call(cls, module: str, function: str, *args):
        node = shutil.which("node")
        if node is None:
            pytest.fail("Node.js is needed to run the form's scripts: install the Debian package nodejs "
                        "(python3 dev.py test does it)", pytrace=False)
        if cls.process is None or cls.process.poll() is not None:
            cls.process = subprocess.Popen([node, str(RUNNER), str(ROOT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True, encoding="utf-8")
            atexit.register(cls.close)
        cls.process.stdin.write(json.dumps({"module": module, "function": function, "args": list(args)}) + "\n")
        cls.process.stdin.flush()
        answer = cls.process.stdout.readline()
        if not answer:
            process, cls.process = cls.process, None
            pytest.fail(f"tests/js/run.cjs stopped: {process.stderr.read()}", pytrace=False)
        answer = json.loads(answer)
        if "error" in answer:
            raise AssertionError(f"{module}.{function} failed in Node: {answer['error']}")
        return answer["result"]

    @classmethod
    def close(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            cls.process.stdin.close()
            cls.process.wait(timeout=10)


call = _Node.call
