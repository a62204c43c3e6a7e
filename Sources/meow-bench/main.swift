// The benchmark suite lives here (see BENCHMARKS.md); run with `swift run -c release meow-bench`.
print("meow-bench: not written yet")
