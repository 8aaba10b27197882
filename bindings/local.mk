# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Python (SWIG), Go (cgo) and Rust bindings, their tests, the conformance suite
# and the binding benchmarks (owner: bindings).  configure: bindings/configure.m4.

PY_PKG_SRC = bindings/python/snatpool/__init__.py \
	bindings/python/snatpool/__main__.py \
	bindings/python/snatpool/_pool.py \
	bindings/python/snatpool/errors.py \
	bindings/python/snatpool/table.py \
	bindings/python/snatpool/vectors.py
PY_TESTS_SRC = bindings/python/tests/test_pool.py \
	bindings/python/tests/test_vectors.py \
	bindings/python/tests/test_cli.py \
	bindings/python/tests/test_table.py \
	bindings/python/tests/test_nat64.py \
	bindings/python/tests/test_portblock.py
GO_SRC = bindings/go/go.mod bindings/go/doc.go bindings/go/errors.go bindings/go/cshim.go \
	bindings/go/algo.go bindings/go/pool.go bindings/go/vectors.go \
	bindings/go/table.go bindings/go/portblock.go bindings/go/snatpool_test.go \
	bindings/go/example_test.go bindings/go/table_test.go bindings/go/portblock_test.go \
	bindings/go/nat64.go bindings/go/nat64_test.go bindings/go/table_nat64_test.go \
	bindings/go/portblock_algo_test.go \
	bindings/go/cmd/snatpool-go/main.go
RUST_SRC = bindings/rust/Cargo.toml bindings/rust/Cargo.lock \
	bindings/rust/snatpool-sys/Cargo.toml bindings/rust/snatpool-sys/build.rs \
	bindings/rust/snatpool-sys/bindgen.sh bindings/rust/snatpool-sys/src/lib.rs \
	bindings/rust/snatpool-sys/src/bindings.rs bindings/rust/snatpool-sys/tests/header.rs \
	bindings/rust/snatpool/Cargo.toml bindings/rust/snatpool/src/lib.rs \
	bindings/rust/snatpool/src/addr.rs bindings/rust/snatpool/src/algo.rs \
	bindings/rust/snatpool/src/error.rs bindings/rust/snatpool/src/events.rs \
	bindings/rust/snatpool/src/mapping.rs \
	bindings/rust/snatpool/src/pool.rs bindings/rust/snatpool/src/portblock.rs \
	bindings/rust/snatpool/src/table.rs bindings/rust/snatpool/src/vectors.rs \
	bindings/rust/snatpool/tests/api.rs bindings/rust/snatpool/tests/vectors.rs \
	bindings/rust/snatpool/examples/snatpool-rs.rs
BINDINGS_TESTS = tests/bindings/python.sh tests/bindings/go.sh tests/bindings/rust.sh \
	tests/bindings/install.sh tests/conformance/run.sh \
	tests/conformance/props.sh
EXTRA_DIST += bindings/configure.m4 bindings/python/snatpool.i $(PY_PKG_SRC) \
	$(PY_TESTS_SRC) $(GO_SRC) $(RUST_SRC) $(BINDINGS_TESTS) tests/bindings/common.sh \
	tests/conformance/jobs.py tests/conformance/compare.py \
	tests/conformance/props_gen.py tests/conformance/compute.py \
	bindings/bench/bench.sh bindings/bench/bench.py \
	bindings/python/pyproject.toml bindings/python/setup.py bindings/python/README.md \
	bindings/python/snatpool/py.typed

if BINDINGS
# ---- Python ----------------------------------------------------------------
# SWIG writes the wrapper and the module snatpool/capi.py into the build
# tree; libtool links the extension snatpool/_capi.so against the library.
# Everything is installed into $(pyexecdir)/snatpool.
snatpool_pyexecdir = $(pyexecdir)/snatpool
snatpool_pyexec_LTLIBRARIES = bindings/python/snatpool/_capi.la
nodist_bindings_python_snatpool__capi_la_SOURCES = bindings/python/snatpool_wrap.c
bindings_python_snatpool__capi_la_CPPFLAGS = -I$(top_srcdir)/include $(PYTHON_CFLAGS)
# SWIG's output is not held to WARN_CFLAGS (nor -Werror): its style is SWIG's.
bindings_python_snatpool__capi_la_CFLAGS = -fno-strict-aliasing -Wall -Wno-unused-parameter
bindings_python_snatpool__capi_la_LDFLAGS = -module -avoid-version -shared
bindings_python_snatpool__capi_la_LIBADD = lib/libsnatpool.la
snatpool_pyexec_PYTHON = $(PY_PKG_SRC)
snatpool_pyexec_DATA = bindings/python/snatpool/py.typed
nodist_snatpool_pyexec_PYTHON = bindings/python/snatpool/capi.py

bindings/python/snatpool_wrap.c: $(srcdir)/bindings/python/snatpool.i \
		$(srcdir)/include/snatpool.h
	$(AM_V_GEN)$(MKDIR_P) bindings/python/snatpool && \
	$(SWIG) -python -I$(srcdir)/include \
		-outdir bindings/python/snatpool -o $@ $(srcdir)/bindings/python/snatpool.i
