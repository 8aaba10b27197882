# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Build snatpool._capi against the installed libsnatpool.

SWIG turns snatpool.i and the installed snatpool.h (found through
``pkg-config --cflags libsnatpool``) into snatpool_wrap.c and the module
snatpool/capi.py; the extension links what ``pkg-config --libs libsnatpool``
names, with an rpath to that library directory so that a library under a
non-default prefix is found at run time.  Environment: PKG_CONFIG (default
pkg-config), SWIG (default swig4.0 or swig).
"""

import os
import shlex
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def pkg_config(*args):
    cmd = [os.environ.get("PKG_CONFIG", "pkg-config")] + list(args) + ["libsnatpool"]
    try:
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", b"") or b""
        raise SystemExit("snatpool: `%s` failed (install libsnatpool, or set PKG_CONFIG_PATH): %s %s"
                         % (" ".join(cmd), e, err.decode(errors="replace").strip()))
    return shlex.split(out.stdout.decode())


def swig():
    for name in (os.environ.get("SWIG"), "swig4.0", "swig"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise SystemExit("snatpool: SWIG 4 not found (Debian: apt-get install swig)")


CFLAGS = pkg_config("--cflags")
LIBS = pkg_config("--libs")
INCLUDE_DIRS = [f[2:] for f in CFLAGS if f.startswith("-I")]
LIB_DIRS = [f[2:] for f in LIBS if f.startswith("-L")]
LIBRARIES = [f[2:] for f in LIBS if f.startswith("-l")]
GEN = os.path.join("build", "swig")


def run_swig():
    """snatpool_wrap.c and capi.py into build/swig (once per build)."""
    wrap = os.path.join(GEN, "snatpool_wrap.c")
    if os.path.exists(wrap):
        return
    os.makedirs(GEN, exist_ok=True)
    cmd = [swig(), "-python", "-DSNP_PY_TABLES", "-outdir", GEN, "-o", wrap]
    cmd += ["-I" + d for d in INCLUDE_DIRS] + [os.path.join(HERE, "snatpool.i")]
    subprocess.run(cmd, check=True)


class BuildPy(build_py):
    def run(self):
        run_swig()
        super().run()
        dst = os.path.join(self.build_lib, "snatpool")
        os.makedirs(dst, exist_ok=True)
        shutil.copy(os.path.join(GEN, "capi.py"), os.path.join(dst, "capi.py"))


class BuildExt(build_ext):
    def run(self):
        run_swig()
        super().run()


setup(
    cmdclass={"build_py": BuildPy, "build_ext": BuildExt},
    ext_modules=[Extension(
        "snatpool._capi",
        sources=[os.path.join(GEN, "snatpool_wrap.c")],
        include_dirs=INCLUDE_DIRS,
        library_dirs=LIB_DIRS,
        libraries=LIBRARIES,
        runtime_library_dirs=LIB_DIRS,
        define_macros=[("SNP_PY_TABLES", None)],
        extra_compile_args=["-fno-strict-aliasing", "-Wno-unused-parameter"],
    )],
)
