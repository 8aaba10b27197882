/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snatpool.i - SWIG interface of the low-level module snatpool.capi.
 *
 * It %includes the real public header, so a declaration added there is
 * bound (or fails the build) without an edit here.  Everything Pythonic
 * (ipaddress objects, enums, exception classes, context managers) lives in
 * the package snatpool/; this module only converts types:
 *
 *   - functions lose their snatpool_ prefix: capi.select(), capi.pool_free()
 *   - one %exception turns a negative int (or long) return into the
 *     exception that snatpool.errors.from_code() builds (code, message,
 *     and for the parsers the offending token); functions whose result is
 *     not an error code opt out by name (%noexception), and the two that
 *     read or write a file descriptor repeat it around a GIL release
 *   - address buffers are bytes (4 octets for AF_INET, 16 for AF_INET6),
 *     copied into 16-octet buffers before C reads them
 *   - out-parameters become return values; a function whose int result
 *     only says "0: success" returns its out-parameters alone
 *   - option structs are None or a dict of their fields, filled and sized
 *     here; result structs come back as tuples or dicts
 *   - tables and port blocks are bound like the rest
 *
 * The module keeps no Python object in C beyond a call: the verify and
 * walk callbacks append to a list that lives on the caller's frame.
 */
%module(package="snatpool") capi

%{
#define SWIG_FILE_WITH_INIT
#include <errno.h>
#include <string.h>
#include "snatpool.h"

/* The diag of the call in progress (set by its typemap, GIL held). */
static struct snatpool_diag *snp_py_diag;

/* Raise the package's exception for the negative return @rc. */
static void snp_py_raise(int rc)
{
	static PyObject *from_code;
	const struct snatpool_diag *d = snp_py_diag;
	int code = rc < 0 ? -rc : rc;
	const char *token = d && d->token[0] ? d->token : NULL;
	PyObject *exc;

	if (d && d->code > 0)
		code = d->code;
	if (!from_code) {
		PyObject *mod = PyImport_ImportModule("snatpool.errors");

		if (mod) {
			from_code = PyObject_GetAttrString(mod, "from_code");
			Py_DECREF(mod);
		}
		if (!from_code) {	/* capi used without its package */
			PyErr_Clear();
			PyErr_Format(PyExc_ValueError, "[%d] %s", code, snatpool_strerror(code));
			return;
		}
	}
	exc = PyObject_CallFunction(from_code, "iszn", code, snatpool_strerror(code),
				    token, (Py_ssize_t)(d ? d->offset : 0));
	if (!exc)
		return;		/* from_code's own error is raised */
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
}

static SWIGUNUSED int snp_py_alen(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* @obj as a bytes-like object of 4 or 16 octets into @out, zero-padded. */
static int snp_py_addr_in(PyObject *obj, uint8_t out[16])
{
	Py_buffer view;

	if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0)
		return -1;
	if (view.len != 4 && view.len != 16) {
		PyErr_Format(PyExc_ValueError, "an address is 4 or 16 octets, not %zd", view.len);
		PyBuffer_Release(&view);
		return -1;
	}
	memset(out, 0, 16);
	memcpy(out, view.buf, (size_t)view.len);
	PyBuffer_Release(&view);
	return 0;
}

static PyObject *snp_py_addr_out(int family, const uint8_t *addr)
{
	int alen = snp_py_alen(family);

	return PyBytes_FromStringAndSize((const char *)addr, alen ? alen : 16);
}

/* Option and counter structs <-> dicts, by a table of their fields. */
struct snp_py_field {
	const char *name;
	size_t off, size;
};
#define SNP_PY_F(T, f) { #f, offsetof(struct T, f), sizeof(((struct T *)0)->f) }

/* Fill the zeroed struct at @base from the dict @d (None: leave zero). */
static int snp_py_fill(PyObject *d, void *base, const struct snp_py_field *fields,
		       const char *what)
{
	PyObject *key, *val;
	Py_ssize_t pos = 0;

	if (d == Py_None)
		return 0;
	if (!PyDict_Check(d)) {
		PyErr_Format(PyExc_TypeError, "%s must be a dict or None", what);
		return -1;
	}
	while (PyDict_Next(d, &pos, &key, &val)) {
		const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
		const struct snp_py_field *f;
		unsigned char *p;
		unsigned long long v;

		for (f = fields; name && f->name && strcmp(f->name, name); f++)
			;
		if (!name || !f->name) {
			PyErr_Format(PyExc_TypeError, "unknown %s field %R", what, key);
			return -1;
		}
		p = (unsigned char *)base + f->off;
		if (f->size == 16) {
			if (snp_py_addr_in(val, p) < 0)
				return -1;
			continue;
		}
		v = PyLong_AsUnsignedLongLong(val);
		if (PyErr_Occurred())
			return -1;
		if (f->size < 8 && v >> (8 * f->size)) {
			PyErr_Format(PyExc_ValueError, "%s field %s out of range", what, name);
			return -1;
		}
		switch (f->size) {
		case 1: *(uint8_t *)p = (uint8_t)v; break;
		case 2: *(uint16_t *)p = (uint16_t)v; break;
		case 4: *(uint32_t *)p = (uint32_t)v; break;
		case 8: *(uint64_t *)p = (uint64_t)v; break;
		default:
			PyErr_Format(PyExc_TypeError, "%s field %s: unsupported size", what, name);
			return -1;
		}
	}
	return 0;
}

/* A dict of the unsigned integer fields of the struct at @base. */
static SWIGUNUSED PyObject *snp_py_dict(const void *base, const struct snp_py_field *fields)
{
	PyObject *d = PyDict_New();
	const struct snp_py_field *f;

	for (f = fields; d && f->name; f++) {
		const unsigned char *p = (const unsigned char *)base + f->off;
		unsigned long long v = f->size == 8 ? *(const uint64_t *)p :
				       f->size == 4 ? *(const uint32_t *)p :
				       f->size == 2 ? *(const uint16_t *)p : *p;
		PyObject *o = PyLong_FromUnsignedLongLong(v);

		if (!o || PyDict_SetItemString(d, f->name, o) < 0) {
			Py_XDECREF(o);
			Py_CLEAR(d);
			break;
		}
		Py_DECREF(o);
	}
	return d;
}

static const struct snp_py_field snp_py_pool_opts[] = {
	SNP_PY_F(snatpool_pool_opts, seed),
	SNP_PY_F(snatpool_pool_opts, port_lo),
	SNP_PY_F(snatpool_pool_opts, port_hi),
	SNP_PY_F(snatpool_pool_opts, default_algo),
	SNP_PY_F(snatpool_pool_opts, maglev_size),
	{ NULL, 0, 0 }
};

/* snatpool_vectors_verify() callback: append the failure to the list @ctx. */
static void snp_py_verify_cb(size_t lineno, const struct snatpool_vector_result *res,
			     void *ctx)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *item;

	if (PyErr_Occurred()) {
		PyGILState_Release(gil);
		return;
	}
	item = Py_BuildValue("(nikkss)", (Py_ssize_t)lineno, res->status,
			     (unsigned long)res->want_index, (unsigned long)res->got_index,
			     res->want_addr, res->got_addr);
	if (item) {
		PyObject *full = Py_BuildValue("(Os)", item, res->msg);

		Py_DECREF(item);
		if (full) {
			PyList_Append((PyObject *)ctx, full);
			Py_DECREF(full);
		}
	}
	PyGILState_Release(gil);
}
%}