bindings/python/snatpool/capi.py: bindings/python/snatpool_wrap.c
	@test -f $@ || { rm -f bindings/python/snatpool_wrap.c; \
		$(MAKE) $(AM_MAKEFLAGS) bindings/python/snatpool_wrap.c; }

# Importable from the build tree: the package, capi.py and _capi.so side by
# side in bindings/python/snatpool (PYTHONPATH=bindings/python).
bindings/python/.stamp: bindings/python/snatpool/_capi.la bindings/python/snatpool/capi.py \
		$(PY_PKG_SRC:%=$(srcdir)/%)
	$(AM_V_GEN)if test "$(srcdir)" != .; then \
		cp -f $(PY_PKG_SRC:%=$(srcdir)/%) bindings/python/snatpool/; fi; \
	cp -f bindings/python/snatpool/.libs/_capi.so bindings/python/snatpool/_capi.so && \
	touch $@

install-exec-hook: bindings-install-exec-hook
bindings-install-exec-hook:
	rm -f $(DESTDIR)$(snatpool_pyexecdir)/_capi.la
.PHONY: bindings-install-exec-hook
# With its .la gone, libtool's uninstall no longer knows the module.
uninstall-local: bindings-uninstall-local
bindings-uninstall-local:
	rm -f $(DESTDIR)$(snatpool_pyexecdir)/_capi.so
.PHONY: bindings-uninstall-local

# ---- Go --------------------------------------------------------------------
# `go` runs in the source tree (module bindings/go), offline, with its cache
# in the build tree, and finds the uninstalled library through
# libsnatpool-uninstalled.pc (pkg-config prefers it on PKG_CONFIG_PATH).
GO_BUILD_DIR = $(abs_top_builddir)/bindings/go
GO_ENV = GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off \
	GOCACHE=$(GO_BUILD_DIR)/cache GOPATH=$(GO_BUILD_DIR)/gopath \
	CGO_ENABLED=1 CC="$(CC)" PKG_CONFIG="$(PKG_CONFIG)" \
	PKG_CONFIG_PATH=$(GO_BUILD_DIR)/pkgconfig

bindings/go/pkgconfig/libsnatpool-uninstalled.pc: Makefile
	$(AM_V_GEN)$(MKDIR_P) bindings/go/pkgconfig && { \
	echo 'Name: libsnatpool'; \
	echo 'Description: libsnatpool, uninstalled (build tree)'; \
	echo 'Version: $(PACKAGE_VERSION)'; \
	echo 'Cflags: -I$(abs_top_srcdir)/include'; \
	echo 'Libs: -L$(abs_top_builddir)/lib/.libs -lsnatpool -Wl,-rpath,$(abs_top_builddir)/lib/.libs'; \
	} > $@

bindings/go/snatpool-go$(EXEEXT): $(GO_SRC:%=$(srcdir)/%) lib/libsnatpool.la \
		bindings/go/pkgconfig/libsnatpool-uninstalled.pc
	$(AM_V_GEN)cd $(srcdir)/bindings/go && $(GO_ENV) $(GO) build -o $(GO_BUILD_DIR)/snatpool-go$(EXEEXT) ./cmd/snatpool-go

# ---- Rust ------------------------------------------------------------------
# cargo runs in the source tree (workspace bindings/rust), offline, with its
# target directory in the build tree, and links the uninstalled library
# through the same libsnatpool-uninstalled.pc as Go (snatpool-sys/build.rs
# runs pkg-config; RUSTFLAGS adds the rpath that .pc file names).  RUSTC and
# RUSTDOC are the ones beside CARGO.
RUST_BUILD_DIR = $(abs_top_builddir)/bindings/rust
RUST_ENV = CARGO_NET_OFFLINE=true CARGO_TARGET_DIR=$(RUST_BUILD_DIR)/target \
	RUSTC="$(RUSTC_FOR_CARGO)" RUSTDOC="$(RUSTDOC_FOR_CARGO)" CC="$(CC)" \
	PKG_CONFIG="$(PKG_CONFIG)" PKG_CONFIG_PATH=$(GO_BUILD_DIR)/pkgconfig \
	RUSTFLAGS=-Clink-arg=-Wl,-rpath,$(abs_top_builddir)/lib/.libs
SNATPOOL_RS = $(RUST_BUILD_DIR)/target/debug/examples/snatpool-rs

# snatpool-rs for the conformance suite: a debug build (quick to build, the
# same code; `make bench-bindings` builds the release one).
bindings/rust/.stamp: $(RUST_SRC:%=$(srcdir)/%) lib/libsnatpool.la \
		bindings/go/pkgconfig/libsnatpool-uninstalled.pc
	$(AM_V_GEN)cd $(srcdir)/bindings/rust/snatpool && \
	env $(RUST_ENV) $(CARGO) build --offline --quiet --example snatpool-rs && \
	touch $(abs_top_builddir)/$@
