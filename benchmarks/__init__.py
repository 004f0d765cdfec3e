"""Speed and memory targets, run by `make bench`. Each bench_*.py module has main()."""