%include <stdint.i>

/* The header's export attribute and option macro mean nothing to SWIG. */
#define SNATPOOL_API
%ignore SNATPOOL_OPTS;

/* Names without the prefix; the function snatpool_algo_info() would clash
 * with its struct. */
%rename("%(strip:[snatpool_])s") "";
%rename(algo_info) snatpool_algo_info(uint32_t, struct snatpool_algo_info *);

/* Structs are read-only views (no constructor: they come back as tuples
 * or dicts); pools and tables are opaque handles. */
%immutable;
%nodefaultctor;
%nodefaultdtor;
%ignore snatpool_addr;			/* pool_new takes (family, bytes) pairs */
%ignore snatpool_diag;			/* folded into the exceptions */
%ignore snatpool_pool_opts;		/* a tuple, see below */
%ignore snatpool_vector_result;		/* a tuple */
%ignore snatpool_verify_stats;		/* a tuple */
%rename("$ignore", %$isclass) snatpool_algo_info;	/* a tuple */
%ignore snatpool_verify_cb;
%ignore snatpool_prefix_parse;		/* Python has ipaddress.ip_network */

/* ---- errors: one %exception for the int-returning functions ----------- */

%exception {
	$action
	if (result < 0) {
		snp_py_raise((int)result);
		SWIG_fail;
	}
}
/* Functions whose result is not an error code. */
%noexception snatpool_version;
%noexception snatpool_pool_free;
%noexception snatpool_pool_count;
%noexception snatpool_pool_seed;
%noexception snatpool_pool_ports;
%noexception snatpool_pool_default_algo;
%noexception snatpool_algo_name;
%noexception snatpool_strerror;
/* Its negative return is a verdict on the line, not a failed call. */
%noexception snatpool_vector_check;

/* A result that only says "0: success" gives way to the out-parameters. */
%typemap(out) int snatpool_pool_new, int snatpool_pool_from_spec,
	int snatpool_pool_addr, int snatpool_select, int snatpool_maglev_table,
	int snatpool_algo_info, int snatpool_addr_parse, int snatpool_addr_format,
	int snatpool_select_burst, int snatpool_select_nat64, int snatpool_select_nat64_burst
	"$result = SWIG_Py_Void();"

/* ---- pools ------------------------------------------------------------ */

/* struct snatpool **out: the new handle. */
%typemap(in, numinputs=0) struct snatpool **out (struct snatpool *tmp = NULL)
	"$1 = &tmp;"
%typemap(argout) struct snatpool **out
	"$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(struct snatpool *), 0));"

/* struct snatpool_diag *diag: read by snp_py_raise() for the exception. */
%typemap(in, numinputs=0) struct snatpool_diag *diag (struct snatpool_diag tmp) {
	memset(&tmp, 0, sizeof(tmp));
	$1 = &tmp;
	snp_py_diag = &tmp;
}
%typemap(freearg) struct snatpool_diag *diag "snp_py_diag = NULL;"

