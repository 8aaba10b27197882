// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

// Command snatpool-go checks golden-vector files through the Go binding,
// as `snatpool verify` does through the C library:
//
//	go run ./cmd/snatpool-go verify FILE...
//
// Each failing line is reported on standard error as FILE:LINE: message;
// standard output ends with "N passed, N failed".  Exit status: 0 every
// line passed, 1 a line failed (or a file held no vector), 2 usage error
// or unreadable file.
//
// Two more commands serve the conformance suite (tests/conformance):
// "compute JOBS" answers job lines through Pool.Select, and "bench" prints
// the per-call cost of Select as key=value lines.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"snatpool.dev/snatpool"
)

const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func warn(cmd, format string, args ...interface{}) {
	os.Stdout.Sync()
	prefix := "snatpool-go: "
	if cmd != "" {
		prefix = "snatpool-go " + cmd + ": "
	}
	fmt.Fprintf(os.Stderr, prefix+format+"\n", args...)
}

// sanitize is the CLI's cli_sanitize(): non-printable octets become '?',
// text longer than size-1 is cut to size-4 and ends with "...".
func sanitize(text string, size int) string {
	keep := len(text)
	if keep > size-1 {
		keep = size - 4
	}
	b := make([]byte, 0, keep+3)
	for i := 0; i < keep; i++ {
		c := text[i]
		if c < 0x20 || c >= 0x7f {
			c = '?'
		}
		b = append(b, c)
	}
	if keep < len(text) {
		b = append(b, "..."...)
	}
	return string(b)
}

func failureText(r snatpool.VectorResult) string {
	switch {
	case r.Msg != "":
		return sanitize(r.Msg, 168)
	case r.Status == 1:
		return fmt.Sprintf("mismatch: want %d %s, got %d %s", r.WantIndex,
			sanitize(r.WantAddr, 56), r.GotIndex, sanitize(r.GotAddr, 56))
	default:
		return snatpool.Code(-r.Status).Error()
	}
}

func verifyFile(path string, passed, failed *int) int {
	name := path
	var f *os.File
	if path == "-" {
		name, f = "<stdin>", os.Stdin
	} else {
		var err error
		if f, err = os.Open(path); err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			warn("verify", "%s: %s", path, err)
			return exitUsage
		}
		defer f.Close()
	}
	res, err := snatpool.VerifyFile(f)
	for _, r := range res.Failures {
		fmt.Fprintf(os.Stderr, "%s:%d: %s\n", name, r.Line, failureText(r))
	}
	*passed += res.Passed
	*failed += res.Failed
	if err != nil {
		var se *snatpool.Error
		if errors.As(err, &se) {
			err = se.Code
		}
		warn("verify", "%s: %s", name, err)
		return exitUsage
	}
	if res.Passed+res.Failed == 0 {
		warn("verify", "%s: no vector in the file", name)
		return exitFail
	}
	if res.Failed > 0 {
		return exitFail
	}
	return exitOK
}

const verifyUsage = `Usage: snatpool-go verify FILE...
Check every line of vector files against libsnatpool through the Go
binding, as 'snatpool verify' does.  FILE '-' is standard input.  Each
failing line is reported on standard error as FILE:LINE: message; standard
output ends with 'N passed, N failed'.

Exit status: 0 every line passed, 1 a line failed or was malformed, or a
file held no vector, 2 usage error or unreadable file.
`

