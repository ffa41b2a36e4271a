"""``pip install`` of the package works offline, with the setuptools and NumPy already there."""

from __future__ import annotations

import shutil
import subprocess
import venv
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def test_pip_install_offline(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info", "build",
                                                                ".pytest_cache"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-index", str(src)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    check = subprocess.run([str(python), "-c", "import sys, neghash, neghash.local; "
                            "assert 'torch' not in sys.modules, 'neghash imported torch'; "
                            "print(neghash.__version__, neghash.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    version, location = check.stdout.split()
    assert version == __import__("neghash").__version__
    assert location.startswith(str(env_dir))