/* Options: None, or a dict of struct snatpool_pool_opts fields (missing
 * ones 0); sz is set here. */
%typemap(in) const struct snatpool_pool_opts *opts (struct snatpool_pool_opts tmp) {
	memset(&tmp, 0, sizeof(tmp));
	tmp.sz = sizeof(tmp);
	if (snp_py_fill($input, &tmp, snp_py_pool_opts, "pool option") < 0)
		SWIG_fail;
	$1 = $input == Py_None ? NULL : &tmp;
}

/* pool_new: a sequence of (family, bytes). */
%typemap(in) (const struct snatpool_addr *addrs, size_t count) (PyObject *seq = NULL) {
	Py_ssize_t i, n;

	seq = PySequence_Fast($input, "addrs must be a sequence of (family, bytes)");
	if (!seq)
		SWIG_fail;
	n = PySequence_Fast_GET_SIZE(seq);
	$1 = calloc(n ? (size_t)n : 1, sizeof(struct snatpool_addr));
	if (!$1) {
		PyErr_NoMemory();
		SWIG_fail;
	}
	$2 = (size_t)n;
	for (i = 0; i < n; i++) {
		PyObject *it = PySequence_Fast_GET_ITEM(seq, i), *ao;
		int fam;

		if (!PyArg_ParseTuple(it, "iO;each address must be (family, bytes)", &fam, &ao))
			SWIG_fail;
		/* an unknown family is the library's to judge (SNATPOOL_EFAMILY) */
		$1[i].family = fam;
		if (snp_py_addr_in(ao, $1[i].addr) < 0)
			SWIG_fail;
	}
}
%typemap(freearg) (const struct snatpool_addr *addrs, size_t count) {
	free((void *)$1);
	Py_XDECREF(seq$argnum);
}

/* pool_ports: (lo, hi). */
%typemap(in, numinputs=0) uint16_t *lo (uint16_t tmp = 0) "$1 = &tmp;"
%typemap(in, numinputs=0) uint16_t *hi (uint16_t tmp = 0) "$1 = &tmp;"
%typemap(argout) uint16_t *lo, uint16_t *hi
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLong(*$1));"

/* pool_addr(pool, family, index) -> bytes (arg2 is the family). */
%typemap(in, numinputs=0) uint8_t *out (uint8_t tmp[16]) "$1 = tmp;"
%typemap(argout) uint8_t *out
	"$result = SWIG_Python_AppendOutput($result, snp_py_addr_out(arg2, $1));"

/* ---- selection -------------------------------------------------------- */

/* Address inputs (src, addr, xaddr, remote): bytes of 4 or 16 octets,
 * copied into a zeroed 16-octet buffer, so C never reads past them
 * whatever family it was given; the package passes the family's length. */
%typemap(in) const uint8_t *src (uint8_t buf[16]), const uint8_t *addr (uint8_t buf[16]),
	     const uint8_t *xaddr (uint8_t buf[16]), const uint8_t *remote (uint8_t buf[16]) {
	if (snp_py_addr_in($input, buf) < 0)
		SWIG_fail;
	$1 = buf;
}
%typemap(argout) const uint8_t *src, const uint8_t *addr,
	const uint8_t *xaddr, const uint8_t *remote ""

/* select(...) -> (index, address bytes) */
%typemap(in, numinputs=0) uint32_t *index (uint32_t tmp = 0) "$1 = &tmp;"
%typemap(argout) uint32_t *index
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLong(*$1));"
%typemap(in, numinputs=0) uint8_t *addr (uint8_t tmp[16]) "$1 = tmp;"
%typemap(argout) uint8_t *addr
	"$result = SWIG_Python_AppendOutput($result, snp_py_addr_out(arg2, $1));"

/* select_burst(pool, family, packed bytes, algo) -> list of indexes. */
%typemap(in) (const uint8_t *srcs, size_t count) (Py_buffer view, int have = 0) {
	int alen = snp_py_alen(arg2);

	if (!alen) {
		PyErr_Format(PyExc_ValueError, "family %d is neither AF_INET nor AF_INET6", arg2);
		SWIG_fail;
	}
	if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
		SWIG_fail;
	have = 1;
	if (view.len % alen) {
		PyErr_Format(PyExc_ValueError, "packed sources must be a multiple of %d octets", alen);
		SWIG_fail;
	}
	$1 = view.buf;
	$2 = (size_t)view.len / (size_t)alen;
}
%typemap(freearg) (const uint8_t *srcs, size_t count)
	"if (have$argnum) PyBuffer_Release(&view$argnum);"
/* The burst calls with an indexes array (by their Python names), and which
 * argument is their count. */
