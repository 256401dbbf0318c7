"""The README: its first two commands, and every command and option of `kg` documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from kg.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_readme_starts_with_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [l.split("#")[0].strip() for l in first_block.strip().splitlines()] == ["make demo", "make test"]


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_documented(name):
    cmd = main.commands[name]
    assert f"kg {name}" in README, f"`kg {name}` is not in the README"
    for p in cmd.params:
        if isinstance(p, click.Option):
            assert any(o in README for o in p.opts if o.startswith("--")), f"kg {name} {p.opts} is not in the README"


def test_every_query_file_is_listed():
    for f in (Path(__file__).resolve().parents[1] / "queries").glob("*.rq"):
        assert f"`{f.name}`" in README, f.name


def test_every_audit_check_is_listed_with_its_severity():
    for f in (Path(__file__).resolve().parents[1] / "queries" / "audit").glob("*.rq"):
        head = dict(l[2:].split(":", 1) for l in f.read_text("utf-8").splitlines()[:3] if l.startswith("# "))
        assert f"| `{head['id'].strip()}` | {head['severity'].strip()} |" in README, f.name
