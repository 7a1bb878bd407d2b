package answer

// SetWorkers sets how many goroutines e reads and scores a question's
// passages on (0: the default), for the benchmarks that compare one with
// several.
func SetWorkers(e *Engine, n int) {
	if n <= 0 {
		n = defaultWorkers()
	}
	e.workers = n
}