%{
#define SNP_PY_COUNT_select_burst arg4
#define SNP_PY_COUNT_select_nat64_burst arg3
%}
%typemap(in, numinputs=0) uint32_t *indexes "$1 = NULL;"
%typemap(check) uint32_t *indexes {
	/* the count, set by the srcs (srcs6) typemap */
	$1 = malloc((SNP_PY_COUNT_$symname ? SNP_PY_COUNT_$symname : 1) * sizeof(uint32_t));
	if (!$1) {
		PyErr_NoMemory();
		SWIG_fail;
	}
}
%typemap(argout) uint32_t *indexes {
	PyObject *list = PyList_New((Py_ssize_t)SNP_PY_COUNT_$symname);
	size_t i;

	if (!list)
		SWIG_fail;
	for (i = 0; i < SNP_PY_COUNT_$symname; i++)
		PyList_SET_ITEM(list, (Py_ssize_t)i, PyLong_FromUnsignedLong($1[i]));
	$result = SWIG_Python_AppendOutput($result, list);
}
%typemap(freearg) uint32_t *indexes "free($1);"

/* NAT64: select_nat64(pool, src6 bytes, algo) -> (index, IPv4 address bytes);
 * select_nat64_burst(pool, packed IPv6 bytes, algo) -> list of indexes. */
%typemap(in) const uint8_t *src6 (Py_buffer view) {
	if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
		SWIG_fail;
	if (view.len != 16) {
		PyErr_Format(PyExc_ValueError, "an IPv6 source is 16 octets, not %zd", view.len);
		PyBuffer_Release(&view);
		SWIG_fail;
	}
	$1 = view.buf;
}
%typemap(freearg) const uint8_t *src6 "PyBuffer_Release(&view$argnum);"
%typemap(in, numinputs=0) uint8_t *addr4 (uint8_t tmp[4]) "$1 = tmp;"
%typemap(argout) uint8_t *addr4
	"$result = SWIG_Python_AppendOutput($result, PyBytes_FromStringAndSize((const char *)$1, 4));"
%typemap(in) (const uint8_t *srcs6, size_t count) (Py_buffer view, int have = 0) {
	if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
		SWIG_fail;
	have = 1;
	if (view.len % 16) {
		PyErr_Format(PyExc_ValueError, "packed IPv6 sources must be a multiple of 16 octets");
		SWIG_fail;
	}
	$1 = view.buf;
	$2 = (size_t)view.len / 16;
}
%typemap(freearg) (const uint8_t *srcs6, size_t count)
	"if (have$argnum) PyBuffer_Release(&view$argnum);"

/* maglev_table(pool, family) -> bytes of M native uint16 (a copy). */
%typemap(in, numinputs=0) (const uint16_t **table, uint32_t *size)
	(const uint16_t *t = NULL, uint32_t n = 0) "$1 = ($1_ltype)&t; $2 = &n;"
%typemap(argout) (const uint16_t **table, uint32_t *size)
	"$result = SWIG_Python_AppendOutput($result, PyBytes_FromStringAndSize((const char *)*$1, (Py_ssize_t)*$2 * sizeof(**$1)));"

/* ---- algorithms ------------------------------------------------------- */

%typemap(in, numinputs=0) struct snatpool_algo_info *info (struct snatpool_algo_info tmp)
	"memset(&tmp, 0, sizeof(tmp)); $1 = &tmp;"
%typemap(argout) struct snatpool_algo_info *info
	"$result = SWIG_Python_AppendOutput($result, Py_BuildValue(\"(kskz)\", (unsigned long)$1->id, $1->name, (unsigned long)$1->flags, $1->summary));"

/* algo_list() -> [ids] */
%typemap(in, numinputs=0) (uint32_t *ids, size_t max) (uint32_t tmp[256]) "$1 = tmp; $2 = 256;"
%typemap(argout) (uint32_t *ids, size_t max) {
	PyObject *list = PyList_New(0);
	int i;

	if (!list)
		SWIG_fail;
	for (i = 0; i < result && i < 256; i++) {
		PyObject *v = PyLong_FromUnsignedLong($1[i]);

		if (!v || PyList_Append(list, v) < 0) {
			Py_XDECREF(v);
			Py_DECREF(list);
			SWIG_fail;
		}
		Py_DECREF(v);
	}
	Py_DECREF($result);
	$result = list;
}

/* ---- vectors ---------------------------------------------------------- */

/* vector_check(line) -> (status, (lineno 0, status, want_index, got_index,
 * want_addr, got_addr), msg) */
%typemap(in) (const char *line, size_t len) (Py_ssize_t n = 0) {
	if (PyUnicode_Check($input)) {
		$1 = (char *)PyUnicode_AsUTF8AndSize($input, &n);
	} else if (PyBytes_Check($input)) {
		char *p;

		if (PyBytes_AsStringAndSize($input, &p, &n) < 0)
			SWIG_fail;
		$1 = p;
	} else {
		PyErr_SetString(PyExc_TypeError, "line must be str or bytes");
		SWIG_fail;
	}
	if (!$1)
		SWIG_fail;
	$2 = (size_t)n;
}
%typemap(in, numinputs=0) struct snatpool_vector_result *res (struct snatpool_vector_result tmp)
	"memset(&tmp, 0, sizeof(tmp)); $1 = &tmp;"
