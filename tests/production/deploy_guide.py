"""docs/deploy.md done on this machine the way an operator does it on a server, so that the guide cannot drift
from the code: the Operator reads its fenced blocks in order and runs every line of the `sh` blocks or, where
only a real server can do it, checks what the line names. A line it can neither run nor check fails the test.

The "server" lives in a temporary directory: the guide's paths are moved under it (PATHS: /srv/procure,
/etc/procure, /etc/nginx …), the repository it clones is a copy of this checkout made a git repository (so
`git clone` and `git pull` really run), PostgreSQL's local socket is stood in for by a throwaway cluster (PGHOST
and PGPORT: the guide's DATABASE_URL names no host), and the nodes' addresses by free local ports (ADDRESSES).
Both "nodes" of the guide's last section are processes on this machine; node 2 listens on a port of its own.

Run as written (paths and addresses moved): cd, git, sed, echo, ls, tail, cp, ln, rm, chmod, psql, createuser,
createdb, dropdb (as the cluster's superuser where the guide says `sudo -u postgres`), curl (the public name
resolved to the local nginx, its certificate trusted), install (without -o/-g: one user here), bash scripts/…,
.venv/bin/pybabel and nginx -t (with the test's main nginx.conf, as Debian's includes sites-enabled/).

Checked, not run: apt-get install (each package is in the package lists), useradd, chgrp (the user and group are
the units' User= and Group=), python3 -m venv (the virtualenv is this checkout's runtime one, made by
scripts/setup.sh from requirements.txt alone; the guide's pip install runs against it with --no-index, so it
fails if a pinned package is missing), certbot (a self-signed certificate is made where it puts one), editor
(the test's edits: the addresses and ports above), scp (one machine: the file is already there).

systemctl is played for the units: procure.service starts the installed unit's ExecStart in its
WorkingDirectory with its EnvironmentFile and waits for gunicorn's READY=1 (Type=notify) and /healthz; a oneshot
service runs its ExecStart, and `journalctl -u` shows what it printed; a timer's OnCalendar goes through
`systemd-analyze calendar`; daemon-reload runs `systemd-analyze verify` on the installed units. For the
packages' units: nginx starts, or reloads, with the installed site; postgresql's restart has the throwaway
cluster parse the edited configuration (pg_file_settings, pg_hba_file_rules) without applying it; redis-server's
restart starts a Redis with the edited redis.conf (on a local port)."""
import configparser
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from production.conftest import bin_dir, free_port, unavailable, wait_until

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
DEPLOY = ROOT / "deploy"
SITE = "procure.example.gov.cn"
REPOSITORY_URL = "https://git.example.gov.cn/city/procure.git"
TYPED_PASSWORD = "Guide-typed-pw-2026"  # what the operator types at every password prompt
UNIT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
RUN_AS_WRITTEN = {"cd", "echo", "sed", "ls", "tail", "git", "bash", "cp", "ln", "rm", "chmod", "psql", "createuser",
                  "createdb", "dropdb", ".venv/bin/pybabel"}
PACKAGE_UNITS = {"postgresql.service": "postgresql", "redis-server.service": "redis-server",
                 "nginx.service": "nginx"}


@dataclass
class Block:
    section: str
    language: str
    lines: list[str]
    node: str = "1"  # an sh block starting "# on node 2" runs there


def guide_blocks(markdown: str) -> list[Block]:
    """The fenced blocks in order, with the "## " section each is in; an sh block's lines joined where they end
    with a backslash, without blank lines and comments."""
    blocks, section, current = [], "", None
    for line in markdown.splitlines():
        if current is None:
            if line.startswith("## "):
                section = line[3:].strip()
            opening = re.fullmatch(r"```(\w+)\s*", line)
            if opening:
                current = Block(section, opening.group(1), [])
        elif line.startswith("```"):
            blocks.append(current)
            current = None
        else:
            current.lines.append(line)
    for block in blocks:
        if block.language != "sh":
            continue
        joined, pending = [], ""
        for line in block.lines:
            if line.endswith("\\"):
                pending += line[:-1]
                continue
            joined.append(" ".join((pending + line).split()))
            pending = ""
        node = re.fullmatch(r"# on node (\d+)", joined[0]) if joined else None
        block.node = node.group(1) if node else "1"
        block.lines = [line for line in joined if line and not line.startswith("#")]
    return blocks


