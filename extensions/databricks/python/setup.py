"""Platform tagging for wheels that bundle the native `pyforge` binary.

Metadata lives in pyproject.toml. When `pyforge_cli/bin/pyforge` exists (see
build_wheel.sh), the wheel is tagged for one platform (`py3-none-<platform>`,
platform from $PYFORGE_WHEEL_PLATFORM, default `linux_x86_64`) instead of being
a pure-Python `py3-none-any` wheel.
"""
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, "pyforge_cli", "bin", "pyforge")

cmdclass = {}
if os.path.isfile(BUNDLED):
    try:
        from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:  # setuptools < 70.1
        from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

    class bdist_wheel(_bdist_wheel):
        def finalize_options(self):
            _bdist_wheel.finalize_options(self)
            self.root_is_pure = False

        def get_tag(self):
            platform = os.environ.get("PYFORGE_WHEEL_PLATFORM", "linux_x86_64")
            return "py3", "none", platform

    cmdclass["bdist_wheel"] = bdist_wheel

setup(cmdclass=cmdclass)