%typemap(argout) struct snatpool_vector_result *res {
	PyObject *o = Py_BuildValue("((nikkss)s)", (Py_ssize_t)0, $1->status,
				    (unsigned long)$1->want_index, (unsigned long)$1->got_index,
				    $1->want_addr, $1->got_addr, $1->msg);
	if (!o)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}

/* vectors_verify(fd, failures_list) -> (rc, (passed, failed, malformed)) */
%typemap(in, numinputs=0) struct snatpool_verify_stats *st (struct snatpool_verify_stats tmp)
	"memset(&tmp, 0, sizeof(tmp)); $1 = &tmp;"
%typemap(argout) struct snatpool_verify_stats *st
	"$result = SWIG_Python_AppendOutput($result, Py_BuildValue(\"(nnn)\", (Py_ssize_t)$1->passed, (Py_ssize_t)$1->failed, (Py_ssize_t)$1->malformed));"
%typemap(in) (snatpool_verify_cb cb, void *ctx) {
	if ($input == Py_None) {
		$1 = NULL;
		$2 = NULL;
	} else if (PyList_Check($input)) {
		$1 = snp_py_verify_cb;
		$2 = $input;
	} else {
		PyErr_SetString(PyExc_TypeError, "failures must be a list or None");
		SWIG_fail;
	}
}
/* Reading and writing file descriptors (a pipe, perhaps fed or drained by
 * another Python thread) is done without the GIL; the callback takes it
 * back.  The callback cannot raise: an error it met (MemoryError) surfaces
 * here. */
%exception snatpool_vectors_write {
	Py_BEGIN_ALLOW_THREADS
	$action
	Py_END_ALLOW_THREADS
	if (result < 0) {
		snp_py_raise((int)result);
		SWIG_fail;
	}
}
%exception snatpool_vectors_verify {
	Py_BEGIN_ALLOW_THREADS
	$action
	Py_END_ALLOW_THREADS
	if (PyErr_Occurred())
		SWIG_fail;
	if (result < 0) {
		snp_py_raise((int)result);
		SWIG_fail;
	}
}

/* ---- addresses -------------------------------------------------------- */

/* addr_parse(text) -> (family, bytes) */
%typemap(in, numinputs=0) (int *family, uint8_t *out) (int fam = 0, uint8_t tmp[16])
	"$1 = &fam; $2 = tmp;"
%typemap(argout) (int *family, uint8_t *out)
	"$result = SWIG_Python_AppendOutput($result, Py_BuildValue(\"(iN)\", *$1, snp_py_addr_out(*$1, $2)));"

/* addr_format(family, bytes) -> str */
%typemap(in, numinputs=0) (char *buf, size_t len) (char tmp[64]) "$1 = tmp; $2 = sizeof(tmp);"
%typemap(argout) (char *buf, size_t len)
	"$result = SWIG_Python_AppendOutput($result, PyUnicode_FromString($1));"

/* ---- tables and port blocks ------------------------------------------- */

