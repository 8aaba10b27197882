module snatpool.dev/snatpool

go 1.19
