// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool_test

import (
	"errors"
	"fmt"
	"net/netip"

	"snatpool.dev/snatpool"
)

func Example() {
	pool, err := snatpool.NewPool("198.51.100.1-198.51.100.4,2001:db8::/126", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()

	addr, index, err := pool.Select(netip.MustParseAddr("10.0.1.100"), snatpool.XpfUserspaceV1)
	fmt.Println(addr, index, err)

	_, _, err = pool.Select(netip.MustParseAddr("10.0.1.100"), snatpool.Algo(99))
	fmt.Println(errors.Is(err, snatpool.ErrAlgo))
	// Output:
	// 198.51.100.4 3 <nil>
	// true
}

func ExampleParseAlgo() {
	algo, err := snatpool.ParseAlgo("snatpool-maglev-v1")
	fmt.Println(uint32(algo), algo, err)
	// Output: 5 snatpool-maglev-v1 <nil>
}

func ExampleNewPool_error() {
	_, err := snatpool.NewPool("198.51.100.1,198.51.100.300", nil)
	var se *snatpool.Error
	if errors.As(err, &se) {
		fmt.Println(se.Code == snatpool.ErrAddr, se.Token)
	}
	// Output: true 198.51.100.300
}