%{
static const struct snp_py_field snp_py_table_opts[] = {
	SNP_PY_F(snatpool_table_opts, max_mappings),
	SNP_PY_F(snatpool_table_opts, flags),
	SNP_PY_F(snatpool_table_opts, permit),
	SNP_PY_F(snatpool_table_opts, strategy),
	SNP_PY_F(snatpool_table_opts, algo),
	SNP_PY_F(snatpool_table_opts, inactivity_timeout),
	SNP_PY_F(snatpool_table_opts, max_session_number),
	SNP_PY_F(snatpool_table_opts, hold_down),
	SNP_PY_F(snatpool_table_opts, port_quota),
	SNP_PY_F(snatpool_table_opts, shards),
	SNP_PY_F(snatpool_table_opts, seed),
	SNP_PY_F(snatpool_table_opts, util_raise_pct),
	SNP_PY_F(snatpool_table_opts, util_clear_pct),
	SNP_PY_F(snatpool_table_opts, delta_capacity),
	SNP_PY_F(snatpool_table_opts, expire_budget),
	SNP_PY_F(snatpool_table_opts, workers),
	{ NULL, 0, 0 }
};

static const struct snp_py_field snp_py_table_stats[] = {
	SNP_PY_F(snatpool_table_stats, live_flows),
	SNP_PY_F(snatpool_table_stats, total_mappings),
	SNP_PY_F(snatpool_table_stats, total_tcp_mappings),
	SNP_PY_F(snatpool_table_stats, total_udp_mappings),
	SNP_PY_F(snatpool_table_stats, total_icmp_mappings),
	SNP_PY_F(snatpool_table_stats, leases),
	SNP_PY_F(snatpool_table_stats, ports_allocated),
	SNP_PY_F(snatpool_table_stats, ports_free),
	SNP_PY_F(snatpool_table_stats, allocations),
	SNP_PY_F(snatpool_table_stats, reuses),
	SNP_PY_F(snatpool_table_stats, releases),
	SNP_PY_F(snatpool_table_stats, rollbacks),
	SNP_PY_F(snatpool_table_stats, expirations),
	SNP_PY_F(snatpool_table_stats, exhausted_ports),
	SNP_PY_F(snatpool_table_stats, exhausted_paired),
	SNP_PY_F(snatpool_table_stats, exhausted_holddown),
	SNP_PY_F(snatpool_table_stats, table_full),
	SNP_PY_F(snatpool_table_stats, quota_exceeded),
	SNP_PY_F(snatpool_table_stats, session_limit),
	SNP_PY_F(snatpool_table_stats, permit_denied),
	SNP_PY_F(snatpool_table_stats, delta_exported),
	SNP_PY_F(snatpool_table_stats, delta_lost),
	SNP_PY_F(snatpool_table_stats, imports_applied),
	SNP_PY_F(snatpool_table_stats, imports_duplicate),
	SNP_PY_F(snatpool_table_stats, imports_rejected),
	SNP_PY_F(snatpool_table_stats, util_pct),
	SNP_PY_F(snatpool_table_stats, util_alarm),
	SNP_PY_F(snatpool_table_stats, util_raised),
	SNP_PY_F(snatpool_table_stats, util_cleared),
	{ NULL, 0, 0 }
};

static const struct snp_py_field snp_py_portblock_opts[] = {
	SNP_PY_F(snatpool_portblock_opts, family),
	SNP_PY_F(snatpool_portblock_opts, base),
	SNP_PY_F(snatpool_portblock_opts, count),
	SNP_PY_F(snatpool_portblock_opts, prefix_len),
	SNP_PY_F(snatpool_portblock_opts, xfamily),
	SNP_PY_F(snatpool_portblock_opts, block_size),
	SNP_PY_F(snatpool_portblock_opts, algo),
	SNP_PY_F(snatpool_portblock_opts, flags),
	{ NULL, 0, 0 }
};

/* A mapping as (family, proto, sport, src, xindex, xaddr, xport, flows,
 * expires, flags); addresses as bytes of their family's length (NAT64:
 * src IPv6, xaddr IPv4). */
static PyObject *snp_py_mapping(const struct snatpool_mapping *m)
{
	int slen = m->family == AF_INET ? 4 : 16, xlen = m->family == AF_INET6 ? 16 : 4;

	return Py_BuildValue("(iiiy#ky#ikkk)", m->family, (int)m->proto, (int)m->sport,
			     (const char *)m->src, (Py_ssize_t)slen,
			     (unsigned long)m->xindex,
			     (const char *)m->xaddr, (Py_ssize_t)xlen, (int)m->xport,
			     (unsigned long)m->flows, (unsigned long)m->expires,
			     (unsigned long)m->flags);
}

/* snatpool_table_walk() callback: append to the list @ctx; stop on error. */
static int snp_py_walk_cb(const struct snatpool_mapping *m, void *ctx)
{
	PyObject *o = snp_py_mapping(m);
	int rc;

	if (!o)
		return -ENOMEM;
	rc = PyList_Append((PyObject *)ctx, o);
	Py_DECREF(o);
	return rc < 0 ? -ENOMEM : 0;
}
%}

%typemap(in, numinputs=0) struct snatpool_table **out (struct snatpool_table *tmp = NULL)
	"$1 = &tmp;"
%typemap(argout) struct snatpool_table **out
	"$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(struct snatpool_table *), 0));"
%typemap(in, numinputs=0) struct snatpool_portblock **out (struct snatpool_portblock *tmp = NULL)
	"$1 = &tmp;"
%typemap(argout) struct snatpool_portblock **out
	"$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(struct snatpool_portblock *), 0));"

/* Table options: a dict of struct snatpool_table_opts fields.  The event
 * hook is never a Python callable (it runs under the table's locks, on any
 * thread): the key "event_queue" names a queue (event_queue_new()) that
 * snatpool_event_queue_push() fills and the caller drains. */
%typemap(in) const struct snatpool_table_opts *opts (struct snatpool_table_opts tmp, PyObject *rest = NULL) {
	PyObject *qobj = NULL;

	memset(&tmp, 0, sizeof(tmp));
	tmp.sz = sizeof(tmp);
	if (PyDict_Check($input) && (qobj = PyDict_GetItemString($input, "event_queue"))) {
		void *q = NULL;

		if (!SWIG_IsOK(SWIG_ConvertPtr(qobj, &q, $descriptor(struct snatpool_event_queue *), 0)) || !q) {
			PyErr_SetString(PyExc_TypeError, "table option event_queue: not an event queue");
			SWIG_fail;
		}
		tmp.event_cb = snatpool_event_queue_push;
		tmp.event_ctx = q;
		rest = PyDict_Copy($input);
		if (!rest || PyDict_DelItemString(rest, "event_queue") < 0)
			SWIG_fail;
	}
	if (snp_py_fill(rest ? rest : $input, &tmp, snp_py_table_opts, "table option") < 0)
		SWIG_fail;
	$1 = $input == Py_None ? NULL : &tmp;
}
%typemap(freearg) const struct snatpool_table_opts *opts "Py_XDECREF(rest$argnum);"

/* event_queue_new(capacity) -> queue; event_queue_drain(q, max) -> [event
 * tuples]; event_queue_stats(q) -> [queued, dropped] */
%typemap(in, numinputs=0) struct snatpool_event_queue **out (struct snatpool_event_queue *tmp = NULL)
	"$1 = &tmp;"
