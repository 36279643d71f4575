"""The deployment files say only what the project has (Docker cannot run here).

Every command a compose service, the Dockerfile or the Procfile runs exists in
the project (a management command, the WSGI module, the Celery app, the
gunicorn config); every file the Dockerfile copies exists; every variable the
app services set is one the settings (or gunicorn.conf.py) read; the secret
has no default; the image runs as a user other than root.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def _settings_variables() -> set[str]:
    names = set()
    settings = sorted((ROOT / "config" / "settings").glob("*.py"))
    for source in [*settings, ROOT / "gunicorn.conf.py"]:
        text = source.read_text()
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_][A-Z0-9_]*)"', text))
        names |= set(re.findall(r'environ\.get\(\s*"([A-Z_][A-Z0-9_]*)"', text))
    return names | {"DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _app_services() -> dict:
    return {
        name: service
        for name, service in _compose()["services"].items()
        if service.get("build")
    }


def _check_command(argv: list[str]) -> None:
    """Fail unless `argv` names something this project has."""
    program, args = argv[0], argv[1:]
    if program == "python":
        assert args[0] == "manage.py", argv
        assert args[1] in get_commands(), f"no management command {args[1]!r}"
    elif program == "gunicorn":
        module = args[0].split(":")[0]
        assert (ROOT / (module.replace(".", "/") + ".py")).exists(), argv
        if "-c" in args:
            assert (ROOT / args[args.index("-c") + 1]).exists(), argv
    elif program == "celery":
        app = args[args.index("-A") + 1].split(":")[0]
        assert (ROOT / app.replace(".", "/")).with_suffix(".py").exists() or (
            ROOT / app.replace(".", "/") / "celery.py"
        ).exists(), argv
        assert args[args.index("-A") + 2] in ("worker", "beat"), argv
    else:
        pytest.fail(f"unexpected program {program!r} in {argv}")


def test_every_app_service_runs_a_command_the_project_has():
    services = _app_services()
    assert {"migrate", "web", "worker", "beat"} <= set(services)
    for service in services.values():
        _check_command(service["command"])


def test_app_services_set_only_variables_the_settings_read():
    known = _settings_variables()
    for name, service in _app_services().items():
        unknown = set(service.get("environment", {})) - known
        assert unknown == set(), f"{name} sets variables nobody reads: {unknown}"


def test_the_secret_key_has_no_default_in_compose():
    text = (ROOT / "docker-compose.yml").read_text()
    line = next(line for line in text.splitlines() if "SECRET_KEY:" in line)
    assert "${SECRET_KEY:?" in line, line
    assert ":-" not in line, line


def test_services_wait_for_health_and_the_migration():
    services = _compose()["services"]
    for name in ("db", "redis", "web"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )
    assert "pgdata" in _compose()["volumes"]


def _dockerfile() -> list[str]:
    lines, joined = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        if raw.strip().startswith("#"):
            continue
        joined += raw.rstrip("\\").strip() + " "
        if not raw.rstrip().endswith("\\"):
            if joined.strip():
                lines.append(joined.strip())
            joined = ""
    return lines


def test_the_dockerfile_copies_only_what_exists_and_runs_as_a_user():
    lines = _dockerfile()
    for line in lines:
        if line.startswith("COPY") and "--from=" not in line:
            *sources, _target = shlex.split(line)[1:]
            for source in sources:
                assert source == "." or (ROOT / source).exists(), source
    users = [line.split()[1] for line in lines if line.startswith("USER")]
    assert users and users[-1] not in ("root", "0"), users
    cmd = next(line for line in reversed(lines) if line.startswith("CMD"))
    _check_command(yaml.safe_load(cmd[len("CMD") :].strip()))
    final_stage = "\n".join(
        lines[max(i for i, text in enumerate(lines) if text.startswith("FROM")) :]
    )
    assert not re.search(r"\b(gcc|build-essential|g\+\+)\b", final_stage), (
        "compilers left in the final image"
    )
    assert "collectstatic" in final_stage


def test_every_procfile_process_runs_a_command_the_project_has():
    for procfile in ("Procfile", "Procfile.demo"):
        for line in (ROOT / procfile).read_text().splitlines():
            if ":" not in line:
                continue
            argv = shlex.split(re.sub(r"\$\{[^}]+\}", "1", line.split(":", 1)[1]))
            if argv[0] == "python" and argv[2] == "runserver":
                assert "runserver" in get_commands()
                continue
            _check_command(argv)