bindings/rust/.stamp-release: bindings/rust/.stamp
	$(AM_V_GEN)cd $(srcdir)/bindings/rust/snatpool && \
	env $(RUST_ENV) $(CARGO) build --offline --quiet --release --example snatpool-rs && \
	touch $(abs_top_builddir)/$@

# What the test scripts need to know of this build.
bindings/env.sh: Makefile
	$(AM_V_GEN)$(MKDIR_P) bindings && { \
	echo "GO='$(GO)'"; echo "GO_RACE='$(GO_RACE)'"; \
	echo "GO_ENV='$(GO_ENV)'"; \
	echo "GO_SRC='$(abs_top_srcdir)/bindings/go'"; \
	echo "GO_BUILD_DIR='$(GO_BUILD_DIR)'"; \
	echo "SNATPOOL_GO='$(GO_BUILD_DIR)/snatpool-go$(EXEEXT)'"; \
	echo "PY_BUILD_PATH='$(abs_top_builddir)/bindings/python'"; \
	echo "PY_TESTS='$(abs_top_srcdir)/bindings/python/tests'"; \
	echo "CONF_COMPUTE='$(abs_top_builddir)/tests/conformance/compute$(EXEEXT)'"; \
	echo "PKG_CONFIG='$(PKG_CONFIG)'"; echo "MAKE='$(MAKE)'"; \
	echo "prefix='$(prefix)'"; echo "exec_prefix='$(exec_prefix)'"; \
	echo "libdir='$(libdir)'"; echo "pyexecdir='$(pyexecdir)'"; \
	echo "CC='$(CC)'"; \
	echo "CARGO='$(CARGO)'"; echo "BINDGEN='$(BINDGEN)'"; \
	echo "RUSTC_FOR_CARGO='$(RUSTC_FOR_CARGO)'"; echo "RUSTDOC_FOR_CARGO='$(RUSTDOC_FOR_CARGO)'"; \
	echo "RUST_ENV='$(RUST_ENV)'"; \
	echo "RUST_SRC='$(abs_top_srcdir)/bindings/rust'"; \
	echo "RUST_BUILD_DIR='$(RUST_BUILD_DIR)'"; \
	echo "SNATPOOL_RS='$(SNATPOOL_RS)'"; \
	echo "SNATPOOL_RS_RELEASE='$(RUST_BUILD_DIR)/target/release/examples/snatpool-rs'"; \
	} > $@

noinst_DATA = bindings/python/.stamp bindings/env.sh \
	bindings/go/pkgconfig/libsnatpool-uninstalled.pc

# ---- tests -----------------------------------------------------------------
# One C consumer for the conformance suite and the property check.
check_PROGRAMS += tests/conformance/compute
tests_conformance_compute_SOURCES = tests/conformance/compute.c
tests_conformance_compute_LDADD = lib/libsnatpool.la
check_DATA = bindings/go/snatpool-go$(EXEEXT) bindings/rust/.stamp

TESTS += $(BINDINGS_TESTS)

CLEANFILES += bindings/python/snatpool_wrap.c bindings/python/snatpool/capi.py \
	bindings/python/snatpool/_capi.so bindings/python/.stamp bindings/env.sh \
	bindings/go/pkgconfig/libsnatpool-uninstalled.pc \
	bindings/go/snatpool-go$(EXEEXT) bindings/rust/.stamp bindings/rust/.stamp-release
clean-local: bindings-clean-local
bindings-clean-local:
	-chmod -R u+w bindings/go/gopath 2>/dev/null; \
	rm -rf bindings/go/cache bindings/go/gopath bindings/python/snatpool/__pycache__ \
		tests/conformance/work bindings/rust/target; \
	if test "$(srcdir)" != .; then rm -f $(PY_PKG_SRC); fi
.PHONY: bindings-clean-local

# ---- benchmarks --------------------------------------------------------------
# Per-call overhead of each binding next to the C call, key=value lines.
bench-bindings: all bindings/env.sh bindings/go/snatpool-go$(EXEEXT) tests/conformance/compute$(EXEEXT) \
		bindings/rust/.stamp-release
	@top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) PYTHON3=$(PYTHON3) \
		$(SHELL) $(srcdir)/bindings/bench/bench.sh
BENCH_TARGETS += bench-bindings
else
bench-bindings:
	@echo "bench-bindings: configured with --disable-bindings" >&2; exit 1
endif
# Regenerate the committed Rust FFI after a change of include/snatpool.h
# (bindings/rust/snatpool-sys/tests/header.rs fails until this is done).
rust-bindgen:
	@bg='$(BINDGEN)'; bg=$${bg:-bindgen}; \
	out=$(srcdir)/bindings/rust/snatpool-sys/src/bindings.rs; \
	BINDGEN=$$bg $(SHELL) $(srcdir)/bindings/rust/snatpool-sys/bindgen.sh \
		$(srcdir)/include/snatpool.h > $$out.tmp && mv $$out.tmp $$out && \
	echo "rust-bindgen: wrote $$out"
.PHONY: bench-bindings rust-bindgen