%typemap(argout) struct snatpool_event_queue **out
	"$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $descriptor(struct snatpool_event_queue *), 0));"
%typemap(in) (struct snatpool_table_event *out, size_t max) (struct snatpool_table_event *evs = NULL) {
	Py_ssize_t n = PyLong_AsSsize_t($input);

	if (n == -1 && PyErr_Occurred())
		SWIG_fail;
	if (n < 0 || n > 65536) {
		PyErr_SetString(PyExc_ValueError, "event_queue_drain: max is 0..65536");
		SWIG_fail;
	}
	evs = calloc(n ? (size_t)n : 1, sizeof(*evs));
	if (!evs) {
		PyErr_NoMemory();
		SWIG_fail;
	}
	$1 = evs;
	$2 = (size_t)n;
}
%typemap(argout) (struct snatpool_table_event *out, size_t max) {
	PyObject *list = PyList_New(0);
	int i;

	for (i = 0; list && i < result; i++) {
		const struct snatpool_table_event *e = &$1[i];
		PyObject *m = snp_py_mapping(&e->map);
		PyObject *o = m ? Py_BuildValue("(kkkN)", (unsigned long)e->type,
						(unsigned long)e->now,
						(unsigned long)e->util_pct, m) : NULL;

		if (!o || PyList_Append(list, o) < 0)
			Py_CLEAR(list);
		Py_XDECREF(o);
	}
	if (!list)
		SWIG_fail;
	$result = list;
}
%typemap(freearg) (struct snatpool_table_event *out, size_t max) "free(evs$argnum);"
%typemap(in, numinputs=0) size_t *queued (size_t tmp = 0) "$1 = &tmp;"
%typemap(argout) size_t *queued
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromSize_t(*$1));"
%typemap(in, numinputs=0) uint64_t *dropped (uint64_t tmp = 0) "$1 = &tmp;"
%typemap(argout) uint64_t *dropped
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLongLong(*$1));"
%typemap(out) int snatpool_event_queue_new, int snatpool_event_queue_stats
	"$result = SWIG_Py_Void();"
%ignore snatpool_event_queue_push;	/* the C hook itself */
%noexception snatpool_event_queue_free;
%typemap(in) const struct snatpool_portblock_opts *opts (struct snatpool_portblock_opts tmp) {
	memset(&tmp, 0, sizeof(tmp));
	tmp.sz = sizeof(tmp);
	if (snp_py_fill($input, &tmp, snp_py_portblock_opts, "port block option") < 0)
		SWIG_fail;
	$1 = $input == Py_None ? NULL : &tmp;
}

/* A flow: (family, proto, sport, dport, src bytes, dst bytes). */
%typemap(in) const struct snatpool_flow *flow (struct snatpool_flow tmp) {
	PyObject *so, *dobj;
	int fam, proto, sport, dport;

	memset(&tmp, 0, sizeof(tmp));
	if (!PyArg_ParseTuple($input, "iiiiOO;flow must be (family, proto, sport, dport, src, dst)",
			      &fam, &proto, &sport, &dport, &so, &dobj))
		SWIG_fail;
	if (proto < 0 || proto > 255 || sport < 0 || sport > 65535 || dport < 0 || dport > 65535) {
		PyErr_SetString(PyExc_ValueError, "flow: proto 0..255, ports 0..65535");
		SWIG_fail;
	}
	tmp.family = fam;
	tmp.proto = (uint8_t)proto;
	tmp.sport = (uint16_t)sport;
	tmp.dport = (uint16_t)dport;
	if (snp_py_addr_in(so, tmp.src) < 0 || snp_py_addr_in(dobj, tmp.dst) < 0)
		SWIG_fail;
	$1 = &tmp;
}

/* A mapping out-parameter: the tuple of snp_py_mapping(). */
%typemap(in, numinputs=0) struct snatpool_mapping *out (struct snatpool_mapping tmp)
	"memset(&tmp, 0, sizeof(tmp)); $1 = &tmp;"
%typemap(argout) struct snatpool_mapping *out {
	PyObject *o = snp_py_mapping($1);

	if (!o)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}
/* portblock_info(pb) -> dict of struct snatpool_portblock_info */
%typemap(in, numinputs=0) struct snatpool_portblock_info *info (struct snatpool_portblock_info tmp)
	"memset(&tmp, 0, sizeof(tmp)); tmp.sz = sizeof(tmp); $1 = &tmp;"
%typemap(argout) struct snatpool_portblock_info *info {
	int alen = snp_py_alen($1->family) ? snp_py_alen($1->family) : 16;
	PyObject *o = Py_BuildValue("{s:k,s:k,s:i,s:i,s:y#,s:i,s:k,s:k,s:k,s:i,s:i,s:i,s:y#}",
		"algo", (unsigned long)$1->algo, "flags", (unsigned long)$1->flags,
		"family", $1->family, "xfamily", $1->xfamily,
		"base", (const char *)$1->base, (Py_ssize_t)alen,
		"prefix_len", (int)$1->prefix_len, "count", (unsigned long)$1->count,
		"addrs", (unsigned long)$1->addrs, "blocks", (unsigned long)$1->blocks,
		"block_size", (int)$1->block_size, "port_lo", (int)$1->port_lo,
		"port_hi", (int)$1->port_hi,
		"fingerprint", (const char *)$1->fingerprint, (Py_ssize_t)32);

	if (!o)
		SWIG_fail;
	Py_DECREF($result);
	$result = o;
}
%rename("$ignore", %$isclass) snatpool_portblock_info;	/* a dict */
%rename(portblock_info) snatpool_portblock_info(const struct snatpool_portblock *,
						struct snatpool_portblock_info *);
