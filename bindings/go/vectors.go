// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <stdint.h>
#include <stdlib.h>
#include <snatpool.h>

int snp_go_vectors_verify(int fd, struct snatpool_verify_stats *st, uintptr_t h);
*/
import "C"

import (
	"bufio"
	"io"
	"os"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// VectorsSchema is the schema name of golden-vector lines.
const VectorsSchema = C.SNATPOOL_VECTORS_SCHEMA

// VectorResult is the outcome of checking one vector line.
type VectorResult struct {
	Line      int    // line number from 1 (Verify), 0 (CheckVector)
	Status    int    // 0 pass, 1 mismatch, -SNATPOOL_E* malformed
	WantIndex uint32 // from the line
	GotIndex  uint32 // from this library
	WantAddr  string
	GotAddr   string
	Msg       string // why it failed, "" on pass
}

// OK reports whether the line passed.
func (r VectorResult) OK() bool { return r.Status == 0 }

// VerifyResult holds the totals of Verify and its failing lines.
type VerifyResult struct {
	Passed, Failed, Malformed int
	Failures                  []VectorResult
}

func vectorResult(line int, r *C.struct_snatpool_vector_result) VectorResult {
	return VectorResult{
		Line:      line,
		Status:    int(r.status),
		WantIndex: uint32(r.want_index),
		GotIndex:  uint32(r.got_index),
		WantAddr:  C.GoString(&r.want_addr[0]),
		GotAddr:   C.GoString(&r.got_addr[0]),
		Msg:       C.GoString(&r.msg[0]),
	}
}

// CheckVector checks one vector line (without its newline).  A malformed
// line is a result with a negative Status, not an error.
func CheckVector(line string) VectorResult {
	var res C.struct_snatpool_vector_result
	var p *C.char
	if len(line) > 0 {
		p = (*C.char)(C.CBytes([]byte(line)))
		defer C.free(unsafe.Pointer(p))
	}
	C.snatpool_vector_check(p, C.size_t(len(line)), &res)
	return vectorResult(0, &res)
}

//export snpGoVerifyCb
func snpGoVerifyCb(lineno C.size_t, res *C.struct_snatpool_vector_result, h C.uintptr_t) {
	out := cgo.Handle(h).Value().(*[]VectorResult)
	*out = append(*out, vectorResult(int(lineno), res))
}

// VerifyFile checks every line of an open file (snatpool_vectors_verify
// reads its descriptor).  A read error is returned with the totals so far.
func VerifyFile(f *os.File) (VerifyResult, error) {
	var fails []VectorResult
	h := cgo.NewHandle(&fails)
	defer h.Delete()
	var st C.struct_snatpool_verify_stats
	rc := C.snp_go_vectors_verify(C.int(f.Fd()), &st, C.uintptr_t(h))
	runtime.KeepAlive(f)
	res := VerifyResult{
		Passed:    int(st.passed),
		Failed:    int(st.failed),
		Malformed: int(st.malformed),
		Failures:  fails,
	}
	return res, errOf("snatpool_vectors_verify", rc)
}

// Verify checks every line of the vectors file at path.
func Verify(path string) (VerifyResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return VerifyResult{}, err
	}
	defer f.Close()
	return VerifyFile(f)
}

// WriteVectors writes the deterministic edge-case vectors of algo to w and
// returns the number of lines.
func WriteVectors(w io.Writer, algo Algo) (int, error) {
	r, wp, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, r)
		r.Close()
		done <- err
	}()
	rc := C.snatpool_vectors_write(C.int(wp.Fd()), C.uint32_t(algo))
	runtime.KeepAlive(wp)
	wp.Close()
	cerr := <-done
	if err := errOf("snatpool_vectors_write", rc); err != nil {
		return 0, err
	}
	return int(rc), cerr
}

// Vectors returns the vectors of algo as lines without their newlines.
func Vectors(algo Algo) ([]string, error) {
	pr, pw := io.Pipe()
	lines := make(chan []string, 1)
	go func() {
		var out []string
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<16), 1<<26)
		for sc.Scan() {
			out = append(out, sc.Text())
		}
		pr.CloseWithError(sc.Err())
		lines <- out
	}()
	_, err := WriteVectors(pw, algo)
	pw.Close()
	out := <-lines
	return out, err
}