def read_environment_file(path: Path) -> dict:
    """KEY=value lines as systemd's EnvironmentFile= (and scripts/load-env.sh) read them."""
    values = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.strip().partition("=")
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def read_unit(content: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str
    unit.read_string(content)
    return unit


def http_get(url: str, headers=None, timeout=30):
    """(status, headers, body) of a GET; redirects are not followed."""
    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    notified: str = ""  # what gunicorn told systemd (NOTIFY_SOCKET)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Line:
    section: str
    node: str
    written: str
    done: str  # what ran, or what was checked
    output: str = ""


@dataclass
class Operator:
    """Follows the guide on this machine (see the module's docstring). `before_section`, `before` and `after`
    let a test act between two lines, as the city's staff would (create data) or look at what a line did."""
    workdir: Path
    postgres: object
    redis: object
    transcript: list[Line] = field(default_factory=list)
    journal: dict = field(default_factory=dict)  # unit → what its runs printed
    nodes: dict = field(default_factory=dict)  # node name → Node running procure.service
    packages: set = field(default_factory=set)
    evidence: dict = field(default_factory=dict)
    hooks: list = field(default_factory=list)

    def __post_init__(self):
        root = self.workdir / "server"
        self.paths = {
            "/srv/procure": root / "srv" / "procure",
            "/etc/procure": root / "etc" / "procure",
            "/var/lib/procure": root / "var" / "lib" / "procure",
            "/var/backups/procure": root / "var" / "backups" / "procure",
            "/etc/systemd/system": root / "etc" / "systemd" / "system",
            "/etc/nginx": root / "etc" / "nginx",
            "/etc/letsencrypt": root / "etc" / "letsencrypt",
            "/var/log/nginx": root / "var" / "log" / "nginx",
            "/etc/redis": root / "etc" / "redis",
            "/etc/postgresql/15/main": self.postgres.dir / "data",
            REPOSITORY_URL: self.workdir / "origin",
        }
        self.install = self.paths["/srv/procure"]
        self.env_file = self.paths["/etc/procure"] / "procure.env"
        self.node_ports = {"1": free_port(), "2": free_port()}
        self.https_port, self.http_port, self.edited_redis_port = free_port(), free_port(), free_port()
        self.addresses = {
            "10.0.0.11:8000": f"127.0.0.1:{self.node_ports['1']}",
            "10.0.0.12:8000": f"127.0.0.1:{self.node_ports['2']}",
            "0.0.0.0:8000": f"127.0.0.1:{self.node_ports['1']}",
            "10.0.0.11:6379": f"127.0.0.1:{self.edited_redis_port}",
            "127.0.0.1:6379": f"127.0.0.1:{self.redis.port}",
            "10.0.0.11": "127.0.0.1",
        }
        self.cwd = root
        self.nginx = None
        self.edited_redis = None
        self.cert = self.paths["/etc/letsencrypt"] / "live" / SITE / "fullchain.pem"
        self._prepare_server(root)

    # --- the machine before the guide ------------------------------------------------------------------------

    def _prepare_server(self, root: Path):
        """What a fresh Debian 12 with the guide's packages has: the folders, nginx's main configuration and
        default site, Redis's configuration, PostgreSQL's conf.d; and the repository to clone."""
        for path in ("/etc/systemd/system", "/var/log/nginx", "/var/backups"):
            self.path(path).mkdir(parents=True, exist_ok=True)
        (root / "srv").mkdir(exist_ok=True)
        (root / "var" / "lib").mkdir(parents=True, exist_ok=True)
        nginx = self.paths["/etc/nginx"]
        for folder in ("sites-available", "sites-enabled", "temp"):
            (nginx / folder).mkdir(parents=True, exist_ok=True)
        (nginx / "sites-enabled" / "default").write_text("# Debian's default site\n")
        temp = nginx / "temp"
        (nginx / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {nginx}/nginx.pid;\nerror_log {nginx}/error.log;\n"
            "events { worker_connections 64; }\n"
            "http {\n"
            f"    access_log {nginx}/access.log;\n"
            f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
            f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n"
            f"    scgi_temp_path {temp}/scgi;\n"
            f"    include {nginx}/sites-enabled/*;\n"
            "}\n")
        redis_conf = self.paths["/etc/redis"] / "redis.conf"
        redis_conf.parent.mkdir(parents=True)
        debian = Path("/etc/redis/redis.conf")
        redis_conf.write_text(debian.read_text() if debian.is_file() else "bind 127.0.0.1 -::1\nport 6379\n")
        data = self.postgres.dir / "data"
        (data / "conf.d").mkdir(exist_ok=True)
        with open(data / "postgresql.conf", "a") as conf:
            conf.write("include_dir = 'conf.d'\n")  # as Debian's postgresql.conf has
        if os.geteuid() == 0:
            os.chown(data / "conf.d", self.postgres.owner.pw_uid, self.postgres.owner.pw_gid)
        self._make_origin(self.paths[REPOSITORY_URL])

    def _make_origin(self, origin: Path):
        """This checkout as it is (uncommitted changes included, ignored files not) in a repository of its own."""
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True)
        if listed.returncode == 0:
            origin.mkdir()
            for name in filter(None, listed.stdout.decode().split("\0")):
                source = ROOT / name
                if source.is_file() and not source.is_symlink():
                    (origin / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, origin / name)
        else:  # not a git checkout (an unpacked release)
            shutil.copytree(ROOT, origin, symlinks=True, ignore=shutil.ignore_patterns(
                ".git", ".venv*", "instance", "__pycache__", "*.mo", ".pytest_cache"))
        self.git_commit(origin, "the release the guide installs", init=True)

    def git_commit(self, repository: Path, message: str, init=False):
        steps = [["git", "init", "-q", "-b", "main"]] if init else []
        steps += [["git", "add", "-A"], ["git", "-c", "user.name=procure release", "-c",
                                          "user.email=release@example.gov.cn", "commit", "-q", "--allow-empty",
                                          "-m", message]]
        for step in steps:
            done = subprocess.run(step, cwd=repository, capture_output=True, text=True)
            assert done.returncode == 0, f"{step}: {done.stderr}"
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True,
                              text=True).stdout.strip()

    # --- places and words ------------------------------------------------------------------------------------

    def path(self, written: str) -> Path:
        return Path(self.moved(written))

    def moved(self, written: str, node: str = "1") -> str:
        """`written` with the guide's paths and addresses moved to this machine's (node: whose 127.0.0.1:8000)."""
        table = {**self.addresses, **{key: str(value) for key, value in self.paths.items()},
                 "127.0.0.1:8000": f"127.0.0.1:{self.node_ports[node]}"}
        pattern = re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))
        return pattern.sub(lambda found: table[found.group(0)], written)

    def environment(self, **extra) -> dict:
        """The operator's shell: this process's environment without the app's settings, PostgreSQL's local
        socket standing for the throwaway cluster, and the scripts pointed at the moved environment file."""
        env = {key: value for key, value in os.environ.items() if not key.startswith((
            "TEST_DATABASE", "DATABASE_", "PROCURE_", "RATELIMIT", "PUBLIC_", "SECRET_KEY", "FLASK_", "VIRTUAL_ENV",
            "PYTEST", "PG", "NOTIFY_SOCKET", "LOG_", "WORKERS", "GUNICORN_", "FORWARDED_", "TRUSTED_", "LOGIN_",
            "SQLITE_", "HSTS_", "SESSION_"))
            and key not in ("HOST", "PORT", "WEB_CONCURRENCY")}
        env.update(PGHOST="127.0.0.1", PGPORT=str(self.postgres.port), PROCURE_ENV_FILE=str(self.env_file))
        env.update(extra)
        return env

    # --- following the guide ---------------------------------------------------------------------------------

    def before_section(self, title_start: str, act):
        self.hooks.append(("section", title_start, act))

    def before(self, line_part: str, act):
        self.hooks.append(("before", line_part, act))

    def after(self, line_part: str, act):
        self.hooks.append(("after", line_part, act))

    def _fire(self, when: str, subject: str):
        for hook_when, part, act in self.hooks:
            if hook_when == when and (subject.startswith(part) if when == "section" else part in subject):
                act(self)

    def follow(self, markdown: str):
        section = None
        for block in guide_blocks(markdown):
            if block.section != section:
                section = block.section
                self._fire("section", section)
            if block.language == "sh":
                for line in block.lines:
                    self._fire("before", line)
                    self.transcript.append(self.do(line, block))
                    self._fire("after", line)
            elif block.language == "ini":
                self.transcript.append(self.edit_environment(block))
            elif block.language == "nginx":
                self.transcript.append(self.edit_upstream(block))
            else:
                pytest.fail(f"docs/deploy.md: a ```{block.language} block the test does not know how to follow")

    def do(self, written: str, block: Block) -> Line:
        words = shlex.split(written)
        extra = {}
        command = written
        if words[:2] == ["sudo", "-u"]:
            assert words[2] in ("procure", "postgres"), f"sudo -u {words[2]}: which user is that? ({written})"
            if words[2] == "postgres":
                extra["PGUSER"] = "postgres"
            command, words = written.split(None, 3)[3], words[3:]
        line = Line(block.section, block.node, written, "")
        checks = {"apt-get": self.apt_get, "systemctl": self.systemctl, "journalctl": self.journalctl,
                  "useradd": self.useradd, "certbot": self.certbot, "editor": self.editor, "scp": self.scp,
                  "chgrp": self.chgrp, "python3": self.venv, "nginx": self.nginx_test, "install": self.install_files,
                  ".venv/bin/pip": self.pip, "curl": self.curl}
        if words[0] in checks:
            line.done, line.output = checks[words[0]](command, words, block.node)
        elif words[0] in RUN_AS_WRITTEN:
            line.done = self.moved(command, block.node)
            line.output = self.shell(line.done, written, **extra)
            if words[0] == "cd":
                self.cwd = Path(self.moved(words[1]))
        else:
            pytest.fail(f"docs/deploy.md: the test can neither run nor check this line: {written}")
        return line

    def shell(self, command: str, written: str, stdin: str = "", **extra) -> str:
        """Run one line with bash in the operator's current folder; a prompt gets TYPED_PASSWORD (twice, to
        confirm); with no terminal (a new session), a prompt reads standard input."""
        assert not re.search(r"(?<![\w/.-])/(etc|var|srv)/", command), f"not moved: {command}"
        if "users create" in command or "\\password" in command:
            stdin = f"{TYPED_PASSWORD}\n{TYPED_PASSWORD}\n"
        done = subprocess.run(["bash", "-c", f"set -euo pipefail\n{command}"], cwd=self.cwd,
                              env=self.environment(**extra), input=stdin, capture_output=True, text=True,
                              timeout=300, start_new_session=True)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"docs/deploy.md: `{written}` failed (ran: {command})\n{output[-4000:]}"
        return output

    # --- lines checked, or played ----------------------------------------------------------------------------

    def apt_get(self, command, words, node):
        if words[1] == "update":
            return "checked: nothing to check", ""
        assert words[1] == "install", command
        wanted = [word for word in words[2:] if not word.startswith("-")]
        if shutil.which("apt-cache") is None:
            unavailable("apt-cache not found: the guide's packages cannot be checked")
        shown = subprocess.run(["apt-cache", "show", "--no-all-versions", "dpkg", *wanted], capture_output=True,
                               text=True)
        found = set(re.findall(r"^Package: (\S+)$", shown.stdout, re.M))
        if "dpkg" not in found:
            unavailable("apt's package lists are empty (apt-get update): the guide's packages cannot be checked")
        missing = sorted(set(wanted) - found)
        assert not missing, f"docs/deploy.md installs packages Debian does not have: {missing}"
        self.packages.update(wanted)
        return f"checked: apt-cache show {' '.join(wanted)}", ""

    def units(self) -> dict:
        """The units the guide installed (in the moved /etc/systemd/system), as systemd would read them."""
        folder = self.paths["/etc/systemd/system"]
        return {path.name: read_unit(self.moved(path.read_text())) for path in sorted(folder.iterdir())}

    def useradd(self, command, words, node):
        name = words[-1]
        home = words[words.index("--home-dir") + 1]
        for path in sorted(DEPLOY.glob("*.service")):
            service = read_unit(path.read_text())["Service"]
            assert (service["User"], service["Group"]) == (name, name), f"{path.name} runs as another user"
        self.path(home).mkdir(parents=True)  # --create-home
        return f"checked: the units in deploy/ run as {name}", ""

    def chgrp(self, command, words, node):
        group, target = words[1], self.path(words[2])
        assert group == "procure" and target.exists(), command
        return "checked: the group is the units' Group=", ""

    def venv(self, command, words, node):
        assert words[1:] == ["-m", "venv", ".venv"] and self.cwd == self.install, command
        usable = subprocess.run(["python3", "-c", "import venv, ensurepip"], capture_output=True)
        assert usable.returncode == 0, "python3 cannot make a virtualenv with pip (python3-venv)"
        (self.install / ".venv").symlink_to(bin_dir().parent)
        return f"checked: python3 makes virtualenvs; .venv is {bin_dir().parent.name}, made from the locks", ""

    def pip(self, command, words, node):
        ran = f"{command} --no-index"
        return ran, self.shell(ran, command)

    def install_files(self, command, words, node):
        ran = self.moved(re.sub(r" -[og] \S+", "", command))
        return ran, self.shell(ran, command)

    def scp(self, command, words, node):
        source, target = words[1].split(":", 1)[1], words[2]
        assert source == target == "/etc/procure/procure.env", command
        return "checked: one machine here, node 1's environment file is node 2's", ""

    def certbot(self, command, words, node):
        assert words[1] == "certonly" and words[words.index("-d") + 1] == SITE, command
        assert words[words.index("--deploy-hook") + 1] == "systemctl reload nginx", "renewed, then served"
        site = (DEPLOY / "nginx.conf").read_text()
        live = f"/etc/letsencrypt/live/{SITE}/"
        assert f"ssl_certificate {live}fullchain.pem;" in site and f"ssl_certificate_key {live}privkey.pem;" in site
        self.cert.parent.mkdir(parents=True)
        made = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                               "-nodes", "-days", "2", "-subj", f"/CN={SITE}", "-addext", f"subjectAltName=DNS:{SITE}",
                               "-keyout", str(self.cert.parent / "privkey.pem"), "-out", str(self.cert)],
                              capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        return "played: a self-signed certificate where certbot puts Let's Encrypt's", ""

    def editor(self, command, words, node):
        """The operator's edits: the test's addresses and ports, one gunicorn worker; nginx listens on 127.0.0.1
        only."""
        target = self.path(words[1])
        content = self.moved(target.read_text())
        if target == self.env_file:
            secret = read_environment_file(target)["SECRET_KEY"]
            assert re.fullmatch(r"[0-9a-f]{64}", secret), f"the sed line left SECRET_KEY={secret!r}"
            content = re.sub(r"^WORKERS=.*$", "WORKERS=1", content, flags=re.M)  # a test machine's share of cores
        elif target.parent.name == "sites-available":
            content = re.sub(r"^\s*listen \[::\]:.*\n", "", content, flags=re.M)
            content = content.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
            content = content.replace("listen 443 ", f"listen 127.0.0.1:{self.https_port} ")
        else:
            pytest.fail(f"docs/deploy.md edits a file the test does not know: {words[1]}")
        target.write_text(content)
        return "played: the test's addresses and ports", ""

    def edit_environment(self, block: Block) -> Line:
        """An ```ini block: lines to change in the environment file (each setting exists in the example)."""
        known = read_environment_file(DEPLOY / "procure.env.example")
        content = self.env_file.read_text()
        for line in block.lines:
            key, _, value = line.partition("=")
            assert key in known, f"docs/deploy.md sets {key}, which deploy/procure.env.example does not name"
            content, changed = re.subn(rf"^{key}=.*$", f"{key}={self.moved(value)}", content, flags=re.M)
            assert changed == 1, key
        self.env_file.write_text(content)
        return Line(block.section, block.node, "\n".join(block.lines), "played: the environment file edited")

    def edit_upstream(self, block: Block) -> Line:
        """An ```nginx block: the upstream block of the installed site, replaced."""
        site = self.paths["/etc/nginx"] / "sites-available" / "procure"
        new = self.moved("\n".join(block.lines))
        content, changed = re.subn(r"^upstream procure \{.*?^\}", new, site.read_text(), flags=re.M | re.S)
        assert changed == 1, "the site has one upstream block to replace"
        site.write_text(content)
        return Line(block.section, block.node, new, "played: the upstream block replaced")

    def nginx_command(self, *args) -> list[str]:
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if binary is None:
            unavailable("nginx not found (install 'nginx'; scripts/setup.sh test does)")
        nginx = self.paths["/etc/nginx"]
        return [binary, "-p", str(nginx), "-e", str(nginx / "error.log"), "-c", str(nginx / "nginx.conf"), *args]

    def nginx_test(self, command, words, node):
        assert words[1:] == ["-t"], command
        checked = subprocess.run(self.nginx_command("-t"), capture_output=True, text=True)
        assert checked.returncode == 0, f"nginx -t:\n{checked.stderr}"
        return "ran: nginx -t with the test's main nginx.conf", checked.stderr

    def curl(self, command, words, node):
        ran = self.moved(command, node)
        public = f"https://{SITE}"
        if public in ran:
            ran = ran.replace(public, f"{public}:{self.https_port}").replace(
                "curl ", f"curl --resolve {SITE}:{self.https_port}:127.0.0.1 --cacert {self.cert} ", 1)
        return ran, self.shell(ran, command)

    def journalctl(self, command, words, node):
        unit = words[words.index("-u") + 1]
        unit = unit if "." in unit else f"{unit}.service"
        assert unit in self.units(), f"journalctl -u {unit}: not a unit the guide installed"
        return "played: what the unit's runs printed", "".join(self.journal.get((node, unit), []))

    # --- systemctl -------------------------------------------------------------------------------------------

    def systemctl(self, command, words, node):
        action, names = words[1], [word for word in words[2:] if not word.startswith("-")]
        now = "--now" in words
        if action == "daemon-reload":
            return self.verify_units(), ""
        assert action in ("enable", "start", "stop", "restart", "reload"), command
        done = []
        for name in names:
            unit = name if "." in name else f"{name}.service"
            if unit in PACKAGE_UNITS:
                assert PACKAGE_UNITS[unit] in self.packages, f"{unit}: its package is not in the guide's apt-get"
                done.append(self.package_unit(unit, action))
            elif unit.endswith(".timer"):
                done.append(self.timer(unit, action, now))
            elif unit == "procure.service":
                done.append(self.web_unit(node, action, now))
            else:
                done.append(self.oneshot(unit, action, node))
        return "played: " + "; ".join(done), ""

    def verify_units(self) -> str:
        """systemd-analyze verify on the installed units, paths moved (it checks that ExecStart's program is
        there)."""
        folder = self.workdir / "verify"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for path in self.paths["/etc/systemd/system"].iterdir():
            (folder / path.name).write_text(self.moved(path.read_text()))
        if shutil.which("systemd-analyze") is None:
            return "checked: the units parse (no systemd-analyze here)"
        verified = subprocess.run(["systemd-analyze", "verify", *sorted(map(str, folder.iterdir()))],
                                  capture_output=True, text=True, env={**os.environ, "SYSTEMD_LOG_COLOR": "0"})
        ours = [line for line in (verified.stdout + verified.stderr).splitlines() if str(folder) in line]
        assert verified.returncode == 0 and not ours, f"systemd-analyze verify:\n{verified.stdout}{verified.stderr}"
        return "checked: systemd-analyze verify"

    def unit_environment(self, unit: configparser.ConfigParser, **extra) -> dict:
        """What systemd gives a service: a plain PATH, the user's HOME, the EnvironmentFile; here also where
        PostgreSQL's socket stands in and where the moved environment file is."""
        service = unit["Service"]
        env = {"PATH": UNIT_PATH, "HOME": str(self.path("/var/lib/procure")), "PGHOST": "127.0.0.1",
               "PGPORT": str(self.postgres.port), "PROCURE_ENV_FILE": str(self.env_file)}
        env.update(read_environment_file(Path(service["EnvironmentFile"])))
        env.update(extra)
        return env

    def web_unit(self, node: str, action: str, now: bool) -> str:
        if action == "enable" and not now:
            return "procure.service enabled"
        running = self.nodes.get(node)
        if action == "reload":
            running.process.send_signal(signal.SIGHUP)
            return f"procure.service on node {node} reloaded (HUP)"
        if running is not None and action in ("stop", "restart"):
            self.stop_node(node)
        if action == "stop":
            return f"procure.service on node {node} stopped"
        assert node not in self.nodes, f"procure.service started twice on node {node}"
        self.nodes[node] = self.start_node(node)
        return f"procure.service on node {node} started: {self.nodes[node].notified!r}"

    def start_node(self, node: str) -> Node:
        """The unit's ExecStart in its WorkingDirectory, told NOTIFY_SOCKET; READY=1 and /healthz awaited.
        Node 2 shares this machine with node 1: it listens on a port of its own (PROCURE_BIND)."""
        unit = self.units()["procure.service"]
        service = unit["Service"]
        assert service["Type"] == "notify"
        notify_path = self.workdir / f"notify-{node}"
        notify_path.unlink(missing_ok=True)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(notify_path))
        port = self.node_ports[node]
        env = self.unit_environment(unit, NOTIFY_SOCKET=str(notify_path))
        if node != "1":
            env["PROCURE_BIND"] = f"127.0.0.1:{port}"
        assert env["PROCURE_BIND"] == f"127.0.0.1:{port}", env["PROCURE_BIND"]
        log = self.workdir / f"node-{node}.log"
        with open(log, "a") as out:
            process = subprocess.Popen(shlex.split(service["ExecStart"]), cwd=service["WorkingDirectory"], env=env,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        started = Node(node, port, process, log)
        notify.settimeout(0.2)
        try:
            wait_until(lambda: self._notified(notify, started), f"procure.service (READY=1) on node {node}",
                       process=process, log=log)
        finally:
            notify.close()
        wait_until(lambda: http_get(f"{started.url}/healthz")[0] == 200, f"node {node}", process=process, log=log)
        return started

    @staticmethod
    def _notified(notify: socket.socket, node: Node) -> bool:
        try:
            node.notified += notify.recv(4096).decode()
        except socket.timeout:
            pass
        return "READY=1" in node.notified

    def stop_node(self, node: str):
        """KillMode=mixed: SIGTERM to gunicorn's arbiter, which stops its workers; TimeoutStopSec, then SIGKILL."""
        running = self.nodes.pop(node)
        timeout = int(self.units()["procure.service"]["Service"].get("TimeoutStopSec", "90"))
        running.process.terminate()
        try:
            running.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(running.process.pid, signal.SIGKILL)
            pytest.fail(f"procure.service on node {node} did not stop within TimeoutStopSec")

    def oneshot(self, unit_name: str, action: str, node: str) -> str:
        unit = self.units()[unit_name]
        service = unit["Service"]
        assert service["Type"] == "oneshot" and action == "start", f"{action} {unit_name}"
        done = subprocess.run(shlex.split(service["ExecStart"]), cwd=service["WorkingDirectory"],
                              env=self.unit_environment(unit), capture_output=True, text=True, timeout=300)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"{unit_name} failed:\n{output[-4000:]}"
        self.journal.setdefault((node, unit_name), []).append(output)
        return f"{unit_name} ran on node {node}"

    def timer(self, unit_name: str, action: str, now: bool) -> str:
        units = self.units()
        timer = units[unit_name]
        service = timer["Timer"].get("Unit", unit_name.replace(".timer", ".service"))
        assert service in units, f"{unit_name} starts {service}, which the guide did not install"
        assert "timers.target" in timer["Install"]["WantedBy"]
        if shutil.which("systemd-analyze"):
            spec = timer["Timer"]["OnCalendar"]
            parsed = subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True, text=True)
            assert parsed.returncode == 0, f"{unit_name}: OnCalendar={spec}: {parsed.stderr}"
        return f"{unit_name} {action}: OnCalendar checked"

    def package_unit(self, unit: str, action: str) -> str:
        if unit == "nginx.service" and action in ("reload", "restart", "start"):
            return self.run_nginx()
        if unit == "postgresql.service" and action == "restart":
            return self.check_postgres_configuration()
        if unit == "redis-server.service" and action == "restart":
            return self.start_edited_redis()
        return f"{unit} {action}: the package's unit"

    def run_nginx(self) -> str:
        if self.nginx is None:
            log = self.paths["/etc/nginx"] / "error.log"
            self.nginx = subprocess.Popen(self.nginx_command("-g", "daemon off;"), stdout=subprocess.DEVNULL,
                                          stderr=subprocess.STDOUT)
            wait_until(lambda: socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close() or True,
                       "nginx", process=self.nginx, log=log)
            return "nginx started with the installed site"
        reloaded = subprocess.run(self.nginx_command("-s", "reload"), capture_output=True, text=True)
        assert reloaded.returncode == 0, reloaded.stderr
        time.sleep(1)  # the old workers finish, the new ones read the new site
        return "nginx reloaded"

    def check_postgres_configuration(self) -> str:
        """The restart is not applied (the addresses are not this machine's): the cluster parses the files."""
        engine = create_engine(self.postgres.url())
        try:
            with engine.connect() as conn:
                settings = conn.execute(text("SELECT f.sourcefile, f.name, f.error, s.context FROM pg_file_settings f "
                                             "LEFT JOIN pg_settings s USING (name)")).all()
                hba = conn.execute(text("SELECT line_number, error FROM pg_hba_file_rules "
                                        "WHERE error IS NOT NULL")).all()
        finally:
            engine.dispose()
        # A setting read at start only (listen_addresses) "could not be applied" until the restart: as expected.
        errors = [row for row in settings if row.error and not (
            row.error == "setting could not be applied" and row.context == "postmaster")]
        assert not errors and not hba, f"PostgreSQL refuses the edited configuration: {errors} {hba}"
        assert any(row.sourcefile.endswith("conf.d/procure.conf") and row.name == "listen_addresses"
                   for row in settings), "conf.d/procure.conf was not read"
        self.evidence["postgres_settings"] = settings
        return "postgresql: the edited configuration parses"

    def start_edited_redis(self) -> str:
        conf = self.paths["/etc/redis"] / "redis.conf"
        log = self.workdir / "redis-edited.log"
        self.edited_redis = subprocess.Popen(
            [shutil.which("redis-server"), str(conf), "--port", str(self.edited_redis_port), "--bind", "127.0.0.1",
             "--daemonize", "no", "--supervised", "no", "--dir", str(self.workdir), "--logfile", str(log),
             "--pidfile", str(self.workdir / "redis-edited.pid"), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.edited_redis_port), timeout=1).close()
                   or True, "redis-server with the edited redis.conf", process=self.edited_redis, log=log)
        return "redis-server started with the edited redis.conf"

    def shutdown(self):
        """Everything the guide started, stopped at once (gunicorn's quick shutdown: SIGQUIT)."""
        running = [(node.process, signal.SIGQUIT) for node in self.nodes.values()]
        running += [(process, signal.SIGTERM) for process in (self.nginx, self.edited_redis) if process is not None]
        for process, how in running:
            process.send_signal(how)
        for process, _how in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.nodes.clear()