%noexception snatpool_pbalgo_name;

%typemap(out) int snatpool_table_new, int snatpool_portblock_new,
	int snatpool_portblock_new_diag,
	int snatpool_table_claim, int snatpool_table_lookup,
	int snatpool_table_lookup_xlat, int snatpool_table_release,
	int snatpool_table_rollback, int snatpool_table_save,
	int snatpool_table_walk "$result = SWIG_Py_Void();"

/* table_stats(t) -> dict */
%typemap(in, numinputs=0) struct snatpool_table_stats *st (struct snatpool_table_stats tmp)
	"memset(&tmp, 0, sizeof(tmp)); tmp.sz = sizeof(tmp); $1 = &tmp;"
%typemap(argout) struct snatpool_table_stats *st {
	PyObject *o = snp_py_dict($1, snp_py_table_stats);

	if (!o)
		SWIG_fail;
	$result = o;
}
%rename("$ignore", %$isclass) snatpool_table_stats;	/* a dict */
%rename(table_stats) snatpool_table_stats(struct snatpool_table *, struct snatpool_table_stats *);

/* table_walk(t, now) -> [mapping tuples] */
%typemap(in, numinputs=0) (snatpool_table_walk_cb cb, void *ctx) (PyObject *list = NULL) {
	list = PyList_New(0);
	if (!list)
		SWIG_fail;
	$1 = snp_py_walk_cb;
	$2 = list;
}
%typemap(argout) (snatpool_table_walk_cb cb, void *ctx) {
	$result = list$argnum;
	list$argnum = NULL;
}
%typemap(freearg) (snatpool_table_walk_cb cb, void *ctx) "Py_XDECREF(list$argnum);"

/* Output buffers (snapshot, delta export): a writable buffer, or None to
 * size one; the result is the length. */
%typemap(in) (void *buf, size_t cap) (Py_buffer view, int have = 0) {
	if ($input == Py_None) {
		$1 = NULL;
		$2 = 0;
	} else {
		if (PyObject_GetBuffer($input, &view, PyBUF_WRITABLE) < 0)
			SWIG_fail;
		have = 1;
		$1 = view.buf;
		$2 = (size_t)view.len;
	}
}
%typemap(freearg) (void *buf, size_t cap) "if (have$argnum) PyBuffer_Release(&view$argnum);"

/* Input buffers (snapshot load, delta import): any bytes-like object. */
%typemap(in) (const void *buf, size_t len) (Py_buffer view, int have = 0) {
	if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
		SWIG_fail;
	have = 1;
	$1 = view.buf;
	$2 = (size_t)view.len;
}
%typemap(freearg) (const void *buf, size_t len) "if (have$argnum) PyBuffer_Release(&view$argnum);"
%typemap(in, numinputs=0) size_t *consumed (size_t tmp = 0) "$1 = &tmp;"
%typemap(argout) size_t *consumed
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromSize_t(*$1));"

/* portblock_map(pb, src) -> [number, xindex, xaddr(16), port_lo, port_hi];
 * portblock_reverse(pb, xaddr, xport) -> [number, sub(16)] */
%typemap(in, numinputs=0) uint32_t *xindex (uint32_t tmp = 0) "$1 = &tmp;"
%typemap(argout) uint32_t *xindex
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLong(*$1));"
%typemap(in, numinputs=0) uint8_t *xaddr (uint8_t tmp[16]), uint8_t *sub (uint8_t tmp[16])
	"memset(tmp, 0, 16); $1 = tmp;"
%typemap(argout) uint8_t *xaddr, uint8_t *sub
	"$result = SWIG_Python_AppendOutput($result, PyBytes_FromStringAndSize((const char *)$1, 16));"
%typemap(in, numinputs=0) uint16_t *port_lo (uint16_t tmp = 0), uint16_t *port_hi (uint16_t tmp = 0)
	"$1 = &tmp;"
%typemap(argout) uint16_t *port_lo, uint16_t *port_hi
	"$result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLong(*$1));"

%noexception snatpool_table_free;
%noexception snatpool_portblock_free;
%ignore snatpool_table_event;
%ignore snatpool_table_event_cb;
%ignore snatpool_table_walk_cb;
%ignore snatpool_flow;
%ignore snatpool_mapping;
%ignore snatpool_table_opts;
%ignore snatpool_portblock_opts;

/* Constants a Python program may want: families and sizes. */
%constant int AF_INET = AF_INET;
%constant int AF_INET6 = AF_INET6;
%constant int SNATPOOL_ALGO_DEFAULT = SNATPOOL_ALGO_DEFAULT;

%include "snatpool.h"