func cmdVerify(args []string) int {
	var files []string
	for i, a := range args {
		switch {
		case a == "-h" || a == "--help":
			fmt.Print(verifyUsage)
			return exitOK
		case a == "--":
			files = append(files, args[i+1:]...)
			goto run
		case strings.HasPrefix(a, "-") && a != "-":
			warn("verify", "unknown option '%s'", sanitize(a, 80))
			return exitUsage
		default:
			files = append(files, a)
		}
	}
run:
	if len(files) == 0 {
		warn("verify", "missing FILE (see 'snatpool-go verify --help')")
		return exitUsage
	}
	passed, failed, worst := 0, 0, exitOK
	for _, f := range files {
		if rc := verifyFile(f, &passed, &failed); rc > worst {
			worst = rc
		}
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	return worst
}

func codeOf(err error) int {
	var se *snatpool.Error
	if errors.As(err, &se) {
		return int(se.Code)
	}
	return 22 // EINVAL
}

// cmdCompute answers the job lines of tests/conformance/jobs.py.
func cmdCompute(args []string) int {
	if len(args) != 1 {
		warn("compute", "usage: snatpool-go compute JOBS")
		return exitUsage
	}
	var in io.Reader = os.Stdin
	if args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			warn("compute", "%v", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	var pool *snatpool.Pool
	poolErr := 22
	defer func() {
		if pool != nil {
			pool.Close()
		}
	}()
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			fmt.Fprintln(out, line)
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case f[0] == "P" && len(f) == 4:
			if pool != nil {
				pool.Close()
				pool = nil
			}
			seed, err1 := strconv.ParseUint(f[1], 10, 64)
			msize, err2 := strconv.ParseUint(f[2], 10, 32)
			if err1 != nil || err2 != nil {
				warn("compute", "bad P line")
				return exitUsage
			}
			p, err := snatpool.NewPool(f[3], &snatpool.PoolOptions{Seed: seed, MaglevSize: uint32(msize)})
			if err != nil {
				poolErr = codeOf(err)
				fmt.Fprintf(out, "pool error %d\n", poolErr)
				continue
			}
			pool, poolErr = p, 0
			fmt.Fprintln(out, "pool ok")
		case (f[0] == "S" || f[0] == "X") && len(f) == 3:
			algo, err := snatpool.ParseAlgo(f[1])
			if err != nil || strings.TrimLeft(f[1], "0123456789") == "" {
				fmt.Fprintf(out, "error %d\n", int(snatpool.ErrAlgo))
				continue
			}
			src, err := snatpool.ParseAddr(f[2])
			if err != nil {
				fmt.Fprintf(out, "error %d\n", codeOf(err))
				continue
			}
			if poolErr != 0 {
				fmt.Fprintf(out, "error %d\n", poolErr)
				continue
			}
			var addr netip.Addr
			var idx int
			if f[0] == "X" {
				addr, idx, err = pool.SelectNAT64(src, algo)
			} else {
				addr, idx, err = pool.Select(src, algo)
			}
			if err != nil {
				fmt.Fprintf(out, "error %d\n", codeOf(err))
				continue
			}
			fmt.Fprintf(out, "%d %s\n", idx, snatpool.FormatAddr(addr))
		default:
			warn("compute", "not a job line: %q", sanitize(line, 80))
			return exitUsage
		}
	}
	if err := sc.Err(); err != nil {
		warn("compute", "%v", err)
		return exitUsage
	}
	return exitOK
}

// cmdBench: the loop of compute.c --bench, through Pool.Select.
func cmdBench(args []string) int {
	n := 2000000
	if len(args) > 0 {
		if v, err := strconv.Atoi(args[0]); err == nil && v > 0 {
			n = v
		}
	}
	pool, err := snatpool.NewPool("198.51.100.0/24", nil)
	if err != nil {
		warn("bench", "%v", err)
		return exitFail
	}
	defer pool.Close()
	const nsrc = 4096
	srcs := make([]netip.Addr, nsrc)
	for i := range srcs {
		v := uint32(i) * 2654435761
		srcs[i] = netip.AddrFrom4([4]byte{10, byte(v >> 16), byte(v >> 8), byte(v)})
	}
	var sum uint32
	best := 0.0
	for run := 0; run < 6; run++ {
		t0 := time.Now()
		for i := 0; i < n; i++ {
			a, idx, err := pool.Select(srcs[i%nsrc], snatpool.XXH3V1)
			if err != nil {
				warn("bench", "%v", err)
				return exitFail
			}
			sum += uint32(idx) + uint32(a.As4()[3])
		}
		ns := float64(time.Since(t0).Nanoseconds()) / float64(n)
		if run > 0 && (best == 0 || ns < best) {
			best = ns
		}
	}
	fmt.Printf("call_ns.go.select=%.1f algo=snatpool-xxh3-v1 calls=%d checksum=%d\n", best, n, sum)
	return exitOK
}

func main() {
	if len(os.Args) < 2 {
		warn("", "missing command (see 'snatpool-go --help')")
		os.Exit(exitUsage)
	}
	switch os.Args[1] {
	case "-h", "--help":
		fmt.Print("Usage: snatpool-go verify FILE...\n" +
			"Check vector files through the Go binding of libsnatpool.\n")
		os.Exit(exitOK)
	case "--version":
		fmt.Printf("snatpool-go %s\n", snatpool.Version())
		os.Exit(exitOK)
	case "verify":
		os.Exit(cmdVerify(os.Args[2:]))
	case "compute":
		os.Exit(cmdCompute(os.Args[2:]))
	case "bench":
		os.Exit(cmdBench(os.Args[2:]))
	}
	what := "command"
	if strings.HasPrefix(os.Args[1], "-") {
		what = "option"
	}
	warn("", "unknown %s '%s' (see 'snatpool-go --help')", what, sanitize(os.Args[1], 80))
	os.Exit(exitUsage)
}
